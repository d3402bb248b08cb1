"""Data mode for large maps: past a threshold of drawn features, a map's stops, legs,
areas and hazards are not inlined as thousands of Folium elements but loaded as one
compact JSON document and drawn on a canvas by static/js/map-data.js; popups are
fetched from the server when opened (the same popup.html, the same escaping).

Hazards are grouped by place: the sources locate a hazard only to its place, so each
place with hazards gets one circle (sized by their number), never an invented spot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from branca.element import Element, MacroElement
from flask_babel import gettext as _
from flask_babel import ngettext
from folium.template import Template
from markupsafe import Markup

from ..escaping import map_markup

Data = dict[str, Any]

# Above this many drawn features (stops, drawn legs, areas, hazards with a place) a map
# is drawn from data. Each Folium feature costs its own block of inline JavaScript and
# its popup HTML (about 2-4 KB a hazard): at 300 the page is near 1 MB, and the seeded
# maps (about 100 features on the home page) stay far below, drawn exactly as before.
THRESHOLD = 300
# A hazard group's popup lists this many hazards in full; the rest are counted.
POPUP_HAZARDS = 20
# The colour of a group of hazards of several kinds.
MIXED_HAZARDS = "#8b1a1a"


@dataclass(frozen=True)
class DataUrls:
    """Where a data-mode map loads from: its document, its popups (`popup` + kind/id +
    `query`), and the client script."""

    document: str
    popup: str
    query: str
    script: str


def drawn_count(journeys: list[Data], hazards: list[Data], places: list[Data]) -> int:
    by_slug = {p["slug"]: p for p in places}
    count = sum(1 for p in places if p["approximate"] and p["area"]["kind"] != "none")
    for journey in journeys:
        count += len(journey["stops"])
        count += sum(1 for leg in journey["legs"] if leg["route"] == "known")
    count += sum(1 for h in hazards if h["place"] and by_slug[h["place"]]["anchor"])
    return count


def is_large(journeys: list[Data], hazards: list[Data], places: list[Data]) -> bool:
    return drawn_count(journeys, hazards, places) > THRESHOLD


def stop_key(journey: Data, number: int) -> str:
    return f"{journey['slug']}:{number}"


def _round(point: list[float]) -> list[float]:
    return [round(point[0], 5), round(point[1], 5)]


def hazards_by_place(hazards: list[Data]) -> dict[str, list[Data]]:
    at_place: dict[str, list[Data]] = {}
    for hazard in hazards:
        if hazard["place"]:  # a hazard whose place is not told is listed, not drawn
            at_place.setdefault(hazard["place"], []).append(hazard)
    return at_place


def hazard_group_tooltip(present: list[Data], place: Data) -> str:
    if len(present) == 1:
        return str(_("Hazard: %(name)s", name=present[0]["name"]))
    return str(
        ngettext(
            "%(num)d hazard at %(place)s",
            "%(num)d hazards at %(place)s",
            len(present),
            place=place["name"],
        )
    )


def circle_radius(count: int) -> int:
    """Pixels: grows with the number of hazards, within bounds that stay clickable."""
    return min(18, 7 + round(2 * math.sqrt(count - 1)))


class DataLayer(MacroElement):  # type: ignore[misc]
    """Loads the map's features from `urls.document` and draws them into the (empty)
    Folium groups named here, so the layers control lists them as usual. The promise
    goes onto window.atlasPendingLayers while the map script runs (contract 1)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (window.atlasPendingLayers = window.atlasPendingLayers || []).push(
            window.atlasDataLayer({
                map: {{ this._parent.get_name() }},
                areas: {{ this.areas.get_name() }},
                routes: [{% for group in this.routes %}{{ group.get_name() }}, {% endfor %}],
                hazards: {{ this.hazards.get_name() }},
                config: {{ this.config|tojson }}
            })
        );
        {% endmacro %}
        """
    )

    def __init__(self, areas: Any, routes: list[Any], hazards: Any, config: Data):
        super().__init__()
        self._name = "DataLayer"
        self.areas = areas
        self.routes = routes
        self.hazards = hazards
        self.config = config


def stylesheet_tag(url: str) -> Element:
    """A stylesheet a map's script relies on, linked in the map's header."""
    return Element(f'<link rel="stylesheet" href="{map_markup(str(Markup.escape(url)))}">')


def script_tag(url: str) -> Element:
    """The client script, loaded in the map's header before the map script runs."""
    # (Element compiles its text as a template: the escaped URL holds no braces.)
    return Element(f'<script src="{map_markup(str(Markup.escape(url)))}"></script>')
