"""``trainhub notify`` as real processes against a real database and a real SMTP server:
killed at each step of a run (then run again), killed at random moments, and run twice at
once. Every notice arrives; none arrives twice, except when a run dies between the server's
acceptance and the record of it (the documented instant), and then with the same Message-ID.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import PROJECT_ROOT
from trainhub.db import write_intent
from trainhub.extensions import db
from trainhub.notifications.models import OutboundMail
from trainhub.notifications.service import Draft, notify_many

NOW = datetime(2026, 11, 9, 12, tzinfo=UTC)
LEASE = timedelta(seconds=600)


def _env(app_config: dict[str, Any], port: int, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TRAINHUB_") or k == "TRAINHUB_TEST_DATABASE_URL"
    }
    env.update(
        TRAINHUB_DATABASE_URL=app_config["DATABASE_URL"],
        TRAINHUB_SECRET_KEY=app_config["SECRET_KEY"],
        TRAINHUB_CONTENT_ROOT=str(PROJECT_ROOT),
        TRAINHUB_RENDER_CACHE=str(tmp_path / "render"),
        TRAINHUB_SMTP_HOST="127.0.0.1",
        TRAINHUB_SMTP_PORT=str(port),
        TRAINHUB_SMTP_STARTTLS="false",
        TRAINHUB_SMTP_FROM="trainhub@example.test",
        TRAINHUB_BASE_URL="https://trainhub.example.test",
        TRAINHUB_NOW=NOW.isoformat(),
        TRAINHUB_NOTIFY_BATCH="4",
    )
    env.update(extra)
    return env


def _start(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "trainhub.cli", "notify"],
        env=env,
        cwd=str(PROJECT_ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    process = _start(env)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _enqueue(app, db_session, count: int) -> set[str]:
    """``count`` notices by e-mail, to managers (who have no hires, so the scans add none)."""
    people = [factories.make_user(db_session, "manager") for _ in range(count)]
    db_session.commit()
    ids = [p.id for p in people]
    with app.app_context(), write_intent():
        notify_many(
            db.session,
            [Draft(i, "hire_ready", f"crash:{i}", {"hire": f"Hire of {i}"}) for i in ids],
            now=NOW - timedelta(minutes=1),
        )
        db.session.commit()
    db_session.commit()
    return set(db_session.scalars(sa.select(OutboundMail.message_id)).all())


def _statuses(db_session) -> Counter[str]:
    db_session.commit()
    return Counter(db_session.scalars(sa.select(OutboundMail.status)).all())


# step:n  -> how many copies of one mail the documented instant may add
CRASHES = {
    "after_scan": 0,
    "after_claim:1": 0,
    "after_claim:2": 0,
    "before_record:1": 1,
    "before_record:6": 1,
    "after_record:3": 0,
}


@pytest.mark.parametrize("crash", sorted(CRASHES))
def test_a_run_killed_at_any_step_loses_nothing(app, app_config, db_session, smtp, tmp_path, crash):
    inbox, port = smtp
    expected = _enqueue(app, db_session, 10)
    killed = _run(_env(app_config, port, tmp_path, TRAINHUB_NOTIFY_CRASH_AT=crash))
    assert killed.returncode == 86, killed.stderr
    # The next run comes after the dead run's leases have expired.
    again = _run(
        _env(
            app_config,
            port,
            tmp_path,
            TRAINHUB_NOW=(NOW + LEASE + timedelta(seconds=1)).isoformat(),
        )
    )
    assert again.returncode == 0, again.stderr
    received = Counter(inbox.message_ids())
    assert set(received) == expected
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates == CRASHES[crash]
    assert _statuses(db_session) == {"sent": 10}


def test_two_runs_at_once_send_each_mail_once(app, app_config, db_session, smtp, tmp_path):
    inbox, port = smtp
    expected = _enqueue(app, db_session, 40)
    env = _env(app_config, port, tmp_path)
    first, second = _start(env), _start(env)
    results = [p.communicate(timeout=120) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, results
    received = Counter(inbox.message_ids())
    assert set(received) == expected
    assert max(received.values()) == 1
    assert _statuses(db_session) == {"sent": 40}
    # Both runs really took part (each reports what it sent).
    sent = [int(out.split("e-mails: ")[1].split(" sent")[0]) for out, _err in results]
    assert sum(sent) == 40


def test_runs_killed_at_random_moments_lose_nothing(app, app_config, db_session, smtp, tmp_path):
    inbox, port = smtp
    expected = _enqueue(app, db_session, 30)
    rng = random.Random(17)
    kills = 0
    now = NOW
    for _round in range(3):
        process = _start(_env(app_config, port, tmp_path, TRAINHUB_NOW=now.isoformat()))
        target = len(inbox.messages) + rng.randint(1, 8)
        deadline = time.monotonic() + 60
        # Kill it once the server has taken a few more mails: a moment chosen by the run's
        # own progress, not by a clock.
        while (
            len(inbox.messages) < target and process.poll() is None and time.monotonic() < deadline
        ):
            time.sleep(0.005)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.communicate(timeout=60)
        now += LEASE + timedelta(seconds=1)
    assert kills >= 1  # the runs really died mid-way
    final = _run(_env(app_config, port, tmp_path, TRAINHUB_NOW=now.isoformat()))
    assert final.returncode == 0, final.stderr
    received = Counter(inbox.message_ids())
    assert set(received) == expected
    # A copy only where a run died between the server's "250" and the record of it.
    assert sum(n - 1 for n in received.values()) <= kills
    assert _statuses(db_session) == {"sent": 30}
