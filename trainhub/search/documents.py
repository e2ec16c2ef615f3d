"""The catalog as search documents, and who may find which (pure).

What a hire reads on a page is indexed, and nothing else: a lesson's text, a course's and a
quiz's title and summary, a case's scenario, persona and objectives, a track's title, summary
and step titles. Quiz questions (their answers and feedback), rubrics and ``mentor_notes`` are
never indexed, so no search can reveal them, whoever asks.

The catalog given is the one the reader reads (``read_catalog()``): each item in the reader's
language where it is translated, the original otherwise, so a Russian reader searches the
Russian texts. Each document says its text's language.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from ..catalog import Catalog
from ..catalog.links import link_text
from .index import Document

_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")
# Block ends become a full stop's worth of space, so a snippet does not run two headings into
# one sentence-looking line.
_BLOCK_END_RE = re.compile(r"</(?:p|h[1-6]|li|td|th|tr|pre|blockquote|div)>", re.I)


def plain_text(markup: str) -> str:
    """Sanitized HTML (rendered content) to the text a reader sees."""
    text = _TAG_RE.sub(" ", _BLOCK_END_RE.sub(" \n ", markup))
    return _SPACE_RE.sub(" ", html.unescape(text)).strip()


def catalog_documents(catalog: Catalog) -> Iterator[Document]:
    for course in catalog.courses.values():
        yield Document(
            "course",
            (course.slug,),
            course.title,
            course.summary,
            course.roles,
            language=catalog.language_of(course),
        )
        for lesson in course.lessons:
            yield Document(
                "lesson",
                (course.slug, lesson.slug),
                lesson.title,
                plain_text(lesson.html),
                course.roles,
                context=course.title,
                language=catalog.language_of(lesson),
            )
    for quiz in catalog.quizzes.values():
        yield Document(
            "quiz",
            (quiz.slug,),
            quiz.title,
            quiz.summary,
            quiz.roles,
            language=catalog.language_of(quiz),
        )
    for case in catalog.roleplays.values():
        persona = case.persona
        # The plain fields may hold Markdown links: their words are indexed, not their files.
        about = [link_text(case.situation), plain_text(case.html)]
        about += [link_text(objective) for objective in case.objectives]
        if persona is not None:
            about[:0] = [persona.name, persona.role, link_text(persona.traits)]
        yield Document(
            "roleplay",
            (case.slug,),
            case.title,
            " \n ".join(p for p in about if p),
            case.roles,
            language=catalog.language_of(case),
        )
    for track in catalog.tracks.values():
        steps = [
            step.title or getattr(catalog.item(step.kind, step.slug), "title", "")
            for step in track.steps
        ]
        yield Document(
            "track",
            (track.role,),
            track.title,
            " \n ".join([track.summary, *(s for s in steps if s)]),
            (track.role,),
            language=catalog.language_of(track),
        )


def is_visible(document: Document, *, role: str, track: str | None) -> bool:
    """Whether a person may see this document, by the rules of the pages it links to: every
    signed-in person may open any course, lesson, quiz and case (``@requires(is_signed_in)``);
    a track is shown to a hire only as their own (on their home page), and to staff as a team
    filter or a person's plan."""
    if document.kind == "track":
        return role != "hire" or document.key == (track,)
    return True
