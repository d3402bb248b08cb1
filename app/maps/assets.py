"""Serve the assets Folium would fetch from a CDN from ``/static/vendor/`` instead,
and only those the atlas uses.

The files are installed (never committed) by ``scripts/install_assets.py`` from
the npm packages pinned in ``package.json``.  Call :func:`use_local_assets` once
at start-up, before any map is rendered; it swaps the class-level
``default_js``/``default_css`` lists of the Folium classes the atlas uses.

Of the elements the atlas renders (``Map``, ``Marker``, ``Popup``, ``DivIcon``,
``PolyLine``, ``Polygon``, ``Circle``, ``CircleMarker``, ``GeoJson``,
``FeatureGroup``, ``LayerControl``) only ``folium.Map`` declares external assets;
the others rely on what the map links.  Of those the atlas keeps Leaflet and jQuery
(Folium's ``Popup`` builds its content with ``$(`...`)[0]``) and drops the rest:
Bootstrap (its JavaScript drives nothing of ours; the few base rules of its CSS the
map pages were drawn with are in ``static/css/map-base.css``, linked in its place),
the Glyphicons and Leaflet.awesome-markers (for ``folium.Icon``, which the atlas does
not use: its markers are ``DivIcon``s) and all of Font Awesome (the pages link
:data:`ICONS_CSS`, a subset of the icons they use).  The two plugins used,
``PolyLineTextPath`` and ``Fullscreen``, declare their own.  Any other plugin
still points at its CDN.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import folium
import folium.plugins

from .basemap import FIRST_LEVEL, LABELS

# Relative to the Flask static folder (``static/``).
VENDOR_DIR: Final = "vendor"
COUNTRIES_GEOJSON: Final = "vendor/natural-earth/countries-110m.geojson"
# The same data as a script (`window.atlasNaturalEarth = ...`), written by the installer,
# for the place editor (the maps draw the base map of app/maps/basemap.py).
COUNTRIES_SCRIPT: Final = "vendor/natural-earth/countries-110m.js"
DEFAULT_STATIC_FOLDER: Final = Path(__file__).resolve().parents[2] / "static"

# The Font Awesome subset (font and stylesheet) scripts/install_assets.py builds of the
# icons app/maps/icons.py finds in the code; every page links the stylesheet.
ICONS_CSS: Final = "vendor/fontawesome/css/atlas-icons.css"
ICONS_FONT: Final = "vendor/fontawesome/webfonts/fa-solid-900-atlas.woff2"
# Bootstrap's base rules the map pages were drawn with (ours, not vendored).
MAP_BASE_CSS: Final = "css/map-base.css"

# Folium's asset names (for its pinned version) and our local copies, per class list;
# None drops the asset from the list (the atlas does not use it).
_REPLACEMENTS: Final[dict[tuple[type[Any], str], tuple[tuple[str, str | None], ...]]] = {
    (folium.Map, "default_js"): (
        ("leaflet", "vendor/leaflet/leaflet.js"),
        # Folium's popups need only jQuery's HTML parsing: our few lines do that.
        ("jquery", "js/folium-html.js"),
        ("bootstrap", None),
        ("awesome_markers", None),
    ),
    (folium.Map, "default_css"): (
        ("leaflet_css", "vendor/leaflet/leaflet.css"),
        ("bootstrap_css", MAP_BASE_CSS),
        ("glyphicons_css", None),
        ("awesome_markers_font_css", None),
        ("awesome_markers_css", None),
        ("awesome_rotate_css", None),
    ),
    (folium.plugins.PolyLineTextPath, "default_js"): (
        ("polylinetextpath", "vendor/leaflet-textpath/leaflet.textpath.js"),
    ),
    (folium.plugins.Fullscreen, "default_js"): (
        ("Control.Fullscreen.js", "vendor/leaflet.fullscreen/Control.FullScreen.js"),
    ),
    (folium.plugins.Fullscreen, "default_css"): (
        ("Control.FullScreen.css", "vendor/leaflet.fullscreen/Control.FullScreen.css"),
    ),
}

# Files the vendored stylesheets load by relative url(...) (fonts, images).
CSS_REFERENCED_ASSETS: Final[tuple[str, ...]] = (
    "vendor/leaflet/images/layers.png",
    "vendor/leaflet/images/layers-2x.png",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
    ICONS_FONT,
    "vendor/leaflet.fullscreen/icon-fullscreen.svg",
)

# Vendored files linked from the rendered HTML (<script>/<link>) plus the boundaries
# (data, script).
LINKED_ASSETS: Final[tuple[str, ...]] = (
    *(
        local
        for spec in _REPLACEMENTS.values()
        for _, local in spec
        if local is not None and local.startswith(f"{VENDOR_DIR}/")
    ),
    ICONS_CSS,
    COUNTRIES_GEOJSON,
    COUNTRIES_SCRIPT,
    # The base map's first level and labels (scripts/build_basemap.py, run by the
    # installer); its deeper levels are cells of open extent, listed where they are read.
    FIRST_LEVEL,
    *LABELS.values(),
)


def local_asset_paths() -> tuple[str, ...]:
    """Every vendored file the atlas pages load, relative to the static folder."""
    return LINKED_ASSETS + CSS_REFERENCED_ASSETS


def missing_assets(static_folder: Path = DEFAULT_STATIC_FOLDER) -> list[str]:
    """Paths from :func:`local_asset_paths` not present under ``static_folder``."""
    return [rel for rel in local_asset_paths() if not (static_folder / rel).is_file()]


def use_local_assets(static_url_path: str = "/static") -> None:
    """Point Folium's CDN ``<script>``/``<link>`` URLs at the vendored copies.

    Idempotent. Raises ``RuntimeError`` if Folium's asset names are not the ones
    this module was written for (after a Folium upgrade), so a skew between
    Folium's templates and the vendored JavaScript fails loudly.
    """
    for (cls, attr), spec in _REPLACEMENTS.items():
        current = [str(name) for name, _ in getattr(cls, attr)]
        expected = [name for name, _ in spec]
        already_applied = [name for name, local in spec if local is not None]
        if current not in (expected, already_applied):
            raise RuntimeError(
                f"{cls.__module__}.{cls.__name__}.{attr} names {current!r}, expected "
                f"{expected!r}; update package.json, scripts/install_assets.py and "
                "app/maps/assets.py for this Folium version"
            )
    prefix = static_url_path.rstrip("/")
    for (cls, attr), spec in _REPLACEMENTS.items():
        kept = [(name, f"{prefix}/{local}") for name, local in spec if local is not None]
        setattr(cls, attr, kept)
