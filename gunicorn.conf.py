"""gunicorn settings: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Every value can be overridden on the command line (``-w 4``, ``--bind ...``) or with the
GUNICORN_* environment variables read below. The app's own settings are the TRAINHUB_* ones
(see docs/deployment.md).

Workers are stateless, so any number of them, on any number of hosts, can serve the same
database: sessions live in signed cookies, learner data and the login limiter in the database,
and each worker derives the content catalog from the files (reloading when they change).
"""

import multiprocessing
import os
import subprocess
import sys
import time


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return default if value is None else value


bind = _env("GUNICORN_BIND", f"127.0.0.1:{_env('TRAINHUB_PORT', '5000')}")
# 2 x cores + 1 is gunicorn's rule of thumb for workers that wait on a database; capped so a
# big host does not open more database connections than PostgreSQL allows by default.
workers = int(_env("GUNICORN_WORKERS", str(min(8, multiprocessing.cpu_count() * 2 + 1))))
# Threads let a worker overlap a slow database round trip with another request.
threads = int(_env("GUNICORN_THREADS", "2"))
timeout = int(_env("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(_env("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Recycle workers now and then, so a slow leak in any library never grows without bound.
# Off by default: a recycled worker re-imports the app and reloads the catalog (about a second
# of CPU), which at 5,000 requests cost a fifth of the throughput under load. Nothing in the
# app grows without bound (its caches are LRUs); set it if a leak is ever suspected.
max_requests = int(_env("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10

# Access log to stdout by default; GUNICORN_ACCESSLOG="" turns it off (benchmarks, tests).
accesslog = _env("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = _env("GUNICORN_LOGLEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms'

# Each worker builds its own app after the fork, so database connections are never shared
# between processes. A bad setting (e.g. a weak secret key in production) stops every worker
# from booting, and gunicorn exits instead of serving.
preload_app = False

# The worker heartbeat file on tmpfs: a slow or full /tmp disk must not get workers killed.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# gunicorn 27's control socket has one default path per user: two instances on one host (blue/
# green deploys, the multi-server test) would fight over it. Older gunicorns ignore this name.
control_socket_disable = _env("GUNICORN_CONTROL_SOCKET", "off") != "on"

# Which peers may set X-Forwarded-Proto for gunicorn itself. The app trusts X-Forwarded-*
# only for TRAINHUB_PROXY_HOPS proxies (werkzeug's ProxyFix); keep both to the proxy's address.
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1")


# Run in a child process: the master must not import trainhub, or workers forked after a HUP
# (systemctl reload, a deploy) would inherit the old code instead of importing the new.
_WARM_UP = (
    "import sys\n"
    "from trainhub import create_app\n"
    "from trainhub.config import ConfigError\n"
    "try:\n"
    "    app = create_app()\n"
    "except ConfigError as exc:\n"
    "    sys.exit(f'Error: {exc}')\n"
    "catalog = app.extensions['trainhub.catalog'].get()\n"
    "print(sum(len(c.lessons) for c in catalog.courses.values()))\n"
)


def _warm_up(server) -> bool:  # noqa: ANN001 - gunicorn's Arbiter
    """Build the app once, outside the workers: check the settings, fill the render cache."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _WARM_UP], capture_output=True, text=True, cwd=os.getcwd()
    )
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        server.log.error("%s", lines[-1] if lines else f"warm-up exited {done.returncode}")
        return False
    server.log.info(
        "settings checked, render cache warm: %s lessons in %.1f s",
        done.stdout.strip(),
        time.perf_counter() - started,
    )
    return True


def on_starting(server):  # noqa: ANN001 - gunicorn's hook signature
    """Refuse to start on bad settings, and warm the render cache before any worker starts.

    A weak or missing secret key in production stops the server here, with the reason, instead
    of in every worker. Rendering every lesson once means N workers start warm (reading the
    cache) instead of each rendering the whole catalog on its first request.
    """
    if not _warm_up(server):
        sys.exit(1)


def on_reload(server):  # noqa: ANN001 - gunicorn's hook signature
    # A new release may render differently; a failure here is logged and the new workers
    # report it themselves.
    _warm_up(server)
