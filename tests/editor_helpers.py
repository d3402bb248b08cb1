"""Helpers for the editor's tests: post a real form with the session's CSRF token, read
what a form carries (its lock version), count the content rows (no partial saves)."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import Citation, ContentVersion, Hazard, Journey, Leg, Passage, Place, Source

VERSION = re.compile(r'name="lock_version" value="(\d+)"')
CONTENT = (Source, Passage, Place, Journey, Leg, Hazard, Citation, ContentVersion)


class Editor:
    """A logged-in editor's client and CSRF token."""

    def __init__(self, client: FlaskClient, token: str):
        self.client = client
        self.token = token

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.client.post(path, data={**(data or {}), "csrf_token": self.token}, **kwargs)

    def version(self, path: str) -> str:
        """The lock version the form on `path` was loaded at."""
        page = self.get(path)
        assert page.status_code == 200, page.status_code
        found = VERSION.search(page.get_data(as_text=True))
        assert found, f"{path} carries no lock_version"
        return found.group(1)


def counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            model.__tablename__: int(
                db.session.scalar(select(func.count()).select_from(model)) or 0
            )
            for model in CONTENT
        }


def text_of(response: Any) -> str:
    return str(response.get_data(as_text=True))
