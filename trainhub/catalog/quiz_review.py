"""What a hire sees after an attempt: Moodle's review options, per quiz. Pure.

Four things, each shown from a moment on::

    review:
      score: after_submit          # the percent, the points and pass/fail
      correctness: after_pass      # whether each answer was right, and its points
      right_answers: after_pass    # the right answer of each question
      feedback: after_pass         # the feedback texts (they often explain the key)

The moments: ``after_submit`` (every submitted attempt), ``after_pass`` (once the hire has
passed the quiz), ``after_last_attempt`` (once the attempts limit is used up; never while
attempts are unlimited), ``never``. The defaults keep the key from being collected: only the
score after each attempt; correctness, right answers and feedback once the hire has passed.
The older single ``feedback:`` setting still reads as it did (``ReviewOptions.from_feedback``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .fields import did_you_mean
from .problems import ProblemList
from .sources import Lines

REVIEW_TIMES = ("after_submit", "after_pass", "after_last_attempt", "never")
REVIEW_ITEMS = ("score", "correctness", "right_answers", "feedback")
# The older ``feedback:`` setting: one moment for correctness, right answers and feedback.
FEEDBACK_MODES = ("after_submit", "after_pass", "never")


@dataclass(frozen=True)
class ReviewOptions:
    score: str = "after_submit"
    # Right/wrong per question after every attempt lets a hire with retries flip answers
    # until each is right: by default it waits for a pass too.
    correctness: str = "after_pass"
    right_answers: str = "after_pass"
    feedback: str = "after_pass"

    @classmethod
    def from_feedback(cls, mode: str) -> ReviewOptions:
        """The options the older ``feedback:`` setting meant (the score was always shown)."""
        return cls("after_submit", mode, mode, mode)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReviewOptions:
        return cls(**{k: str(data[k]) for k in REVIEW_ITEMS if k in data})

    def to_json(self) -> dict[str, str]:
        return asdict(self)

    def gives_key_away(self, attempts: int) -> bool:
        """True when a hire with unlimited attempts sees right answers (or the feedback that
        explains them, or right/wrong per question) after every attempt, and so can collect
        the key by retrying."""
        shown = (self.correctness, self.right_answers, self.feedback)
        return attempts == 0 and "after_submit" in shown


@dataclass(frozen=True)
class Shown:
    """What one result page shows, decided for one person and moment."""

    score: bool = True
    correctness: bool = True
    right_answers: bool = True
    feedback: bool = True

    @property
    def anything_withheld(self) -> bool:
        return not (self.score and self.correctness and self.right_answers and self.feedback)


EVERYTHING = Shown()


def is_shown(when: str, *, passed: bool, attempts_left: int | None) -> bool:
    """``attempts_left`` is None when attempts are unlimited."""
    if when == "after_submit":
        return True
    if when == "after_pass":
        return passed
    if when == "after_last_attempt":
        return attempts_left == 0
    return False


def shown_to_hire(options: ReviewOptions, *, passed: bool, attempts_left: int | None) -> Shown:
    def one(when: str) -> bool:
        return is_shown(when, passed=passed, attempts_left=attempts_left)

    return Shown(
        score=one(options.score),
        correctness=one(options.correctness),
        right_answers=one(options.right_answers),
        feedback=one(options.feedback),
    )


def parse_review(
    meta: Mapping[str, Any], lines: Lines, problems: ProblemList, attempts: int
) -> ReviewOptions:
    """The quiz's review options from ``review:`` (or the older ``feedback:``), with a
    warning when they let a hire collect the key."""
    raw = meta.get("review")
    legacy = meta.get("feedback")
    if raw is not None and legacy is not None:
        problems.error(lines.at("feedback"), "'feedback' and 'review' both set: keep 'review'")
    if raw is None:
        mode = legacy if legacy is not None else None
        if mode is None:
            options = ReviewOptions()
        elif mode in FEEDBACK_MODES:
            options = ReviewOptions.from_feedback(str(mode))
        else:
            problems.error(
                lines.at("feedback"), f"'feedback' must be one of: {', '.join(FEEDBACK_MODES)}"
            )
            options = ReviewOptions()
    elif not isinstance(raw, dict):
        problems.error(lines.at("review"), f"'review' is a mapping of {', '.join(REVIEW_ITEMS)}")
        options = ReviewOptions()
    else:
        values: dict[str, str] = {}
        for key, value in raw.items():
            if key not in REVIEW_ITEMS:
                hint = did_you_mean(str(key), REVIEW_ITEMS)
                problems.warning(
                    lines.at("review", str(key)), f"'review': unknown field '{key}'{hint}"
                )
            elif value not in REVIEW_TIMES:
                problems.error(
                    lines.at("review", key),
                    f"'review.{key}' must be one of: {', '.join(REVIEW_TIMES)}",
                )
            else:
                values[key] = value
        options = ReviewOptions(**values)
    if options.gives_key_away(attempts):
        where = lines.at("review") if raw is not None else lines.at("feedback")
        problems.warning(
            where,
            "unlimited attempts, and right answers, feedback or right/wrong per question shown "
            "after every attempt: the key can be collected by retrying (set review.correctness, "
            "review.right_answers and review.feedback to after_pass, or limit 'attempts')",
        )
    if attempts == 0 and "after_last_attempt" in asdict(options).values():
        problems.warning(
            lines.at("review"), "'after_last_attempt' with unlimited attempts never shows anything"
        )
    return options
