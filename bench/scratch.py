"""The benchmarks' own database, apart from the one the atlas serves: built through
the migrations, seeded with the three articles, then given synthetic journeys by
`flask synthetic` (the real commands, run through Flask's CLI runner)."""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from app import create_app
from app.pages import cache as page_cache

SEEDED_JOURNEY = "roh-family"


@dataclass(frozen=True)
class Size:
    legs: int
    hazards: int

    @property
    def slug(self) -> str:
        return f"synthetic-{self.legs}-legs-{self.hazards}-hazards"

    @property
    def label(self) -> str:
        return f"{self.hazards:,} hazards, {self.legs:,} legs"


def parse_sizes(text: str) -> list[Size]:
    """'10x100,1000x10000' (legs x hazards) -> sizes."""
    sizes = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = re.fullmatch(r"(\d+)x(\d+)", part)
        if not match:
            raise ValueError(f"a size is LEGSxHAZARDS, like 10x100: {part!r}")
        sizes.append(Size(legs=int(match[1]), hazards=int(match[2])))
    return sizes


def database_url(work: Path, given: str | None) -> str:
    return given or f"sqlite:///{(work / 'bench.sqlite').resolve()}"


def bench_app(url: str) -> Flask:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    app.logger.disabled = True
    return app


def run_command(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    if result.exit_code != 0:
        raise RuntimeError(
            f"flask {' '.join(args)} failed ({result.exit_code}):\n{result.output}"
            + (f"\n{result.exception!r}" if result.exception else "")
        )
    return result.output


def prepare(app: Flask, sizes: list[Size], say: object = print) -> None:
    """Migrate, seed (a repeated seed changes nothing), and add each synthetic journey
    (kept when already there, so a second run does not generate it again)."""
    run_command(app, "db", "upgrade")
    run_command(app, "seed")
    for size in sizes:
        counts = ["--hazards", str(size.hazards), "--legs", str(size.legs)]
        out = run_command(app, "synthetic", *counts)
        if size.slug not in out:
            raise RuntimeError(f"flask synthetic printed no slug {size.slug}: {out!r}")
        if callable(say):
            say(f"  {size.slug}: {out.strip().splitlines()[-1]}")


def clear_caches(app: Flask, keep: Hashable | None = None) -> None:
    """Forget every built page and map, as after a change of the dataset: the next
    request builds from the database (a cold render). `keep`: one key given to
    app/pages/cache.py's `cached` (such as ("journey", slug)) whose value stays."""
    for key in list(page_cache._entries):
        if keep is None or key[-1] != keep:
            page_cache._entries.pop(key, None)
    # The whole-answer cache (app/http/response_cache.py) is WSGI middleware around
    # the app: found along the chain of wrapped WSGI apps, however deep it sits.
    layer: object = app.wsgi_app
    while layer is not None:
        store = getattr(layer, "store", None)
        if store is not None and callable(getattr(store, "clear", None)):
            store.clear()
        layer = getattr(layer, "app", None)
