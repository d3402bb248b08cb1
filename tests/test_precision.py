"""Precision you can see: who chose each drawn point, and its note, on every page that
shows it; places known only to an area drawn as that area (their stop number as its
label, never a pin); areas inside the countries the sources name."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
import yaml
from browser_helpers import SEED_JOURNEYS, get_json, open_map_page, open_popup
from conftest import SEEDS
from flask import Flask
from flask.testing import FlaskClient
from shapely.geometry import shape  # type: ignore[import-untyped]
from sqlalchemy import select

from app.extensions import db
from app.models import Place
from app.pages.records import point_data
from app.seeding.areas import (
    border_band,
    label_point,
    line_geometry,
    load_geodata_countries,
    union_area,
    union_label_point,
)

PLACES = yaml.safe_load((SEEDS / "places.yaml").read_text("utf-8"))
COUNTRIES = load_geodata_countries()
AREA_PRECISIONS = ("country", "region", "river")
# What no page may say while no source states a point (and its Korean), however worded.
CLAIMS = re.compile(r"located by:?\s*the sources|위치 근거\s*:\s*출처", re.IGNORECASE)


def _expected_label(area: dict[str, Any]) -> list[float]:
    """The label point of a place's area, computed as the rule in seeds/README.md says."""
    if "line" in area:
        return label_point(line_geometry(area["line"]))
    code = area["natural_earth"]
    if "near_border_with" in area:
        band = border_band(COUNTRIES[code], COUNTRIES[area["near_border_with"]], area["within_km"])
        return label_point(band)
    if isinstance(code, list):
        return union_label_point(union_area([COUNTRIES[c] for c in code]))
    return label_point(COUNTRIES[code]["geometry"], COUNTRIES[code]["properties"])


@pytest.mark.parametrize(
    "place",
    [p for p in PLACES if p["precision"] in AREA_PRECISIONS],
    ids=lambda p: p["slug"],
)
def test_an_area_place_is_anchored_at_its_areas_label_point(place: dict[str, Any]) -> None:
    lat, lon = place["anchor"]
    want = _expected_label(place["area"])
    assert abs(lat - want[0]) < 0.01 and abs(lon - want[1]) < 0.01, (place["slug"], want)
    # Its note says whose point it is, in both languages, with no file number or slug.
    for note in (place["anchor_note"], place["anchor_note_ko"]):
        assert not re.search(r"\b00[0-9]\b", note), note
        assert place["slug"] not in note


def _area(app: Flask, slug: str) -> Any:
    with app.app_context():
        place = db.session.scalars(select(Place).filter_by(slug=slug)).one()
        return shape(json.loads(place.area_geojson))


def test_china_near_the_border_is_a_band_of_china_along_north_korea(seeded_app: Flask) -> None:
    band = _area(seeded_app, "china-border-region")
    china = shape(COUNTRIES["156"]["geometry"])
    north_korea = shape(COUNTRIES["408"]["geometry"])
    # Inside China (up to the stored coordinates' rounding), over none of North Korea.
    assert band.difference(china).area < 1e-4 * band.area
    assert band.intersection(north_korea).area < 1e-4 * band.area
    # Along the whole border, and no wider than the width the seed data give (100 km):
    # it reaches North Korea, and its points lie within about a degree and a half of it.
    assert band.distance(north_korea) < 0.01
    assert (
        north_korea.boundary.intersection(china.buffer(0.01)).difference(band.buffer(0.05)).length
        < 0.05 * north_korea.boundary.intersection(china.buffer(0.01)).length
    )
    assert north_korea.buffer(1.5).contains(band)


def test_southeast_asian_transit_countries_are_the_countries_the_sources_name(
    seeded_app: Flask,
) -> None:
    area = _area(seeded_app, "southeast-asia")
    named = [shape(COUNTRIES[code]["geometry"]) for code in ("418", "704", "104")]
    for country in named:
        assert country.intersection(area).area > 0.99 * country.area
    for other in ("116", "764", "156"):  # Cambodia, Thailand, China: not named for it
        assert area.intersection(shape(COUNTRIES[other]["geometry"])).area < 0.01


def _pages(slug: str) -> list[str]:
    return [
        f"/journeys/{slug}",
        f"/journeys/{slug}.json",
        f"/journeys/{slug}.geojson",
        f"/journeys/{slug}.kml",
        f"/journeys/{slug}.gpx",
        f"/journeys/{slug}.csv",
        f"/journeys/{slug}/handout",
        f"/present/journeys/{slug}",
        f"/present/journeys/{slug}.json",
        f"/embed/journeys/{slug}",
    ]


