"""Who is changing the content: a context variable set around commands and jobs
(`acting_as`), else the logged-in user of the request, else "seed" (a command)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context

_acting: ContextVar[tuple[str, int | None] | None] = ContextVar("atlas_acting_as", default=None)

# Who a change is attributed to when no one is named: the seed command and the shell.
DEFAULT_ACTOR = "seed"


@contextmanager
def acting_as(name: str, user_id: int | None = None) -> Iterator[None]:
    """Attribute every content change committed inside the block to `name`."""
    token = _acting.set((name, user_id))
    try:
        yield
    finally:
        _acting.reset(token)


def current_actor() -> tuple[str, int | None]:
    """(name, user id) of whoever is changing the content now."""
    acting = _acting.get()
    if acting is not None:
        return acting
    if has_request_context():
        from ..auth import current_user

        user = current_user()
        if user is not None:
            return (user.name, user.id)
        return ("anonymous", None)
    return (DEFAULT_ACTOR, None)
