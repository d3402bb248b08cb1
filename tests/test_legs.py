"""Legs that say what is known (app/maps/leg_paths.py): a leg told as overland but not
traced is drawn over land and says "route through China not told"; a relocation whose
means are not told is a labelled connector; no drawn path crosses a sea the sources do
not mention; every renderer draws the same geometry and calls it schematic."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import shapely
from browser_helpers import SEED_JOURNEYS, get_json, open_map_page
from conftest import REPO
from playwright.sync_api import expect
from shapely.geometry import LineString, MultiPolygon, shape

LAND = REPO / "app" / "maps" / "geodata" / "land.geojson"
SHOTS = Path("/work/scratch/shots/legs")
LABELS = {
    "en": ("route through China not told", "relocated; how is not told"),
    "ko": ("중국 경유 경로는 전해지지 않음", "옮겨짐. 어떻게 옮겨졌는지는 전해지지 않음"),
}


def _land() -> Any:
    polygons = []
    for feature in json.loads(LAND.read_text())["features"]:
        geometry = shape(feature["geometry"])
        polygons += list(getattr(geometry, "geoms", [geometry]))
    land = MultiPolygon(polygons)
    shapely.prepare(land)
    return land


LAND_SHAPE = _land()


def over_land(points_latlon: list[list[float]], step_deg: float = 0.05) -> float:
    """The share of a line's length over Natural Earth's 1:10m land, sampled every
    `step_deg` (about 5 km)."""
    line = LineString([(lon, lat) for lat, lon in points_latlon])
    n = max(2, int(line.length / step_deg))
    samples = [line.interpolate(i / (n - 1), normalized=True) for i in range(n)]
    inside = shapely.contains_xy(LAND_SHAPE, [p.x for p in samples], [p.y for p in samples])
    return float(inside.mean())


def roh(client: Any, lang: str = "en") -> dict[str, Any]:
    return client.get(f"/journeys/roh-family.json?lang={lang}").get_json()


def geojson_legs(client: Any, slug: str) -> dict[int, dict[str, Any]]:
    collection = client.get(f"/journeys/{slug}.geojson").get_json()
    return {
        f["properties"]["order"]: f
        for f in collection["features"]
        if f["properties"]["kind"] == "leg"
    }


# ---------------------------------------------------------------- data


def test_the_roh_familys_china_leg_is_overland_and_its_relocation_a_connector(client):
    legs = roh(client)["legs"]
    assert legs[1]["drawing"] == "overland" and legs[1]["through"] == "China"
    assert legs[4]["drawing"] == "relocated" and legs[4]["through"] is None
    assert [leg["drawing"] for leg in (legs[2], legs[3])] == [None, None]
    assert roh(client, "ko")["legs"][1]["through"] == "중국"


def test_the_china_leg_as_downloaded_runs_over_land_and_says_it_is_schematic(client):
    leg = geojson_legs(client, "roh-family")[2]
    points = [[lat, lon] for lon, lat in leg["geometry"]["coordinates"]]
    assert len(points) > 2
    assert over_land(points) >= 0.99
    # The straight line it replaces crossed the Yellow Sea and the East China Sea.
    assert over_land([points[0], points[-1]]) < 0.9
    properties = leg["properties"]
    assert properties["schematic"] is True and properties["drawing"] == "overland"
    assert properties["label"] == "route through China not told"
    assert "through China" in properties["drawing_note"]


@pytest.mark.parametrize("slug", SEED_JOURNEYS)
def test_no_drawn_path_crosses_a_sea(client, slug):
    """Every leg drawn as a path stays over land (a relocation connector is not a path:
    the sources say the people were moved, not how)."""
    for order, leg in geojson_legs(client, slug).items():
        if leg["geometry"] is None or leg["properties"]["drawing"] == "relocated":
            continue
        points = [[lat, lon] for lon, lat in leg["geometry"]["coordinates"]]
        assert over_land(points) >= 0.95, (slug, order)


def test_a_leg_into_a_border_band_ends_on_the_band_not_at_its_mountain(client):
    """The general route's crossing into China: the leg meets the Yalu–Tumen band where
    it is nearest, not at Mount Paektu (the band's anchor), which would read as a
    crossing point no source names."""
    journey = client.get("/journeys/general-route.json").get_json()
    border = next(p for p in journey["places"] if p["slug"] == "china-north-korea-border")
    legs = geojson_legs(client, "general-route")
    into, out_of = legs[1]["geometry"]["coordinates"][-1], legs[2]["geometry"]["coordinates"][0]
    paektu = [border["anchor"][1], border["anchor"][0]]
    band = LineString(border["area"]["geometry"]["coordinates"])
    for end in (into, out_of):
        assert end != paektu
        assert band.distance(shapely.Point(end)) < 1e-3


def test_kml_and_gpx_draw_the_same_overland_leg_and_call_it_schematic(client):
    path = geojson_legs(client, "roh-family")[2]["geometry"]["coordinates"]
    kml = ET.fromstring(client.get("/journeys/roh-family.kml").data)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    mark = kml.find(".//k:Placemark[@id='roh-family-leg-2']", ns)
    assert mark is not None
    coords = [
        [float(x) for x in c.split(",")]
        for c in mark.findtext(".//k:coordinates", namespaces=ns).split()
    ]
    assert len(coords) == len(path)
    for got, drawn in zip(coords, path, strict=True):
        assert got[:2] == pytest.approx(drawn)
    description = mark.findtext("k:description", namespaces=ns)
    assert "route through China not told" in description and "Schematic" in description
    gpx = client.get("/journeys/roh-family.gpx").get_data(as_text=True)
    assert "schematic point (the atlas's drawing)" in gpx
    schematic = re.findall(r'<rtept lat="([\d.]+)" lon="([\d.]+)">\s*<name>Leg 2', gpx)
    assert len(schematic) >= 3
    assert over_land([[float(a), float(b)] for a, b in schematic]) >= 0.95


def test_the_handout_map_draws_the_labelled_overland_path_and_connector(client):
    page = client.get("/journeys/roh-family/handout").get_data(as_text=True)
    assert re.search(r'<path class="leg overland" d="M[^"]+L[^"]+L', page)
    assert '<path class="corridor"' in page and '<path class="leg relocated"' in page
    assert ">route through China not told</text>" in page
    assert ">relocated; how is not told</text>" in page


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_leg_popups_say_schematic_and_give_only_lower_bounds(client, lang):
    page = client.get(f"/journeys/roh-family?lang={lang}").get_data(as_text=True)
    overland, relocated = LABELS[lang]
    assert overland in page and relocated in page
    if lang == "en":
        assert "the sources say only “through China”, not where" in page
        assert "between representative points" not in page
        # China near the border → Vietnam, in the leg's popup (escaped for Folium).
        assert re.search(r"At least [\d,]+ km in a straight line \(the shortest", page)


# ---------------------------------------------------------------- in the browser


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_china_leg_as_drawn_is_over_land_and_carries_its_label(page_watch, live_server, lang):
    page, watch = page_watch
    journey = get_json(live_server.url, f"/journeys/roh-family.json?lang={lang}")
    open_map_page(page, f"{live_server.url}/journeys/roh-family?lang={lang}", watch)
    drawn = page.evaluate(
        """(key) => window.atlasMaps[0].features[key].getLatLngs().map((ll) => [ll.lat, ll.lng])""",
        "leg-2",
    )
    assert len(drawn) > 2
    assert over_land(drawn) >= 0.95
    # Every other leg drawn as a path stays over land too.
    for leg in journey["legs"]:
        if leg["route"] == "known" and leg["drawing"] != "relocated":
            points = page.evaluate(
                """(key) => window.atlasMaps[0].features[key].getLatLngs()
                    .map((ll) => [ll.lat, ll.lng])""",
                leg["id"],
            )
            assert over_land(points) >= 0.95, leg["id"]
    overland, relocated = LABELS[lang]
    frame = page.locator(".map-frame").first
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    for words in (overland, relocated):
        label = page.locator(".atlas-leg-label", has_text=words)
        expect(label).to_have_count(1)
        expect(label).to_be_visible()
        where = label.bounding_box()
        assert where and box
        assert box["x"] <= where["x"] + where["width"] / 2 <= box["x"] + box["width"], words
        assert box["y"] <= where["y"] + where["height"] / 2 <= box["y"] + box["height"], words
    watch.assert_clean()
