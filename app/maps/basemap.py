"""The offline base map of every interactive map: land, lakes, rivers, borders and
labels in the page's language, built from app/maps/geodata by scripts/build_basemap.py
into static/vendor/basemap/ (at set-up, by scripts/install_assets.py) and drawn by
static/js/basemap.js. A map links only the runtime; the runtime loads the level of
detail and the cells its view needs, and the labels of its language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from folium.map import Layer
from folium.template import Template

# Relative to the Flask static folder (``static/``).
BASEMAP_DIR: Final = "vendor/basemap"
RUNTIME_JS: Final = "js/basemap.js"
RUNTIME_CSS: Final = "css/basemap.css"
# The first level of detail (the whole region) and the labels: every map needs them.
FIRST_LEVEL: Final = f"{BASEMAP_DIR}/basemap-0.js"
LABELS: Final = {language: f"{BASEMAP_DIR}/labels-{language}.js" for language in ("en", "ko")}

# Kept in step with scripts/build_basemap.py (LEVELS, REGION): the zoom each level of
# detail starts at and the size of its cells (None: one file).
LEVELS: Final = (
    {"minZoom": 0, "cell": None},
    {"minZoom": 5, "cell": 20.0},
    {"minZoom": 7, "cell": 5.0},
)
REGION: Final = (85.0, -2.0, 150.0, 56.0)

STYLE: Final = {
    "land": {"stroke": False, "fillColor": "#f4f1ea", "fillOpacity": 1},
    "water": {"stroke": False, "fillColor": "#cfe0ec", "fillOpacity": 1},
    "river": {"color": "#5d9cd0", "weight": 1.4, "opacity": 1},
    "border": {"color": "#8d7f96", "weight": 1, "opacity": 1, "dashArray": "4 3"},
}


@dataclass(frozen=True)
class BasemapUrls:
    """The runtime, its stylesheet, every data file by key ("0", "1-3-2", ...) and the
    labels script of the page's language, as the page links them."""

    runtime: str
    css: str
    files: dict[str, str]
    labels: str


@lru_cache(maxsize=4)
def _file_keys(folder: str, mtime_ns: int) -> tuple[str, ...]:
    del mtime_ns  # part of the cache key: a rebuilt directory is listed again
    return tuple(sorted(p.stem.removeprefix("basemap-") for p in Path(folder).glob("basemap-*.js")))


def file_keys(static_folder: Path) -> tuple[str, ...]:
    """The data files the build wrote (cells of open sea have none)."""
    folder = static_folder / BASEMAP_DIR
    if not folder.is_dir():
        return ()
    return _file_keys(str(folder), folder.stat().st_mtime_ns)


def basemap_urls(
    static_folder: Path, language: str, url_for_static: Callable[[str], str]
) -> BasemapUrls:
    return BasemapUrls(
        runtime=url_for_static(RUNTIME_JS),
        css=url_for_static(RUNTIME_CSS),
        files={
            key: url_for_static(f"{BASEMAP_DIR}/basemap-{key}.js")
            for key in file_keys(static_folder)
        },
        labels=url_for_static(LABELS.get(language, LABELS["en"])),
    )


class BasemapLayer(Layer):  # type: ignore[misc]
    """The base map as a Leaflet layer (static/js/basemap.js), a base layer of the map's
    layer control (the optional online layer is the other)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = window.atlasBasemap({{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, urls: BasemapUrls, name: str, attribution: str, language: str):
        super().__init__(name=name, overlay=False, control=True, show=True)
        self._name = "BasemapLayer"
        self.options: dict[str, Any] = {
            "levels": list(LEVELS),
            "region": list(REGION),
            "files": urls.files,
            "labels": urls.labels,
            "language": language,
            "attribution": attribution,
            "style": STYLE,
        }
