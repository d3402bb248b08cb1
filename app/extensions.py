"""Extension objects, created unbound and attached in the application factory."""

from __future__ import annotations

import time
from typing import Any

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Connection, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from .models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)


# Execution option set by app/transactions.py's write_transaction(): on SQLite, begin
# with BEGIN IMMEDIATE (the database's write lock up front); the value is how many
# seconds to keep trying for it in all.
WRITE_LOCK = "atlas_write_lock"
BUSY_TIMEOUT_MS = 5000
# While a write transaction waits for the write lock, the busy timeout waits in short
# stretches, each begun again: SQLite's busy handler sleeps longer and longer (up to
# 100 ms at a time), so a writer that has waited long would keep missing the moments
# the lock is free to writers that have just begun waiting (a wait of many seconds
# with 8 busy processes). Short stretches keep every waiter polling often.
WRITE_LOCK_STRETCH_MS = 20


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite: enforce foreign keys; WAL and a busy timeout so writers wait instead of failing."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    # SQLAlchemy's recipe for pysqlite ("Enabling Non-Legacy SQLite Transactional
    # Modes"): the driver emits no BEGIN of its own (it would only before INSERT, UPDATE
    # and DELETE, so reads ran outside any transaction); `_sqlite_begin` emits it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection: Connection) -> None:
    """SQLite: every transaction really begins: reads too see one snapshot, and DDL and
    savepoints take part in it. A write transaction begins IMMEDIATE: it waits (the busy
    timeout, in short stretches, nothing having been done yet) until it holds the write
    lock, so no other process can commit between its reads and its writes."""
    if connection.dialect.name != "sqlite":
        return
    wait = connection.get_execution_options().get(WRITE_LOCK)
    if not wait:
        connection.exec_driver_sql("BEGIN")
        return
    deadline = time.monotonic() + float(wait)
    connection.exec_driver_sql(f"PRAGMA busy_timeout={WRITE_LOCK_STRETCH_MS}")
    try:
        while True:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                if "locked" not in str(exc.orig) or time.monotonic() > deadline:
                    raise
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
