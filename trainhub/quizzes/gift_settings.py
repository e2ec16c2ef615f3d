"""A quiz's settings carried through GIFT as comments, so export and import keep them. Pure.

GIFT has questions only: no pass mark, no attempts, no review options, no roles. Before, a
quiz exported and imported again came back with the importer's defaults, so a quiz that hid its
key until passed came back showing it. ``export-gift`` now writes the settings as comment lines
that Moodle skips::

    // trainhub: pass_mark: 75
    // trainhub: review: {score: after_submit, correctness: after_pass, ...}

and ``import-gift`` reads them back into the quiz YAML. Each line is one YAML mapping entry.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from ..catalog.quizzes import SETTINGS

PREFIX = "// trainhub: "
HEADER = (
    "// TrainHub quiz settings: Moodle skips these comments; trainhub quiz import-gift reads them."
)
# What a quiz YAML may say besides its questions: the catalog's own list, so the two never drift.
KEYS = tuple(sorted(SETTINGS - {"questions"}))


@dataclass(frozen=True)
class SettingsProblem:
    line: int
    message: str


def settings_comments(settings: Mapping[str, Any]) -> list[str]:
    """Comment lines for the settings, in the quiz file's own order."""
    lines = [HEADER]
    for key, value in settings.items():
        if key not in KEYS:
            continue
        entry = yaml.safe_dump(
            {key: value}, default_flow_style=True, allow_unicode=True, width=10_000, sort_keys=False
        ).strip()
        # safe_dump in flow style wraps the mapping in braces: one entry per line reads better.
        lines.append(PREFIX + entry[1:-1].strip())
    return lines


def read_settings_comments(source: str) -> tuple[dict[str, Any], list[SettingsProblem]]:
    """The settings written by :func:`settings_comments`, with a problem (and its line) for a
    line that is not YAML or names a setting that does not exist."""
    settings: dict[str, Any] = {}
    problems: list[SettingsProblem] = []
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip().lstrip("\ufeff")
        if not stripped.startswith(PREFIX.strip()):
            continue
        entry = stripped[len(PREFIX.strip()) :].strip()
        try:
            parsed = yaml.safe_load(entry)
        except yaml.YAMLError:
            problems.append(SettingsProblem(number, f"'{entry}' is not a 'name: value' setting"))
            continue
        if not isinstance(parsed, dict) or len(parsed) != 1:
            problems.append(SettingsProblem(number, f"'{entry}' is not a 'name: value' setting"))
            continue
        ((key, value),) = parsed.items()
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(SettingsProblem(number, f"unknown quiz setting '{key}'{hint}"))
            continue
        settings[str(key)] = value
    return settings, problems
