"""Page data take a few SQL statements whatever the size of the data, and the same data
as loading every relationship lazily, one record at a time.

Statements are counted as the database driver receives them (a SQLAlchemy engine event),
each page built in a new session. The atlas is the seed data plus two synthetic journeys
(`flask synthetic`): a small one and one with many more legs and hazards.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from conftest import make_app, seed
from flask import Flask
from sqlalchemy import event

from app.extensions import db
from app.pages import builders, loading

pytestmark = pytest.mark.database

SMALL = (3, 10)  # legs, hazards
LARGE = (120, 400)
JOURNEY_PAGE_LIMIT = 30


@pytest.fixture(scope="module")
def atlas(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    app = make_app(tmp_path_factory.mktemp("query-count") / "atlas.sqlite")
    seed(app)
    runner = app.test_cli_runner()
    for legs, hazards in (SMALL, LARGE):
        result = runner.invoke(args=["synthetic", "--legs", str(legs), "--hazards", str(hazards)])
        assert result.exit_code == 0, result.output
    return app


def synthetic(legs: int, hazards: int) -> str:
    return f"synthetic-{legs}-legs-{hazards}-hazards"


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run inside the block (on a new session)."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    db.session.remove()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def statements_for(app: Flask, build: Callable[[], object]) -> int:
    with app.test_request_context("/"), counted(app) as statements:
        build()
        return len(statements)


def test_a_journey_page_takes_a_few_statements_whatever_its_number_of_legs(atlas: Flask) -> None:
    with atlas.test_request_context("/"):
        large = builders.journey_page(synthetic(*LARGE))
        assert len(large["legs"]) == LARGE[0] and len(large["hazards"]) == LARGE[1]
        slugs = [j["slug"] for j in builders.journeys_index()["journeys"]]
    counts = {
        slug: statements_for(atlas, lambda s=slug: builders.journey_page(s)) for slug in slugs
    }
    assert synthetic(*SMALL) in counts and synthetic(*LARGE) in counts
    assert all(5 <= n <= JOURNEY_PAGE_LIMIT for n in counts.values()), counts
    # Forty times the legs, forty times the hazards: the same statements.
    assert counts[synthetic(*LARGE)] == counts[synthetic(*SMALL)], counts


@pytest.mark.parametrize(
    ("page", "limit"),
    [
        (builders.home_page, 30),
        (builders.journeys_index, 8),
        (builders.sources_index, 4),
        (builders.hazards_page, 10),
        (builders.discrepancies_page, 6),
    ],
)
def test_the_other_pages_take_a_few_statements(
    atlas: Flask, page: Callable[[], object], limit: int
) -> None:
    assert 1 <= statements_for(atlas, page) <= limit


@pytest.fixture()
def lazy_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    """No loader options: every relationship loaded when first read, as before."""
    for name, value in vars(loading).items():
        if name.isupper() and isinstance(value, tuple):
            monkeypatch.setattr(loading, name, ())


def all_pages(app: Flask, lang: str) -> dict[str, Any]:
    with app.test_request_context(f"/?lang={lang}"):
        journeys = [j["slug"] for j in builders.journeys_index()["journeys"]]
        sources = [s["slug"] for s in builders.sources_index()["sources"]]
        pages: dict[str, Callable[[], object]] = {
            "home": builders.home_page,
            "journeys": builders.journeys_index,
            "sources": builders.sources_index,
            "hazards": builders.hazards_page,
            "discrepancies": builders.discrepancies_page,
        }
        pages |= {f"journey/{s}": (lambda s=s: builders.journey_page(s)) for s in journeys}
        pages |= {f"source/{s}": (lambda s=s: builders.source_page(s)) for s in sources}
    out = {}
    for name, build in pages.items():
        with app.test_request_context(f"/?lang={lang}"):
            db.session.remove()
            # As the .json twin writes it (app/views/rendering.py json_response).
            out[name] = json.dumps(build(), ensure_ascii=False, indent=2)
    return out


@pytest.fixture(scope="module")
def eager_pages(atlas: Flask) -> dict[str, dict[str, Any]]:
    return {lang: all_pages(atlas, lang) for lang in ("en", "ko")}


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_page_has_the_same_data_as_with_lazy_loading(
    atlas: Flask, eager_pages: dict[str, dict[str, Any]], lazy_loading: None, lang: str
) -> None:
    lazy = all_pages(atlas, lang)
    assert lazy.keys() == eager_pages[lang].keys()
    assert len(lazy) >= 15
    for name, text in lazy.items():
        assert text == eager_pages[lang][name], name


def test_lazy_loading_would_take_statements_by_the_hundred(
    atlas: Flask, lazy_loading: None
) -> None:
    """The counter sees what the options save (this check can fail)."""
    assert statements_for(atlas, lambda: builders.journey_page(synthetic(*LARGE))) > 200


def test_the_counter_counts_on_this_database(atlas: Flask) -> None:
    with atlas.test_request_context("/"), counted(atlas) as statements:
        builders.citation_exists("no-such-key")
        builders.citation_exists("nor-this-one")
    # (SQLite's connection setup also sends BEGIN through the cursor.)
    assert [s.split()[0] for s in statements if s.split()[0] != "BEGIN"] == ["SELECT", "SELECT"]
