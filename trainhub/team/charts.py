"""Chart data for the dashboard: plain numbers that templates draw as inline SVG (no CDN)."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from flask_babel import lazy_gettext as _l

from .service import HireRow

FUNNEL_STAGES = (
    ("hires", _l("Hires")),
    ("started", _l("Started")),
    ("handed_in", _l("Own work done")),
    ("ready", _l("Ready")),
    ("cleared", _l("Cleared")),
)
# Upper bounds (inclusive) of the days-to-ready buckets; the last one is open.
DAY_BUCKETS = (7, 14, 21, 30, 45, 60)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    share: float  # of the largest bar in its chart, 0-1


@dataclass(frozen=True)
class Funnel:
    track: str
    title: str
    bars: tuple[Bar, ...]


def bars(pairs: list[tuple[str, int]]) -> tuple[Bar, ...]:
    top = max((v for _, v in pairs), default=0) or 1
    return tuple(Bar(label, value, value / top) for label, value in pairs)


def funnels(rows: list[HireRow]) -> list[Funnel]:
    """Per track: how many hires reached each stage on the way to clients."""
    by_track: dict[str, list[HireRow]] = {}
    for row in rows:
        if row.track:
            by_track.setdefault(row.track, []).append(row)
    result = []
    for track, members in sorted(by_track.items(), key=lambda kv: kv[1][0].track_title):
        counts = {
            "hires": len(members),
            "started": sum(1 for r in members if r.status != "not_started"),
            "handed_in": sum(1 for r in members if r.status in {"awaiting_review", "ready"}),
            "ready": sum(1 for r in members if r.is_ready),
            "cleared": sum(1 for r in members if r.is_ready and r.cleared_at),
        }
        pairs = [(str(label), counts[key]) for key, label in FUNNEL_STAGES]
        result.append(Funnel(track, members[0].track_title, bars(pairs)))
    return result


def day_labels() -> list[str]:
    labels, low = [], 0
    for top in DAY_BUCKETS:
        labels.append(f"{low}–{top}")
        low = top + 1
    labels.append(f">{DAY_BUCKETS[-1]}")
    return labels


@dataclass(frozen=True)
class DaysToReady:
    bars: tuple[Bar, ...]
    count: int
    median_days: float | None
    by_track: tuple[tuple[str, float, int], ...]  # title, median days, hires


def days_to_ready(rows: list[HireRow]) -> DaysToReady:
    """How long the hires who became ready took, from their start date."""
    ready = [(r, r.days_to_ready) for r in rows if r.days_to_ready is not None]
    days = [d for _, d in ready if d is not None]
    counts = [0] * (len(DAY_BUCKETS) + 1)
    for value in days:
        index = next((i for i, top in enumerate(DAY_BUCKETS) if value <= top), len(DAY_BUCKETS))
        counts[index] += 1
    labels = day_labels()
    per_track: dict[str, list[int]] = {}
    for row, value in ready:
        if value is not None:
            per_track.setdefault(row.track_title, []).append(value)
    return DaysToReady(
        bars=bars(list(zip(labels, counts, strict=True))),
        count=len(days),
        median_days=median(days) if days else None,
        by_track=tuple(
            (title, median(values), len(values)) for title, values in sorted(per_track.items())
        ),
    )
