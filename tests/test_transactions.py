"""write_transaction(): all or nothing, the write lock up front (SQLite: BEGIN IMMEDIATE;
PostgreSQL: row locks through locked()), reads before it let go, misuse refused."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from conftest import POSTGRES_URL
from flask import Flask
from sqlalchemy import make_url, select, text
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.models import Journey
from app.transactions import WriteTransactionError, locked, write_transaction

pytestmark = pytest.mark.database

sqlite_only = pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's write lock")


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
    hold: float = 0.0,
    holding: threading.Event | None = None,
) -> None:
    with app.app_context(), write_transaction():
        journey = locked(Journey, ident)
        assert journey is not None
        journey.summary += words
        if holding is not None:
            holding.set()
        time.sleep(hold)


def test_a_second_writer_waits_for_the_first_and_builds_on_its_change(empty_app: Flask) -> None:
    ident = _journey(empty_app)
    holding = threading.Event()
    first = threading.Thread(target=_append, args=(empty_app, ident, " One.", 1.0, holding))
    first.start()
    assert holding.wait(timeout=60)  # the first holds its lock (however busy the machine)
    began = time.monotonic()
    _append(empty_app, ident, " Two.")
    assert time.monotonic() - began > 0.3
    first.join()
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
def test_sqlite_waits_for_the_write_lock_as_long_as_configured(empty_app: Flask) -> None:
    """The busy timeout waits in short stretches (20 ms), begun again until
    SQLITE_WRITE_LOCK_SECONDS have passed."""
    path = make_url(empty_app.config["SQLALCHEMY_DATABASE_URI"]).database
    assert path
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    holding = threading.Event()

    def hold(seconds: float) -> None:
        holder.execute("BEGIN IMMEDIATE")
        holding.set()
        time.sleep(seconds)
        holder.execute("ROLLBACK")

    with empty_app.app_context():
        thread = threading.Thread(target=hold, args=(1.0,))
        thread.start()
        assert holding.wait(timeout=60)
        holding.clear()
        began = time.monotonic()
        with write_transaction() as session:  # waits: the busy timeout, again and again
            session.execute(text("SELECT 1"))
        assert time.monotonic() - began > 0.5
        thread.join()

        empty_app.config["SQLITE_WRITE_LOCK_SECONDS"] = 0.3
        thread = threading.Thread(target=hold, args=(1.5,))
        thread.start()
        assert holding.wait(timeout=60)
        with pytest.raises(OperationalError, match="locked"), write_transaction():
            pass
        thread.join()
        busy = db.session.execute(text("PRAGMA busy_timeout")).scalar()
        assert busy == 5000  # readers keep the ordinary busy timeout
    holder.close()
