"""The load test: wrk (Debian's package) against the atlas under gunicorn with two
workers on loopback, bounded in time; requests per second and latency percentiles."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

WRK = shutil.which("wrk")
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
PERCENTILES = ("50", "90", "99")


@dataclass
class LoadResult:
    requests_per_s: float
    latency_ms: dict[str, float]  # "50" -> ms
    requests: int
    errors: str  # wrk's own lines about errors and non-2xx answers, if any


def parse(output: str) -> LoadResult:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    latency = {
        m[1]: float(m[2]) * UNITS[m[3]]
        for m in re.finditer(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    }
    if not rate or not total or not all(p in latency for p in PERCENTILES):
        raise RuntimeError(f"unreadable wrk output:\n{output}")
    errors = "; ".join(
        line.strip() for line in output.splitlines() if "Socket errors" in line or "Non-2xx" in line
    )
    return LoadResult(float(rate[1]), latency, int(total[1]), errors)


def wrk(url: str, seconds: float, threads: int = 2, connections: int = 8) -> LoadResult:
    if WRK is None:
        raise RuntimeError("wrk is not installed")
    out = subprocess.run(
        [WRK, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
        + ["-H", "Accept-Encoding: gzip, deflate, br", url],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
    ).stdout
    return parse(out)
