"""Every route that changes data refuses anonymous readers, with or without a valid CSRF
token, and changes nothing; every such route refuses a logged-in editor who sends no CSRF
token; /admin/ routes refuse editors.

The routes are read from the application's URL map, not listed here, so a write route
added later by any feature is checked too (and fails here if it is left unguarded).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from auth_helpers import PASSWORD, csrf_token, log_in, make_user
from conftest import make_app, seed
from flask import Flask
from sqlalchemy import inspect, text
from werkzeug.routing import Rule
from werkzeug.routing.converters import FloatConverter, IntegerConverter, UUIDConverter

from app import create_app
from app.auth.guard import PUBLIC_WRITES
from app.extensions import db

pytestmark = pytest.mark.database

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# The only write route an anonymous visitor may use: logging in (still CSRF-checked, and
# throttled). Nothing else may be added here.
ANONYMOUS_ALLOWED = {"auth.login"}

# What an unguarded view would receive: enough to create or deface something.
FORM = {
    "name": "intruder",
    "role": "admin",
    "password": PASSWORD,
    "confirm": PASSWORD,
    "title": "defaced",
    "text": "defaced",
    "slug": "defaced",
    "quote": "defaced",
}


def write_routes() -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every rule of the URL map that accepts a write."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(set(rule.methods or ()) & set(WRITE_METHODS)):
            found.append((rule.endpoint, method, rule.rule))
    return sorted(found)


ROUTES = write_routes()
ROUTE_IDS = [f"{method} {path}" for _, method, path in ROUTES]


def example_path(app: Flask, endpoint: str, rule_text: str) -> str:
    """The rule's path with a plausible, existing value for each variable: id 1, the
    first seeded journey's slug."""
    rule: Rule = next(
        r for r in app.url_map.iter_rules() if r.endpoint == endpoint and r.rule == rule_text
    )

    def value(match: re.Match[str]) -> str:
        converter = rule._converters[match.group(1)]  # type: ignore[attr-defined]
        if isinstance(converter, IntegerConverter):
            return "1"
        if isinstance(converter, FloatConverter):
            return "1.0"
        if isinstance(converter, UUIDConverter):
            return str(uuid.UUID(int=1))
        return "roh-family"

    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", value, rule_text)


def snapshot(app: Flask) -> dict[str, list[str]]:
    """Every row of every table."""
    with app.app_context(), db.engine.connect() as connection:
        tables = sorted(inspect(connection).get_table_names())
        return {
            table: sorted(
                repr(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{table}"'))
            )
            for table in tables
        }


def is_refusal(response: Any) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("Location", "")
    return response.status_code in (302, 303) and location.startswith("/login")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = make_app(tmp_path_factory.mktemp("writes") / "writes.sqlite")
    seed(app)
    make_user(app, "ed", "editor")
    make_user(app, "root", "admin")
    yield app


def send(client: Any, method: str, path: str, token: str | None = None) -> Any:
    headers = {"X-CSRFToken": token} if token else {}
    form = {**FORM, **({"csrf_token": token} if token else {})}
    if method == "POST":
        return client.open(path, method=method, data=form, headers=headers)
    return client.open(path, method=method, json=FORM, headers=headers)


def test_the_url_map_has_write_routes_to_check():
    endpoints = {endpoint for endpoint, _, _ in ROUTES}
    assert {"auth.login", "auth.logout", "admin_users.create"} <= endpoints
    assert set(ANONYMOUS_ALLOWED) <= endpoints
    # The guard itself lets no other anonymous write through.
    assert PUBLIC_WRITES == ANONYMOUS_ALLOWED


@pytest.mark.parametrize(("endpoint", "method", "rule"), ROUTES, ids=ROUTE_IDS)
def test_an_anonymous_write_without_a_csrf_token_is_refused_and_changes_nothing(
    app, endpoint, method, rule
):
    before = snapshot(app)
    response = send(app.test_client(), method, example_path(app, endpoint, rule))
    assert is_refusal(response), (response.status_code, response.get_data(as_text=True)[:300])
    assert response.status_code != 404
    assert snapshot(app) == before


@pytest.mark.parametrize(("endpoint", "method", "rule"), ROUTES, ids=ROUTE_IDS)
def test_an_anonymous_write_with_a_valid_csrf_token_is_refused_and_changes_nothing(
    app, endpoint, method, rule
):
    if endpoint in ANONYMOUS_ALLOWED:
        pytest.skip("logging in is the one write an anonymous visitor makes")
    client = app.test_client()
    token = csrf_token(client)  # a real session with a real token, but nobody logged in
    before = snapshot(app)
    response = send(client, method, example_path(app, endpoint, rule), token)
    assert is_refusal(response), (response.status_code, response.get_data(as_text=True)[:300])
    assert snapshot(app) == before


@pytest.mark.parametrize(("endpoint", "method", "rule"), ROUTES, ids=ROUTE_IDS)
def test_a_logged_in_write_without_a_csrf_token_is_refused_and_changes_nothing(
    app, endpoint, method, rule
):
    client = app.test_client()
    log_in(client, "root")
    before = snapshot(app)
    response = send(client, method, example_path(app, endpoint, rule))
    assert response.status_code == 403, response.get_data(as_text=True)[:300]
    assert snapshot(app) == before


ADMIN_ROUTES = [route for route in ROUTES if route[2].startswith("/admin/")]


@pytest.mark.parametrize(
    ("endpoint", "method", "rule"),
    ADMIN_ROUTES,
    ids=[f"{method} {path}" for _, method, path in ADMIN_ROUTES],
)
def test_an_editor_is_refused_every_admin_write(app, endpoint, method, rule):
    client = app.test_client()
    token = log_in(client, "ed")
    before = snapshot(app)
    response = send(client, method, example_path(app, endpoint, rule), token)
    assert response.status_code == 403, response.get_data(as_text=True)[:300]
    assert snapshot(app) == before


def test_the_login_route_refuses_a_missing_token_and_counts_no_attempt(app):
    before = snapshot(app)
    response = app.test_client().post("/login", data={"name": "ed", "password": PASSWORD})
    assert response.status_code == 403
    assert snapshot(app) == before


def test_a_route_added_without_a_guard_is_still_refused(tmp_path: Path):
    app = make_app(tmp_path / "unguarded.sqlite")

    @app.post("/_test/unguarded")
    def unguarded() -> str:  # a careless new write route, with no decorator
        return "changed"

    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/_test/unguarded", data={"csrf_token": token})
    assert response.status_code == 401
    assert response.get_json()["error"] == "login required"
