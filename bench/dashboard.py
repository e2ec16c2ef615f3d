"""The readiness dashboard's latency at 1,000 hires, and its ratio to /healthz in one run.

    .venv/bin/python -m bench.dashboard                 # fresh SQLite, demo --hires 1000,
                                                        # gunicorn -w 2 on 127.0.0.1
    .venv/bin/python -m bench.dashboard --base-url http://127.0.0.1:5000   # a running server

``measure_dashboard(base_url, cookie)`` is the part other benchmarks call: it times /team/
(and, for comparison, the CSV, the API when given a token, and /healthz) with a small Python
client that keeps ``concurrency`` requests in flight, and returns the percentiles and ratios.
Absolute numbers depend on the machine; the ratio to /healthz, measured in the same run, is
what compares across machines. Only 127.0.0.1 is ever loaded, and every loop is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
TOKEN_RE = re.compile(r"^th_\S+$", re.M)
MAX_SECONDS = 60.0  # a hard bound on any one measurement loop


def _port_of(base_url: str) -> int:
    parts = urlsplit(base_url)
    if parts.hostname != "127.0.0.1":
        raise ValueError(f"benchmarks load 127.0.0.1 only, not {base_url}")
    return parts.port or 80


def sign_in(base_url: str, email: str, password: str) -> str:
    """The session cookie ("name=value") of a person signed in through the real form."""
    port = _port_of(base_url)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    page = conn.getresponse()
    body = page.read().decode()
    jar = SimpleCookie(page.headers.get("Set-Cookie", ""))
    match = CSRF_RE.search(body)
    if not match:
        raise RuntimeError("no CSRF token on /login")
    cookie = "; ".join(f"{k}={v.value}" for k, v in jar.items())
    form = urlencode({"csrf_token": match.group(1), "email": email, "password": password})
    conn.request(
        "POST",
        "/login",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    reply = conn.getresponse()
    reply.read()
    conn.close()
    if reply.status != 302:
        raise RuntimeError(f"sign-in of {email} failed: {reply.status}")
    jar = SimpleCookie(reply.headers.get("Set-Cookie", ""))
    return "; ".join(f"{k}={v.value}" for k, v in jar.items())


def _timed_requests(
    port: int, path: str, headers: dict[str, str], count: int, concurrency: int
) -> list[float]:
    """Latencies (ms) of ``count`` GETs, ``concurrency`` at a time over keep-alive
    connections; stops early after MAX_SECONDS."""
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + MAX_SECONDS
    remaining = [count]
    errors: list[str] = []

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                started = time.perf_counter()
                conn.request("GET", path, headers=headers)
                reply = conn.getresponse()
                reply.read()
                elapsed = (time.perf_counter() - started) * 1000
                if reply.status != 200:
                    errors.append(f"{path}: {reply.status}")
                    return
                with lock:
                    latencies.append(elapsed)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(errors[0])
    return latencies


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _summary(latencies: list[float]) -> dict[str, float]:
    return {
        "requests": len(latencies),
        "p50_ms": round(_percentile(latencies, 50), 2),
        "p95_ms": round(_percentile(latencies, 95), 2),
        "mean_ms": round(statistics.fmean(latencies), 2),
    }


def measure_dashboard(
    base_url: str,
    cookie: str,
    *,
    requests: int = 100,
    # One at a time: the latency a manager sees. With two in flight on two gunicorn workers,
    # both requests land on the same worker about half the time (gthread accepts whatever
    # comes while it is busy), and the figure became one of two values by a coin toss.
    concurrency: int = 1,
    api_token: str | None = None,
    warmup: int = 6,
) -> dict[str, object]:
    """Percentiles of /team/ (and the CSV, the API with a token, and /healthz) and their
    ratios to /healthz's, all measured now against the same server."""
    port = _port_of(base_url)
    targets = {
        "dashboard": ("/team/", {"Cookie": cookie}),
        "csv": ("/team/export.csv", {"Cookie": cookie}),
        "healthz": ("/healthz", {}),
    }
    if api_token:
        targets["api"] = ("/api/v1/readiness", {"Authorization": f"Bearer {api_token}"})
    # Other processes on the machine inflate every figure: the load average says how much.
    result: dict[str, object] = {
        "base_url": base_url,
        "concurrency": concurrency,
        "load_before": round(os.getloadavg()[0], 2),
    }
    for name, (path, headers) in targets.items():
        # Every worker loads its catalog and warms its connections first.
        _timed_requests(port, path, headers, warmup, concurrency)
        count = requests * (5 if name == "healthz" else 1)
        result[name] = _summary(_timed_requests(port, path, headers, count, concurrency))
    result["load_after"] = round(os.getloadavg()[0], 2)
    health = result["healthz"]
    for name in targets:
        if name != "healthz":
            figures = result[name]
            figures["p50_ratio_to_healthz"] = round(figures["p50_ms"] / health["p50_ms"], 1)  # type: ignore[index]
            figures["p95_ratio_to_healthz"] = round(figures["p95_ms"] / health["p95_ms"], 1)  # type: ignore[index]
    return result


