"""Write transactions: every change to content goes through `write_transaction()`, so a
read-modify-write is atomic whichever database and however many worker processes.

(First version: commit on success, roll back on error. It is being extended to take the
write lock up front — BEGIN IMMEDIATE on SQLite, row locks on PostgreSQL.)"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from .extensions import db


@contextmanager
def write_transaction() -> Iterator[Session]:
    """All or nothing: the block's changes are committed together, or none is."""
    session = db.session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
