"""Reading the hand-curated seed files into plain records, naming the file and
record of every problem found (all problems are collected, not just the first)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..models import AREA_KINDS, LEG_DRAWINGS, PRECISIONS, PROVENANCES, ROUTES
from ..vocabulary import HAZARD_KINDS, JOURNEY_KINDS, OUTCOMES, PLACE_KINDS, SENSITIVITY_TAGS
from .korean import EMPTY, NO_HANGUL, NUL, korean_problem

SEED_FILES = ("sources", "places", "journeys", "hazards", "discrepancies")


class SeedError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class CitationSpec:
    where: str  # "seeds/hazards.yaml: hazard 'landmines', citation 2"
    source: str
    quote: str
    prefix: str = ""
    suffix: str = ""
    sensitivity: list[str] = field(default_factory=list)


@dataclass
class SourceSpec:
    slug: str
    file: str
    label: str
    title: str | None
    author: str | None
    outlet: str | None
    date: str | None
    notes: str | None


@dataclass
class PlaceSpec:
    slug: str
    name: str
    kind: str
    precision: str
    provenance: str
    provenance_note: str | None
    anchor: tuple[float, float] | None
    anchor_note: str | None
    area: dict[str, Any]
    country: str | None
    citations: list[CitationSpec]
    name_ko: str | None = None
    anchor_note_ko: str | None = None


@dataclass
class LegSpec:
    where: str
    from_place: str
    to_place: str
    route: str
    summary: str
    citations: list[CitationSpec]
    summary_ko: str | None = None
    # An editorial drawing choice (models.LEG_DRAWINGS); None: a schematic line.
    drawing: str | None = None


@dataclass
class JourneySpec:
    slug: str
    title: str
    who: str
    outcome: str
    outcome_label: str
    kind: str
    summary: str
    citations: list[CitationSpec]
    legs: list[LegSpec]
    title_ko: str | None = None
    who_ko: str | None = None
    outcome_label_ko: str | None = None
    summary_ko: str | None = None


@dataclass
class HazardSpec:
    where: str
    slug: str
    name: str
    kind: str
    summary: str
    place: str | None
    journeys: list[str]
    legs: list[tuple[str, int]]
    citations: list[CitationSpec]
    sensitivity: list[str] = field(default_factory=list)
    name_ko: str | None = None
    summary_ko: str | None = None


@dataclass
class SideSpec:
    label: str
    citations: list[CitationSpec]
    label_ko: str | None = None


@dataclass
class DiscrepancySpec:
    where: str
    slug: str
    topic: str
    summary: str
    about: list[tuple[str, str]]
    sides: list[SideSpec]
    topic_ko: str | None = None
    summary_ko: str | None = None


@dataclass
class SeedData:
    sources: list[SourceSpec] = field(default_factory=list)
    places: list[PlaceSpec] = field(default_factory=list)
    journeys: list[JourneySpec] = field(default_factory=list)
    hazards: list[HazardSpec] = field(default_factory=list)
    discrepancies: list[DiscrepancySpec] = field(default_factory=list)


_KOREAN_PROBLEMS = {
    NUL: "contains a NUL byte",
    EMPTY: "must be non-empty text (leave the field out when there is no Korean text yet)",
    NO_HANGUL: "has no Korean (Hangul) letters: is it the English pasted by mistake?",
}


class _Record:
    """Typed access to one YAML mapping; problems are reported with its location."""

    def __init__(self, data: Any, where: str, problems: list[str]):
        self.where = where
        self.problems = problems
        self.ok = isinstance(data, dict)
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        if not self.ok:
            problems.append(f"{where}: expected a mapping, got {type(data).__name__}")

    def problem(self, message: str) -> None:
        self.problems.append(f"{self.where}: {message}")

    def text(self, name: str, *, required: bool = True) -> str | None:
        value = self.data.get(name)
        if value is None:
            if required and self.ok:
                self.problem(f"missing required field '{name}'")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(f"field '{name}' must be non-empty text")
            return None
        if "\x00" in value:
            # PostgreSQL text cannot hold it, and no reader could see it: refuse everywhere.
            self.problem(f"field '{name}' contains a NUL byte")
            return None
        return value

    def korean(self, name: str) -> str | None:
        """An optional Korean text (`name_ko:` ...): absent means none yet (NULL)."""
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(f"field '{name}' must be text")
            return None
        problem = korean_problem(value)
        if problem is not None:
            self.problem(f"field '{name}' {_KOREAN_PROBLEMS[problem]}")
            return None
        return value

    def req(self, name: str) -> str:
        return self.text(name) or ""

    def choice(self, name: str, allowed: tuple[str, ...] | dict[str, Any]) -> str:
        value = self.req(name)
        if value and value not in allowed:
            self.problem(f"field '{name}' is {value!r}; allowed: {', '.join(allowed)}")
        return value

    def drawing(self) -> str | None:
        """A leg's optional `drawing:` (models.LEG_DRAWINGS), only on a told route."""
        value = self.data.get("drawing")
        if value is None:
            return None
        if value not in LEG_DRAWINGS:
            self.problem(f"field 'drawing' is {value!r}; allowed: {', '.join(LEG_DRAWINGS)}")
            return None
        if self.data.get("route") != "known":
            self.problem("field 'drawing' needs route: known (an untold route is not drawn)")
            return None
        return str(value)

    def items(self, name: str, *, required: bool = False) -> list[Any]:
        value = self.data.get(name)
        if value is None:
            if required and self.ok:
                self.problem(f"missing required list '{name}'")
            return []
        if not isinstance(value, list):
            self.problem(f"field '{name}' must be a list")
            return []
        return value

    def tags(self) -> list[str]:
        """The optional `sensitivity: [tag, ...]` content notes, from the vocabulary."""
        value = self.data.get("sensitivity")
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            self.problem("field 'sensitivity' must be a list of tags")
            return []
        unknown = [t for t in value if t not in SENSITIVITY_TAGS]
        if unknown:
            self.problem(
                f"unknown sensitivity tag(s) {', '.join(map(repr, unknown))}; "
                f"allowed: {', '.join(SENSITIVITY_TAGS)}"
            )
            return []
        if len(set(value)) != len(value):
            self.problem("field 'sensitivity' names a tag twice")
        return list(dict.fromkeys(value))

    def citations(self) -> list[CitationSpec]:
        specs: list[CitationSpec] = []
        raw = self.items("citations", required=True)
        if self.ok and not raw and "citations" in self.data:
            self.problem("needs at least one citation")
        for n, item in enumerate(raw, 1):
            rec = _Record(item, f"{self.where}, citation {n}", self.problems)
            source, quote = rec.req("source"), rec.req("quote")
            prefix = rec.data.get("prefix") or ""
            suffix = rec.data.get("suffix") or ""
            if not isinstance(prefix, str) or not isinstance(suffix, str):
                rec.problem("prefix and suffix must be text")
                prefix, suffix = "", ""
            specs.append(CitationSpec(rec.where, source, quote, prefix, suffix, rec.tags()))
        return specs


