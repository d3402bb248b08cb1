"""Commands: `history restore`, `export`, `import`, `backup`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from ..extensions import db
from .backup import BackupError, backup_sqlite
from .context import acting_as
from .restore import RestoreError, restore_version
from .transfer import TransferError, export_file, import_file

history_cli = AppGroup("history", help="Recorded versions of the content.")


@history_cli.command("restore")
@click.argument("entity")
@click.argument("entity_id", type=int)
@click.argument("version", type=int)
@click.option("--actor", default="cli", show_default=True, help="Who the restore is recorded as.")
def restore_command(entity: str, entity_id: int, version: int, actor: str) -> None:
    """Restore ENTITY ENTITY_ID (e.g. journey 3) to VERSION; a deleted record comes
    back with what was deleted along with it."""
    try:
        with acting_as(actor):
            result = restore_version(entity, entity_id, version)
    except RestoreError as exc:
        raise click.ClickException(str(exc)) from None
    more = len(result.restored) - 1
    click.echo(
        f"Restored {entity} {entity_id} to version {version}"
        + (f", with {more} record(s) deleted along with it." if more else ".")
    )


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {name}" for name, n in counts.items() if n)


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(file: Path) -> None:
    """Write the whole dataset, with its history and accounts, to FILE (JSON)."""
    counts = export_file(db.engine, file)
    click.echo(f"Exported to {file}: {_counts(counts)}.")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(file: Path) -> None:
    """Load FILE (from `export`) into this empty, migrated database."""
    try:
        counts = import_file(db.engine, file)
    except TransferError as exc:
        raise click.ClickException(f"Import refused: {exc}") from None
    click.echo(f"Imported {file}: {_counts(counts)}.")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Copy the live SQLite database to FILE, consistently, while it is in use."""
    try:
        size = backup_sqlite(db.engine, file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up to {file} ({size} bytes).")


def register(app: Flask) -> None:
    app.cli.add_command(history_cli)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
    app.cli.add_command(backup_command)
