"""One read of the dataset revision serves a request: the response cache's (app/http/
response_cache.py) when it looked the request up, else the first built page's
(app/pages/cache.py); every later page and map of the request reuses it, until the
request itself moves the dataset on.

Statements are counted as SQLite runs them (the driver's trace callback, set on every
connection the engine opens): the revision reader (app/http/revision.py) runs its
SELECT on a DBAPI connection of its own, which SQLAlchemy's events do not see."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from auth_helpers import editor_client
from conftest import POSTGRES_URL, make_app, seed
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, select

from app import create_app
from app.extensions import db
from app.history import acting_as
from app.models import Journey
from app.pages.cache import dataset_revision
from app.pages.shared import journey_data

SLUG = "roh-family"
PAGES = [
    f"/journeys/{SLUG}",
    f"/embed/journeys/{SLUG}",
    f"/present/journeys/{SLUG}",
]
EDITORS = itertools.count(1)
REVISION_READ = re.compile(r"\s*SELECT\b.*\bFROM dataset_revision\b", re.IGNORECASE | re.DOTALL)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A seeded SQLite database (this test is about SQLite's statements)."""
    path: Path = tmp_path_factory.mktemp("revision-reads") / "atlas.sqlite"
    uri = f"sqlite:///{path}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        upgrade()
    seed(app)
    return uri


class Traced:
    """An app on the database, and every statement its connections have run."""

    def __init__(self, uri: str, **config: Any):
        self.app: Flask = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri, **config})
        self.statements: list[str] = []
        with self.app.app_context():
            event.listen(db.engine, "connect", self._trace)

    def _trace(self, dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(self.statements.append)

    def revision_reads(self, client: FlaskClient, url: str) -> int:
        """How many times the revision row is read while `client` gets `url`."""
        self.statements.clear()
        response = client.get(url)
        assert response.status_code == 200, url
        return sum(1 for s in self.statements if REVISION_READ.match(s))


@pytest.fixture(params=["cache on", "cache off"])
def traced(request: pytest.FixtureRequest, database: str) -> Iterator[Traced]:
    config = {"HTTP_CACHE_MAX_BYTES": 0} if request.param == "cache off" else {}
    yield Traced(database, **config)


@pytest.mark.parametrize("url", PAGES)
def test_an_anonymous_request_reads_the_revision_once(traced: Traced, url: str) -> None:
    client = traced.app.test_client()
    # A new query string each time: the response cache has not kept this answer.
    assert traced.revision_reads(client, f"{url}?first=1") == 1
    assert traced.revision_reads(client, f"{url}?second=1") == 1  # pages built already
    assert traced.revision_reads(client, f"{url}?second=1") == 1  # kept (when on)


# Logging in writes (a session): the test is marked, but it counts SQLite's statements.
@pytest.mark.database
@pytest.mark.skipif(bool(POSTGRES_URL), reason="counts the statements SQLite runs")
@pytest.mark.parametrize("url", PAGES)
def test_a_logged_in_request_reads_the_revision_once(traced: Traced, url: str) -> None:
    client, _token = editor_client(traced.app, f"reader{next(EDITORS)}")
    assert traced.revision_reads(client, url) == 1
    assert traced.revision_reads(client, url) == 1


@pytest.mark.database
def test_a_request_that_changes_the_dataset_builds_its_pages_at_the_new_revision(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path / "atlas.sqlite")
    seed(app)
    with app.test_request_context(f"/journeys/{SLUG}"):
        before, revision = journey_data(SLUG), dataset_revision()
        journey = db.session.scalars(select(Journey).filter_by(slug=SLUG)).one()
        with acting_as("tester"):
            journey.title = "Changed in this request"
            db.session.commit()
        assert dataset_revision()[1] == revision[1] + 1
        after = journey_data(SLUG)
        assert after["title"] == "Changed in this request" != before["title"]
