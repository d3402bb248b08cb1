"""Write transactions: every change to content goes through `write_transaction()`, so a
read-modify-write is atomic whichever database and however many worker processes.

    with write_transaction() as session:
        journey = locked(Journey, journey_id)     # read it under the lock ...
        journey.summary += " (revised)"           # ... change it, committed at the end

SQLite: the transaction begins with BEGIN IMMEDIATE (app/extensions.py), so it holds the
database's write lock before its first read; a writer in another process waits (the busy
timeout, then again until `SQLITE_WRITE_LOCK_SECONDS`) instead of failing or interleaving.
WAL lets readers go on meanwhile.

PostgreSQL: row locks, READ COMMITTED. Load what you are going to change with `locked()`
(SELECT ... FOR UPDATE): a concurrent writer of the same row waits until this
transaction ends, then reads the committed row. Chosen over SERIALIZABLE with retry
because a `with` block cannot be re-run by its context manager (a retry would have to
wrap every view in a loop and repeat its side effects), while a lock wait needs nothing
from the caller; and the rest of a write is already safe under READ COMMITTED: the
history recorder locks every record before its before-snapshot, and the dataset revision
moves on by an atomic UPDATE whose row lock is held until commit. Two writers locking
the same rows in opposite order deadlock; PostgreSQL then fails one of them (an error,
never a lost write) — lock in a stable order (`locked_all()` locks in id order).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from .extensions import WRITE_LOCK, db

T = TypeVar("T")

_WRITING = "atlas_write_transaction"
DEFAULT_WRITE_LOCK_SECONDS = 60.0


class WriteTransactionError(RuntimeError):
    """write_transaction() used in a way that would make its lock meaningless."""


def _lock_seconds() -> float:
    if has_app_context():
        return float(
            current_app.config.get("SQLITE_WRITE_LOCK_SECONDS", DEFAULT_WRITE_LOCK_SECONDS)
        )
    return DEFAULT_WRITE_LOCK_SECONDS


@contextmanager
def write_transaction() -> Iterator[Session]:
    """All or nothing, with the write lock up front: the block's changes are committed
    together, or none is. Nested blocks are part of the outermost one.

    What the session read before the block is let go (its transaction is ended and its
    objects expire, to be read again under the lock); changes made before the block are
    refused, since they were made without the lock."""
    session = db.session()
    if session.info.get(_WRITING):
        yield session  # the enclosing write_transaction() commits or rolls back
        return
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise WriteTransactionError(
                "changes were made to the session before write_transaction() began;"
                " make them inside the block, where the write lock is held"
            )
        session.rollback()  # a read-only transaction: nothing is lost, objects expire
    session.info[_WRITING] = True
    try:
        session.connection(execution_options={WRITE_LOCK: _lock_seconds()})
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(_WRITING, None)


def in_write_transaction(session: Session | None = None) -> bool:
    return bool((session or db.session()).info.get(_WRITING))


def _writing() -> Session:
    session = db.session()
    if not session.info.get(_WRITING):
        raise WriteTransactionError("locked() and locked_all() belong inside write_transaction()")
    return session


def locked(model: type[T], ident: Any) -> T | None:
    """The record as committed now, locked until the transaction ends (PostgreSQL:
    SELECT ... FOR UPDATE; SQLite: the write transaction already holds the whole
    database). Objects already in the session are refreshed, not trusted."""
    session = _writing()
    return session.get(model, ident, with_for_update=True, populate_existing=True)


def locked_all(model: type[T], idents: Iterable[Any]) -> Sequence[T]:
    """Several records of one model, locked in id order (a stable order: two writers
    locking overlapping sets cannot deadlock on them)."""
    session = _writing()
    ids = sorted(set(idents))
    if not ids:
        return []
    pk = getattr(model, "id")  # noqa: B009 - every content model's primary key
    query = (
        select(model)
        .where(pk.in_(ids))
        .order_by(pk)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).all()