def _name(kind: str, item: Any, n: int) -> str:
    slug = item.get("slug") if isinstance(item, dict) else None
    return f"{kind} {slug!r}" if slug else f"{kind} #{n}"


def _anchor(rec: _Record) -> tuple[float, float] | None:
    value = rec.data.get("anchor")
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        rec.problem("anchor must be [lat, lon]")
        return None
    lat, lon = float(value[0]), float(value[1])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        rec.problem(f"anchor {value} is out of range (lat -90..90, lon -180..180)")
        return None
    return lat, lon


def _area(rec: _Record) -> dict[str, Any]:
    area = rec.data.get("area")
    band = ("natural_earth", "near_border_with", "within_km")
    if isinstance(area, dict) and set(area) == set(band):
        return _border_band(rec, area)
    if not isinstance(area, dict) or len(area) != 1:
        rec.problem(f"area must be exactly one of {', '.join(AREA_KINDS)} (or circle_km)")
        return {"none": True}
    ((kind, value),) = area.items()
    if kind == "circle_km":
        if not isinstance(value, int | float) or value <= 0:
            rec.problem("area.circle_km must be a positive number")
    elif kind == "natural_earth":
        codes = value if isinstance(value, list) else [value]
        if not codes or not all(isinstance(code, str) for code in codes):
            rec.problem(
                'area.natural_earth must be an ISO 3166 numeric code as text, e.g. "408", '
                "or a list of them (the union of those countries)"
            )
    elif kind == "line":
        if not isinstance(value, list) or len(value) < 2:
            rec.problem("area.line must be a list of at least two [lat, lon] points")
    elif kind != "none":
        rec.problem(f"unknown area kind {kind!r}")
    return {kind: value}


