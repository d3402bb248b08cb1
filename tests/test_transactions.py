"""write_transaction(): all or nothing, the write lock up front (SQLite: BEGIN IMMEDIATE;
PostgreSQL: row locks through locked()), reads before it let go, misuse refused."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from conftest import POSTGRES_URL
from flask import Flask
from sqlalchemy import event, make_url, select, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.models import Journey
from app.transactions import WriteTransactionError, locked, write_transaction

pytestmark = pytest.mark.database

sqlite_only = pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's write lock")
# Waits on events are bounded only to end a failing test; nothing is measured by them.
LONG = 120


def _journey(app: Flask, summary: str = "Start.") -> int:
    with app.app_context(), write_transaction() as session:
        journey = Journey(
            slug="j",
            position=1,
            title="J",
            who="test",
            outcome="unknown",
            outcome_label="unknown",
            kind="test",
            summary=summary,
        )
        session.add(journey)
        session.flush()
        return journey.id


def _summary(app: Flask, ident: int) -> str:
    with app.app_context():
        return db.session.scalars(select(Journey.summary).filter_by(id=ident)).one()


def test_all_or_nothing_and_nested_blocks_are_part_of_the_outer_one(empty_app: Flask) -> None:
    ident = _journey(empty_app)
    with (
        empty_app.app_context(),
        pytest.raises(RuntimeError, match="boom"),
        write_transaction(),
    ):
        journey = locked(Journey, ident)
        assert journey is not None
        journey.summary = "First."
        with write_transaction():
            journey.title = "Changed"
        raise RuntimeError("boom")
    assert _summary(empty_app, ident) == "Start."
    with empty_app.app_context():
        with write_transaction():
            journey = locked(Journey, ident)
            assert journey is not None
            with write_transaction():
                journey.summary = "Second."
            assert _summary(empty_app, ident) == "Start."  # not committed by the inner block
        assert _summary(empty_app, ident) == "Second."


def test_changes_made_before_the_block_are_refused_and_locked_belongs_inside(
    empty_app: Flask,
) -> None:
    ident = _journey(empty_app)
    with empty_app.app_context():
        journey = db.session.get(Journey, ident)
        assert journey is not None
        journey.summary = "Unlocked change."
        with (
            pytest.raises(WriteTransactionError, match="before write_transaction"),
            write_transaction(),
        ):
            pass
        db.session.rollback()
        with pytest.raises(WriteTransactionError, match="inside write_transaction"):
            locked(Journey, ident)
    assert _summary(empty_app, ident) == "Start."


def test_what_was_read_before_the_block_is_read_again_under_the_lock(empty_app: Flask) -> None:
    ident = _journey(empty_app)
    with empty_app.app_context():
        journey = db.session.get(Journey, ident)
        assert journey is not None and journey.summary == "Start."  # a read, held open
        other = threading.Thread(target=_append, args=(empty_app, ident, " Other."))
        other.start()
        other.join()
        with write_transaction():
            journey.summary += " Mine."  # not the stale "Start."
    assert _summary(empty_app, ident) == "Start. Other. Mine."


def _append(
    app: Flask,
    ident: int,
    words: str,
    holding: threading.Event | None = None,
    release: threading.Event | None = None,
) -> None:
    """Append `words` to the journey's summary under the lock; with `holding` and
    `release`, say when the lock is held and the change made, then keep holding it
    (uncommitted) until the test lets go."""
    with app.app_context(), write_transaction():
        journey = locked(Journey, ident)
        assert journey is not None
        journey.summary += words
        if holding is not None:
            holding.set()
        if release is not None:
            assert release.wait(timeout=LONG), "the test never let go of the lock"


class LockWaits:
    """Whether a write transaction waits for the write lock, seen as it happens.

    SQLite: the app asks for the lock with BEGIN IMMEDIATE in short busy-timeout
    stretches; each stretch that ends without the lock is refused 'database is locked'
    and asked again (app/extensions.py). Every refusal is counted here through
    SQLAlchemy's handle_error event, and `on_refusal(count)` is called at once.
    PostgreSQL: a row lock is waited for inside the server; a backend of the test's own
    database waiting on a lock shows in pg_stat_activity (wait_event_type 'Lock')."""

    def __init__(self, app: Flask, on_refusal: Callable[[int], None] | None = None):
        self.app = app
        self.on_refusal = on_refusal
        self.refusals = 0
        self.refused = threading.Event()

    def __enter__(self) -> LockWaits:
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "handle_error", self._error)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "handle_error", self._error)

    def _error(self, context: ExceptionContext) -> None:
        if context.statement == "BEGIN IMMEDIATE" and "locked" in str(context.original_exception):
            self.refusals += 1
            self.refused.set()
            if self.on_refusal is not None:
                self.on_refusal(self.refusals)

    def seen_waiting(self, writer: threading.Thread) -> bool:
        """Until `writer` is seen waiting for the lock (True) or has ended without
        having waited (False)."""
        if self.engine.dialect.name == "sqlite":
            # Woken by the first refusal, or by the writer's end (it sets `refused` too).
            assert self.refused.wait(timeout=LONG), "the writer neither waited nor ended"
            return self.refusals > 0
        # PostgreSQL tells no one when a backend begins to wait: ask it, and between two
        # questions wait on the writer's end (returns at once if it ends without waiting).
        # Every question is its own transaction (AUTOCOMMIT): a fresh look at the activity.
        server = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        waiting = text(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        for _ in range(LONG * 100):
            with server.connect() as connection:
                if connection.execute(waiting).scalar():
                    return True
            if not writer.is_alive():
                return False
            writer.join(timeout=0.01)
        raise AssertionError("the writer neither waited nor ended")


def test_a_second_writer_waits_for_the_first_and_builds_on_its_change(empty_app: Flask) -> None:
    """The first writer takes the lock, changes the summary and holds on (uncommitted)
    until the test lets go; the second writer is seen waiting for the lock meanwhile
    (SQLite: its BEGIN IMMEDIATE refused 'locked' and asked again; PostgreSQL: its
    SELECT ... FOR UPDATE waiting on a lock). Only then does the test let go: the first
    commits, and the second, once it has the lock, reads the first's change and builds on
    it ("Start. One. Two."), never the stale "Start." (a lost update)."""
    ident = _journey(empty_app)
    holding, release = threading.Event(), threading.Event()
    first = threading.Thread(target=_append, args=(empty_app, ident, " One.", holding, release))
    with LockWaits(empty_app) as lock:

        def second_writer() -> None:
            try:
                _append(empty_app, ident, " Two.")
            finally:
                lock.refused.set()  # wakes seen_waiting() if it never waited

        second = threading.Thread(target=second_writer)
        first.start()
        try:
            assert holding.wait(timeout=LONG)  # the first holds the lock, its change made
            second.start()
            assert lock.seen_waiting(second), "the second writer did not wait for the lock"
        finally:
            release.set()
            first.join()
            if second.ident is not None:
                second.join()
    assert _summary(empty_app, ident) == "Start. One. Two."


@sqlite_only
def test_sqlite_write_transactions_hold_the_write_lock_from_the_start(empty_app: Flask) -> None:
    path = make_url(empty_app.config["SQLALCHEMY_DATABASE_URI"]).database
    assert path
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    with empty_app.app_context():
        with write_transaction() as session:
            session.execute(text("SELECT 1"))  # a read only: the lock is already held
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again after the commit
        other.execute("ROLLBACK")
        db.session.execute(text("SELECT 1"))  # a reading transaction takes no write lock
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    other.close()


@sqlite_only
def test_sqlite_waits_for_the_write_lock_as_long_as_configured(
    empty_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write lock is asked for in short busy-timeout stretches (20 ms), each refused
    'locked' while another connection holds the lock, and asked again until
    SQLITE_WRITE_LOCK_SECONDS have passed. Another connection holds the lock until the
    test lets go: the default wait goes on through 10 refusals (the test lets go at the
    10th) and then takes the lock; with SQLITE_WRITE_LOCK_SECONDS = 3, and the clock the
    app reads moved on by one second at each refusal, it gives up with 'locked' exactly
    after the 4th (the first past 3 s), the lock still held."""
    path = make_url(empty_app.config["SQLALCHEMY_DATABASE_URI"]).database
    assert path
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        holder.execute("BEGIN IMMEDIATE")
        holding.set()
        try:
            assert release.wait(timeout=LONG), "the test never let go of the lock"
        finally:
            holder.execute("ROLLBACK")

    def let_go_at_the_10th(refusals: int) -> None:
        if refusals == 10:
            release.set()

    with empty_app.app_context():
        thread = threading.Thread(target=hold)
        thread.start()
        try:
            assert holding.wait(timeout=LONG)
            with (
                LockWaits(empty_app, on_refusal=let_go_at_the_10th) as lock,
                write_transaction() as session,  # waits: refused, asked again, ...
            ):
                session.execute(text("SELECT 1"))
            assert lock.refusals >= 10  # more if the holder took a while to let go
        finally:
            release.set()
            thread.join()

        clock = SimpleNamespace(now=1000.0)
        monkeypatch.setattr("app.extensions.time", SimpleNamespace(monotonic=lambda: clock.now))

        def a_second_passes(_refusals: int) -> None:
            clock.now += 1.0

        empty_app.config["SQLITE_WRITE_LOCK_SECONDS"] = 3
        holding.clear()
        release.clear()
        thread = threading.Thread(target=hold)
        thread.start()
        try:
            assert holding.wait(timeout=LONG)
            with (
                LockWaits(empty_app, on_refusal=a_second_passes) as lock,
                pytest.raises(OperationalError, match="locked"),
                write_transaction(),
            ):
                pass
            assert lock.refusals == 4  # at 1, 2, 3 s (not past 3 s): asked again; at 4: gave up
            assert thread.is_alive()  # the lock was still held: nothing raced the wait
        finally:
            release.set()
            thread.join()
        busy = db.session.execute(text("PRAGMA busy_timeout")).scalar()
        assert busy == 5000  # readers keep the ordinary busy timeout
    holder.close()
