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
    the page's own script can open a popup from a link or from the itinerary; and the
    words for Leaflet's own controls in the page's language (Leaflet writes English)."""

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
            controls: {{ this.controls|tojson }}
        });
        {% endmacro %}
        """
    )

    def __init__(self, features: dict[str, Any], controls: dict[str, str]):
        super().__init__()
        self._name = "FeatureIndex"
        self.features = features
        self.controls = controls