def _border_band(rec: _Record, area: dict[str, Any]) -> dict[str, Any]:
    """`{natural_earth: "156", near_border_with: "408", within_km: 100}`: the part of the
    first country within that distance of the second (app/seeding/areas.py)."""
    country, neighbour, km = area["natural_earth"], area["near_border_with"], area["within_km"]
    if not isinstance(country, str) or not isinstance(neighbour, str):
        rec.problem("area.natural_earth and area.near_border_with must be ISO codes as text")
    if not isinstance(km, int | float) or isinstance(km, bool) or km <= 0:
        rec.problem("area.within_km must be a positive number")
    return dict(area)


def _parse_sources(items: list[Any], fname: str, problems: list[str]) -> list[SourceSpec]:
    out = []
    for n, item in enumerate(items, 1):
        rec = _Record(item, f"{fname}: {_name('source', item, n)}", problems)
        out.append(
            SourceSpec(
                slug=rec.req("slug"),
                file=rec.req("file"),
                label=rec.req("label"),
                title=rec.text("title", required=False),
                author=rec.text("author", required=False),
                outlet=rec.text("outlet", required=False),
                date=str(rec.data["date"]) if rec.data.get("date") else None,
                notes=rec.text("notes", required=False),
            )
        )
    return out


def _parse_places(items: list[Any], fname: str, problems: list[str]) -> list[PlaceSpec]:
    out = []
    for n, item in enumerate(items, 1):
        rec = _Record(item, f"{fname}: {_name('place', item, n)}", problems)
        provenance = rec.choice("provenance", PROVENANCES)
        note = rec.text("provenance_note", required=provenance == "editorial")
        spec = PlaceSpec(
            slug=rec.req("slug"),
            name=rec.req("name"),
            kind=rec.choice("kind", PLACE_KINDS),
            precision=rec.choice("precision", PRECISIONS),
            provenance=provenance,
            provenance_note=note,
            anchor=_anchor(rec),
            anchor_note=rec.text("anchor_note", required=False),
            area=_area(rec),
            country=rec.text("country", required=False),
            citations=rec.citations(),
            name_ko=rec.korean("name_ko"),
            anchor_note_ko=rec.korean("anchor_note_ko"),
        )
        if spec.anchor is None and spec.precision != "unknown" and rec.ok:
            rec.problem("a place with a known precision needs an anchor [lat, lon]")
        if spec.anchor is not None and not spec.anchor_note and rec.ok:
            rec.problem("an anchor is an editorial choice: give an anchor_note saying why")
        out.append(spec)
    return out


def _parse_journeys(items: list[Any], fname: str, problems: list[str]) -> list[JourneySpec]:
    out = []
    for n, item in enumerate(items, 1):
        rec = _Record(item, f"{fname}: {_name('journey', item, n)}", problems)
        legs = []
        for m, leg in enumerate(rec.items("legs"), 1):
            lrec = _Record(leg, f"{rec.where}, leg {m}", problems)
            legs.append(
                LegSpec(
                    where=lrec.where,
                    from_place=lrec.req("from"),
                    to_place=lrec.req("to"),
                    route=lrec.choice("route", ROUTES),
                    summary=lrec.req("summary"),
                    citations=lrec.citations(),
                    summary_ko=lrec.korean("summary_ko"),
                    drawing=lrec.drawing(),
                )
            )
        out.append(
            JourneySpec(
                slug=rec.req("slug"),
                title=rec.req("title"),
                who=rec.req("who"),
                outcome=rec.choice("outcome", OUTCOMES),
                outcome_label=rec.req("outcome_label"),
                kind=rec.choice("kind", JOURNEY_KINDS),
                summary=rec.req("summary"),
                citations=rec.citations(),
                legs=legs,
                title_ko=rec.korean("title_ko"),
                who_ko=rec.korean("who_ko"),
                outcome_label_ko=rec.korean("outcome_label_ko"),
                summary_ko=rec.korean("summary_ko"),
            )
        )
    return out


