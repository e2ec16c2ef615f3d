"""gunicorn settings: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Every value can be overridden on the command line (``-w 4``, ``--bind ...``) or with the
GUNICORN_* variables read below, from the environment or from the same env file the app reads
(``/etc/trainhub/trainhub.env`` or ``$TRAINHUB_CONFIG``). The app's own settings are the
TRAINHUB_* ones (see docs/deployment.md).

Workers are stateless, so any number of them, on any number of hosts, can serve the same
database: sessions live in signed cookies, learner data and the login limiter in the database,
and each worker derives the content catalog from the files (reloading when they change).
"""

import importlib.util
import multiprocessing
import os
import subprocess
import sys
import time

_HERE = os.path.dirname(os.path.abspath(__file__))


def _settings_environment() -> dict[str, str]:
    """The env file overlaid by the environment, as trainhub/config.py reads them.

    config.py is loaded by its path under a private name: importing the trainhub package here
    would let workers forked after a HUP inherit the old release (see _WARM_UP).
    """
    path = os.path.join(_HERE, "trainhub", "config.py")
    spec = importlib.util.spec_from_file_location("_trainhub_settings", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it runs
    try:
        spec.loader.exec_module(module)
        return dict(module.environment())
    except module.ConfigError as exc:
        sys.exit(f"Error: {exc}")
    finally:
        sys.modules.pop(spec.name, None)


_SETTINGS = _settings_environment()


def _env(name: str, default: str) -> str:
    value = _SETTINGS.get(name)
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
# The time, the client's address, the request id the app's log lines carry, the request.
# %(h)s is the address the app trusted: werkzeug's ProxyFix (TRAINHUB_PROXY_HOPS) rewrites
# REMOTE_ADDR in the request's environ, which gunicorn logs from, so a client-supplied
# X-Forwarded-For never reaches this log unchecked.
access_log_format = '%(t)s %(h)s %({x-request-id}o)s "%(r)s" %(s)s %(b)s %(M)sms'

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
    "from pathlib import Path\n"
    "from trainhub.extensions import db\n"
    "from trainhub.home.health import problems\n"
    "with app.app_context():\n"
    "    found = problems(db.session, Path(app.config['UPLOAD_FOLDER']),\n"
    "                     app.extensions['migrate'].directory)\n"
    "for problem in found:\n"
    "    print('not ready: ' + problem)\n"
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
    lines = done.stdout.strip().splitlines() or ["?"]
    server.log.info(
        "settings checked, render cache warm: %s lessons in %.1f s",
        lines[0],
        time.perf_counter() - started,
    )
    # What /readyz will answer 503 for, said once at start (the host still starts: it
    # recovers by itself once the database or the mount is back).
    for line in lines[1:]:
        server.log.error("%s", line)
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
