"""A consistent copy of a live SQLite database, through SQLite's online backup API:
one step, so the copy is one snapshot even while other processes write."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy import Engine


class BackupError(Exception):
    pass


def backup_sqlite(engine: Engine, target: Path) -> int:
    """Copy the database to `target` (atomically); returns its size in bytes."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"backup copies SQLite databases; this atlas uses {url.get_backend_name()}."
            " On PostgreSQL use its own tool, for example"
            " `pg_dump --format=custom --file=atlas.dump DBNAME` (restore with pg_restore),"
            " or `flask --app app export FILE` for a portable copy of the dataset"
        )
    database = url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    source = sqlite3.connect(f"file:{Path(database).resolve()}?mode=ro", uri=True)
    fd, tmp = tempfile.mkstemp(prefix=".backup-", dir=target.resolve().parent)
    os.close(fd)
    try:
        copy = sqlite3.connect(tmp)
        try:
            source.execute("PRAGMA busy_timeout=5000")
            source.backup(copy, pages=-1)  # all pages in one step: one snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            (check,) = copy.execute("PRAGMA integrity_check").fetchone()
            if check != "ok":
                raise BackupError(f"the copy failed its integrity check: {check}")
        finally:
            copy.close()
        os.replace(tmp, target)
    finally:
        source.close()
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target.stat().st_size
