"""The team views at 1,000, 10,000 and 100,000 hires: ``python -m bench.scale``.

For each size it makes a fresh database (PostgreSQL at every size, SQLite at 10,000), loads
``trainhub demo --hires N`` (timed: the bulk loader), and measures in-process, through Flask's
test client signed in as the demo manager (median of the rounds after a warm-up):

- p50/p95 of the dashboard's first page, a filtered page and an API page;
- the time of the full CSV and how much the process's peak resident memory grows while it
  streams;
- SQL statements and rows returned per page (cursor events, as the tests count them);
- ``/healthz`` in the same run (one request right before each page request), and each page's
  p95 as a multiple of it.

It prints how each figure grows from the smallest PostgreSQL size to the largest (the goal is
flat), PASS or MISS for each target of issue 15, and appends the table to bench/RESULTS.md.
The machine is shared: absolute times move with its
load; statements and rows do not.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.inprocess import make_app, signed_in
from trainhub.api.tokens import create_token
from trainhub.auth.models import User
from trainhub.db import utcnow
from trainhub.extensions import db

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
PAGES = {
    "dashboard first page": "/team/",
    "dashboard filtered page": "/team/?status=in_progress&sort=progress&order=desc&q=synthetic",
    "API page (limit 100)": "/api/v1/readiness?limit=100",
}


def _pg_database(admin_url: str) -> str:
    name = f"bench_scale_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop(admin_url: str, url: str) -> None:
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" WITH (FORCE)')
    engine.dispose()


def _load(url: str, hires: int, instance: Path) -> float:
    env = {**os.environ, "TRAINHUB_DATABASE_URL": url, "TRAINHUB_SECRET_KEY": "b" * 40}
    env["TRAINHUB_INSTANCE_PATH"] = str(instance)
    trainhub = str(ROOT / ".venv" / "bin" / "trainhub")
    subprocess.run([trainhub, "db", "upgrade"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run(
        [trainhub, "demo", "--hires", str(hires)], env=env, check=True, stdout=subprocess.DEVNULL
    )
    seconds = time.perf_counter() - started
    if url.startswith("postgresql"):
        # Measured once the database has settled: otherwise autovacuum works through the
        # freshly loaded tables on one of the two cores while the pages are timed.
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
        engine.dispose()
    return seconds


class _Rows:
    def __init__(self, cursor: Any, into: list[int]) -> None:
        self._cursor, self._into = cursor, into

    def fetchall(self) -> Any:
        rows = self._cursor.fetchall()
        self._into[0] += len(rows)
        return rows

    def fetchmany(self, *args: Any) -> Any:
        rows = self._cursor.fetchmany(*args)
        self._into[0] += len(rows)
        return rows

    def fetchone(self) -> Any:
        row = self._cursor.fetchone()
        self._into[0] += row is not None
        return row

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


def _measure(url: str, rounds: int, instance: Path) -> dict[str, Any]:
    app = make_app(url, ROOT, "b" * 40, instance)
    client = signed_in(app, "manager@demo.local")
    with app.app_context():
        manager = db.session.scalar(sa.select(User).where(User.email == "manager@demo.local"))
        assert manager is not None
        _token, secret = create_token(db.session, manager, name="bench", actor=None, now=utcnow())
        db.session.commit()
        engine = db.engine
    headers = {"Authorization": f"Bearer {secret}"}
    # As a worker starts (wsgi.py): the catalog loaded, start-up objects frozen out of the
    # garbage collector, a higher first threshold; otherwise full collections walking the
    # app and catalog are the p95.
    with app.app_context():
        app.extensions["trainhub.catalog"].get()
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)
    counted = {"statements": 0, "rows": [0]}

    def _count(_c: Any, cursor: Any, _s: str, _p: Any, context: Any, _m: bool) -> None:
        counted["statements"] += 1
        if context is not None and cursor.description is not None:
            context.cursor = _Rows(cursor, counted["rows"])

    found: dict[str, Any] = {}
    healthz = []
    for _ in range(3):
        client.get("/healthz")
    for label, page in PAGES.items():
        for _ in range(3):
            assert client.get(page, headers=headers).status_code == 200, page
        times = []
        for _ in range(rounds):
            # /healthz right before each page request, so both see the same machine load.
            started = time.perf_counter()
            client.get("/healthz").get_data()
            healthz.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            response = client.get(page, headers=headers)
            response.get_data()
            times.append((time.perf_counter() - started) * 1000)
        sa.event.listen(engine, "after_cursor_execute", _count)
        counted["statements"], counted["rows"][0] = 0, 0
        client.get(page, headers=headers).get_data()
        sa.event.remove(engine, "after_cursor_execute", _count)
        cuts = statistics.quantiles(times, n=20)
        found[label] = {
            "p50": statistics.median(times),
            "p95": cuts[18],
            "statements": counted["statements"],
            "rows": counted["rows"][0],
        }
    cuts = statistics.quantiles(healthz, n=20)
    found["healthz"] = {"p50": statistics.median(healthz), "p95": cuts[18]}
    # The worker's memory: its resident set's peak growth while the whole CSV streams
    # (Linux: writing 5 to clear_refs resets the peak). tracemalloc would double the time.
    before = _reset_peak()
    started = time.perf_counter()
    size = 0
    response = client.get("/team/export.csv")
    for chunk in response.response:
        size += len(chunk)
    seconds = time.perf_counter() - started
    found["csv"] = {
        "seconds": seconds,
        "peak_mb": (_status_kb("VmHWM") - before) / 1024,
        "mb": size / 2**20,
    }
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return found


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> int:
    """Reset the process's peak resident set to its current size; return that size (kB)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    return _status_kb("VmRSS")


