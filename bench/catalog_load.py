"""Catalog load time for a generated content root of many lessons, cold and warm.

The lessons reuse the shipped lessons' text (about 4.7 KB each, links made plain), each with a
line of its own so that no two share a content hash; without shipped content a synthetic
2 KB lesson is used.

Cold: an empty render cache folder, so every lesson is rendered and sanitized. Warm: a new
RenderCache over the folder the cold load filled (what a restarted worker sees).
"""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from trainhub.catalog import load_catalog
from trainhub.catalog.cache import RenderCache
from trainhub.catalog.sources import split_front_matter
from trainhub.config import PROJECT_ROOT

LESSONS_PER_COURSE = 20

_PARAGRAPH = (
    "A sales conversation moves forward when the rep asks about the client's goals before "
    "talking about the offer. Write down what you hear, in the client's words, and repeat it "
    "back before you propose anything. *Numbers* beat adjectives: ask how many, how often and "
    "how much, and put the answers in the CRM the same day."
)


def lesson_text(course: int, number: int, total: int) -> str:
    """A lesson of about 2 KB with the usual Markdown: headings, lists, a table, a link."""
    link = (
        f"See also [the previous lesson]({number - 1:02d}-lesson-{number - 1}.md)."
        if number > 1
        else ""
    )
    rows = [f"| Stage {i} | {i * 10}% | {i * 3} days |" for i in range(1, 6)]
    lines = [
        "---",
        f"title: Course {course} lesson {number} of {total}",
        f"minutes: {5 + number % 10}",
        "---",
        f"{_PARAGRAPH} {link}",
        "",
        "## What to prepare",
        "",
        "- The client's industry and size, from the CRM.",
        "- Two questions about **budget** and one about the decision process.",
        "- A short case of a similar client.",
        "",
        _PARAGRAPH,
        "",
        "## The conversation",
        "",
        "1. Open with the reason for the call.",
        "2. Ask; listen; write down.",
        "3. Agree on the next step and its date.",
        "",
        "| Stage | Conversion | Time |",
        "| --- | --- | --- |",
        *rows,
        "",
        "### Common mistakes",
        "",
        _PARAGRAPH,
        "",
        "> Never promise a discount in the first meeting.",
        "",
        _PARAGRAPH,
        "",
    ]
    return "\n".join(lines)


_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\.md[^)]*\)")


def shipped_bodies(root: Path = PROJECT_ROOT) -> list[str]:
    """The shipped lessons' bodies, with links to other lessons made plain text."""
    bodies = []
    for path in sorted((root / "content" / "courses").glob("*/*.md")):
        body = split_front_matter(path.read_text(encoding="utf-8")).body
        bodies.append(_MD_LINK.sub(r"\1", body))
    return bodies


def generate(root: Path, lessons: int) -> None:
    """Write ``lessons`` lessons in courses of LESSONS_PER_COURSE under ``root/content``."""
    bodies = shipped_bodies()
    courses = (lessons + LESSONS_PER_COURSE - 1) // LESSONS_PER_COURSE
    made = 0
    for c in range(1, courses + 1):
        folder = root / "content" / "courses" / f"course-{c:03d}"
        folder.mkdir(parents=True)
        (folder / "course.yaml").write_text(
            f"title: Generated course {c}\nsummary: Benchmark content.\nroles: [all]\norder: {c}\n",
            encoding="utf-8",
        )
        count = min(LESSONS_PER_COURSE, lessons - made)
        for n in range(1, count + 1):
            if bodies:
                body = bodies[(made + n) % len(bodies)]
                text = f"---\ntitle: Course {c} lesson {n}\nminutes: 7\n---\n{body}\n\n"
                text += f"Generated lesson {c}-{n}.\n"
            else:
                text = lesson_text(c, n, count)
            (folder / f"{n:02d}-lesson-{n}.md").write_text(text, encoding="utf-8")
        made += count


@dataclass(frozen=True)
class CatalogTimes:
    lessons: int
    cold_s: float
    warm_s: float
    problems: int


def measure(lessons: int = 1000) -> CatalogTimes:
    with tempfile.TemporaryDirectory(prefix="trainhub-bench-catalog-") as tmp:
        root = Path(tmp) / "root"
        cache = Path(tmp) / "render-cache"
        generate(root, lessons)
        started = time.perf_counter()
        cold = load_catalog(root, RenderCache(cache))
        cold_s = time.perf_counter() - started
        started = time.perf_counter()
        warm = load_catalog(root, RenderCache(cache))
        warm_s = time.perf_counter() - started
        loaded = sum(len(c.lessons) for c in warm.courses.values())
        assert loaded == lessons, f"generated {lessons} lessons, loaded {loaded}: {cold.errors[:3]}"
        return CatalogTimes(lessons, cold_s, warm_s, len(cold.problems))


if __name__ == "__main__":
    print(measure())
