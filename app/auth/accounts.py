"""Account operations shared by the command line and the admin pages: create, list,
disable/enable, set a password. Each leaves the commit to its caller."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import User
from .passwords import hash_password, password_problem
from .sessions import ROLES, end_sessions

# Lower-case ASCII, so that a name reads the same everywhere and "Alice" is "alice".
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{0,79}")


class AccountError(ValueError):
    """A refused account operation; the message is meant for the person asking."""


def normalise_name(name: str) -> str:
    return name.strip().lower()


def find_user(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == normalise_name(name)))


def get_user(session: Session, name: str) -> User:
    user = find_user(session, name)
    if user is None:
        raise AccountError(_("There is no account %(name)s.", name=repr(normalise_name(name))))
    return user


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def create_user(session: Session, name: str, role: str, password: str) -> User:
    name = normalise_name(name)
    if not NAME_PATTERN.fullmatch(name):
        raise AccountError(
            _(
                "A name has 1 to 80 characters: letters a-z, digits, '.', '_', '@', '-' "
                "(starting with a letter or digit)."
            )
        )
    if role not in ROLES:
        raise AccountError(_("A role is one of %(roles)s.", roles=", ".join(ROLES)))
    if find_user(session, name) is not None:
        raise AccountError(_("The account %(name)s exists already.", name=repr(name)))
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user = User(
        name=name,
        role=role,
        password_hash=hash_password(password),
        session_epoch=0,
        created_at=datetime.now(UTC),
        disabled=False,
    )
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """A new password, which ends every session of the user."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    end_sessions(user)


def set_disabled(user: User, disabled: bool) -> None:
    """Disable (ending every session) or enable an account."""
    user.disabled = disabled
    if disabled:
        end_sessions(user)
