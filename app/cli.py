"""Command-line tasks: `flask --app app seed`, `flask --app app geocode`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .extensions import db
from .seeding import SeedError, seed_database


@click.command("seed")
@with_appcontext
@click.option(
    "--seeds-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory holding the articles and the YAML data (default: the repository's seeds/).",
)
def seed_command(seeds_dir: Path | None) -> None:
    """Verify every citation against its article and load the seed data (all or nothing)."""
    directory = seeds_dir or Path(current_app.config["SEEDS_DIR"])
    try:
        report = seed_database(
            db.session(), directory, Path(current_app.config["NATURAL_EARTH_PATH"])
        )
    except SeedError as exc:
        click.echo(
            f"Seed refused; the database is unchanged. {len(exc.problems)} problem(s):", err=True
        )
        for problem in exc.problems:
            click.echo(f"  - {problem}", err=True)
        raise SystemExit(1) from None
    counts = ", ".join(f"{n} {name}" for name, n in report.counts.items())
    click.echo(f"Seeded from {directory}: {counts}.")
    click.echo(f"{report.korean_line()}.")


def register(app: Flask) -> None:
    from .geocoding.cli import geocode_command
    from .synthetic.cli import synthetic_command

    app.cli.add_command(seed_command)
    app.cli.add_command(geocode_command)
    app.cli.add_command(synthetic_command)
