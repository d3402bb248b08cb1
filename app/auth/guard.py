"""CSRF on every state-changing request, and the write-route guard: no anonymous
POST/PUT/PATCH/DELETE reaches any view, whoever wrote it, except the login form.

Views still declare what they need (`editor_required`, `admin_required`); the guard is
the net under them, so a write route added without a decorator is refused too
(tests/test_write_routes.py enumerates the URL map to prove it).
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.wrappers import Response

from .sessions import current_user, refuse_anonymous

csrf = CSRFProtect()

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Endpoints an anonymous visitor may POST to (still with a CSRF token): logging in.
PUBLIC_WRITES = frozenset({"auth.login"})


def refuse_anonymous_writes() -> Response | None:
    if request.method in SAFE_METHODS or request.endpoint is None:
        return None  # reads, and requests no route matches (404/405 follow)
    if request.endpoint in PUBLIC_WRITES or current_user() is not None:
        return None
    return refuse_anonymous()


def csrf_refused(error: CSRFError) -> tuple[Response | str, int]:
    """A request without a valid token: 403, with a page that says what to do."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if request.is_json or best == "application/json":
        return jsonify(error="CSRF token missing or invalid", reason=error.description), 403
    return render_template("auth/csrf.html", reason=error.description), 403


def register(app: Flask) -> None:
    csrf.init_app(app)  # also puts csrf_token() in every template
    app.before_request(refuse_anonymous_writes)
    app.register_error_handler(CSRFError, csrf_refused)
