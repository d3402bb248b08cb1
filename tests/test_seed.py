"""The seed data: what the articles tell is in the database, every citation is the
article's own words, and `flask seed` refuses bad data without changing anything."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, SEEDS, seed
from flask import Flask
from sqlalchemy import inspect, select, text

from app.extensions import db
from app.models import Citation, Hazard, Journey, Leg, Passage, Place, Source, hazard_journey

pytestmark = pytest.mark.database

SHARED_SEEDS = REPO.parent / "shared" / "seeds"
CHILLING_DETAILS = "003_034db0b0d53b2bb3.txt"

JOURNEY_SLUGS = {
    "roh-family",
    "direct-route",
    "general-route",
    "soyeon-lee",
    "han-jeong-cheong",
    "imprisoned-defector",
    "tumen-river-failed-escape",
    "hyeonseo-lee",
}


# ---------------------------------------------------------------- helpers


def dump_database(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ids included, in a stable order."""
    with app.app_context(), db.engine.connect() as connection:
        tables = sorted(inspect(connection).get_table_names())
        return {
            table: sorted(
                (tuple(row) for row in connection.execute(text(f'SELECT * FROM "{table}"'))),
                key=repr,
            )
            for table in tables
        }


def read_yaml(path: Path) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def write_yaml(path: Path, records: list[dict[str, Any]]) -> None:
    path.write_text(
        yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=10_000),
        encoding="utf-8",
    )


def source_files(seeds_dir: Path) -> dict[str, str]:
    """Source slug -> file name, from sources.yaml."""
    return {s["slug"]: s["file"] for s in read_yaml(seeds_dir / "sources.yaml")}


def source_text(seeds_dir: Path, slug: str) -> str:
    return (seeds_dir / source_files(seeds_dir)[slug]).read_text(encoding="utf-8")


