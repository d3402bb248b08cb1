"""The benchmark suite runs end to end in its tiny mode (`python -m bench --smoke`: one
small synthetic journey, one repeat, wrk for 1 s) on a database of its own, and prints
its table with every row present and every number readable. Timings are for the
table, never for tests: nothing here judges a time or a ratio."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CHROMIUM, REPO, database_url

pytestmark = pytest.mark.browser

SEEDED = "roh-family (seeded)"
SMALL = "100 hazards, 10 legs"
DATASETS = (SEEDED, SMALL)
PAGES = ("journey page", ".geojson", "embed", "presentation")
LOAD_PATHS = ("/health", "roh-family · journey page", "roh-family · .geojson", "roh-family · embed")

# Section headings, as the table prints them in brackets, by their first words.
SERVING = "Serving"
RENDER = "Cold journey map"
BYTES = "First visit"
READY = "Navigation"
LOAD = "Load"
RENDER_ROWS = ("map build+render", "whole cold journey page")

EXPECTED: dict[str, list[str]] = {
    SERVING: [f"{d} · {p} · {s}" for d in DATASETS for p in PAGES for s in ("cold", "warm")],
    RENDER: [f"{d} · {w}" for d in DATASETS for w in RENDER_ROWS],
    BYTES: [f"{d} · journey page" for d in DATASETS],
    READY: ["three-article atlas home /"] + [f"{d} · journey page" for d in DATASETS],
    LOAD: [
        f"{p} · {m}"
        for p in LOAD_PATHS
        for m in ("throughput", "p50 latency", "p90 latency", "p99 latency")
    ],
}
# Rows that stand alone: the reference of their own section.
NO_REFERENCE = {(READY, "three-article atlas home /")} | {
    (LOAD, f"/health · {m}") for m in ("throughput", "p50 latency", "p90 latency", "p99 latency")
}
NUMBER = r"(\d+(?:\.\d+)?)"


def read_table(text: str) -> dict[str, dict[str, list[str]]]:
    """Section (by its first words) -> row label -> the row's cells."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for line in text.splitlines():
        heading = re.fullmatch(r"\[(.+)\]", line)
        if heading:
            name = next(k for k in EXPECTED if heading[1].startswith(k))
            current = sections.setdefault(name, {})
        elif current is not None and line.strip():
            if line.startswith(("Notes:", "Medians.")):
                current = None
                continue
            cells = re.split(r"\s{2,}", line.strip())
            current[cells[0]] = cells
    return sections


def test_the_smoke_run_prints_every_row_with_its_numbers(tmp_path: Path):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does)")
    results = tmp_path / "results"
    command = [sys.executable, "-m", "bench", "--smoke", "--work", str(tmp_path / "work")]
    command += ["--out", str(results), "--database-url", database_url(tmp_path / "bench.sqlite")]
    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"bench failed:\n{run.stdout}\n{run.stderr[-5000:]}"
    print(run.stdout)  # the table, for whoever reads the test log

    wrk_installed = shutil.which("wrk") is not None
    if not wrk_installed:
        print("wrk is not installed: the load rows are skipped (apt-get install -y wrk)")
    table = read_table(run.stdout)
    assert set(table) == set(EXPECTED)
    for section, labels in EXPECTED.items():
        assert sorted(table[section]) == sorted(labels), section
        for label in labels:
            what, figure, reference, ratio, target, holds = table[section][label]
            if section == LOAD and not wrk_installed:
                assert figure == "skipped", label
                continue
            assert re.fullmatch(rf"{NUMBER} (ms|KB|req/s)", figure), (label, figure)
            if (section, label) in NO_REFERENCE:
                assert (reference, ratio) == ("-", "-"), label
            else:
                assert re.fullmatch(rf".+ {NUMBER} (ms|KB|req/s)", reference), (label, reference)
                assert re.fullmatch(rf"{NUMBER}x", ratio), (label, ratio)
            # A target is said as one, and judged yes or NO (which, is not for tests).
            assert (target == "-") == (holds == "-"), label
            assert holds in ("-", "yes", "NO"), label

    # The same rows, as numbers, in the JSON beside the Markdown.
    data = json.loads((results / "latest.json").read_text())
    assert len(data["rows"]) == sum(len(v) for v in EXPECTED.values())
    for row in data["rows"]:
        if row["section"].startswith(LOAD) and not wrk_installed:
            continue
        assert isinstance(row["figure"], float) and row["n"] >= 1, row
    assert "| what | figure |" in (results / "latest.md").read_text()
