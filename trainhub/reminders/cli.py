"""``trainhub notify``: find the notices that are due, then send the outbox. Safe to run
from cron on several hosts at once (see ``notifications.delivery``).

Two environment variables exist for the crash tests only, never for production:
``TRAINHUB_NOW`` (an ISO time the run takes as now) and ``TRAINHUB_NOTIFY_CRASH_AT``
(``step`` or ``step:n``: the process dies with ``os._exit`` at the n-th pass of that step).
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from ..content import catalog
from ..db import as_utc, utcnow, write_intent
from ..extensions import db
from ..notifications import delivery
from ..readiness.kept import REBUILD_PER_ROUND, rebuild
from .scans import ScanSettings, run_scans

log = logging.getLogger(__name__)
CRASH_EXIT = 86


def _now() -> datetime:
    raw = os.environ.get("TRAINHUB_NOW")
    return (as_utc(raw) if raw else None) or utcnow()


def _crash_hook() -> delivery.Checkpoint:
    spec = os.environ.get("TRAINHUB_NOTIFY_CRASH_AT", "")
    name, _, nth = spec.partition(":")
    target = int(nth or 1)
    seen = {"count": 0}

    def checkpoint(step: str) -> None:
        if step != name:
            return
        seen["count"] += 1
        if seen["count"] == target:
            os._exit(CRASH_EXIT)

    return checkpoint


def run_once(
    *, now: datetime, worker: str, checkpoint: delivery.Checkpoint, bar: bool
) -> tuple[int, delivery.Report]:
    config = current_app.config
    settings = delivery.Settings.from_config(config)
    session = db.session
    with write_intent():
        new = run_scans(session, catalog(), now=now, settings=ScanSettings.from_config(config))
        delivery.enqueue_digests(session, now=now, settings=settings)
        session.commit()
        checkpoint("after_scan")
        total = delivery.pending_count(session, now)
        session.commit()
        report = delivery.Report()
        # In --loop mode the bar would only clutter the server's log.
        with click.progressbar(length=total, label="sending e-mails", hidden=not bar) as progress:
            while True:
                mails = delivery.claim(session, worker=worker, now=now, settings=settings)
                session.commit()
                if not mails:
                    break
                checkpoint("after_claim")
                batch = delivery.send_batch(
                    session,
                    config,
                    mails,
                    worker=worker,
                    now=now,
                    settings=settings,
                    checkpoint=checkpoint,
                    progress=progress.update,
                )
                report.sent += batch.sent
                report.retrying += batch.retrying
                report.failed += batch.failed
                report.lost_lease += batch.lost_lease
    return new, report


def _print(new: int, report: delivery.Report) -> None:
    click.echo(
        f"notices: {new} new; e-mails: {report.sent} sent, {report.retrying} to retry, "
        f"{len(report.failed)} failed"
    )
    for address, reason in report.failed:
        click.echo(f"failed: {address}: {reason}", err=True)


@click.command("notify")
@click.option(
    "--loop",
    "loop_seconds",
    type=click.IntRange(min=1),
    default=None,
    help="Run again every SECONDS, forever (script/server uses --loop 60).",
)
@with_appcontext
def notify_command(loop_seconds: int | None) -> None:
    """Write the notices that are due and send the e-mails that wait; each once."""
    worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    checkpoint = _crash_hook()
    clock: Callable[[], datetime] = _now
    if loop_seconds is None:
        _print(*run_once(now=clock(), worker=worker, checkpoint=checkpoint, bar=True))
        return
    with write_intent():
        rebuild(db.session, clock())  # the kept readiness, current at start (trainhub.readiness)
    while True:
        try:
            with write_intent():  # and brought current after content changes, a batch a round
                rebuild(db.session, clock(), limit=REBUILD_PER_ROUND)
            new, report = run_once(now=clock(), worker=worker, checkpoint=checkpoint, bar=False)
            if new or report.sent or report.failed or report.retrying:
                _print(new, report)
        except Exception:  # a database or mail server that is down: try again next round
            db.session.rollback()
            log.exception("trainhub notify: this round failed; trying again")
        time.sleep(loop_seconds)
