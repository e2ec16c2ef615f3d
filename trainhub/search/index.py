"""An in-memory inverted index over the catalog's texts, and the query over it (pure).

The catalog is a few hundred documents held in every worker's memory and derived from files,
so the index is derived the same way: built from the catalog on first use, kept while the
catalog's fingerprint is the same, never stored. Ranking is BM25 over titles (weighted) and
bodies; every word of the query must match (readers type few words and expect each to count).
Highlighting returns plain segments, ``(text, is_match)``: the template escapes each one, so
neither the query nor the content can inject HTML.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .analysis import query_terms, terms, words

TITLE_WEIGHT = 3.0
_K1 = 1.2
_B = 0.75
SNIPPET_WORDS = 28
MAX_QUERY_WORDS = 12


@dataclass(frozen=True)
class Document:
    """One searchable item. ``kind`` and ``key`` name it (the view builds its link from them);
    ``audience`` is who it is meant for (track roles, "all", or empty for everyone)."""

    kind: str  # "lesson", "course", "quiz", "roleplay", "track"
    key: tuple[str, ...]
    title: str
    body: str
    audience: tuple[str, ...] = ()
    context: str = ""  # e.g. the course a lesson belongs to
    language: str | None = None  # None: the content's default language


Segment = tuple[str, bool]


@dataclass(frozen=True)
class Hit:
    document: Document
    score: float
    title: tuple[Segment, ...]
    snippet: tuple[Segment, ...]


@dataclass
class Index:
    documents: list[Document] = field(default_factory=list)
    # term -> {document number: (title count, body count)}
    postings: dict[str, dict[int, tuple[int, int]]] = field(default_factory=dict)
    lengths: list[float] = field(default_factory=list)
    average_length: float = 1.0

    def search(
        self, query: str, visible: Iterable[int] | None = None, limit: int = 50
    ) -> list[Hit]:
        """The best documents for ``query`` among the ``visible`` document numbers."""
        wanted = query_terms(query)[:MAX_QUERY_WORDS]
        if not wanted:
            return []
        allowed = set(range(len(self.documents)) if visible is None else visible)
        scores: dict[int, float] = {}
        for alternatives in wanted:
            found = self._matches(alternatives, allowed)
            if not found:
                return []
            if not scores:
                scores = found
            else:
                scores = {n: scores[n] + s for n, s in found.items() if n in scores}
            allowed = set(scores)
        if not scores:
            return []
        matched = frozenset().union(*wanted)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [self._hit(number, score, matched) for number, score in ranked]

    def _matches(self, alternatives: frozenset[str], allowed: set[int]) -> dict[int, float]:
        """BM25 of one query word (any of its terms) for each allowed document it is in."""
        counts: dict[int, float] = defaultdict(float)
        for term in alternatives:
            for number, (in_title, in_body) in self.postings.get(term, {}).items():
                if number in allowed:
                    counts[number] = max(counts[number], TITLE_WEIGHT * in_title + in_body)
        if not counts:
            return {}
        total = len(self.documents)
        idf = math.log(1 + (total - len(counts) + 0.5) / (len(counts) + 0.5))
        return {
            number: idf
            * tf
            * (_K1 + 1)
            / (tf + _K1 * (1 - _B + _B * self.lengths[number] / self.average_length))
            for number, tf in counts.items()
        }

    def _hit(self, number: int, score: float, matched: frozenset[str]) -> Hit:
        document = self.documents[number]
        return Hit(
            document=document,
            score=score,
            title=highlight(document.title, matched),
            snippet=snippet(document.body, matched),
        )


def build_index(documents: Sequence[Document]) -> Index:
    index = Index(documents=list(documents))
    for number, document in enumerate(index.documents):
        in_title = Counter(t for m in words(document.title) for t in terms(m.group()))
        in_body = Counter(t for m in words(document.body) for t in terms(m.group()))
        for term in in_title.keys() | in_body.keys():
            index.postings.setdefault(term, {})[number] = (in_title[term], in_body[term])
        index.lengths.append(float(sum(1 for _ in words(document.body)) + 1))
    if index.lengths:
        index.average_length = sum(index.lengths) / len(index.lengths)
    return index


def _is_match(word: str, matched: frozenset[str]) -> bool:
    return not terms(word).isdisjoint(matched)


def highlight(text: str, matched: frozenset[str]) -> tuple[Segment, ...]:
    """``text`` cut into plain and matching pieces, in order; joined they give ``text``."""
    segments: list[Segment] = []
    place = 0
    for match in words(text):
        if _is_match(match.group(), matched):
            if match.start() > place:
                segments.append((text[place : match.start()], False))
            segments.append((match.group(), True))
            place = match.end()
    if place < len(text):
        segments.append((text[place:], False))
    return tuple(segments)


def snippet(text: str, matched: frozenset[str], size: int = SNIPPET_WORDS) -> tuple[Segment, ...]:
    """About ``size`` words of ``text`` around its first match, highlighted, with ellipses."""
    found = list(words(text))
    if not found:
        return ()
    first = next((i for i, m in enumerate(found) if _is_match(m.group(), matched)), 0)
    start = max(0, first - size // 3)
    end = min(len(found), start + size)
    start = max(0, end - size)
    piece = text[found[start].start() : found[end - 1].end()]
    segments = list(highlight(piece, matched))
    if start > 0:
        segments.insert(0, ("… ", False))
    if end < len(found):
        segments.append((" …", False))
    return tuple(segments)