def _table(
    results: dict[tuple[str, int], dict[str, Any]], loads: dict[tuple[str, int], float]
) -> str:
    keys = list(results)
    head = "| figure | " + " | ".join(f"{db_} {n:,}" for db_, n in keys) + " |"
    lines = [head, "|---|" + "---|" * len(keys)]
    lines.append("| demo --hires load, s | " + " | ".join(f"{loads[k]:.0f}" for k in keys) + " |")
    for figure in ("p50", "p95"):
        cells = [f"{results[k]['healthz'][figure]:.2f}" for k in keys]
        lines.append(f"| /healthz {figure} ms (same run) | " + " | ".join(cells) + " |")
    for label in PAGES:
        cells = [f"{results[k][label]['p95'] / results[k]['healthz']['p95']:.0f}×" for k in keys]
        lines.append(f"| {label} p95 ÷ /healthz p95 | " + " | ".join(cells) + " |")
    for label in PAGES:
        for figure, unit in (("p50", "ms"), ("p95", "ms"), ("statements", ""), ("rows", "")):
            cells = [results[k][label][figure] for k in keys]
            shown = [f"{c:.1f}" if unit else str(c) for c in cells]
            name = f"{label} {figure}" + (f" {unit}" if unit else "")
            lines.append(f"| {name} | " + " | ".join(shown) + " |")
    for figure, name in (
        ("seconds", "full CSV, s"),
        ("peak_mb", "full CSV: worker's peak memory growth, MB"),
        ("mb", "full CSV size, MB"),
    ):
        lines.append(
            f"| {name} | " + " | ".join(f"{results[k]['csv'][figure]:.1f}" for k in keys) + " |"
        )
    pg = sorted(k for k in keys if k[0] == "postgresql")
    if len(pg) >= 2:
        small, large = pg[0], pg[-1]
        lines.append("")
        lines.append(f"Growth on PostgreSQL from {small[1]:,} to {large[1]:,} hires (goal: flat):")
        lines.append("")
        lines.append("| figure | growth |")
        lines.append("|---|---|")
        for label in PAGES:
            for figure in ("p95", "statements", "rows"):
                a, b = results[small][label][figure], results[large][label][figure]
                lines.append(
                    f"| {label} {figure} | {b / a:.2f}× |" if a else f"| {label} {figure} | — |"
                )
        a, b = results[small]["csv"]["peak_mb"], results[large]["csv"]["peak_mb"]
        lines.append(f"| full CSV peak memory growth | {a:.1f} → {b:.1f} MB |")
        lines += ["", *_verdicts(results, loads, small, large)]
    return "\n".join(lines)


