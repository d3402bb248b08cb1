"""Controlled vocabularies shared by the seed loader, the pages and the map legend."""

from __future__ import annotations

from typing import NamedTuple

from flask_babel import lazy_gettext as _l

# Labels are translated when shown (lazy_gettext): str() them in the request that shows them.


class HazardKind(NamedTuple):
    label: str
    icon: str  # a Font Awesome 6 solid icon name (served locally); meaning is in the legend
    color: str


HAZARD_KINDS: dict[str, HazardKind] = {
    "landmines": HazardKind(_l("Landmines"), "burst", "#8b1a1a"),
    "lethal-force": HazardKind(_l("Shooting and killing"), "crosshairs", "#a4161a"),
    "river-crossing": HazardKind(_l("River crossing"), "water", "#1d5c8f"),
    "spies-and-traps": HazardKind(_l("Spies and traps"), "user-secret", "#5a3e85"),
    "broker-betrayal": HazardKind(_l("Broker betrayal"), "handshake-slash", "#b35c00"),
    "arrest": HazardKind(_l("Police and arrest"), "handcuffs", "#3d405b"),
    "repatriation": HazardKind(_l("Forced return"), "rotate-left", "#6b4226"),
    "trafficking": HazardKind(_l("Human trafficking"), "people-robbery", "#9d0208"),
    "jungle": HazardKind(_l("Jungle crossing"), "tree", "#2d6a4f"),
    "pursuit": HazardKind(_l("Pursuit by dogs and police"), "dog", "#495057"),
    "detention": HazardKind(_l("Detention"), "building-lock", "#5c677d"),
    "imprisonment": HazardKind(_l("Prison camps"), "dungeon", "#343a40"),
    "torture": HazardKind(_l("Torture and beatings"), "hand-fist", "#6a040f"),
    "forced-labour": HazardKind(_l("Forced labour"), "hammer", "#7f5539"),
    "starvation": HazardKind(_l("Hunger"), "bowl-rice", "#9c6644"),
    "reprisal": HazardKind(_l("Reprisals against families"), "people-roof", "#7b2cbf"),
    "surveillance": HazardKind(_l("Surveillance"), "eye", "#4a4e69"),
    "border-closure": HazardKind(_l("Closed routes"), "road-barrier", "#52796f"),
    "execution": HazardKind(_l("Execution"), "skull", "#370617"),
    "death": HazardKind(_l("Death"), "skull-crossbones", "#000000"),
    "illegal-entry": HazardKind(_l("No papers to leave"), "passport", "#6c757d"),
    "criminalisation": HazardKind(_l("Defection made a crime"), "gavel", "#5e548e"),
    "sexual-violence": HazardKind(_l("Sexual violence"), "triangle-exclamation", "#9d174d"),
    "propaganda": HazardKind(
        _l("Propaganda, no outside information"), "tower-broadcast", "#6d597a"
    ),
}

OUTCOMES: dict[str, str] = {
    "reached-safety": _l("Reached safety"),
    "captured": _l("Captured"),
    "betrayed": _l("Betrayed"),
    "imprisoned": _l("Imprisoned"),
    "died": _l("Died"),
    "avoided": _l("Avoided route"),
}

JOURNEY_KINDS: dict[str, str] = {
    "journey": _l("A journey the articles tell"),
    "direct-route": _l("The direct route defectors avoid"),
    "general-route": _l("The general route the articles describe"),
}

PLACE_KINDS = ("country", "region", "city", "river", "border", "camp", "facility", "route-area")

PLACE_KIND_LABELS: dict[str, str] = {
    "country": _l("country"),
    "region": _l("region"),
    "city": _l("city"),
    "river": _l("river"),
    "border": _l("border"),
    "camp": _l("camp"),
    "facility": _l("facility"),
    "route-area": _l("route area"),
}

PRECISION_LABELS: dict[str, str] = {
    "point": _l("Exact point"),
    "city": _l("Approximate: known only to the city"),
    "region": _l("Approximate: known only to the region"),
    "country": _l("Approximate: known only to the country"),
    "river": _l("Approximate: known only to the river"),
    "unknown": _l("Location unknown"),
}

# Content notes for classroom use: a citation (a verbatim quote) or a hazard may carry
# any of these; in the classroom setting a tagged quote is shown only on request.
SENSITIVITY_TAGS: dict[str, str] = {
    "violence": _l("violence"),
    "torture": _l("torture"),
    "death": _l("death"),
    "execution": _l("execution"),
    "sexual-violence": _l("sexual violence"),
    "trafficking": _l("human trafficking"),
    "starvation": _l("starvation"),
    "suicide": _l("suicide"),
}


def sensitivity_labels(tags: list[str]) -> list[str]:
    return [str(SENSITIVITY_TAGS.get(tag, tag)) for tag in tags]
