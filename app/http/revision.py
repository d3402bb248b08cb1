"""The dataset revision, read the cheapest way there is: one SELECT on a DBAPI
connection kept for this purpose, without the ORM, a SQLAlchemy transaction (on
SQLite those add a BEGIN and a ROLLBACK around it: app/extensions.py) or a pool
checkout and check-in (which cost more than the query).

The connections are taken out of the engine's pool for good (detached) and run in
autocommit: SQLite's driver connection already is (isolation_level None), PostgreSQL's
is set to it. So each SELECT sees the last commit of any process, and no connection
sits idle inside a transaction. One connection per thread reading at the same time
(one per worker under gunicorn's sync workers); they are closed when the engine is
disposed.

It is read on every request the response cache answers: the row is the truth
(app/pages/cache.py), so a change committed by any process is seen at once. That one
read serves the whole request: it is left on the request's WSGI environ (REVISION),
where app/pages/cache.py finds it; a request the response cache does not look at is
read for there, once, by the app's reader (READER, in app.extensions)."""

from __future__ import annotations

import os
import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

Revision = tuple[str, int, str]

# The revision a request is served at, on its WSGI environ (app/pages/cache.py).
REVISION = "atlas.http.revision"
# The app's reader, in app.extensions (made by app/http/__init__.py's register).
READER = "atlas_revision_reader"

_QUERY = "SELECT number, content_hash FROM dataset_revision WHERE id = 1"


class RevisionReader:
    def __init__(self, engine: Engine):
        self.engine = engine
        # Part of the revision: a rebuilt or another database never matches an old one.
        self.database = engine.url.render_as_string(hide_password=True)
        self._autocommit = engine.dialect.name in ("sqlite", "postgresql")
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()
        event.listen(engine, "engine_disposed", lambda _engine: self.close())

    def _take(self) -> Any:
        with self._lock:
            if self._pid != os.getpid():  # a forked child: those are its parent's
                self._idle, self._pid = [], os.getpid()
            if self._idle:
                return self._idle.pop()
        connection = self.engine.raw_connection()
        connection.detach()
        if self.engine.dialect.name == "postgresql":
            driver: Any = connection.dbapi_connection
            driver.autocommit = True
        return connection

    def __call__(self) -> Revision:
        connection = self._take()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(_QUERY)
                row = cursor.fetchone()
            finally:
                cursor.close()
            if not self._autocommit:
                connection.rollback()
        except BaseException:
            connection.close()  # a broken connection is not kept
            raise
        with self._lock:
            self._idle.append(connection)
        if row is None:
            return (self.database, 0, "")
        return (self.database, int(row[0]), str(row[1]))

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
