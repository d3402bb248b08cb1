"""Offline by default: every asset Folium would fetch from a CDN is installed locally."""

import re

import folium
import folium.plugins

from app.maps.assets import (
    ICONS_CSS,
    ICONS_FONT,
    MAP_BASE_CSS,
    local_asset_paths,
    missing_assets,
)


def test_every_vendored_asset_the_pages_load_is_installed():
    assert {
        "vendor/leaflet/leaflet.js",
        ICONS_CSS,
        ICONS_FONT,
        "vendor/natural-earth/countries-110m.js",
        "vendor/basemap/basemap-0.js",
        "vendor/basemap/labels-ko.js",
    } <= set(local_asset_paths())
    assert missing_assets() == []


def test_folium_links_only_what_the_atlas_uses(seeded_app):
    """Bootstrap, the Glyphicons, Leaflet.awesome-markers and all of Font Awesome are
    gone from the map pages; Bootstrap's base rules they were drawn with are ours."""
    names = [name for name, _ in folium.Map.default_js + folium.Map.default_css]
    assert names == ["leaflet", "jquery", "leaflet_css", "bootstrap_css"]
    stem, ext = MAP_BASE_CSS.rsplit(".", 1)  # linked under its content-hashed name
    linked = dict(folium.Map.default_css)["bootstrap_css"]
    assert re.fullmatch(rf"/static/{stem}(\.[0-9a-f]{{10}})?\.{ext}", linked), linked
    page = seeded_app.test_client().get("/journeys/roh-family").get_data(as_text=True)
    gone_list = ("bootstrap", "glyphicons", "awesome-markers", "awesome.rotate", "all.min.css")
    for gone in (*gone_list, "jquery"):
        assert gone not in page, gone


def test_folium_links_only_our_static_copies(seeded_app):
    for cls, attr in (
        (folium.Map, "default_js"),
        (folium.Map, "default_css"),
        (folium.plugins.PolyLineTextPath, "default_js"),
        (folium.plugins.Fullscreen, "default_js"),
        (folium.plugins.Fullscreen, "default_css"),
    ):
        for _name, url in getattr(cls, attr):
            assert url.startswith("/static/"), (cls.__name__, attr, url)


def test_the_offline_base_map_is_a_bundled_natural_earth_layer(client):
    page = client.get("/journeys/roh-family").get_data(as_text=True)
    # Linked under its content-hashed name (app/http/static_files.py).
    linked = re.search(r"/static/vendor/basemap/basemap-0\.[0-9a-f]{10}\.js", page)
    assert linked, "the page does not link the base map's first level"
    script = client.get(linked.group(0)).get_data(as_text=True)
    assert script.startswith('(window.atlasBasemapData=window.atlasBasemapData||{})["0"]=')
    # The place editor still draws the 1:110m outlines (static/js/editor-map.js).
    boundaries = client.get("/static/vendor/natural-earth/countries-110m.geojson").get_json()
    ids = {feature.get("id") for feature in boundaries["features"]}
    assert {"408", "410", "156", "704", "418", "764"} <= ids
