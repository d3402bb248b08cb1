"""Places, hazards and citations through the editor's forms: the anchor and the area
computed as the seed loader computes them, hazards with their memberships, citations
by selection re-verified by the server (tampered offsets or quotes refused), and the
last citation of a record kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from auth_helpers import editor_client
from conftest import make_app, seed
from editor_helpers import Editor, counts, text_of
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Citation, Hazard, Journey, Place, Source
from app.seeding.areas import country_shapes

pytestmark = pytest.mark.database

ARTICLE = (
    "Crossing the Mekong\n"
    "They crossed the Mekong at dawn 🌅 and hid near Vientiane.\n"
    "Police waited in the forest. The broker took their money and vanished.\n"
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = make_app(tmp_path_factory.mktemp("editor-records") / "records.sqlite")
    seed(app)
    yield app


@pytest.fixture(scope="module")
def ed(app: Flask) -> Editor:
    editor = Editor(*editor_client(app, "editor-two"))
    response = editor.post(
        "/edit/sources/new", {"label": "Mekong", "slug": "mekong", "text": ARTICLE}
    )
    assert response.status_code == 303
    return editor


def place_form(slug: str, **changes: str) -> dict[str, str]:
    return {
        "name": f"Place {slug}",
        "slug": slug,
        "kind": "city",
        "precision": "city",
        "provenance": "stated",
        "anchor_lat": "17.97",
        "anchor_lon": "102.6",
        "anchor_note": "Where the source says they hid.",
        "area_kind": "circle",
        "circle_km": "20",
        "cite_source": "mekong",
        "cite_quote": "hid near Vientiane",
        **changes,
    }


def place(app: Flask, slug: str) -> Place:
    with app.app_context():
        found = db.session.scalars(select(Place).filter_by(slug=slug)).one()
        db.session.expunge(found)
        return found


def test_a_place_is_created_with_its_anchor_area_and_first_citation(app, ed):
    response = ed.post("/edit/places/new", place_form("vientiane-hideout"))
    assert response.status_code == 303, text_of(response)
    created = place(app, "vientiane-hideout")
    assert (created.anchor_lat, created.anchor_lon, created.area_kind, created.circle_km) == (
        17.97,
        102.6,
        "circle",
        20.0,
    )
    with app.app_context():
        (citation,) = db.session.scalars(select(Citation).filter_by(place_id=created.id))
        assert citation.exact == "hid near Vientiane"


def test_a_country_outline_is_the_natural_earth_shape_the_seeder_uses(app, ed):
    form = place_form(
        "somewhere-in-laos",
        precision="country",
        area_kind="natural_earth",
        area_country="418",
        circle_km="",
        provenance="editorial",
        provenance_note="The source names only the country.",
    )
    assert ed.post("/edit/places/new", form).status_code == 303
    shapes = country_shapes(Path(app.config["NATURAL_EARTH_PATH"]))
    assert json.loads(place(app, "somewhere-in-laos").area_geojson or "") == shapes["418"]
    # The edit form shows the same country chosen again.
    page = text_of(ed.get("/edit/places/somewhere-in-laos"))
    assert '<option value="418" selected>' in page


def test_a_line_is_drawn_through_its_points_in_geojson_order(app, ed):
    form = place_form(
        "mekong-line",
        kind="river",
        precision="river",
        area_kind="line",
        line_points="18.0, 102.5\n17.5, 103.0\n17.0, 104.0",
        circle_km="",
    )
    assert ed.post("/edit/places/new", form).status_code == 303
    geometry = json.loads(place(app, "mekong-line").area_geojson or "")
    assert geometry == {
        "type": "LineString",
        "coordinates": [[102.5, 18.0], [103.0, 17.5], [104.0, 17.0]],
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"anchor_lat": "91"}, "anchor_lat", "Anchor latitude must be between -90 and 90."),
        ({"anchor_lon": "-180.5"}, "anchor_lon", "Anchor longitude must be between -180 and 180."),
        ({"anchor_lat": "north"}, "anchor_lat", "must be a number"),
        ({"anchor_lon": ""}, "anchor_lat", "Give both the latitude and the longitude, or neither."),
        ({"anchor_lat": "", "anchor_lon": ""}, "anchor_lat", "needs an anchor: click the map"),
        (
            {"provenance": "editorial"},
            "provenance_note",
            "An editorial place needs a provenance note",
        ),
        ({"anchor_note": ""}, "anchor_note", "say why it is there"),
        ({"area_kind": "natural_earth", "area_country": ""}, "area_country", "Choose the country"),
        ({"area_kind": "line", "line_points": "1, 2"}, "line_points", "at least two points"),
        ({"area_kind": "none"}, "area_kind", "Only a place whose location is unknown"),
        ({"slug": "china"}, "slug", "already used by another place"),
        ({"cite_quote": "hid near Luang Prabang"}, "cite_quote", "not found verbatim"),
    ],
)
def test_a_place_with_a_mistake_is_refused_with_the_message_beside_its_field(
    app, ed, changes, field, message
):
    before = counts(app)
    response = ed.post("/edit/places/new", {**place_form("refused-place"), **changes})
    page = text_of(response)
    assert response.status_code == 422
    assert f'id="e-{field}"' in page and message in page
    assert counts(app) == before


def test_a_place_is_edited_and_its_version_moves_on(app, ed):
    assert ed.post("/edit/places/new", place_form("to-move")).status_code == 303
    path = "/edit/places/to-move"
    version = ed.version(path)
    form = place_form("to-move", anchor_lat="18.5", anchor_lon="103.25", lock_version=version)
    assert ed.post(path, form).status_code == 303
    moved = place(app, "to-move")
    assert (moved.anchor_lat, moved.anchor_lon, moved.lock_version) == (
        18.5,
        103.25,
        int(version) + 1,
    )


def hazard_form(slug: str, **changes: object) -> dict[str, object]:
    return {
        "name": f"Hazard {slug}",
        "slug": slug,
        "kind": "broker-betrayal",
        "summary": "The broker vanished with the money.",
        "sensitivity": [],
        "cite_source": "mekong",
        "cite_quote": "The broker took their money and vanished.",
        **changes,
    }


def test_a_hazard_is_created_with_memberships_edited_and_deleted(app, ed):
    with app.app_context():
        roh = db.session.scalars(select(Journey).filter_by(slug="roh-family")).one()
        journey_id, leg_id = roh.id, roh.legs[0].id
    (laos,) = [place(app, "laos").id]
    form = hazard_form(
        "vanishing-broker",
        place_id=str(laos),
        journey_ids=[str(journey_id)],
        leg_ids=[str(leg_id)],
        sensitivity=["trafficking"],
    )
    response = ed.post("/edit/hazards/new", form)
    assert response.status_code == 303, text_of(response)
    with app.app_context():
        hazard = db.session.scalars(select(Hazard).filter_by(slug="vanishing-broker")).one()
        assert [j.id for j in hazard.journeys] == [journey_id]
        assert [leg.id for leg in hazard.legs] == [leg_id]
        assert (hazard.place_id, hazard.sensitivity, len(hazard.citations)) == (
            laos,
            "trafficking",
            1,
        )
    assert "Hazard vanishing-broker" in text_of(ed.get("/journeys/roh-family"))
    path = "/edit/hazards/vanishing-broker"
    edited = {
        **hazard_form("vanishing-broker", kind="arrest", name="Police in the forest"),
        "lock_version": ed.version(path),
    }
    assert ed.post(path, edited).status_code == 303
    with app.app_context():
        hazard = db.session.scalars(select(Hazard).filter_by(slug="vanishing-broker")).one()
        assert (hazard.kind, hazard.name, hazard.journeys, hazard.place_id) == (
            "arrest",
            "Police in the forest",
            [],
            None,
        )
    assert ed.post(path + "/delete", {"lock_version": ed.version(path)}).status_code == 303
    assert ed.get(path).status_code == 404


def test_a_hazard_of_an_unknown_kind_is_refused(app, ed):
    before = counts(app)
    response = ed.post("/edit/hazards/new", hazard_form("odd-hazard", kind="dragons"))
    assert response.status_code == 422
    assert "Kind: choose one of the listed values." in text_of(response)
    assert counts(app) == before


def offsets(app: Flask, slug: str, words: str) -> tuple[int, int]:
    """Where `words` stand in the stored text, in code points (as the browser sends)."""
    with app.app_context():
        text = db.session.scalars(select(Source.text).filter_by(slug=slug)).one()
    start = text.index(words)
    return start, start + len(words)


def roh_id(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalars(select(Journey.id).filter_by(slug="roh-family")).one())


def cite(
    ed: Editor, record: str, words: str, start: int, end: int, source: str = "mekong"
) -> object:
    return ed.post(
        f"/edit/cite/{record}",
        {
            "cite_source": source,
            "cite_quote": words,
            "cite_start": str(start),
            "cite_end": str(end),
        },
    )


def test_a_selection_is_saved_with_selectors_the_server_computes(app, ed):
    words = "and hid near Vientiane"  # after an emoji: code points, not UTF-16 units
    start, end = offsets(app, "mekong", words)
    response = cite(ed, f"journey/{roh_id(app)}", words, start, end)
    assert response.status_code == 303, text_of(response)
    with app.app_context():
        citation = db.session.scalars(select(Citation).filter_by(exact=words)).one()
        text = citation.source.text
        assert (citation.start_pos, citation.end_pos) == (start, end)
        assert citation.prefix == text[max(0, start - 32) : start]
        assert citation.suffix == text[end : end + 32]
        assert citation.passage.number == 2
    assert words in text_of(ed.get("/journeys/roh-family"))


@pytest.mark.parametrize(
    ("words", "shift", "message"),
    [
        (
            "Police waited in the forest.",
            1,
            "the quote is not in the source at the selected position",
        ),
        (
            "Police waited in the woods.",
            0,
            "the quote is not in the source at the selected position",
        ),
        ("vanished.", 10_000, "the selection&#39;s positions do not fit the quote"),
        ("Vientiane.\nPolice waited", 0, "the quote spans more than one passage"),
    ],
)
def test_a_tampered_selection_is_refused_and_nothing_is_saved(app, ed, words, shift, message):
    with app.app_context():
        text = db.session.scalars(select(Source.text).filter_by(slug="mekong")).one()
    anchor = words.split(" ")[0].split("\n")[0]
    start = text.index(anchor) + shift
    before = counts(app)
    response = cite(ed, f"journey/{roh_id(app)}", words, start, start + len(words))
    page = text_of(response)
    assert response.status_code == 422
    assert message in page and "Nothing was saved." in page
    assert counts(app) == before


def test_the_last_citation_of_a_place_cannot_be_deleted_but_another_can(app, ed):
    assert ed.post("/edit/places/new", place_form("cited-once")).status_code == 303
    created = place(app, "cited-once")
    with app.app_context():
        (only,) = db.session.scalars(select(Citation.id).filter_by(place_id=created.id))
    response = ed.post(f"/edit/citations/{only}/delete")
    assert response.status_code == 422
    assert "this is the last citation of the place" in text_of(response)
    words = "They crossed the Mekong at dawn"
    assert cite(ed, f"place/{created.id}", words, *offsets(app, "mekong", words)).status_code == 303
    assert ed.post(f"/edit/citations/{only}/delete").status_code == 303
    with app.app_context():
        left = db.session.scalars(select(Citation.exact).filter_by(place_id=created.id)).all()
        assert left == [words]


def test_the_citation_page_shows_every_passage_with_its_offset(app, ed):
    page = text_of(ed.get(f"/edit/cite/journey/{roh_id(app)}?source=mekong"))
    assert 'data-number="2" data-start="20"' in page
    assert "They crossed the Mekong at dawn 🌅 and hid near Vientiane." in page


def test_a_place_in_use_cannot_be_deleted_and_an_unused_one_can(app, ed):
    path = "/edit/places/china"
    before = counts(app)
    response = ed.post(path + "/delete", {"lock_version": ed.version(path)})
    assert response.status_code == 422
    assert "China is still used by" in text_of(response) and "legs" in text_of(response)
    assert counts(app) == before
    assert ed.post("/edit/places/new", place_form("short-lived")).status_code == 303
    path = "/edit/places/short-lived"
    assert ed.post(path + "/delete", {"lock_version": ed.version(path)}).status_code == 303
    assert ed.get(path).status_code == 404


def test_an_uncited_source_can_be_deleted_and_a_cited_one_cannot(app, ed):
    form = {"label": "Spare", "slug": "spare", "text": "Nothing cites this."}
    assert ed.post("/edit/sources/new", form).status_code == 303
    path = "/edit/sources/spare"
    assert ed.post(path + "/delete", {"lock_version": ed.version(path)}).status_code == 303
    assert ed.get(path).status_code == 404
    path = "/edit/sources/mekong"
    response = ed.post(path + "/delete", {"lock_version": ed.version(path)})
    assert response.status_code == 422
    assert "This source is cited; delete its citations first." in text_of(response)


def test_picking_a_quote_leads_back_only_into_the_editor(app, ed):
    assert ed.get("/edit/pick-quote?next=/edit/places/new").status_code == 200
    for target in ("//evil.example/", "/\\evil.example", "https://evil.example/", "/journeys"):
        assert ed.get("/edit/pick-quote", query_string={"next": target}).status_code == 400
