"""The printable handout: a server-drawn SVG map (no script), the itinerary, hazards,
quotes and references, printed to PDF by headless Chromium in A4 and Letter."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.conftest import SEEDS

SLUGS = re.findall(r"^- slug: ([\w-]+)", (SEEDS / "journeys.yaml").read_text(), re.M)
PAGE_SIZES = {"A4": (596, 843), "Letter": (612, 792)}  # points, as Chromium writes them


def place_anchor(journey: dict, slug: str) -> list[float] | None:
    return next(p["anchor"] for p in journey["places"] if p["slug"] == slug)


def squash(text: str) -> str:
    """PDF text comes in lines; compare with all whitespace folded to single spaces."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("slug", SLUGS)
def test_every_journey_has_a_handout_with_a_static_svg_map(client, slug):
    response = client.get(f"/journeys/{slug}/handout")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    svg = re.search(r'<svg class="handout-map".*?</svg>', html, re.S)
    assert svg, "no server-drawn map"
    journey = client.get(f"/journeys/{slug}.json").get_json()
    drawn = [leg for leg in journey["legs"] if leg["route"] == "known"]
    located = [s for s in journey["stops"] if place_anchor(journey, s["place"])]
    assert svg.group().count('<path class="leg') == len(drawn)
    # A stop at a place known only to an area is that area's label (a dashed ring).
    areas = [s for s in located if s["precision"] in ("country", "region", "river")]
    assert len(re.findall(r'<g class="stop( area)?">', svg.group())) == len(located)
    assert svg.group().count('<g class="stop area">') == len(areas)
    # The only script is the Print button's; the map needs none.
    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) == 1 and re.fullmatch(
        r'<script src="/static/js/handout\.[0-9a-f]{10}\.js">', scripts[0]
    ), scripts


def test_an_unknown_journey_has_no_handout(client):
    assert client.get("/journeys/nope/handout").status_code == 404


@pytest.mark.browser
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_printed_handout_holds_the_itinerary_hazards_quotes_and_references(
    page_watch, live_server, client, paper
):
    page, watch = page_watch
    journey = client.get("/journeys/roh-family.json").get_json()
    page.goto(f"{live_server.url}/journeys/roh-family/handout")
    page.emulate_media(media="print")
    reader = PdfReader(io.BytesIO(page.pdf(format=paper, print_background=True)))
    watch.assert_clean()

    width, height = PAGE_SIZES[paper]
    assert len(reader.pages) >= 2
    for pdf_page in reader.pages:
        box = pdf_page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (width, height)
    text = squash(" ".join(p.extract_text() for p in reader.pages))

    assert squash(journey["title"]) in text
    for leg in journey["legs"]:
        assert squash(leg["from_name"]) in text and squash(leg["to_name"]) in text
        if leg["distance_km"] is not None:
            assert f"{leg['distance_km']:,.0f} km" in text
    for hazard in journey["hazards"]:
        assert squash(hazard["name"]) in text
    assert "References" in text
    sources = {c["source_name"] for item in journey["legs"] for c in item["citations"]}
    for name in sources:
        assert squash(name) in text
    first_quote = journey["legs"][0]["citations"][0]["quote"]
    assert squash(first_quote)[:40] in text
    # Every reference number used in the text is listed under References.
    used = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    listed = {int(n) for n in re.findall(r"\[(\d+)\] [^\[]+?, passage \d+", text)}
    assert used and used <= listed
