"""Offline by default: every asset Folium would fetch from a CDN is installed locally."""

import re

import folium
import folium.plugins

from app.maps.assets import local_asset_paths, missing_assets


def test_every_vendored_asset_the_pages_load_is_installed():
    assert len(local_asset_paths()) > 20
    assert missing_assets() == []


def test_folium_links_only_our_static_copies(seeded_app):
    for cls, attr in (
        (folium.Map, "default_js"),
        (folium.Map, "default_css"),
        (folium.plugins.PolyLineTextPath, "default_js"),
        (folium.plugins.Fullscreen, "default_js"),
        (folium.plugins.Fullscreen, "default_css"),
    ):
        for _name, url in getattr(cls, attr):
            assert url.startswith("/static/vendor/"), (cls.__name__, attr, url)


def test_the_offline_base_map_is_a_bundled_natural_earth_layer(client):
    page = client.get("/journeys/roh-family").get_data(as_text=True)
    # Linked under its content-hashed name (app/http/static_files.py).
    linked = re.search(r"/static/vendor/natural-earth/countries-110m\.[0-9a-f]{10}\.js", page)
    assert linked, "the page does not link the boundaries script"
    script = client.get(linked.group(0)).get_data(as_text=True)
    assert script.startswith("window.atlasNaturalEarth = {")
    boundaries = client.get("/static/vendor/natural-earth/countries-110m.geojson").get_json()
    ids = {feature.get("id") for feature in boundaries["features"]}
    assert {"408", "410", "156", "704", "418", "764"} <= ids
