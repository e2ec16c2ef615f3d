"""Onboarding tracks: ``content/tracks/<role>.yaml``, an ordered list of steps per sales role."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, Protocol, cast, overload

from .fields import Fields, name_item, read_mapping
from .problems import ProblemList
from .sources import content_hash, is_slug
from .versions import track_version

StepKind = Literal["course", "quiz", "roleplay", "signoff"]
STEP_KINDS: tuple[StepKind, ...] = ("course", "quiz", "roleplay", "signoff")


@dataclass(frozen=True)
class TrackStep:
    kind: StepKind
    slug: str
    line: int
    title: str | None = None  # sign-offs carry their own title; other kinds use the item's
    description: str | None = None
    pass_mark: int | None = None  # quiz: overrides the quiz's own pass mark
    min_score: float | None = None  # roleplay: minimum weighted rubric score (1-4)
    # Due by the end of this onboarding day (1 = the start date); None: spread over the
    # track's target days (schedule/rules.py).
    due_day: int | None = None
    position: int = 0  # the step's number in its file, from 1, for messages

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.slug}"


@dataclass(frozen=True)
class Track:
    role: str
    title: str
    summary: str
    target_days: int
    steps: tuple[TrackStep, ...]
    path: str
    content_hash: str
    language: str = ""  # "" for the original; else the translation's language (see Lesson)
    text_hash: str = ""
    file_hash: str = ""  # the file's bytes hash, for records older than versions by content
    # Steps left out for an error of their own: the track is served without them, and the
    # hire's and the manager's pages say the track has a content error (the admin's lists
    # where). ``path:line: message`` of each.
    problems: tuple[str, ...] = ()

    @property
    def has_errors(self) -> bool:
        return bool(self.problems)

    def step(self, kind: str, slug: str) -> TrackStep | None:
        return next((s for s in self.steps if s.kind == kind and s.slug == slug), None)

    @property
    def signoffs(self) -> tuple[TrackStep, ...]:
        return tuple(s for s in self.steps if s.kind == "signoff")


class HasPassMark(Protocol):
    """A quiz, as far as its threshold goes (structural: readiness tests hand-build them)."""

    @property
    def pass_mark(self) -> int: ...


class HasPassingScore(Protocol):
    """A role-play case, as far as its threshold goes."""

    @property
    def passing_score(self) -> float: ...


@overload
def step_threshold(step: TrackStep, item: HasPassMark) -> int: ...
@overload
def step_threshold(step: TrackStep, item: HasPassingScore) -> float: ...
@overload
def step_threshold(step: TrackStep, item: None) -> None: ...
def step_threshold(step: TrackStep, item: HasPassMark | HasPassingScore | None) -> float | None:
    """What a hire must reach on a step's quiz (percent) or case (weighted rubric score, 1-4)
    for readiness to count the step done: the track step's own figure when it sets one (a
    quiz step's ``pass_mark``, a role-play step's ``min_score``), else the item's. The track
    may ask less than the item as well as more.

    None for a course or a sign-off, which have no score, and for an item missing from the
    catalog. Readiness, the quiz page and the mentor's review page all read it here, so the
    figure a hire is told is the figure they are judged by. (Approving an answer needs the
    case's own passing score too: the review page takes the higher of the two.)
    """
    if item is None:
        return None
    # The step's kind says what its item is: a quiz step's item is a quiz, and so on.
    if step.kind == "quiz":
        own = cast(HasPassMark, item).pass_mark
        return own if step.pass_mark is None else step.pass_mark
    if step.kind == "roleplay":
        score = cast(HasPassingScore, item).passing_score
        return score if step.min_score is None else step.min_score
    return None


_STEP_KEYS = {
    "course",
    "quiz",
    "roleplay",
    "signoff",
    "title",
    "description",
    "pass_mark",
    "min_score",
    "due_day",
}


def _parse_step(raw: object, index: int, fields_of: Fields) -> TrackStep | None:
    problems, lines = fields_of.problems, fields_of.lines
    line = lines.at("steps", index)
    name = name_item("steps", index, raw)
    if not isinstance(raw, dict):
        problems.error(line, f"{name}: a step is a mapping such as 'course: <slug>'")
        return None
    kinds = [k for k in STEP_KINDS if k in raw]
    if len(kinds) != 1:
        problems.error(
            line, f"{name}: a step needs exactly one of: course, quiz, roleplay, signoff"
        )
        return None
    kind = kinds[0]
    step = Fields(raw, lines, problems, "steps", index)
    slug = raw[kind]
    if not is_slug(slug):
        problems.error(
            step.line(kind), step.say(f"'{kind}' must be a slug (lowercase, digits, hyphens)")
        )
        return None
    step.warn_unknown(_STEP_KEYS)
    title = step.text("title", required=kind == "signoff")
    description = step.text("description", required=False)
    pass_mark = min_score = None
    if kind == "quiz":
        pass_mark = step.integer("pass_mark", required=False, minimum=0, maximum=100)
    elif "pass_mark" in raw:
        problems.error(step.line("pass_mark"), step.say("'pass_mark' applies only to quiz steps"))
    if kind == "roleplay":
        min_score = step.number("min_score", required=False, minimum=1, maximum=4)
    elif "min_score" in raw:
        problems.error(
            step.line("min_score"), step.say("'min_score' applies only to roleplay steps")
        )
    due_day = step.integer("due_day", required=False, minimum=1, maximum=365)
    return TrackStep(kind, slug, line, title, description, pass_mark, min_score, due_day, index + 1)


def step_name(step: TrackStep) -> str:
    """``step 7 (sign-off hiring-plan)``: a step as the author of its track knows it."""
    return (
        f"step {step.position} ({'sign-off' if step.kind == 'signoff' else step.kind} {step.slug})"
    )


def _check_due_days(
    steps: list[TrackStep], target_days: int | None, problems: ProblemList
) -> list[TrackStep]:
    """Steps are done in order, so their due days never go back, and none is due after the
    track's last day (it would be late on a schedule that is met). The steps, each wrong
    ``due_day`` dropped (the step is then spread over the track's days like one without)."""
    latest: TrackStep | None = None
    checked: list[TrackStep] = []
    for step in steps:
        checked.append(step)
        if step.due_day is None:
            continue
        before = len(problems.items)
        line = step.line
        name = step_name(step)
        if target_days is not None and step.due_day > target_days:
            problems.error(
                line,
                f"{name}: 'due_day' {step.due_day} is after the track's target_days "
                f"({target_days})",
            )
        if latest is not None and latest.due_day is not None and step.due_day < latest.due_day:
            problems.error(
                line,
                f"{name}: 'due_day' {step.due_day} comes before day {latest.due_day} of "
                f"{step_name(latest)} above it: steps are due in track order",
            )
        if len(problems.items) > before:
            checked[-1] = replace(step, due_day=None)
            continue
        latest = step
    return checked


def parse_track(path: str, role: str, data: bytes) -> tuple[Track | None, ProblemList]:
    problems = ProblemList(path)
    fields = read_mapping(data, problems, "a track")
    if fields is None:
        return None, problems
    meta = fields.data
    title = fields.text("title")
    declared = fields.text("role")
    summary = fields.text("summary", required=False, default="")
    target_days = fields.integer("target_days", minimum=1, maximum=365)
    fields.warn_unknown({"title", "role", "summary", "target_days", "steps"})
    if declared is not None and declared != role:
        problems.error(fields.line("role"), f"role '{declared}' must match the file name '{role}'")
    raw_steps = meta.get("steps")
    steps: list[TrackStep] = []
    # A step with an error of its own is left out and the rest of the track is served:
    # a typo in one sign-off must not leave the hire with no track at all.
    top_errors = len(problems.errors)
    step_problems: list[str] = []
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.error(fields.line("steps"), "'steps' must be a non-empty list")
        top_errors = len(problems.errors)
    else:
        seen: dict[str, int] = {}
        for index, raw in enumerate(raw_steps):
            before = len(problems.errors)
            step = _parse_step(raw, index, fields)
            if step is not None and step.key in seen:
                problems.error(
                    step.line,
                    f"{step_name(step)}: duplicate step (first at line {seen[step.key]})",
                )
            if len(problems.errors) > before or step is None:
                step_problems.extend(str(p) for p in problems.errors[before:])
                continue
            seen[step.key] = step.line
            steps.append(step)
    before = len(problems.errors)
    steps = _check_due_days(steps, target_days, problems)
    step_problems.extend(str(p) for p in problems.errors[before:])
    if top_errors or title is None or target_days is None:
        return None, problems
    track = Track(
        role=role,
        title=title,
        summary=summary or "",
        target_days=target_days,
        steps=tuple(steps),
        path=path,
        content_hash=track_version(target_days, steps),
        file_hash=content_hash(data),
        problems=tuple(step_problems),
    )
    return track, problems
