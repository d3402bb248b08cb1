"""User management in the browser (/admin/users): list, create, disable or enable,
set a new password. Admins only."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..extensions import db
from ..models import User
from ..transactions import locked, write_transaction
from .accounts import AccountError, all_users, create_user, set_disabled, set_password
from .sessions import ROLES, admin_required, current_user, login_user

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")


def _page(status: int = 200, **context: object) -> Response:
    body = render_template(
        "auth/users.html",
        data={"title": _("Accounts")},
        users=all_users(db.session()),
        roles=ROLES,
        me=current_user(),
        **context,
    )
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _locked_user(user_id: int) -> User:
    """The account as committed now, locked for this write transaction."""
    user = locked(User, user_id)
    if user is None:
        abort(404)
    return user


def _new_password() -> str:
    password = request.form.get("password", "")
    if password != request.form.get("confirm", ""):
        raise AccountError(_("The two passwords differ."))
    return password


def _done(message: str) -> Response:
    """After the change is committed (each view writes in a write_transaction())."""
    flash(message)
    return redirect(url_for("admin_users.index"), code=303)


@bp.get("")
@admin_required
def index() -> Response:
    return _page()


@bp.post("")
@admin_required
def create() -> Response:
    name, role = request.form.get("name", ""), request.form.get("role", "")
    try:
        with write_transaction() as session:
            user = create_user(session, name, role, _new_password())
    except AccountError as exc:
        return _page(422, error=str(exc), form={"name": name, "role": role})
    return _done(_("Created the %(role)s account %(name)s.", role=user.role, name=user.name))


@bp.post("/<int:user_id>/disable")
@admin_required
def disable(user_id: int) -> Response:
    user = _user(user_id)
    if user is current_user():
        return _page(422, error=_("You cannot disable your own account."))
    with write_transaction():
        set_disabled(_locked_user(user_id), True)
    return _done(_("Disabled %(name)s; their sessions have ended.", name=user.name))


@bp.post("/<int:user_id>/enable")
@admin_required
def enable(user_id: int) -> Response:
    user = _user(user_id)
    with write_transaction():
        set_disabled(_locked_user(user_id), False)
    return _done(_("Enabled %(name)s.", name=user.name))


@bp.post("/<int:user_id>/password")
@admin_required
def reset_password(user_id: int) -> Response:
    user = _user(user_id)
    try:
        with write_transaction():
            set_password(_locked_user(user_id), _new_password())
    except AccountError as exc:
        return _page(422, error=f"{user.name}: {exc}")
    if user is current_user():
        login_user(user)  # keep this session; every other one has ended
    return _done(_("Set a new password for %(name)s; their sessions have ended.", name=user.name))
