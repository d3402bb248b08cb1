"""Time to serve the atlas's pages, as ratios against the empty /health endpoint
measured in the same run (absolute times on a shared 2-core machine are noise).

    .venv/bin/python bench/serve.py [--repeat N]

Uses the configured database (run scripts/setup.sh first); requests go through
a real HTTP server on loopback, one at a time.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402

PATHS = (
    "/health",
    "/",
    "/journeys/roh-family",
    "/journeys/roh-family.json",
    "/journeys/roh-family.geojson",
    "/sources/chilling-details",
    "/hazards",
)


def timed_get(url: str) -> tuple[float, int]:
    start = time.perf_counter()
    with urllib.request.urlopen(url) as response:  # noqa: S310 - loopback only
        body = response.read()
    return time.perf_counter() - start, len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        # The first request of each path builds and caches it (a cold render).
        cold = {path: timed_get(base + path)[0] for path in PATHS}
        results: dict[str, list[float]] = {path: [] for path in PATHS}
        sizes: dict[str, int] = {}
        for _ in range(args.repeat):  # interleaved, so load changes hit every path alike
            for path in PATHS:
                seconds, size = timed_get(base + path)
                results[path].append(seconds)
                sizes[path] = size
    finally:
        server.shutdown()

    reference = statistics.median(results["/health"])
    print(
        f"{'path':30} {'cold ms':>8} {'warm median ms':>15} {'warm p90 ms':>12} "
        f"{'warm × /health':>15} {'bytes':>8}"
    )
    for path in PATHS:
        samples = sorted(results[path])
        median = statistics.median(samples)
        p90 = samples[int(0.9 * (len(samples) - 1))]
        print(
            f"{path:30} {cold[path] * 1000:8.1f} {median * 1000:15.1f} {p90 * 1000:12.1f} "
            f"{median / reference:15.1f} {sizes[path]:8d}"
        )


if __name__ == "__main__":
    main()
