"""Read the forms a page offers, fill them as a person would, and scan pages for live markup.

The XSS and control-character tests do not list fields by hand: they take every POST form on
every page each role can open (from the route matrix), so a new field or form is covered the
day it appears.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, hidden, select, radio, checkbox, file, date, number, ...
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    action: str
    fields: list[Field] = field(default_factory=list)
    multipart: bool = False

    @property
    def text_fields(self) -> list[Field]:
        return [f for f in self.fields if f.kind in TEXT_KINDS]

    def data(
        self, text: dict[str, str], file_name: str | None = None, *, last: bool = False
    ) -> dict[str, Any]:
        """What a browser sends: hidden values kept, the chosen (else the first, or with
        ``last`` the last) option of each choice, ``text`` for the named text fields, others
        left as the page filled them."""
        out: dict[str, Any] = {}
        radios: dict[str, str] = {}
        for f in self.fields:
            if f.kind == "hidden":
                out[f.name] = f.value
            elif f.kind in TEXT_KINDS:
                out[f.name] = text.get(f.name, f.value)
            elif f.kind == "email":
                out[f.name] = f.value or "new.person@example.test"
            elif f.kind == "password":
                out[f.name] = "a-long-enough-pass-phrase-7"
            elif f.kind == "select":
                out[f.name] = f.value or next((o for o in f.options if o), "")
            elif f.kind == "radio":
                if f.checked or f.name not in radios or last:
                    radios[f.name] = f.value
            elif f.kind == "checkbox" and f.checked:
                out.setdefault(f.name, []).append(f.value or "y")
            elif f.kind == "date":
                out[f.name] = f.value if f.value and not last else "2026-12-21"
            elif f.kind == "number":
                out[f.name] = f.value or "2"
            elif f.kind == "file" and file_name is not None:
                out[f.name] = (io.BytesIO(PDF), file_name)
        out.update(radios)
        return out


# The fields that take free text (an e-mail or a password field takes a valid value instead).
TEXT_KINDS = {"text", "textarea", "search", "url", "tel"}


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(a.get("action", ""), multipart="multipart" in a.get("enctype", ""))
            self.forms.append(self._form)
        if self._form is None or "name" not in a and tag in {"input", "select", "textarea"}:
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "reset", "image"}:
                if a.get("name"):
                    self._form.fields.append(Field(a["name"], "hidden", a.get("value", "1")))
                return
            self._form.fields.append(
                Field(a["name"], kind, a.get("value", ""), checked="checked" in a)
            )
        elif tag == "button" and a.get("name"):
            if not any(f.name == a["name"] for f in self._form.fields):
                self._form.fields.append(Field(a["name"], "hidden", a.get("value", "1")))
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(a["name"], "select")
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option(a)

    def _option(self, a: dict[str, str]) -> None:
        assert self._select is not None
        self._select.options.append(a.get("value", ""))
        if "selected" in a:
            self._select.value = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str, page_url: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        form.action = form.action or page_url.split("?")[0]
    return parser.forms


# --- what counts as live ------------------------------------------------------------------

DANGEROUS_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "link",
    "meta", "style", "xml", "xss", "isindex", "marquee", "bgsound", "noscript",
}  # fmt: skip
# (<svg> and <math> are not in it: the app draws its charts in SVG. What would make one of
# them run, a handler, a script or a javascript: URL inside, is caught as itself.)
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "poster",
             "background", "dynsrc", "lowsrc", "codebase", "srcset"}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
# The app's own markup that the scanner must let through.
OWN_SCRIPTS = "/static/"


class _Live(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: (v or "") for k, v in attrs}
        own = tag in {"script", "link"} and (
            values.get("src", values.get("href", "")).startswith(OWN_SCRIPTS)
        )
        own = own or (tag == "meta" and set(values) <= {"charset", "name", "content"})
        if tag in DANGEROUS_TAGS and not own:
            self.found.append(f"<{tag} {' '.join(values)}>")
        for name, raw in values.items():
            value = "".join(raw.split()).lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in URL_ATTRS and value.startswith(BAD_SCHEMES):
                self.found.append(f"<{tag} {name}={raw[:40]}>")
            if name == "style" and ("expression(" in value or "javascript" in value or
                                    "url(" in value):  # fmt: skip
                self.found.append(f"<{tag} style={raw[:40]}>")
            if name == "http-equiv":
                self.found.append(f"<{tag} http-equiv>")


def live_markup(html: str) -> list[str]:
    """Elements, attributes and URLs that a browser would run or follow."""
    scan = _Live()
    scan.feed(html)
    return scan.found
