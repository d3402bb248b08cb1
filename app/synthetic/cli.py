"""`flask --app app synthetic --hazards N --legs M`: add a synthetic benchmark journey."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..history.context import acting_as
from .generate import generate


@click.command("synthetic")
@with_appcontext
@click.option("--hazards", type=click.IntRange(min=0), required=True, help="Number of hazards.")
@click.option("--legs", type=click.IntRange(min=1), required=True, help="Number of legs.")
def synthetic_command(hazards: int, legs: int) -> None:
    """Add one synthetic source and journey of this size (kept if already there); print
    its slug. Synthetic benchmark data, clearly labelled; the seeded records are untouched."""
    began = time.perf_counter()
    with acting_as("synthetic"):
        result = generate(db.session(), hazards, legs)
    seconds = time.perf_counter() - began
    what = "generated" if result.created else "already present"
    click.echo(f"{what} in {seconds:.1f} s", err=True)
    click.echo(result.slug)
