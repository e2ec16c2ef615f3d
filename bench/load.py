"""Load with wrk, bounded in time, against 127.0.0.1 only."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPORTER = HERE / "report.lua"


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    status_errors: int
    socket_errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.status_errors + self.socket_errors


def wrk(
    wrk_bin: str,
    url: str,
    seconds: int,
    connections: int = 16,
    threads: int = 2,
    cookie: str | None = None,
    script: Path = REPORTER,
    env: dict[str, str] | None = None,
) -> Load:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"benchmarks load 127.0.0.1 only, not {url}")
    cmd = [wrk_bin, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    cmd += ["-s", str(script)]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd.append(url)
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=seconds + 60, check=True, env=env
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no report:\n{out.stdout}\n{out.stderr}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    return Load(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        status_errors=raw["status_errors"],
        socket_errors=raw["socket_errors"],
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
    )
