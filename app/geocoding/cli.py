"""`flask --app app geocode "Vientiane" [--lang ko] [--online/--offline] [--json]`."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from .service import LANGUAGES, OFFLINE, LookupResult, lookup


def _describe(result: LookupResult) -> list[str]:
    provider = "the offline gazetteer" if result.provider == OFFLINE else result.provider
    origin = "from the cache" if result.cached else "not cached"
    lines = [f"{len(result.results)} result(s) for {result.query!r} from {provider} ({origin}):"]
    for n, c in enumerate(result.results, 1):
        names = " / ".join(name for name in (c.name_en, c.name_ko) if name)
        lines.append(f"{n}. {names} [{c.kind}] {c.lat:.4f}, {c.lon:.4f}")
        if c.address not in (c.name_en, c.name_ko):
            lines.append(f"   {c.address}")
    return lines


@click.command("geocode")
@click.argument("query")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", help="Language of the names.")
@click.option(
    "--online/--offline",
    default=None,
    help="Ask Nominatim (cached in the database) or only the bundled gazetteer"
    " (default: ATLAS_GEOCODER).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@with_appcontext
def geocode_command(query: str, lang: str, online: bool | None, as_json: bool) -> None:
    """Look a place up: the bundled gazetteer, or Nominatim when online."""
    result = lookup(query, lang, online)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        if result.message:
            click.echo(result.message, err=True)
        if result.results:
            click.echo("\n".join(_describe(result)))
        else:
            click.echo(f"Nothing found for {result.query!r}.", err=True)
    if not result.results:
        raise SystemExit(1)
