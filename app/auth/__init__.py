"""Accounts, login and logout, roles, CSRF and session cookies, login throttling.

Public helpers for other features: `current_user()`, `editor_required`,
`admin_required`, `has_role`; `csrf` (Flask-WTF's CSRFProtect, e.g. `csrf.exempt`).
"""

from __future__ import annotations

from flask import Flask

from . import admin, cli, cookies, guard
from .guard import csrf
from .secret import instance_secret_key
from .sessions import (
    admin_required,
    current_user,
    editor_required,
    has_role,
    login_user,
    logout_user,
)
from .views import bp

__all__ = [
    "admin_required",
    "bp",
    "csrf",
    "current_user",
    "editor_required",
    "has_role",
    "login_user",
    "logout_user",
    "register",
]


def register(app: Flask) -> None:
    """Sessions, CSRF, the write-route guard, login/logout, /admin/users, `flask users`."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    cookies.register(app)
    guard.register(app)
    app.register_blueprint(bp)
    app.register_blueprint(admin.bp)
    cli.register(app)

    # Templates call current_user() when they need it (base.html's header), so pages
    # that do not (embeds) never read the session.
    app.jinja_env.globals["current_user"] = current_user
