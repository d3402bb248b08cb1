"""Controlled vocabularies shared by the seed loader, the pages and the map legend."""

from __future__ import annotations

from typing import NamedTuple


class HazardKind(NamedTuple):
    label: str
    symbol: str  # a short glyph drawn in the hazard badge; meaning is also in the legend
    color: str


HAZARD_KINDS: dict[str, HazardKind] = {
    "landmines": HazardKind("Landmines", "✸", "#8b1a1a"),
    "lethal-force": HazardKind("Shooting and killing", "⌖", "#a4161a"),
    "river-crossing": HazardKind("River crossing", "≈", "#1d5c8f"),
    "spies-and-traps": HazardKind("Spies and traps", "◉", "#5a3e85"),
    "broker-betrayal": HazardKind("Broker betrayal", "⚠", "#b35c00"),
    "arrest": HazardKind("Police and arrest", "⛓", "#3d405b"),
    "repatriation": HazardKind("Forced return", "↩", "#6b4226"),
    "trafficking": HazardKind("Human trafficking", "⊘", "#9d0208"),
    "jungle": HazardKind("Jungle crossing", "♣", "#2d6a4f"),
    "pursuit": HazardKind("Pursuit by dogs and police", "☡", "#495057"),
    "detention": HazardKind("Detention", "▣", "#5c677d"),
    "imprisonment": HazardKind("Prison camps", "▦", "#343a40"),
    "torture": HazardKind("Torture and beatings", "✖", "#6a040f"),
    "forced-labour": HazardKind("Forced labour", "⚒", "#7f5539"),
    "starvation": HazardKind("Hunger", "○", "#9c6644"),
    "reprisal": HazardKind("Reprisals against families", "⚑", "#7b2cbf"),
    "surveillance": HazardKind("Surveillance", "◎", "#4a4e69"),
    "border-closure": HazardKind("Closed routes", "⊗", "#52796f"),
    "execution": HazardKind("Execution", "✝", "#370617"),
    "death": HazardKind("Death", "†", "#000000"),
    "illegal-entry": HazardKind("No papers to leave", "✉", "#6c757d"),
    "criminalisation": HazardKind("Defection made a crime", "§", "#5e548e"),
    "sexual-violence": HazardKind("Sexual violence", "♀", "#9d174d"),
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
    "point": "exact point",
    "city": "approximate: known only to the city",
    "region": "approximate: known only to the region",
    "country": "approximate: known only to the country",
    "river": "approximate: known only to the river",
    "unknown": "location unknown",
}
