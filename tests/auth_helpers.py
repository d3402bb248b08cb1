"""Accounts in tests: make a user, read the CSRF token from a page, log in through the
real form. Other features' tests use these to act as an editor or admin."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from app.auth.accounts import create_user
from app.extensions import db

PASSWORD = "a long test passphrase"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_user(app: Flask, name: str = "ed", role: str = "editor", password: str = PASSWORD) -> int:
    with app.app_context():
        user = create_user(db.session(), name, role, password)
        db.session.commit()
        return user.id


def csrf_token(client: FlaskClient, path: str = "/login", **kwargs: object) -> str:
    """The CSRF token of the client's session, as a form on `path` carries it."""
    page = client.get(path, **kwargs)  # type: ignore[arg-type]
    found = TOKEN.search(page.get_data(as_text=True))
    assert found, f"{path} has no CSRF token field"
    return found.group(1)


def log_in(client: FlaskClient, name: str = "ed", password: str = PASSWORD) -> str:
    """Log in through the form; returns the CSRF token of the new session."""
    response = client.post(
        "/login", data={"name": name, "password": password, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return csrf_token(client)


def editor_client(app: Flask, name: str = "ed", role: str = "editor") -> tuple[FlaskClient, str]:
    """A test client logged in as a new account, and its CSRF token (send it as the form
    field `csrf_token` or the header `X-CSRFToken`)."""
    make_user(app, name, role)
    client = app.test_client()
    return client, log_in(client, name)
