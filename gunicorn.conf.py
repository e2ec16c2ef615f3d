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
import time
from pathlib import Path

from trainhub import config as trainhub_config
from trainhub.catalog import load_catalog
from trainhub.catalog.cache import RenderCache


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
max_requests = int(_env("GUNICORN_MAX_REQUESTS", "5000"))
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


def on_starting(server):  # noqa: ANN001 - gunicorn's hook signature
    """Check the settings and fill the render cache once, before any worker starts.

    A weak or missing secret key in production stops the server here, with the reason, instead
    of in every worker. Rendering every lesson once in the master means N workers start warm
    (reading the cache) instead of each rendering the whole catalog on its first request.
    """
    settings = trainhub_config.build(trainhub_config.PROJECT_ROOT / "instance")
    if not settings["RENDER_CACHE"]:
        return
    started = time.perf_counter()
    catalog = load_catalog(
        Path(settings["CONTENT_ROOT"]), RenderCache(Path(settings["RENDER_CACHE"]))
    )
    lessons = sum(len(course.lessons) for course in catalog.courses.values())
    server.log.info(
        "render cache warm: %d lessons in %.1f s", lessons, time.perf_counter() - started
    )