# --- a fresh server of our own ----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _trainhub(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "trainhub.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


@contextmanager
def fresh_server(hires: int, workers: int = 2) -> Iterator[tuple[str, dict[str, str]]]:
    """gunicorn on a new SQLite database filled by ``trainhub demo --hires N``."""
    folder = Path(tempfile.mkdtemp(prefix="trainhub-bench-dashboard-"))
    env = {
        **os.environ,
        "TRAINHUB_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "TRAINHUB_SECRET_KEY": secrets.token_urlsafe(48),
    }
    env.pop("TRAINHUB_ENV", None)
    port = _free_port()
    log = (folder / "gunicorn.log").open("wb")
    process: subprocess.Popen[bytes] | None = None
    try:
        _trainhub(env, "db", "upgrade")
        started = time.perf_counter()
        _trainhub(env, "demo", "--hires", str(hires))
        env["BENCH_DEMO_SECONDS"] = f"{time.perf_counter() - started:.1f}"
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-w", str(workers)]
            + ["--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=PROJECT_ROOT,
            env={**env, "GUNICORN_ACCESSLOG": ""},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"gunicorn did not start; see {folder / 'gunicorn.log'}")
            time.sleep(0.2)
        yield base, env
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def _report(result: dict[str, object]) -> None:
    print(
        f"server {result['base_url']}, {result['concurrency']} requests in flight, "
        f"load average {result['load_before']} -> {result['load_after']}"
    )
    for name in ("dashboard", "csv", "api", "healthz"):
        figures = result.get(name)
        if not isinstance(figures, dict):
            continue
        line = (
            f"  {name:<10} p50 {figures['p50_ms']:>8.1f} ms   p95 {figures['p95_ms']:>8.1f} ms"
            f"   ({figures['requests']} requests)"
        )
        if "p50_ratio_to_healthz" in figures:
            line += (
                f"   ×healthz p50 {figures['p50_ratio_to_healthz']}, "
                f"p95 {figures['p95_ratio_to_healthz']}"
            )
        print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="a running server on 127.0.0.1 (default: start one)")
    parser.add_argument("--email", default="manager@demo.local")
    parser.add_argument("--password", default="demo-password")
    parser.add_argument("--hires", type=int, default=1000, help="synthetic hires (own server)")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)

    def run(base: str, token: str | None) -> dict[str, object]:
        cookie = sign_in(base, args.email, args.password)
        return measure_dashboard(
            base, cookie, requests=args.requests, concurrency=args.concurrency, api_token=token
        )

    if args.base_url:
        result = run(args.base_url, None)
    else:
        print(f"==> fresh SQLite, trainhub demo --hires {args.hires}, gunicorn -w 2", flush=True)
        with fresh_server(args.hires) as (base, env):
            print(f"    demo data loaded in {env['BENCH_DEMO_SECONDS']} s", flush=True)
            out = _trainhub(env, "api-token", "create", args.email, "--name", "bench")
            match = TOKEN_RE.search(out)
            result = run(base, match.group(0) if match else None)
            result["hires"] = args.hires
    _report(result)
    if args.json:
        print("BENCH_DASHBOARD_JSON " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
