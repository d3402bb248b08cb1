"""Serve every asset Folium would fetch from a CDN from ``/static/vendor/`` instead.

The files are installed (never committed) by ``scripts/install_assets.py`` from
the npm packages pinned in ``package.json``.  Call :func:`use_local_assets` once
at start-up, before any map is rendered; it swaps the class-level
``default_js``/``default_css`` lists of the Folium classes the atlas uses.

Of the elements the atlas renders (``Map``, ``Marker``, ``Popup``, ``Icon``,
``DivIcon``, ``PolyLine``, ``Polygon``, ``Circle``, ``CircleMarker``,
``GeoJson``, ``FeatureGroup``, ``LayerControl``) only ``folium.Map`` declares
external assets -- the others rely on what the map links (``GeoJson(...,
embed=False)`` loads its data with jQuery's ``$.ajax``).  The two plugins used,
``PolyLineTextPath`` and ``Fullscreen``, declare their own.  Any other plugin
still points at its CDN.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import folium
import folium.plugins

# Relative to the Flask static folder (``static/``).
VENDOR_DIR: Final = "vendor"
COUNTRIES_GEOJSON: Final = "vendor/natural-earth/countries-110m.geojson"
DEFAULT_STATIC_FOLDER: Final = Path(__file__).resolve().parents[2] / "static"

_Spec = tuple[tuple[str, str, str], ...]  # (folium name, folium 0.20.0 CDN URL, local path)

_REPLACEMENTS: Final[dict[tuple[type[Any], str], _Spec]] = {
    (folium.Map, "default_js"): (
        (
            "leaflet",
            "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
            "vendor/leaflet/leaflet.js",
        ),
        (
            "jquery",
            "https://code.jquery.com/jquery-3.7.1.min.js",
            "vendor/jquery/jquery.min.js",
        ),
        (
            "bootstrap",
            "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",
            "vendor/bootstrap/js/bootstrap.bundle.min.js",
        ),
        (
            "awesome_markers",
            "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
            "leaflet.awesome-markers.js",
            "vendor/leaflet.awesome-markers/leaflet.awesome-markers.js",
        ),
    ),
    (folium.Map, "default_css"): (
        (
            "leaflet_css",
            "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css",
            "vendor/leaflet/leaflet.css",
        ),
        (
            "bootstrap_css",
            "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css",
            "vendor/bootstrap/css/bootstrap.min.css",
        ),
        (
            "glyphicons_css",
            "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",
            "vendor/bootstrap3-glyphicons/css/bootstrap-glyphicons.css",
        ),
        (
            "awesome_markers_font_css",
            "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css",
            "vendor/fontawesome/css/all.min.css",
        ),
        (
            "awesome_markers_css",
            "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
            "leaflet.awesome-markers.css",
            "vendor/leaflet.awesome-markers/leaflet.awesome-markers.css",
        ),
        (
            "awesome_rotate_css",
            "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
            "leaflet.awesome.rotate.min.css",
            "vendor/leaflet.awesome-markers/leaflet.awesome.rotate.css",
        ),
    ),
    (folium.plugins.PolyLineTextPath, "default_js"): (
        (
            "polylinetextpath",
            "https://cdn.jsdelivr.net/npm/leaflet-textpath@1.2.3/leaflet.textpath.min.js",
            "vendor/leaflet-textpath/leaflet.textpath.js",
        ),
    ),
    (folium.plugins.Fullscreen, "default_js"): (
        (
            "Control.Fullscreen.js",
            "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js",
            "vendor/leaflet.fullscreen/Control.FullScreen.js",
        ),
    ),
    (folium.plugins.Fullscreen, "default_css"): (
        (
            "Control.FullScreen.css",
            "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css",
            "vendor/leaflet.fullscreen/Control.FullScreen.css",
        ),
    ),
}

# Files the vendored stylesheets load by relative url(...) (fonts, images).
CSS_REFERENCED_ASSETS: Final[tuple[str, ...]] = (
    "vendor/leaflet/images/layers.png",
    "vendor/leaflet/images/layers-2x.png",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
    "vendor/bootstrap3-glyphicons/fonts/glyphicons-halflings-regular.woff2",
    "vendor/bootstrap3-glyphicons/fonts/glyphicons-halflings-regular.woff",
    "vendor/fontawesome/webfonts/fa-brands-400.woff2",
    "vendor/fontawesome/webfonts/fa-brands-400.ttf",
    "vendor/fontawesome/webfonts/fa-regular-400.woff2",
    "vendor/fontawesome/webfonts/fa-regular-400.ttf",
    "vendor/fontawesome/webfonts/fa-solid-900.woff2",
    "vendor/fontawesome/webfonts/fa-solid-900.ttf",
    "vendor/fontawesome/webfonts/fa-v4compatibility.woff2",
    "vendor/fontawesome/webfonts/fa-v4compatibility.ttf",
    "vendor/leaflet.awesome-markers/images/markers-soft.png",
    "vendor/leaflet.awesome-markers/images/markers-soft@2x.png",
    "vendor/leaflet.awesome-markers/images/markers-shadow.png",
    "vendor/leaflet.awesome-markers/images/markers-shadow@2x.png",
    "vendor/leaflet.fullscreen/icon-fullscreen.svg",
)

# Files linked from the rendered HTML (<script>/<link>) plus the boundaries GeoJSON.
LINKED_ASSETS: Final[tuple[str, ...]] = (
    *(local for spec in _REPLACEMENTS.values() for _, _, local in spec),
    COUNTRIES_GEOJSON,
)

# Folium's own lists, captured the first time they are replaced.
_ORIGINALS: dict[tuple[type[Any], str], list[tuple[str, str]]] = {}


def local_asset_paths() -> tuple[str, ...]:
    """Every vendored file the atlas pages load, relative to the static folder."""
    return LINKED_ASSETS + CSS_REFERENCED_ASSETS


def missing_assets(static_folder: Path = DEFAULT_STATIC_FOLDER) -> list[str]:
    """Paths from :func:`local_asset_paths` not present under ``static_folder``."""
    return [rel for rel in local_asset_paths() if not (static_folder / rel).is_file()]


def asset_url(path: str, static_url_path: str = "/static") -> str:
    """URL of a static-folder-relative path, e.g. ``/static/vendor/leaflet/leaflet.js``."""
    return f"{static_url_path.rstrip('/')}/{path.lstrip('/')}"


def use_local_assets(static_url_path: str = "/static") -> None:
    """Point Folium's CDN ``<script>``/``<link>`` URLs at the vendored copies.

    Idempotent; calling again with another ``static_url_path`` re-points them.
    Raises ``RuntimeError`` if Folium's asset lists are not the ones this module
    was written for (e.g. after a Folium upgrade), so a version skew between the
    Python templates and the vendored JavaScript fails loudly instead of silently.
    """
    originals: dict[tuple[type[Any], str], list[tuple[str, str]]] = {}
    for (cls, attr), spec in _REPLACEMENTS.items():
        if (cls, attr) in _ORIGINALS:
            continue
        current = [(str(name), str(url)) for name, url in getattr(cls, attr)]
        expected = [(name, cdn) for name, cdn, _ in spec]
        if current != expected:
            raise RuntimeError(
                f"{cls.__module__}.{cls.__name__}.{attr} is {current!r}, expected "
                f"{expected!r}; update package.json, scripts/install_assets.py and "
                "app/maps/assets.py for this Folium version"
            )
        originals[(cls, attr)] = current
    _ORIGINALS.update(originals)  # only once every list has been validated
    for (cls, attr), spec in _REPLACEMENTS.items():
        setattr(cls, attr, [(name, asset_url(local, static_url_path)) for name, _, local in spec])


def restore_cdn_assets() -> None:
    """Undo :func:`use_local_assets` (Folium's own CDN URLs again); mainly for tests."""
    for (cls, attr), original in _ORIGINALS.items():
        setattr(cls, attr, list(original))
    _ORIGINALS.clear()


def countries_geojson(
    static_folder: Path = DEFAULT_STATIC_FOLDER,
    static_url_path: str = "/static",
    **kwargs: Any,
) -> folium.GeoJson:
    """A ``GeoJson`` layer of the vendored country outlines, fetched by the browser.

    ``folium.GeoJson("/static/...", embed=False)`` does not work: Folium opens a
    non-http string as a *file path* (it needs the data for styling), and emits
    that same string as the URL.  This reads the installed file and links its
    URL instead, so the page stays small.  Features have ``id`` (ISO 3166-1
    numeric, absent for N. Cyprus, Somaliland and Kosovo) and ``properties.name``.
    """
    layer = folium.GeoJson(str(static_folder / COUNTRIES_GEOJSON), embed=False, **kwargs)
    layer.embed_link = asset_url(COUNTRIES_GEOJSON, static_url_path)
    return layer
