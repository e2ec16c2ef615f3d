"""Words to search terms: one set of terms per word, so that word forms meet.

A word written in Latin letters is stemmed by Snowball's English stemmer. A word in Cyrillic
gets two terms, the Snowball Russian stem and the Ukrainian dictionary form (pymorphy3 with the
Ukrainian dictionary): a text's language is not always known (the catalog serves originals
today), and a word of either language then still meets its other forms («продажа»,
«продажи», «продаж»; «продаж», «продажі», «продажів»). The two kinds of term carry a prefix, so
a Russian stem never collides with a Ukrainian lemma by accident.

Pure functions; the stemmers are built once per process and their results cached.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import pymorphy3
import snowballstemmer

# A word: letters and digits, with inner apostrophes (Ukrainian «м'ясо», English "don't") and
# hyphens ("follow-up", «из-за») kept inside it.
WORD_RE = re.compile(r"[^\W_]+(?:['’ʼ\-][^\W_]+)*")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})


@functools.cache
def _snowball(language: str) -> Any:
    return snowballstemmer.stemmer(language)


@functools.cache
def _ukrainian() -> pymorphy3.MorphAnalyzer:
    # About 0.15 s and 15 MB the first time, once per process.
    return pymorphy3.MorphAnalyzer(lang="uk")


def normalize(word: str) -> str:
    """Case and spelling variants that readers do not tell apart: ё is е, curly apostrophes."""
    return word.casefold().replace("ё", "е").translate(_APOSTROPHES)


@functools.lru_cache(maxsize=100_000)
def terms(word: str) -> frozenset[str]:
    """The search terms of one word (already a WORD_RE match)."""
    plain = normalize(word)
    if _CYRILLIC_RE.search(plain):
        russian = _snowball("russian").stemWord(plain)
        ukrainian = normalize(_ukrainian().parse(plain)[0].normal_form)
        return frozenset({f"ru:{russian}", f"uk:{ukrainian}"})
    if plain.isdigit():
        return frozenset({f"n:{plain}"})
    return frozenset({f"en:{_snowball('english').stemWord(plain)}"})


def words(text: str) -> Iterator[re.Match[str]]:
    """Every word of a text, with its place (for highlighting)."""
    return WORD_RE.finditer(text)


def query_terms(query: str) -> list[frozenset[str]]:
    """One set of terms per word of the query, in order, without repeats."""
    seen: list[frozenset[str]] = []
    for match in words(query):
        found = terms(match.group())
        if found not in seen:
            seen.append(found)
    return seen
