"""The dataset revision, read the cheapest way there is: one SELECT on a pooled DBAPI
connection, without the ORM or a SQLAlchemy transaction (on SQLite those add a BEGIN
and a ROLLBACK around it: app/extensions.py). SQLite's driver connection is in
autocommit (isolation_level None), so the SELECT sees the last commit of any process;
PostgreSQL's transaction is rolled back when the connection goes back to the pool.

It is read on every request the response cache answers: the row is the truth
(app/pages/cache.py), so a change committed by any process is seen at once."""

from __future__ import annotations

from sqlalchemy.engine import Engine

Revision = tuple[str, int, str]

_QUERY = "SELECT number, content_hash FROM dataset_revision WHERE id = 1"


class RevisionReader:
    def __init__(self, engine: Engine):
        self.engine = engine
        # Part of the revision: a rebuilt or another database never matches an old one.
        self.database = engine.url.render_as_string(hide_password=True)

    def __call__(self) -> Revision:
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(_QUERY)
                row = cursor.fetchone()
            finally:
                cursor.close()
        finally:
            connection.close()
        if row is None:
            return (self.database, 0, "")
        return (self.database, int(row[0]), str(row[1]))
