"""The whole dataset, with its history, as one portable JSON file, and back.

Format (`format_version` 1): {"format", "format_version", "schema_revision",
"tables": {name: {"columns": [...], "rows": [[...], ...]}}}. Tables come parents
first, rows in primary-key order, so the same data always gives the same file.
Values are JSON as they are, except date-times: ISO 8601 in UTC.

What it holds: every content table, the hazard memberships, the dataset revision,
the content history, and the accounts (names, roles, argon2id password hashes,
session epochs) so that a restored atlas is complete; keep the file as private as
the database. Login attempts (throttling counters) are left out."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, DateTime, Engine, Table, func, select, text, update

from ..models import Base
from .snapshot import jsonable

FORMAT = "escape-route-atlas-dataset"
FORMAT_VERSION = 1
LEFT_OUT = ("login_attempt",)


class TransferError(Exception):
    """An export or import that cannot be done; the message says why."""


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in LEFT_OUT]


def schema_revision(connection: Connection) -> str | None:
    try:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 - no alembic_version table: not migrated
        return None


def _consistent(connection: Connection) -> None:
    """Read everything from one snapshot of the database."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("SELECT 1")  # the engine's own BEGIN, if it emits one
        raw: Any = connection.connection.dbapi_connection
        if not raw.in_transaction:  # the driver's legacy mode reads outside transactions
            connection.exec_driver_sql("BEGIN")
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def dump(engine: Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        _consistent(connection)
        tables: dict[str, Any] = {}
        for t in _tables():
            columns = [c.name for c in t.columns]
            order = list(t.primary_key.columns) or list(t.columns)
            rows = connection.execute(select(t).order_by(*order))
            tables[t.name] = {
                "columns": columns,
                "rows": [[jsonable(value) for value in row] for row in rows],
            }
        revision = schema_revision(connection)
        connection.rollback()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": revision,
        "tables": tables,
    }


def dumps(data: dict[str, Any]) -> str:
    """One row per line: stable, and readable in a diff."""
    lines = ["{"]
    for key in ("format", "format_version", "schema_revision"):
        lines.append(f"{json.dumps(key)}: {json.dumps(data[key])},")
    lines.append('"tables": {')
    names = list(data["tables"])
    for n, name in enumerate(names):
        table = data["tables"][name]
        lines.append(f"{json.dumps(name)}: {{")
        lines.append(f'"columns": {json.dumps(table["columns"], ensure_ascii=False)},')
        rows = [json.dumps(row, ensure_ascii=False) for row in table["rows"]]
        lines.append('"rows": [' + (",\n".join(rows)) + "]")
        lines.append("}" + ("," if n < len(names) - 1 else ""))
    lines.append("}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def export_file(engine: Engine, path: Path) -> dict[str, int]:
    """Write the dataset to `path` (atomically); returns the row count per table."""
    data = dump(engine)
    directory = path.resolve().parent
    fd, tmp = tempfile.mkstemp(prefix=".export-", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(dumps(data))
    os.replace(tmp, path)
    return {name: len(t["rows"]) for name, t in data["tables"].items()}


def _decode(table: Table, columns: list[str], row: list[Any]) -> dict[str, Any]:
    values = dict(zip(columns, row, strict=True))
    for name, value in values.items():
        if value is not None and isinstance(table.c[name].type, DateTime):
            values[name] = datetime.fromisoformat(value)
    return values


def _check(connection: Connection, data: dict[str, Any]) -> None:
    if data.get("format") != FORMAT:
        raise TransferError("this is not an Escape Route Atlas dataset file")
    if data.get("format_version") != FORMAT_VERSION:
        raise TransferError(
            f"dataset file format {data.get('format_version')!r} is not supported"
            f" (this atlas reads format {FORMAT_VERSION})"
        )
    here = schema_revision(connection)
    if here is None:
        raise TransferError(
            "the database has no schema: run `flask --app app db upgrade` first, then import"
        )
    if here != data.get("schema_revision"):
        raise TransferError(
            f"the file was exported at schema revision {data.get('schema_revision')!r} but"
            f" the database is at {here!r}: bring both to the same migration first"
        )
    known = {t.name for t in _tables()}
    unknown = sorted(set(data["tables"]) - known)
    if unknown:
        raise TransferError(f"the file holds tables this atlas does not know: {unknown}")
    for t in _tables():
        count = connection.execute(select(func.count()).select_from(t)).scalar_one()
        if count:
            raise TransferError(
                f"the database is not empty (table {t.name} has {count} rows): import only"
                " into an empty database (create a new one, run `flask --app app db upgrade`,"
                " then import); nothing was changed"
            )


def load(engine: Engine, data: dict[str, Any]) -> dict[str, int]:
    """Insert everything into an empty, migrated database in one transaction."""
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        _check(connection, data)
        for t in _tables():
            table = data["tables"].get(t.name)
            if table is None:
                continue
            rows = [_decode(t, table["columns"], row) for row in table["rows"]]
            # A row may point at a later row of its own table (a city's country):
            # insert those references empty, then set them.
            own = [fk.parent.name for fk in t.foreign_keys if fk.column.table is t]
            first = [{**r, **dict.fromkeys(own)} for r in rows] if own else rows
            if first:
                connection.execute(t.insert(), first)
            for r in rows:
                later = {name: r[name] for name in own if r[name] is not None}
                if later:
                    pk = {c.name: r[c.name] for c in t.primary_key.columns}
                    where = [t.c[name] == value for name, value in pk.items()]
                    connection.execute(update(t).where(*where).values(**later))
            counts[t.name] = len(rows)
        if connection.dialect.name == "postgresql":
            _advance_sequences(connection)
    return counts


def _advance_sequences(connection: Connection) -> None:
    """Rows came in with their ids: move each id sequence past them."""
    for t in _tables():
        if "id" not in t.c or len(t.primary_key.columns) != 1:
            continue
        most = func.max(t.c.id)
        serial = func.pg_get_serial_sequence(t.name, "id")
        connection.execute(select(func.setval(serial, most)).having(most.is_not(None)))


def import_file(engine: Engine, path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise TransferError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("tables"), dict):
        raise TransferError(f"{path} is not an Escape Route Atlas dataset file")
    return load(engine, data)