def _verdicts(
    results: dict[tuple[str, int], dict[str, Any]],
    loads: dict[tuple[str, int], float],
    small: tuple[str, int],
    large: tuple[str, int],
) -> list[str]:
    """PASS or MISS for each target of issue 15, on PostgreSQL."""
    first, api = "dashboard first page", "API page (limit 100)"
    big, few = results[large], results[small]
    checks = [
        (
            f"dashboard first page p95 ≤ 100 ms at {large[1]:,}",
            f"{big[first]['p95']:.1f} ms",
            big[first]["p95"] <= 100,
        ),
        (
            f"dashboard first page p95 at {large[1]:,} ≤ 1.2× at {small[1]:,}",
            f"{big[first]['p95'] / few[first]['p95']:.2f}×",
            big[first]["p95"] <= 1.2 * few[first]["p95"],
        ),
        (
            f"API page p95 ≤ 50 ms at {large[1]:,}",
            f"{big[api]['p95']:.1f} ms",
            big[api]["p95"] <= 50,
        ),
        (
            f"full CSV of {large[1]:,} hires: worker memory grows < 50 MB",
            f"{big['csv']['peak_mb']:.1f} MB",
            big["csv"]["peak_mb"] < 50,
        ),
        (
            f"statements and rows per page the same at {small[1]:,} and {large[1]:,}",
            ", ".join(
                f"{few[p]['statements']}/{few[p]['rows']} → {big[p]['statements']}/{big[p]['rows']}"
                for p in PAGES
            ),
            all(
                (few[p]["statements"], few[p]["rows"]) == (big[p]["statements"], big[p]["rows"])
                for p in PAGES
            ),
        ),
        (
            f"demo --hires {large[1]:,} loads in < 3 minutes",
            f"{loads[large]:.0f} s",
            loads[large] < 180,
        ),
    ]
    found = ["| target | measured | |", "|---|---|---|"]
    found += [f"| {name} | {value} | {'PASS' if ok else 'MISS'} |" for name, value, ok in checks]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--sqlite", type=int, default=10_000, help="SQLite size (0: none)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-save", action="store_true", help="print only; RESULTS.md unchanged")
    parser.add_argument("--pg-admin-url", default=os.environ.get("TRAINHUB_TEST_PG_ADMIN_URL", ""))
    args = parser.parse_args()
    runs = [("postgresql", int(n)) for n in args.sizes.split(",") if args.pg_admin_url]
    if args.sqlite:
        runs.append(("sqlite", args.sqlite))
    results: dict[tuple[str, int], dict[str, Any]] = {}
    loads: dict[tuple[str, int], float] = {}
    for kind, hires in runs:
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
            instance = Path(tmp)
            url = (
                _pg_database(args.pg_admin_url)
                if kind == "postgresql"
                else f"sqlite:///{instance / 'bench.db'}"
            )
            try:
                print(f"==> {kind} {hires:,} hires: loading", flush=True)
                loads[(kind, hires)] = _load(url, hires, instance)
                print(f"    loaded in {loads[(kind, hires)]:.0f} s; measuring", flush=True)
                results[(kind, hires)] = _measure(url, args.rounds, instance)
            finally:
                if kind == "postgresql":
                    _drop(args.pg_admin_url, url)
    table = _table(results, loads)
    print(table)
    if args.no_save:
        return 0
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(
            f"\n## Team views at scale ({stamp}, `python -m bench.scale`)\n\n"
            "In-process (Flask's test client, signed in as the demo manager), 2 shared cores: "
            "the machine was shared with other work while this ran, so times are an upper "
            "bound; statements and rows do not depend on load.\n\n"
            f"{table}\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