def seed_cli(runner: Any, seeds_dir: Path) -> Any:
    """`flask seed --seeds-dir DIR`, as the command line runs it."""
    result = runner.invoke(args=["seed", "--seeds-dir", str(seeds_dir)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def assert_refused(result: Any, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    for words in expected:
        assert words in result.stderr, f"{words!r} not in the refusal:\n{result.stderr}"


def repeated_sentence(source: str) -> str:
    """A sentence of the article that occurs more than once in it."""
    for line in source.split("\n"):
        for sentence in re.split(r"(?<=[.!?”])\s+", line.strip()):
            if len(sentence) > 40 and source.count(sentence) > 1:
                return sentence
    raise AssertionError("the article repeats no sentence")


# ---------------------------------------------------------------- what is seeded


def test_the_database_holds_exactly_the_journeys_the_articles_tell(seeded_app):
    with seeded_app.app_context():
        slugs = set(db.session.scalars(select(Journey.slug)))
    assert slugs == JOURNEY_SLUGS


def test_the_roh_family_travels_through_six_countries_in_order_and_ends_in_south_korea(client):
    journey = client.get("/journeys/roh-family.json").get_json()
    assert journey["countries"] == [
        "North Korea",
        "China",
        "Vietnam",
        "Laos",
        "Thailand",
        "South Korea",
    ]
    legs = journey["legs"]
    assert [leg["order"] for leg in legs] == list(range(1, len(legs) + 1))
    for previous, leg in zip(legs, legs[1:], strict=False):
        assert leg["from"] == previous["to"], f"leg {leg['order']} does not continue the route"
    assert legs[0]["from"] == "north-korea"
    assert "vientiane" in [leg["to"] for leg in legs]
    assert "South Korea" in legs[-1]["to_name"]


def test_vientiane_is_recorded_as_a_city_in_laos_and_the_journey_ends_in_south_korea(seeded_app):
    with seeded_app.app_context():
        journey = db.session.scalars(select(Journey).where(Journey.slug == "roh-family")).one()
        stops = [journey.legs[0].from_place] + [leg.to_place for leg in journey.legs]
        vientiane = next(p for p in stops if p.slug == "vientiane")
        assert (vientiane.kind, vientiane.precision) == ("city", "city")
        assert vientiane.country is not None and vientiane.country.name == "Laos"
        last = stops[-1]
        assert "South Korea" in (last.name, last.country.name if last.country else None)


@pytest.mark.parametrize("model", [Leg, Hazard, Place], ids=lambda m: m.__tablename__)
def test_every_leg_hazard_and_place_has_at_least_one_citation(seeded_app, model):
    with seeded_app.app_context():
        records = list(db.session.scalars(select(model)))
        assert records, f"no {model.__tablename__} was seeded"
        uncited = [getattr(r, "slug", r.id) for r in records if not r.citations]
    assert uncited == []


def test_every_citation_is_the_exact_text_at_its_position_inside_its_passage(seeded_app):
    with seeded_app.app_context():
        citations = list(db.session.scalars(select(Citation)))
        assert citations
        for c in citations:
            source = c.source
            where = f"citation {c.key} ({source.file})"
            assert c.exact == source.text[c.start_pos : c.end_pos], where
            passage = c.passage
            assert passage.source_id == source.id, where
            assert passage.start <= c.start_pos < c.end_pos <= passage.end, where
            containing = [
                p.number for p in source.passages if p.start <= c.start_pos and c.end_pos <= p.end
            ]
            assert containing == [passage.number], where


def test_every_passage_is_the_source_text_between_its_offsets(seeded_app):
    with seeded_app.app_context():
        for source in db.session.scalars(select(Source)):
            passages = source.passages
            assert [p.number for p in passages] == list(range(1, len(passages) + 1))
            for p in passages:
                assert p.text == source.text[p.start : p.end]
            lines = [line.strip() for line in source.text.split("\n") if line.strip()]
            assert [p.text for p in passages] == lines


def test_the_stored_sources_are_the_seed_files_byte_for_byte(seeded_app):
    with seeded_app.app_context():
        for source in db.session.scalars(select(Source)):
            assert source.text.encode("utf-8") == (SEEDS / source.file).read_bytes()


def test_the_articles_are_byte_identical_to_the_shared_originals():
    if not SHARED_SEEDS.is_dir():
        pytest.skip(f"{SHARED_SEEDS} does not exist on this machine")
    originals = sorted(p.name for p in SHARED_SEEDS.glob("*.txt"))
    assert originals, f"{SHARED_SEEDS} holds no articles"
    assert sorted(p.name for p in SEEDS.glob("*.txt")) == originals
    for name in originals:
        assert (SEEDS / name).read_bytes() == (SHARED_SEEDS / name).read_bytes(), name


# ---------------------------------------------------------------- refusals


def test_the_seed_command_runs_under_the_test_cli_runner_without_a_context_pushed_by_hand(
    empty_app, runner
):
    result = runner.invoke(args=["seed", "--seeds-dir", str(SEEDS)])

    assert result.exit_code == 0, f"{result.exception!r}\n{result.output}"
    assert dump_database(empty_app)["journey"] != []


def test_a_quote_changed_by_one_character_is_refused_and_nothing_changes(
    empty_app, runner, seeds_copy
):
    assert seed_cli(runner, seeds_copy).exit_code == 0
    before = dump_database(empty_app)
    assert before["citation"], "the good seed loaded no citations"

    hazards = read_yaml(seeds_copy / "hazards.yaml")
    hazard = hazards[0]
    citation = hazard["citations"][0]
    article = source_text(seeds_copy, citation["source"])
    quote = citation["quote"]
    middle = len(quote) // 2
    broken = quote[:middle] + ("x" if quote[middle] != "x" else "y") + quote[middle + 1 :]
    assert broken not in article
    citation["quote"] = broken
    write_yaml(seeds_copy / "hazards.yaml", hazards)

    result = seed_cli(runner, seeds_copy)

    assert_refused(result, "seeds/hazards.yaml", hazard["slug"], broken, "not found verbatim")
    assert dump_database(empty_app) == before


def test_an_ambiguous_quote_is_refused_with_its_count_and_accepted_with_a_prefix(
    empty_app, runner, seeds_copy
):
    article = (seeds_copy / CHILLING_DETAILS).read_text(encoding="utf-8")
    slug = next(s for s, f in source_files(seeds_copy).items() if f == CHILLING_DETAILS)
    sentence = repeated_sentence(article)
    count = article.count(sentence)
    hazards = read_yaml(seeds_copy / "hazards.yaml")
    hazard = next(h for h in hazards if all(c["quote"] != sentence for c in h["citations"]))
    hazard["citations"].append({"source": slug, "quote": sentence})
    write_yaml(seeds_copy / "hazards.yaml", hazards)

    result = seed_cli(runner, seeds_copy)

    assert_refused(result, "seeds/hazards.yaml", hazard["slug"], f"occurs {count} times")
    assert dump_database(empty_app)["citation"] == []

    # The same quote, with the text just before its last occurrence as prefix.
    last = article.rindex(sentence)
    prefix = article[last - 12 : last]
    while article.count(prefix + sentence) > 1:
        prefix = article[last - len(prefix) - 1 : last]
    hazard["citations"][-1]["prefix"] = prefix
    write_yaml(seeds_copy / "hazards.yaml", hazards)

    result = seed_cli(runner, seeds_copy)

    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        cited = db.session.scalars(
            select(Citation)
            .join(Hazard, Citation.hazard_id == Hazard.id)
            .where(Hazard.slug == hazard["slug"], Citation.exact == sentence)
        ).one()
        assert (cited.start_pos, cited.end_pos) == (last, last + len(sentence))


def test_a_record_missing_a_required_field_is_refused_naming_the_file_and_record(
    empty_app, runner, seeds_copy
):
    hazards = read_yaml(seeds_copy / "hazards.yaml")
    hazard = hazards[1]
    del hazard["name"]
    write_yaml(seeds_copy / "hazards.yaml", hazards)

    result = seed_cli(runner, seeds_copy)

    assert_refused(result, "seeds/hazards.yaml", f"hazard '{hazard['slug']}'", "'name'")
    assert all(rows == [] for t, rows in dump_database(empty_app).items() if t != "alembic_version")


def test_a_leg_to_an_unknown_place_is_refused_naming_the_file_and_record(
    empty_app, runner, seeds_copy
):
    journeys = read_yaml(seeds_copy / "journeys.yaml")
    journey = next(j for j in journeys if j["slug"] == "roh-family")
    journey["legs"][1]["to"] = "atlantis"
    write_yaml(seeds_copy / "journeys.yaml", journeys)

    result = seed_cli(runner, seeds_copy)

    assert_refused(
        result, "seeds/journeys.yaml", "journey 'roh-family'", "leg 2", "unknown place", "atlantis"
    )
    assert all(rows == [] for t, rows in dump_database(empty_app).items() if t != "alembic_version")


def test_a_hazard_at_an_unknown_place_is_refused_naming_the_file_and_record(
    empty_app, runner, seeds_copy
):
    hazards = read_yaml(seeds_copy / "hazards.yaml")
    hazard = hazards[2]
    hazard["place"] = "atlantis"
    write_yaml(seeds_copy / "hazards.yaml", hazards)

    result = seed_cli(runner, seeds_copy)

    assert_refused(
        result, "seeds/hazards.yaml", f"hazard '{hazard['slug']}'", "unknown place", "atlantis"
    )


# ---------------------------------------------------------------- reloading


def test_seeding_twice_changes_nothing(empty_app, runner):
    first = seed_cli(runner, SEEDS)
    assert first.exit_code == 0, first.output
    after_first = dump_database(empty_app)
    assert after_first["journey"] and after_first["citation"]

    second = seed_cli(runner, SEEDS)

    assert second.exit_code == 0, second.output
    assert dump_database(empty_app) == after_first


def test_a_hazard_removed_from_the_yaml_is_removed_with_its_citations(empty_app, seeds_copy):
    seed(empty_app, seeds_copy)
    discussed = {
        subject["hazard"]
        for d in read_yaml(seeds_copy / "discrepancies.yaml")
        for subject in d.get("about") or []
        if "hazard" in subject
    }
    hazards = read_yaml(seeds_copy / "hazards.yaml")
    gone = next(h for h in hazards if h["slug"] not in discussed and h.get("journeys"))
    with empty_app.app_context():
        hazard = db.session.scalars(select(Hazard).where(Hazard.slug == gone["slug"])).one()
        gone_id = hazard.id
        gone_keys = {c.key for c in hazard.citations}
        others_before = {h.id: h.slug for h in db.session.scalars(select(Hazard))}
        citations_before = set(db.session.execute(select(Citation.id, Citation.key)).all())
    assert gone_keys
    write_yaml(seeds_copy / "hazards.yaml", [h for h in hazards if h is not gone])

    seed(empty_app, seeds_copy)

    with empty_app.app_context():
        assert db.session.get(Hazard, gone_id) is None
        remaining = {h.id: h.slug for h in db.session.scalars(select(Hazard))}
        assert remaining == {i: s for i, s in others_before.items() if i != gone_id}
        citations_after = set(db.session.execute(select(Citation.id, Citation.key)).all())
        assert citations_after == {(i, k) for i, k in citations_before if k not in gone_keys}
        links = db.session.execute(
            select(hazard_journey).where(hazard_journey.c.hazard_id == gone_id)
        ).all()
        assert links == []
        assert db.session.scalars(select(Passage.id)).first() is not None
