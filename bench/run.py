"""The benchmark suite: one table of figures, each beside its reference measured in the
same run, and their ratio, against the targets of issue 6.

    bash scripts/bench.sh [--quick | --smoke] [--sizes 10x100,1000x10000] ...
    .venv/bin/python -m bench ...            (the same, once set up)

Uses a database of its own (bench/work/bench.sqlite, or --database-url): migrated,
seeded, and given synthetic journeys by `flask synthetic` (LEGSxHAZARDS each).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import traceback
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import browser, load, serving
from .scratch import SEEDED_JOURNEY, Size, bench_app, database_url, parse_sizes, prepare
from .servers import REPO, gunicorn
from .table import Row, Table
from .timing import median_ms

HERE = Path(__file__).resolve().parent
DEFAULT_SIZES = "10x100,100x1000,1000x10000"
TARGET_HAZARDS = 10_000

SERVING = "Serving in-process (Flask test client, caches cleared for cold), median ms"
RENDER = "Cold journey map: app build_map + render_parts vs plain Folium, same features, ms"
BYTES = "First visit, compressed (Chromium, empty cache; KB = 1000 bytes)"
READY = "Navigation to map ready (Chromium, empty cache), median ms"
LOAD = "Load (wrk -t2 -c8 against gunicorn with 2 workers on loopback)"


def options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default=None, help=f"LEGSxHAZARDS,... ({DEFAULT_SIZES})")
    parser.add_argument("--repeat", type=int, default=None, help="in-process repeats (5)")
    parser.add_argument("--runs", type=int, default=None, help="Chromium runs per page (5)")
    parser.add_argument("--wrk-seconds", type=float, default=None, help="per wrk run (10)")
    parser.add_argument("--wrk-rounds", type=int, default=None, help="wrk runs per path (2)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, shorter wrk")
    parser.add_argument(
        "--smoke", action="store_true", help="tiny: one small size, one repeat, wrk 1 s"
    )
    parser.add_argument("--work", type=Path, default=HERE / "work", help="scratch folder")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="results folder")
    parser.add_argument("--database-url", default=None, help="instead of work/bench.sqlite")
    parser.add_argument("--fresh", action="store_true", help="rebuild the scratch database")
    args = parser.parse_args(argv)
    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    defaults = {
        "full": (DEFAULT_SIZES, 5, 5, 10.0, 2, 30.0),
        "quick": (DEFAULT_SIZES, 3, 3, 5.0, 1, 15.0),
        "smoke": ("10x100", 1, 1, 1.0, 1, 5.0),
    }[mode]
    sizes, repeat, runs, wrk_seconds, wrk_rounds, budget = defaults
    args.mode = mode
    args.sizes = parse_sizes(args.sizes if args.sizes is not None else sizes)
    args.repeat = args.repeat or repeat
    args.runs = args.runs or runs
    args.wrk_seconds = args.wrk_seconds or wrk_seconds
    args.wrk_rounds = args.wrk_rounds or wrk_rounds
    args.budget = budget
    return args


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.table = Table(title="")
        self.failures: list[str] = []

    def say(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def attempt(self, what: str, action: Callable[[], Any]) -> Any:
        """Run one measurement; a failure is reported in the table, not fatal."""
        try:
            return action()
        except Exception as exc:  # noqa: BLE001 - every failure is shown, then the rest runs
            self.failures.append(f"{what}: {exc!r}")
            self.say(traceback.format_exc())
            return None

    # Datasets: the seeded journey, then each synthetic size.
    def datasets(self) -> list[tuple[str, str, Size | None]]:
        seeded = (f"{SEEDED_JOURNEY} (seeded)", SEEDED_JOURNEY, None)
        return [seeded] + [(s.label, s.slug, s) for s in self.args.sizes]

    def serving(self, app: Any) -> dict[str, list[float]]:
        """Rows for cold and warm serving; returns each dataset's cold page (ms)."""
        client = serving.Client(app)
        # Compile every template and warm the imports once, untimed.
        for path in serving.page_paths(SEEDED_JOURNEY).values():
            client.cold(path)
        health = serving.health(client, self.args.repeat)
        results: list[tuple[str, str, list[float], str]] = []
        cold_page: dict[str, list[float]] = {}
        for name, slug, _size in self.datasets():
            self.say(f"serving {slug}")
            done = self.attempt(
                f"serving {slug}",
                lambda slug=slug: serving.serve_times(
                    client, slug, self.args.repeat, self.args.budget
                ),
            )
            health += serving.health(client, self.args.repeat)  # load drifts: sample again
            for what in serving.page_paths(slug):
                for state in ("cold", "warm"):
                    times = getattr(done, state)[what] if done else []
                    results.append((name, what, times, state))
            if done:
                cold_page[slug] = done.cold["journey page"]
        reference = median_ms(health)
        for name, what, times, state in results:
            self.table.add(
                Row(
                    SERVING,
                    f"{name} · {what} · {state}",
                    median_ms(times) if times else None,
                    "ms",
                    "/health",
                    reference,
                    n=len(times),
                    reference_n=len(health),
                )
            )
        return cold_page

    def rendering(self, app: Any, cold_page: dict[str, list[float]]) -> None:
        client = serving.Client(app)
        work = self.args.work
        for name, slug, _size in self.datasets():
            self.say(f"map render {slug}")
            ours = self.attempt(
                f"our map {slug}",
                lambda slug=slug: serving.our_map_times(
                    app, slug, self.args.repeat, self.args.budget
                ),
            )
            plain = self.attempt(
                f"plain Folium {slug}",
                lambda slug=slug: serving.plain_folium_times(
                    client, slug, work, self.args.repeat, self.args.budget
                ),
            )
            plain_ms = median_ms(plain[0]) if plain else None
            plain_n = len(plain[0]) if plain else 0
            note = ""
            if plain:
                counts = plain[1]
                note = "plain Folium drew " + ", ".join(f"{v} {k}" for k, v in counts.items())
            self.table.add(
                Row(
                    RENDER,
                    f"{name} · map build+render",
                    median_ms(ours) if ours else None,
                    "ms",
                    "plain Folium",
                    plain_ms,
                    n=len(ours or []),
                    reference_n=plain_n,
                    target_kind="ratio<=",
                    target_value=1.3,
                    note=note,
                )
            )
            self.table.add(
                Row(
                    RENDER,
                    f"{name} · whole cold journey page",
                    median_ms(cold_page[slug]) if slug in cold_page else None,
                    "ms",
                    "plain Folium",
                    plain_ms,
                    n=len(cold_page.get(slug, [])),
                    reference_n=plain_n,
                )
            )

    def bytes_rows(self, chromium: Any, base: str) -> None:
        big = max(self.args.sizes, key=lambda s: s.hazards, default=None)
        pages = [(f"{SEEDED_JOURNEY} (seeded) · journey page", SEEDED_JOURNEY, 400.0)]
        if big:
            limit = 1000.0 if big.hazards >= TARGET_HAZARDS else None
            pages.append((f"{big.label} · journey page", big.slug, limit))
        ours_host = urlsplit(base).netloc
        for what, slug, limit in pages:
            self.say(f"first visit {slug}")
            url = f"{base}/journeys/{slug}"
            visit = self.attempt(
                f"first visit {slug}", lambda url=url: browser.first_visit(chromium, url)
            )
            reference = None
            if visit:
                mirror = self.args.work / "static-copy"
                reference = self.attempt(
                    f"static copy {slug}",
                    lambda visit=visit, mirror=mirror: self.static_bytes(
                        chromium, visit, base, mirror
                    ),
                )
            hosts_ok = bool(visit) and visit.hosts == [ours_host] and not visit.failed
            note = ""
            if visit:
                others = [h for h in visit.hosts if h != ours_host]
                note = (
                    f"{visit.requests} requests, "
                    + ("all from our own host" if not others else f"OTHER HOSTS: {others}")
                    + (f"; static copy {reference[1]} requests" if reference else "")
                    + (f"; FAILED: {', '.join(visit.failed)}" if visit.failed else "")
                )
            self.table.add(
                Row(
                    BYTES,
                    what,
                    visit.bytes / 1000 if visit else None,
                    "KB",
                    "python -m http.server",
                    reference[0] / 1000 if reference else None,
                    n=1 if visit else 0,
                    reference_n=1 if reference else 0,
                    target_kind="figure<" if limit else "",
                    target_value=limit,
                    note=note,
                    also_required=hosts_ok,
                )
            )

    def static_bytes(
        self, chromium: Any, visit: browser.Visit, base: str, mirror: Path
    ) -> tuple[int, int]:
        with browser.static_copy(visit, base, mirror) as url:
            copy = browser.first_visit(chromium, url)
        return copy.bytes, copy.requests

    def ready_rows(self, chromium: Any, base: str) -> None:
        pages = [
            ("three-article atlas home /", "/"),
            (f"{SEEDED_JOURNEY} (seeded) · journey page", f"/journeys/{SEEDED_JOURNEY}"),
        ] + [(f"{s.label} · journey page", f"/journeys/{s.slug}") for s in self.args.sizes]
        warm_up(base, [p for _w, p in pages])
        runs, budget = self.args.runs, 2 * self.args.budget
        times: dict[str, list[float]] = {}
        for _what, path in pages:
            self.say(f"map ready {path}")
            got = self.attempt(
                f"map ready {path}",
                lambda path=path: browser.ready_times(chromium, base + path, runs, budget),
            )
            times[path] = got or []
        home = times["/"]
        home_ms = statistics.median(home) if home else None
        sizes = {f"/journeys/{s.slug}": s for s in self.args.sizes}
        for what, path in pages:
            size = sizes.get(path)
            target = size is not None and size.hazards >= TARGET_HAZARDS
            self.table.add(
                Row(
                    READY,
                    what,
                    statistics.median(times[path]) if times[path] else None,
                    "ms",
                    "home" if path != "/" else "",
                    home_ms if path != "/" else None,
                    n=len(times[path]),
                    reference_n=len(home) if path != "/" else 0,
                    target_kind="ratio<=" if target else "",
                    target_value=3.0 if target else None,
                )
            )

    def load_rows(self, base: str) -> None:
        paths = [
            ("/health", "/health"),
            (f"{SEEDED_JOURNEY} · journey page", f"/journeys/{SEEDED_JOURNEY}"),
            (f"{SEEDED_JOURNEY} · .geojson", f"/journeys/{SEEDED_JOURNEY}.geojson"),
            (f"{SEEDED_JOURNEY} · embed", f"/embed/journeys/{SEEDED_JOURNEY}"),
        ]
        seconds = self.args.wrk_seconds
        results: dict[str, list[load.LoadResult]] = {p: [] for _w, p in paths}
        skipped = "" if load.WRK else "wrk is not installed (apt-get install -y wrk)"
        if not skipped:
            warm_up(base, [p for _w, p in paths])
            for _w, path in paths:  # a short run each first: caches, connections, JIT
                self.attempt(
                    f"wrk warm-up {path}",
                    lambda path=path: load.wrk(base + path, min(2.0, seconds)),
                )
            for _round in range(self.args.wrk_rounds):  # interleaved rounds
                for _w, path in paths:
                    self.say(f"wrk {path}")
                    got = self.attempt(
                        f"wrk {path}", lambda path=path: load.wrk(base + path, seconds)
                    )
                    if got:
                        results[path].append(got)
        health = results["/health"]

        def med(rs: list[load.LoadResult], key: str) -> float | None:
            if not rs:
                return None
            if key == "req/s":
                return statistics.median(r.requests_per_s for r in rs)
            return statistics.median(r.latency_ms[key] for r in rs)

        for what, path in paths:
            rs = results[path]
            errors = "; ".join(r.errors for r in rs if r.errors)
            for key, unit in (("req/s", "req/s"), ("50", "ms"), ("90", "ms"), ("99", "ms")):
                label = "throughput" if key == "req/s" else f"p{key} latency"
                is_health = path == "/health"
                target_kind, target_value = "", None
                if not is_health and key == "req/s":
                    target_kind, target_value = "ratio>=", 0.7
                if not is_health and key == "99":
                    target_kind, target_value = "ratio<=", 2.0
                self.table.add(
                    Row(
                        LOAD,
                        f"{what} · {label}",
                        med(rs, key),
                        unit,
                        "" if is_health else "/health",
                        None if is_health else med(health, key),
                        n=len(rs),
                        reference_n=0 if is_health else len(health),
                        target_kind=target_kind,
                        target_value=target_value,
                        note=(skipped if key == "req/s" else "")
                        or (f"wrk: {errors}" if errors and key == "req/s" else ""),
                    )
                )

    def run(self) -> Table:
        args = self.args
        began = time.perf_counter()
        args.work.mkdir(parents=True, exist_ok=True)
        url = database_url(args.work, args.database_url)
        if args.fresh and not args.database_url:
            (args.work / "bench.sqlite").unlink(missing_ok=True)
        app = bench_app(url)
        self.say(f"preparing {urlsplit(url).scheme} database (seed, synthetic journeys)")
        prepare(app, args.sizes, say=self.say)
        cold_page = self.serving(app)
        self.rendering(app, cold_page)
        with gunicorn(url) as base, browser.chromium() as chromium:
            self.bytes_rows(chromium, base)
            self.ready_rows(chromium, base)
            self.load_rows(base)
        self.finish(time.perf_counter() - began)
        return self.table

    def finish(self, seconds: float) -> None:
        args = self.args
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        now = datetime.now(UTC)
        self.table.title = (
            f"Escape Route Atlas benchmarks ({args.mode} run), {now:%Y-%m-%d %H:%M} UTC, "
            f"commit {commit or '?'}"
        )
        load1, load5, _ = os.getloadavg()
        self.table.footer = [
            f"Medians. Repeats: in-process {args.repeat} per figure (fewer once a figure's "
            f"runs take {args.budget:g} s in all; listed below), warm and /health at least 20; "
            f"Chromium {args.runs} runs per page (new context each); first visit 1 each; "
            f"wrk {args.wrk_rounds} round(s) of {args.wrk_seconds:g} s per path after a "
            f"warm-up, Accept-Encoding: gzip, deflate, br.",
            f"Sizes: {', '.join(s.label for s in args.sizes) or 'none'}. Run time "
            f"{seconds / 60:.1f} min on {os.cpu_count()} CPUs (load {load1:.1f}/{load5:.1f}), "
            f"Python {platform.python_version()}.",
        ]
        wanted = {SERVING: args.repeat, RENDER: args.repeat, READY: args.runs}
        fewer = [
            f"{row.what} {row.n}"
            for row in self.table.rows
            if 0 < row.n < wanted.get(row.section, 0)
        ]
        if fewer:
            self.table.footer.append("Fewer samples (time budget): " + "; ".join(fewer) + ".")
        if self.failures:
            self.table.footer += ["Failures:"] + [f"  {f}" for f in self.failures]


def warm_up(base: str, paths: list[str], rounds: int = 3) -> None:
    """Every path asked of both workers a few times (each process has its own caches)."""

    def get(path: str) -> None:
        with urllib.request.urlopen(base + path, timeout=600) as response:  # loopback
            response.read()

    for _ in range(rounds):
        for path in paths:
            threads = [threading.Thread(target=get, args=(path,)) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    bench = Bench(args)
    table = bench.run()
    print(table.text(), flush=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    written = table.write(args.out, f"bench-{args.mode}-{stamp}")
    print(f"\nWritten: {', '.join(str(p) for p in written)} (and latest.json/.md)")
    return 1 if bench.failures else 0
