"""Who is logged in, and the decorators that guard views.

A session is a signed cookie holding the user's id, a random session id and the user's
`session_epoch`. Every request compares that epoch with the database: logout, a new
password or disabling the account bumps it, which ends every session of the user at
once, on every worker (an old cookie replayed afterwards is refused).

Readers never log in, so reader pages must not touch the session (touching it adds
`Vary: Cookie`, and writing it sets a cookie): the session is read only when the
request carries a session cookie.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, g, has_request_context, jsonify, redirect, request, session, url_for
from werkzeug.wrappers import Response

from ..extensions import db
from ..models import User
from ..transactions import locked, write_transaction

F = TypeVar("F", bound=Callable[..., Any])

ROLES = ("editor", "admin")
# What each role may do: admins are also editors.
GRANTS = {"editor": {"editor"}, "admin": {"editor", "admin"}}
_UNSET = object()


def current_user() -> User | None:
    """The logged-in, enabled user whose session is still current, or None."""
    cached = g.get("_auth_user", _UNSET)
    if cached is not _UNSET:
        return cast("User | None", cached)
    user = _load_user()
    g._auth_user = user
    return user


def _load_user() -> User | None:
    if not has_request_context():
        return None  # rendering outside a request (a static export): nobody
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return None  # no cookie: an anonymous reader; leave the session untouched
    user_id, epoch, since = session.get("uid"), session.get("epoch"), session.get("since")
    if not (isinstance(user_id, int) and isinstance(epoch, int) and isinstance(since, int)):
        return None
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    if not 0 <= time.time() - since <= lifetime:
        return None  # a session lasts PERMANENT_SESSION_LIFETIME from login, at most
    user = db.session.get(User, user_id)
    if user is None or user.disabled or user.session_epoch != epoch:
        return None
    return user


def has_role(user: User | None, role: str) -> bool:
    return user is not None and role in GRANTS.get(user.role, set())


def login_user(user: User) -> None:
    """Start a new session for `user`: nothing of the old session (or its CSRF token)
    survives, and the new one carries a fresh random id."""
    session.clear()
    session["sid"] = secrets.token_urlsafe(32)
    session["uid"] = user.id
    session["epoch"] = user.session_epoch
    session["since"] = int(time.time())
    g._auth_user = user


def end_sessions(user: User) -> None:
    """Invalidate every session of `user`, everywhere (the caller commits)."""
    user.session_epoch += 1


def logout_user() -> None:
    """End every session of the current user and clear this one."""
    user = current_user()
    if user is not None:
        with write_transaction():  # the epoch moves on atomically, on every database
            end_sessions(locked(User, user.id) or user)
    session.clear()
    g._auth_user = None


def wants_json() -> bool:
    """Whether the refusal should be JSON: a JSON twin, a JSON body, a client that
    prefers JSON, or any request that is not a plain GET/HEAD of a page."""
    if request.method not in ("GET", "HEAD"):
        return True
    if request.path.endswith((".json", ".geojson")) or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def refuse_anonymous() -> Response:
    if wants_json():
        response = jsonify(error="login required", login=url_for("auth.login"))
        response.status_code = 401
        return response
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def refuse_forbidden(role: str) -> Response:
    response = jsonify(error=f"this needs the {role} role")
    response.status_code = 403
    return response


def role_required(role: str) -> Callable[[F], F]:
    """Decorator: the view needs a logged-in user with `role` (anonymous: login
    redirect for an HTML GET, 401 JSON otherwise; logged in without the role: 403)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    def decorator(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return refuse_anonymous()
            if not has_role(user, role):
                return refuse_forbidden(role)
            return view(*args, **kwargs)

        return cast(F, guarded)

    return decorator


editor_required = role_required("editor")
admin_required = role_required("admin")
