"""`flask --app app synthetic --hazards N --legs M`: a synthetic benchmark journey, every
record citing verbatim words of its synthetic article; idempotent; the seeded records
untouched. Runs on SQLite and (ATLAS_TEST_POSTGRES) PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import make_app, seed
from flask import Flask
from sqlalchemy import func, select

from app.annotation import locate_quote, split_passages
from app.extensions import db
from app.models import (
    Citation,
    ContentVersion,
    DatasetRevision,
    Hazard,
    Journey,
    Leg,
    Passage,
    Place,
    Source,
)
from app.synthetic.generate import APPROXIMATE_EVERY, LAND_BOXES
from app.vocabulary import HAZARD_KINDS

pytestmark = pytest.mark.database

SLUG = "synthetic-10-legs-100-hazards"


@pytest.fixture(scope="module")
def synthetic_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    app = make_app(tmp_path_factory.mktemp("synthetic") / "atlas.sqlite")
    seed(app)
    return app


def run(app: Flask, hazards: int, legs: int) -> Any:
    result = app.test_cli_runner().invoke(
        args=["synthetic", "--hazards", str(hazards), "--legs", str(legs)]
    )
    assert result.exit_code == 0, result.output + str(result.exception)
    return result


def seeded_state(app: Flask) -> str:
    """Every seeded journey, hazard and place as its JSON twin says (English)."""
    client = app.test_client()
    slugs = [j["slug"] for j in client.get("/journeys.json?lang=en").json["journeys"]]
    twins = [client.get(f"/journeys/{s}.json?lang=en").json for s in slugs if "synthetic" not in s]
    return json.dumps(twins, sort_keys=True)


def test_the_command_adds_one_article_and_one_journey_of_the_sizes_asked(synthetic_app):
    before = seeded_state(synthetic_app)
    result = run(synthetic_app, 100, 10)
    assert result.stdout.strip() == SLUG  # prints the slug (contract 2)
    with synthetic_app.app_context():
        journey = db.session.scalars(select(Journey).where(Journey.slug == SLUG)).one()
        assert "Synthetic benchmark journey" in journey.title
        assert len(journey.legs) == 10
        assert len(journey.hazards) == 100
        places = {p for leg in journey.legs for p in (leg.from_place, leg.to_place)}
        assert len(places) == 11
        # Hazards spread over every place, their kinds cycling through the vocabulary.
        assert {h.place for h in journey.hazards} == places
        kinds = list(HAZARD_KINDS)
        for hazard in journey.hazards:
            n = int(hazard.slug.rsplit("-h", 1)[1])
            assert hazard.kind == kinds[(n - 1) % len(kinds)]
        assert {h.kind for h in journey.hazards} == set(kinds)
        # Like real data: most places exact points on land in East and Southeast Asia,
        # some known only to their region and drawn as areas.
        approximate = [p for p in places if p.precision != "point"]
        assert len(approximate) == 11 // APPROXIMATE_EVERY
        for place in places:
            assert any(
                a <= place.anchor_lat <= b and c <= place.anchor_lon <= d
                for a, b, c, d in LAND_BOXES
            ), place.slug
        for place in approximate:
            assert place.area_kind == "circle" and place.circle_km
        # The article says plainly that it is synthetic.
        source = db.session.scalars(select(Source).where(Source.slug == SLUG)).one()
        assert "not reporting" in (source.title or "")
        assert "SYNTHETIC BENCHMARK TEXT" in source.passages[0].text
        assert "not reporting" in source.passages[0].text
    assert seeded_state(synthetic_app) == before, "the seeded records changed"


def test_every_record_cites_words_of_the_article_that_verify(synthetic_app):
    run(synthetic_app, 100, 10)
    with synthetic_app.app_context():
        source = db.session.scalars(select(Source).where(Source.slug == SLUG)).one()
        spans = {p.number: p for p in split_passages(source.text)}
        stored = {p.number: p for p in source.passages}
        assert set(spans) == set(stored)  # passages split as real sources are
        for number, passage in stored.items():
            assert (passage.start, passage.end, passage.text) == (
                spans[number].start,
                spans[number].end,
                spans[number].text,
            )
        citations = list(
            db.session.scalars(select(Citation).where(Citation.source_id == source.id))
        )
        journey = db.session.scalars(select(Journey).where(Journey.slug == SLUG)).one()
        places = {p for leg in journey.legs for p in (leg.from_place, leg.to_place)}
        # One citation per record: the journey, its legs, places and hazards.
        assert len(citations) == 1 + 10 + 11 + 100
        for record in [journey, *journey.legs, *places, *journey.hazards]:
            assert record.citations, f"{record} cites nothing"
        for citation in citations:
            selector = locate_quote(source.text, citation.exact, citation.prefix, citation.suffix)
            assert (selector.start, selector.end) == (citation.start_pos, citation.end_pos)
            # Found exactly once without any context, too: each record has its own words.
            assert source.text.count(citation.exact) == 1
            passage = citation.passage
            assert passage.source_id == source.id
            assert passage.start <= citation.start_pos < citation.end_pos <= passage.end


def test_a_second_run_with_the_same_numbers_changes_nothing(synthetic_app):
    run(synthetic_app, 100, 10)

    def state() -> tuple[Any, ...]:
        with synthetic_app.app_context():
            counts = tuple(
                db.session.scalar(select(func.count()).select_from(model))
                for model in (Source, Passage, Place, Journey, Leg, Hazard, Citation)
            )
            versions = db.session.scalar(select(func.count(ContentVersion.id)))
            revision = db.session.get(DatasetRevision, 1)
            assert revision is not None
            return counts, versions, revision.number

    before = state()
    again = run(synthetic_app, 100, 10)
    assert again.stdout.strip() == SLUG
    assert "already present" in again.stderr
    assert state() == before


def test_other_sizes_are_another_journey_beside_the_first(synthetic_app):
    run(synthetic_app, 100, 10)
    result = run(synthetic_app, 30, 4)
    assert result.stdout.strip() == "synthetic-4-legs-30-hazards"
    with synthetic_app.app_context():
        slugs = set(db.session.scalars(select(Journey.slug)))
        assert {SLUG, "synthetic-4-legs-30-hazards"} <= slugs
        first = db.session.scalars(select(Journey).where(Journey.slug == SLUG)).one()
        assert len(first.hazards) == 100 and len(first.legs) == 10


def test_the_history_records_the_synthetic_records(synthetic_app):
    run(synthetic_app, 100, 10)
    with synthetic_app.app_context():
        hazard = db.session.scalars(select(Hazard).where(Hazard.slug == f"{SLUG}-h1")).one()
        version = db.session.scalars(
            select(ContentVersion).where(
                ContentVersion.entity == "hazard", ContentVersion.entity_id == hazard.id
            )
        ).one()
        assert version.action == "create" and version.actor == "synthetic"


def test_a_broken_run_is_replaced_whole(synthetic_app, tmp_path: Path):
    """A journey of this slug with other counts (an older generator, a manual edit) is
    removed with its article and made again."""
    from app.transactions import write_transaction

    run(synthetic_app, 30, 4)
    with synthetic_app.app_context(), write_transaction():
        db.session.delete(
            db.session.scalars(
                select(Hazard).where(Hazard.slug == "synthetic-4-legs-30-hazards-h7")
            ).one()
        )
    result = run(synthetic_app, 30, 4)
    assert "generated" in result.stderr
    with synthetic_app.app_context():
        journey = db.session.scalars(
            select(Journey).where(Journey.slug == "synthetic-4-legs-30-hazards")
        ).one()
        assert len(journey.hazards) == 30
        sources = db.session.scalars(
            select(Source).where(Source.slug == "synthetic-4-legs-30-hazards")
        ).all()
        assert len(sources) == 1
