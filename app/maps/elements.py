"""Small Folium elements of our own, one per concern (after folium/plugins).

Every value reaches their templates through `tojson` after our escaping, and
none of them carries reader-supplied text in its Jinja source.
"""

from __future__ import annotations

from typing import Any

from branca.element import MacroElement
from folium.template import Template


class Legend(MacroElement):  # type: ignore[misc]
    """A map control explaining line styles, areas, stops and hazard symbols."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "atlas-legend");
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html: str):
        super().__init__()
        self._name = "Legend"
        self.html = html


class FeatureIndex(MacroElement):  # type: ignore[misc]
    """Publishes the map and its features by stable id (leg-2, hazard-landmines) so that
    the page's own script can open a popup from a link or from the itinerary; the
    words for Leaflet's own controls in the page's language (Leaflet writes English);
    the bounds to frame; and, on a map of several journeys, each journey's layer."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.atlasMaps = window.atlasMaps || [];
        window.atlasMaps.push({
            map: {{ this._parent.get_name() }},
            features: {
            {%- for key, element in this.features.items() %}
                {{ key|tojson }}: {{ element.get_name() }},
            {%- endfor %}
            },
            controls: {{ this.controls|tojson }},
            fit: {{ this.fit|tojson }},
            journeys: {
            {%- for slug, group in this.journeys.items() %}
                {{ slug|tojson }}: {{ group.get_name() }},
            {%- endfor %}
            }
        });
        // Framed clear of its controls, symbols spread (static/js/map-layout.js).
        if (window.atlasLayout) {
            window.atlasLayout.start(window.atlasMaps[window.atlasMaps.length - 1]);
        }
        {% endmacro %}
        """
    )

    def __init__(
        self,
        features: dict[str, Any],
        controls: dict[str, str],
        *,
        fit: dict[str, Any] | None = None,
        journeys: dict[str, Any] | None = None,
    ):
        super().__init__()
        self._name = "FeatureIndex"
        self.features = features
        self.controls = controls
        # The bounds the map frames once its controls exist, and their zoom cap.
        self.fit = fit
        # A map of several journeys: each journey's layer by slug (its key, highlight).
        self.journeys = journeys or {}