def _parse_leg_ref(rec: _Record, ref: Any) -> tuple[str, int] | None:
    if isinstance(ref, str) and ":" in ref:
        journey, _, order = ref.rpartition(":")
        if order.isdigit() and int(order) >= 1:
            return journey, int(order)
    rec.problem(f"leg reference {ref!r} must look like 'journey-slug:N' (N from 1)")
    return None


def _parse_hazards(items: list[Any], fname: str, problems: list[str]) -> list[HazardSpec]:
    out = []
    for n, item in enumerate(items, 1):
        rec = _Record(item, f"{fname}: {_name('hazard', item, n)}", problems)
        legs = [ref for r in rec.items("legs") if (ref := _parse_leg_ref(rec, r))]
        journeys = [j for j in rec.items("journeys") if isinstance(j, str)]
        out.append(
            HazardSpec(
                where=rec.where,
                slug=rec.req("slug"),
                name=rec.req("name"),
                kind=rec.choice("kind", HAZARD_KINDS),
                summary=rec.req("summary"),
                place=rec.text("place", required=False),
                journeys=journeys,
                legs=legs,
                citations=rec.citations(),
                sensitivity=rec.tags(),
                name_ko=rec.korean("name_ko"),
                summary_ko=rec.korean("summary_ko"),
            )
        )
    return out


def _parse_discrepancies(
    items: list[Any], fname: str, problems: list[str]
) -> list[DiscrepancySpec]:
    out = []
    for n, item in enumerate(items, 1):
        rec = _Record(item, f"{fname}: {_name('discrepancy', item, n)}", problems)
        about: list[tuple[str, str]] = []
        for subject in rec.items("about"):
            if (
                isinstance(subject, dict)
                and len(subject) == 1
                and next(iter(subject)) in ("journey", "hazard", "place")
            ):
                ((kind, slug),) = subject.items()
                about.append((kind, str(slug)))
            else:
                rec.problem(f"'about' entry {subject!r} must be {{journey|hazard|place: slug}}")
        sides = []
        for m, side in enumerate(rec.items("sides", required=True), 1):
            srec = _Record(side, f"{rec.where}, side {m}", problems)
            sides.append(
                SideSpec(
                    label=srec.req("label"),
                    citations=srec.citations(),
                    label_ko=srec.korean("label_ko"),
                )
            )
        if rec.ok and len(sides) < 2:
            rec.problem("a discrepancy needs at least two sides")
        out.append(
            DiscrepancySpec(
                where=rec.where,
                slug=rec.req("slug"),
                topic=rec.req("topic"),
                summary=rec.req("summary"),
                about=about,
                sides=sides,
                topic_ko=rec.korean("topic_ko"),
                summary_ko=rec.korean("summary_ko"),
            )
        )
    return out


_PARSERS = {
    "sources": _parse_sources,
    "places": _parse_places,
    "journeys": _parse_journeys,
    "hazards": _parse_hazards,
    "discrepancies": _parse_discrepancies,
}


def read_seed_files(seeds_dir: Path) -> SeedData:
    """Parse every seed file; raise SeedError listing all problems found."""
    problems: list[str] = []
    data = SeedData()
    for name in SEED_FILES:
        path = seeds_dir / f"{name}.yaml"
        fname = f"seeds/{path.name}"
        if not path.exists():
            problems.append(f"{fname}: file is missing")
            continue
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            problems.append(f"{fname}: not valid YAML: {exc}")
            continue
        if loaded is None:
            loaded = []
        if not isinstance(loaded, list):
            problems.append(f"{fname}: expected a list of records at the top level")
            continue
        setattr(data, name, _PARSERS[name](loaded, fname, problems))
    if problems:
        raise SeedError(problems)
    return data
