"""Editing the atlas in the browser: sources, journeys, legs, places, hazards and
citations, for editors only (every route under /edit, every form with its CSRF token).
Each submit is one write transaction (all or nothing), with optimistic locking against
other editors' saves (HTTP 409 with both versions)."""

from __future__ import annotations

from flask import Flask

from ..auth import current_user, has_role
from . import citations, dashboard, hazards, journeys, legs, places, sources  # noqa: F401
from .blueprint import bp

__all__ = ["bp", "can_edit", "register"]


def can_edit() -> bool:
    """Whether the page is for a logged-in editor (templates show Edit links then).
    Only the rendered HTML differs: the cached page data is the same for everyone."""
    return has_role(current_user(), "editor")


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["can_edit"] = can_edit
