"""Login (/login) and logout (POST /logout)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from ..extensions import db
from ..reader import local_path
from ..transactions import write_transaction
from . import throttle
from .accounts import find_user
from .passwords import MAX_LENGTH, hash_password, needs_rehash, verify_password
from .sessions import current_user, login_user, logout_user

bp = Blueprint("auth", __name__)

# One message for every failure: it never tells whether the account exists.
FAILED = "Wrong name or password, or the account cannot log in."


def failed_message() -> str:
    """FAILED in the reader's language."""
    return str(_("Wrong name or password, or the account cannot log in."))


def client_address() -> str:
    return request.remote_addr or "unknown"


def _page(status: int = 200, **context: object) -> Response:
    body = render_template(
        "auth/login.html",
        data={"title": _("Log in")},
        next=local_path(request.values.get("next")) or "",
        user=current_user(),
        **context,
    )
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/login")
def login_form() -> Response:
    return _page()


@bp.post("/login")
def login() -> Response:
    name = request.form.get("name", "")
    password = request.form.get("password", "")
    attempt = throttle.begin(db.session(), name, client_address())
    if attempt.retry_after is not None:
        minutes = -(-attempt.retry_after // 60)
        response = _page(
            429,
            error=ngettext(
                "Too many failed logins. Try again in %(num)d minute.",
                "Too many failed logins. Try again in %(num)d minutes.",
                minutes,
            ),
            name=name,
        )
        response.headers["Retry-After"] = str(attempt.retry_after)
        return response

    user = find_user(db.session(), name) if name.strip() else None
    too_long = len(password) > MAX_LENGTH
    # Always one argon2 verification, against a dummy hash when there is no account,
    # so that the answer takes as long whether or not the account exists.
    matches = verify_password(
        user.password_hash if user is not None and not too_long else None,
        password if not too_long else "",
    )
    if user is None or user.disabled or not matches:
        return _page(200, error=failed_message(), name=name)

    # Parameters changed: upgrade the hash (computed before the write lock is taken).
    new_hash = hash_password(password) if needs_rehash(user.password_hash) else None
    with write_transaction():
        throttle.succeeded(db.session(), attempt)
        if new_hash is not None:
            user.password_hash = new_hash
        login_user(user)
    return redirect(local_path(request.form.get("next")) or url_for("atlas.home"), code=303)


@bp.post("/logout")
def logout() -> Response:
    logout_user()  # ends this user's sessions everywhere
    return redirect(url_for("atlas.home"), code=303)
