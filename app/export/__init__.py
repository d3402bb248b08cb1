"""`flask --app app export-site DIR`: the whole atlas as static files (app/export/site.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app, request
from flask.cli import with_appcontext

from .paths import ROOT
from .site import ExportError, ExportReport, export_site

__all__ = ["ExportError", "ExportReport", "export_site", "register"]


@click.command("export-site")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_site_command(directory: Path) -> None:
    """Write a static copy of the whole atlas into DIRECTORY (works from any plain file
    server and from disk). An existing DIRECTORY must be empty or an earlier export."""
    try:
        report = export_site(current_app._get_current_object(), directory)  # type: ignore[attr-defined]
    except ExportError as exc:
        click.echo(f"Export refused; nothing was written. {exc}", err=True)
        raise SystemExit(1) from None
    click.echo(
        f"Exported to {directory.resolve()}: {report.pages} pages, {report.data_files} data "
        f"files, {report.asset_files} assets, {report.bytes / 1024 / 1024:.1f} MiB. "
        f"Open {directory.resolve() / 'index.html'} or serve the directory."
    )


def register(app: Flask) -> None:
    app.cli.add_command(export_site_command)

    @app.context_processor
    def export_context() -> dict[str, Any]:
        # Pages rendered for the static copy leave out what needs a server (oEmbed,
        # the embed snippet's absolute URLs, forms).
        return {"static_export": request.script_root == ROOT}
