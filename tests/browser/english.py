"""English words on a page that should be in Russian or Ukrainian.

``visible_text(page)`` collects what a person is shown: every rendered text node (the
contents of closed ``<details>`` and of ``<select>`` options too, since a click shows them),
the ``title``, ``aria-label``, ``placeholder`` and ``alt`` attributes and a button's
``value``, and the document's title; each piece with its element's language (the nearest
``lang`` attribute). ``english_words`` finds the words in Latin letters that are not on the
short list of proper names below. A piece marked with another language (``lang="en"``: the
language switch's "English", or content shown in its original with the note that it is not
yet translated) is not a leak of the interface: ``leaks`` returns those separately, so that
a test can say which originals it accepts.

The scanner is pure Python over the collected pieces (tested in tests/unit), plus one script
run in the page (tested in tests/browser/test_english_scanner.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Words in Latin letters that are right in a Russian or Ukrainian page. Kept short: each one
# is a proper name, a name of a file format or a key, or a term Russian and Ukrainian sales
# people write in Latin letters (the seeds do). Each one is on a page of the walk today.
ALLOWED = frozenset(
    word.casefold()
    for word in (
        # The product, and the demo company the content is written for.
        "TrainHub", "Northwind",
        # Terms of the trade both languages write in Latin letters (the seeds write CRM so).
        "CRM", "KPI",
        # Names of services, file formats and keys, which have no other spelling.
        "LinkedIn", "Markdown", "CSV", "PDF", "mp3", "m4a", "ogg", "wav", "webm", "Ctrl",
        # Calendar programs a feed link is added to, and the time zone both languages write
        # as UTC.
        "Outlook", "Google", "UTC",
    )
)  # fmt: skip
# Written with a hyphen, a space or a sign, so matched whole before the text is cut into
# words: the demo people's names are data, as a real hire's would be, but "Mentor" alone is
# a leak.
ALLOWED_PHRASES = (
    "e-mail", "Northwind Supplies",
    "Max Manager", "Maria Mentor", "Harper Hire",
    # The demo banner's password, which a visitor types as it is written.
    "demo-password",
    # The companies of the content's cases and examples (proper names).
    "Kestrel Freight", "Kestrel", "Veltra Dental Clinics", "Harbour Family Clinic",
    "Westside Dental", "CopyPoint",
    # An e-mail's subject line and a shared mailbox, as the hire will see them.
    "Re:", "info@",
    # The placeholder course names its folder, for the company that replaces it.
    "product-and-crm",
)  # fmt: skip

_ADDRESS_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+", re.UNICODE)
# A word: a Latin letter and at least one more letter or digit ("mp3"). A lone letter
# ("N-D-B-T", "5 x 2", Ctrl+P) is no word.
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9]+")
_PHRASES_RE = re.compile(
    r"(?<![A-Za-z])(?:" + "|".join(re.escape(p) for p in ALLOWED_PHRASES) + r")(?![A-Za-z-])",
    re.IGNORECASE,
)


def english_words(text: str) -> list[str]:
    """The words of ``text`` in Latin letters that are not allowed names, in order."""
    text = _PHRASES_RE.sub(" ", _ADDRESS_RE.sub(" ", text))
    return [w for w in _WORD_RE.findall(text) if w.casefold() not in ALLOWED]


@dataclass(frozen=True)
class Piece:
    text: str
    lang: str  # the element's language ("ru", "en-US", "" when nothing says)
    where: str  # a short description of the element, for the failure message


@dataclass(frozen=True)
class Leak:
    url: str
    where: str
    words: tuple[str, ...]
    text: str

    def __str__(self) -> str:
        return f"{self.url} {self.where}: {', '.join(self.words)} in {self.text[:160]!r}"


def _primary(lang: str) -> str:
    return lang.split("-")[0].lower()


def leaks(pieces: Iterable[Piece], language: str, url: str = "") -> tuple[list[Leak], list[Piece]]:
    """English words in pieces of ``language`` (or of no stated language), and the pieces
    marked as another language (the caller decides which of those it accepts)."""
    found: list[Leak] = []
    marked: list[Piece] = []
    for piece in pieces:
        if piece.lang and _primary(piece.lang) != language:
            marked.append(piece)
            continue
        words = english_words(piece.text)
        if words:
            found.append(Leak(url, piece.where, tuple(words), piece.text))
    return found, marked


VISIBLE_TEXT_JS = """
() => {
  const out = [];
  const langOf = (el) => {
    const owner = el.closest('[lang]');
    return owner ? owner.getAttribute('lang') : '';
  };
  const describe = (el) => {
    const test = el.closest('[data-testid]');
    const id = el.id ? '#' + el.id : '';
    return el.tagName.toLowerCase() + id + (test ? ` in [data-testid=${test.dataset.testid}]` : '');
  };
  // What a click shows counts as shown: the reasons behind a <details>, a select's options.
  for (const d of document.querySelectorAll('details')) d.open = true;
  const shown = (el) => el.checkVisibility({visibilityProperty: true});
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.nodeValue.replace(/\\s+/g, ' ').trim();
    if (!el || !text || el.closest('script, style, noscript, template')) continue;
    if (!el.closest('select') && !shown(el)) continue;
    out.push({text, lang: langOf(el), where: describe(el)});
  }
  const attributes = ['title', 'aria-label', 'placeholder', 'alt'];
  for (const el of document.body.querySelectorAll('*')) {
    if (!shown(el) && !el.closest('select')) continue;
    for (const name of attributes) {
      const value = el.getAttribute(name);
      if (value && value.trim()) {
        out.push({text: value, lang: langOf(el), where: `${describe(el)} @${name}`});
      }
    }
    if (el.matches('input[type=submit], input[type=button], input[type=reset]') && el.value) {
      out.push({text: el.value, lang: langOf(el), where: `${describe(el)} @value`});
    }
  }
  const pageLang = document.documentElement.getAttribute('lang') || '';
  out.push({text: document.title, lang: pageLang, where: 'title'});
  return out;
}
"""


def visible_text(page: Any) -> list[Piece]:
    return [Piece(**p) for p in page.evaluate(VISIBLE_TEXT_JS)]


def page_leaks(page: Any, language: str) -> tuple[list[Leak], list[Piece]]:
    """The English on the page open in ``page`` (see ``leaks``)."""
    return leaks(visible_text(page), language, page.url)