ATLAS_PAGES = [
    "/",
    "/index.json",
    "/journeys",
    "/hazards",
    "/hazards.json",
    "/atlas.kml",
    "/atlas.gpx",
    "/atlas.csv",
    "/atlas.geojson",
    "/annotations.jsonld",
]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_no_page_slide_handout_or_download_says_the_sources_located_a_point(
    client: FlaskClient, lang: str
) -> None:
    paths = ATLAS_PAGES + [p for slug in SEED_JOURNEYS for p in _pages(slug)]
    for path in paths:
        response = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}")
        assert response.status_code == 200, path
        text = html.unescape(response.get_data(as_text=True))
        found = CLAIMS.search(text)
        assert found is None, f"{path} ({lang}) says {found.group(0)!r}"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_drawn_point_has_its_note_where_it_is_shown(client: FlaskClient, lang: str) -> None:
    """The journey page (its Places table), the handout, the JSON twin and the leg slides
    carry, for every place with a point, who chose it and the place's note."""
    for slug in SEED_JOURNEYS:
        data = client.get(f"/journeys/{slug}.json?lang={lang}").get_json()
        pages = {
            path: html.unescape(client.get(f"{path}?lang={lang}").get_data(as_text=True))
            for path in (f"/journeys/{slug}", f"/journeys/{slug}/handout")
        }
        for place in data["places"]:
            if not place["anchor"]:
                continue
            assert place["point"]["chosen_by"] == "atlas", place["slug"]
            note = place["anchor_note_ko" if lang == "ko" else "anchor_note_en"]
            assert note and place["anchor_note"] == note
            for path, text in pages.items():
                assert place["point"]["text"] in text, (path, place["slug"])
                assert note in text, (path, place["slug"])
        deck = client.get(f"/present/journeys/{slug}.json?lang={lang}").get_json()
        slides = html.unescape(client.get(f"/present/journeys/{slug}?lang={lang}").get_data(True))
        for slide in deck["slides"]:
            if slide["kind"] != "leg":
                continue
            for shown in slide["places"]:
                assert shown["point"] and shown["point"] in slides
                if shown["anchor_note"]:
                    assert shown["anchor_note"] in slides


def test_only_a_point_a_source_states_is_said_to_be_the_sources(seeded_app: Flask) -> None:
    """The mechanism stays honest for the future: precision "point" with provenance
    "stated" means a source states the point; anything else is the atlas's choice."""
    with seeded_app.test_request_context("/"):
        stated = Place(precision="point", provenance="stated", anchor_lat=1.0, anchor_lon=2.0)
        assert point_data(stated, "Here")["chosen_by"] == "sources"
        for precision, provenance in (("city", "stated"), ("point", "editorial")):
            place = Place(
                precision=precision, provenance=provenance, anchor_lat=1.0, anchor_lon=2.0
            )
            point = point_data(place, "Here")
            assert point["chosen_by"] == "atlas" and "representative point" in point["text"]
        nowhere = Place(precision="unknown", provenance="stated")
        assert point_data(nowhere, "Here")["chosen_by"] is None


# ----------------------------------------------------------------- in Chromium

STOP_ICONS = """() => {
    const out = {};
    for (const [key, layer] of Object.entries(window.atlasMaps[0].features)) {
        if (!/^stop-\\d+$/.test(key)) continue;
        const icon = layer._icon;
        const badge = icon.querySelector(".atlas-stop");
        out[key] = {
            area: badge.classList.contains("atlas-stop-area"),
            areaLabel: icon.classList.contains("atlas-stop-area-label"),
            borderStyle: getComputedStyle(badge).borderTopStyle,
            background: getComputedStyle(badge).backgroundColor,
        };
    }
    return out;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("slug", SEED_JOURNEYS)
def test_every_stop_and_area_popup_says_who_chose_the_point_and_shows_its_note(
    page_watch: Any, live_server: Any, slug: str, lang: str
) -> None:
    page, watch = page_watch
    journey = get_json(live_server.url, f"/journeys/{slug}.json?lang={lang}")
    places = {p["slug"]: p for p in journey["places"]}
    open_map_page(page, f"{live_server.url}/journeys/{slug}?lang={lang}", watch)
    icons = page.evaluate(STOP_ICONS)
    stops = [s for s in journey["stops"] if places[s["place"]]["anchor"]]
    assert len(icons) == len(stops)
    for stop in stops:
        place = places[stop["place"]]
        popup = open_popup(page, f"stop-{stop['number']}")
        text = popup.inner_text()
        assert not CLAIMS.search(text), (stop, text)
        assert place["point"]["text"] in text, (stop["number"], text)
        assert place["anchor_note"] in text, (stop["number"], text)
        # A place known only to an area is its area's label, never a pin-like badge.
        icon = icons[f"stop-{stop['number']}"]
        if place["precision"] in AREA_PRECISIONS:
            assert icon["area"] and icon["areaLabel"] and icon["borderStyle"] == "dashed", stop
        else:
            assert not icon["area"] and not icon["areaLabel"], stop
    for place in journey["places"]:
        key = f"place-{place['slug']}"
        if not page.evaluate("(key) => key in window.atlasMaps[0].features", key):
            continue
        popup = open_popup(page, key)
        text = popup.inner_text()
        assert not CLAIMS.search(text), (key, text)
        assert place["point"]["text"] in text and place["anchor_note"] in text, key
    watch.assert_clean()
