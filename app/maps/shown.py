"""What a map draws, recorded while it is drawn, so that its legend explains exactly the
symbols on it (no entry for a style no feature uses) and its key names its journeys.

A legend entry is a key here and a line in templates/legend.html: a new way of drawing
(a schematic corridor, a "relocated" connector ...) adds its key where it is drawn
(`Shown.styles.add(...)`, or through `leg_style`) and its line in the template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Data = dict[str, Any]

# Legend keys, in the order the legend lists them.
LEG_PRECISE = "leg-precise"
LEG_APPROXIMATE = "leg-approximate"
LEG_BLOCKED = "leg-blocked"
# Told as overland but not traced: the atlas's schematic path in a soft corridor.
LEG_OVERLAND = "leg-overland"
# Relocated; how is not told: a thin dotted connector.
LEG_RELOCATED = "leg-relocated"
AREA = "area"
BAND = "band"
STOP = "stop"
# A stop known only to an area: its number is the area's label (a dashed ring).
STOP_AREA = "stop-area"
GROUPED_HAZARDS = "grouped-hazards"


def leg_style(journey: Data, leg: Data) -> str:
    """The legend key of a drawn leg: how it is drawn says what is known of it."""
    if journey["kind"] == "direct-route":
        return LEG_BLOCKED
    if leg.get("drawing") == "overland":
        return LEG_OVERLAND
    if leg.get("drawing") == "relocated":
        return LEG_RELOCATED
    return LEG_APPROXIMATE if leg["approximate"] else LEG_PRECISE


def area_style(place: Data) -> str:
    """The legend key of an approximate place's area (a band for rivers and borders)."""
    return BAND if place["area"]["kind"] == "line" else AREA


@dataclass
class Shown:
    styles: set[str] = field(default_factory=set)
    hazard_kinds: list[str] = field(default_factory=list)
    # One per journey drawn: slug, title, colour and its layer (the key and highlight).
    journeys: list[Data] = field(default_factory=list)
