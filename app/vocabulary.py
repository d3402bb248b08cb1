"""Controlled vocabularies shared by the seed loader, the pages and the map legend."""

from __future__ import annotations

from typing import NamedTuple


class HazardKind(NamedTuple):
    label: str
    icon: str  # a Font Awesome 6 solid icon name (served locally); meaning is in the legend
    color: str


HAZARD_KINDS: dict[str, HazardKind] = {
    "landmines": HazardKind("Landmines", "burst", "#8b1a1a"),
    "lethal-force": HazardKind("Shooting and killing", "crosshairs", "#a4161a"),
    "river-crossing": HazardKind("River crossing", "water", "#1d5c8f"),
    "spies-and-traps": HazardKind("Spies and traps", "user-secret", "#5a3e85"),
    "broker-betrayal": HazardKind("Broker betrayal", "handshake-slash", "#b35c00"),
    "arrest": HazardKind("Police and arrest", "handcuffs", "#3d405b"),
    "repatriation": HazardKind("Forced return", "rotate-left", "#6b4226"),
    "trafficking": HazardKind("Human trafficking", "people-robbery", "#9d0208"),
    "jungle": HazardKind("Jungle crossing", "tree", "#2d6a4f"),
    "pursuit": HazardKind("Pursuit by dogs and police", "dog", "#495057"),
    "detention": HazardKind("Detention", "building-lock", "#5c677d"),
    "imprisonment": HazardKind("Prison camps", "dungeon", "#343a40"),
    "torture": HazardKind("Torture and beatings", "hand-fist", "#6a040f"),
    "forced-labour": HazardKind("Forced labour", "hammer", "#7f5539"),
    "starvation": HazardKind("Hunger", "bowl-rice", "#9c6644"),
    "reprisal": HazardKind("Reprisals against families", "people-roof", "#7b2cbf"),
    "surveillance": HazardKind("Surveillance", "eye", "#4a4e69"),
    "border-closure": HazardKind("Closed routes", "road-barrier", "#52796f"),
    "execution": HazardKind("Execution", "skull", "#370617"),
    "death": HazardKind("Death", "skull-crossbones", "#000000"),
    "illegal-entry": HazardKind("No papers to leave", "passport", "#6c757d"),
    "criminalisation": HazardKind("Defection made a crime", "gavel", "#5e548e"),
    "sexual-violence": HazardKind("Sexual violence", "triangle-exclamation", "#9d174d"),
}

OUTCOMES: dict[str, str] = {
    "reached-safety": "Reached safety",
    "captured": "Captured",
    "betrayed": "Betrayed",
    "imprisoned": "Imprisoned",
    "died": "Died",
    "avoided": "Avoided route",
}

JOURNEY_KINDS: dict[str, str] = {
    "journey": "A journey the articles tell",
    "direct-route": "The direct route defectors avoid",
    "general-route": "The general route the articles describe",
}

PLACE_KINDS = ("country", "region", "city", "river", "border", "camp", "facility", "route-area")

PRECISION_LABELS: dict[str, str] = {
    "point": "Exact point",
    "city": "Approximate: known only to the city",
    "region": "Approximate: known only to the region",
    "country": "Approximate: known only to the country",
    "river": "Approximate: known only to the river",
    "unknown": "Location unknown",
}

# Content notes for classroom use: a citation (a verbatim quote) or a hazard may carry
# any of these; in the classroom setting a tagged quote is shown only on request.
SENSITIVITY_TAGS: dict[str, str] = {
    "violence": "violence",
    "torture": "torture",
    "death": "death",
    "execution": "execution",
    "sexual-violence": "sexual violence",
    "trafficking": "human trafficking",
    "starvation": "starvation",
    "suicide": "suicide",
}


def sensitivity_labels(tags: list[str]) -> list[str]:
    return [SENSITIVITY_TAGS.get(tag, tag) for tag in tags]
