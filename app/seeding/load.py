"""Verify the seed data against the source texts, then bring the database in line
with it in one transaction: a failed seed changes nothing, a repeated one nothing more."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..annotation import (
    PassageSpan,
    QuoteError,
    Selector,
    citation_key,
    locate_quote,
    passage_for,
    split_passages,
)
from ..models import (
    Base,
    Citation,
    DatasetRevision,
    Discrepancy,
    DiscrepancySide,
    DiscrepancySubject,
    Hazard,
    Journey,
    Leg,
    Passage,
    Place,
    Source,
    join_tags,
)
from ..transactions import write_transaction
from .areas import (
    border_band,
    country_shapes,
    line_geometry,
    load_geodata_countries,
    union_area,
)
from .korean import KOREAN_FIELDS, coverage
from .spec import CitationSpec, SeedData, SeedError, read_seed_files

M = TypeVar("M", bound=Base)


@dataclass
class ResolvedCitation:
    key: str
    source: str
    passage: int
    selector: Selector
    sensitivity: list[str]


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    # Per record kind: (records with all their Korean text, records), as stored.
    korean: dict[str, tuple[int, int]] = field(default_factory=dict)

    def korean_line(self) -> str:
        """E.g. "Korean text: 20/20 places, 8/8 journeys, 18/18 legs, ..."."""
        parts = [f"{done}/{total} {_PLURALS[kind]}" for kind, (done, total) in self.korean.items()]
        return "Korean text: " + ", ".join(parts)


_PLURALS = {
    "place": "places",
    "journey": "journeys",
    "leg": "legs",
    "hazard": "hazards",
    "discrepancy": "discrepancies",
    "discrepancy_side": "discrepancy sides",
}


@dataclass
class _Texts:
    text: str
    sha256: str
    passages: list[PassageSpan]


class _Resolver:
    """Checks every cross-reference and quote; collects problems instead of stopping."""

    def __init__(self, data: SeedData, seeds_dir: Path, natural_earth: Path):
        self.data = data
        self.seeds_dir = seeds_dir
        self.natural_earth = natural_earth
        self.problems: list[str] = []
        self.texts: dict[str, _Texts] = {}
        self.citations: dict[str, list[ResolvedCitation]] = {}
        self.areas: dict[str, tuple[str, str | None, float | None]] = {}

    def run(self) -> None:
        self._unique_slugs()
        self._read_sources()
        self._resolve_areas()
        place_slugs = {p.slug for p in self.data.places}
        journey_legs = {j.slug: len(j.legs) for j in self.data.journeys}
        hazard_slugs = {h.slug for h in self.data.hazards}

        for place in self.data.places:
            if place.country and place.country not in place_slugs:
                self.problems.append(
                    f"seeds/places.yaml: place {place.slug!r}: unknown country {place.country!r}"
                )
            self._cite(f"place:{place.slug}", place.citations)
        for journey in self.data.journeys:
            self._cite(f"journey:{journey.slug}", journey.citations)
            for n, leg in enumerate(journey.legs, 1):
                for end in (leg.from_place, leg.to_place):
                    if end and end not in place_slugs:
                        self.problems.append(f"{leg.where}: unknown place {end!r}")
                self._cite(f"leg:{journey.slug}:{n}", leg.citations)
        for hazard in self.data.hazards:
            if hazard.place and hazard.place not in place_slugs:
                self.problems.append(f"{hazard.where}: unknown place {hazard.place!r}")
            for slug in hazard.journeys:
                if slug not in journey_legs:
                    self.problems.append(f"{hazard.where}: unknown journey {slug!r}")
            for slug, order in hazard.legs:
                if order > journey_legs.get(slug, 0):
                    self.problems.append(f"{hazard.where}: no leg {slug}:{order}")
            self._cite(f"hazard:{hazard.slug}", hazard.citations)
        known = {"journey": set(journey_legs), "hazard": hazard_slugs, "place": place_slugs}
        for disc in self.data.discrepancies:
            for kind, slug in disc.about:
                if slug not in known[kind]:
                    self.problems.append(f"{disc.where}: 'about' names unknown {kind} {slug!r}")
            for n, side in enumerate(disc.sides, 1):
                self._cite(f"side:{disc.slug}:{n}", side.citations)

    def _unique_slugs(self) -> None:
        for kind in ("sources", "places", "journeys", "hazards", "discrepancies"):
            counts = Counter(r.slug for r in getattr(self.data, kind))
            for slug, n in counts.items():
                if n > 1:
                    self.problems.append(f"seeds/{kind}.yaml: slug {slug!r} is used {n} times")

    def _read_sources(self) -> None:
        for source in self.data.sources:
            path = self.seeds_dir / source.file
            if not path.is_file():
                self.problems.append(
                    f"seeds/sources.yaml: source {source.slug!r}: "
                    f"file {source.file!r} is not in seeds/"
                )
                continue
            raw = path.read_bytes()
            text = raw.decode("utf-8")
            self.texts[source.slug] = _Texts(
                text, hashlib.sha256(raw).hexdigest(), split_passages(text)
            )

    def _resolve_areas(self) -> None:
        shapes: dict[str, dict[str, Any]] | None = None
        derived: dict[str, dict[str, Any]] | None = None
        for place in self.data.places:
            where = f"seeds/places.yaml: place {place.slug!r}"
            if "near_border_with" in place.area or isinstance(
                place.area.get("natural_earth"), list
            ):
                if derived is None:
                    derived = load_geodata_countries()
                self.areas[place.slug] = (
                    "natural_earth",
                    self._derived(place.area, derived, where),
                    None,
                )
                continue
            ((kind, value),) = place.area.items()
            if kind == "natural_earth":
                if shapes is None:
                    if not self.natural_earth.is_file():
                        self.problems.append(
                            f"{where}: Natural Earth boundaries missing at {self.natural_earth}"
                            " (run the setup command: python scripts/install_assets.py)"
                        )
                        shapes = {}
                    else:
                        shapes = country_shapes(self.natural_earth)
                geometry = shapes.get(str(value))
                if geometry is None and self.natural_earth.is_file():
                    self.problems.append(f"{where}: no Natural Earth country with id {value!r}")
                self.areas[place.slug] = ("natural_earth", json.dumps(geometry), None)
            elif kind == "circle_km":
                self.areas[place.slug] = ("circle", None, float(value))
            elif kind == "line":
                self.areas[place.slug] = ("line", json.dumps(line_geometry(value)), None)
            else:
                self.areas[place.slug] = ("none", None, None)

    def _derived(
        self, area: dict[str, Any], countries: dict[str, dict[str, Any]], where: str
    ) -> str | None:
        """A union of named countries, or one country's band along another's border."""
        codes = (
            area["natural_earth"]
            if isinstance(area["natural_earth"], list)
            else [area["natural_earth"]]
        )
        if "near_border_with" in area:
            codes = [*codes, area["near_border_with"]]
        missing = [code for code in codes if str(code) not in countries]
        if missing:
            self.problems.append(f"{where}: no Natural Earth country with id {missing[0]!r}")
            return None
        if "near_border_with" in area:
            geometry = border_band(
                countries[str(area["natural_earth"])],
                countries[str(area["near_border_with"])],
                float(area["within_km"]),
            )
        else:
            geometry = union_area([countries[str(code)] for code in codes])
        return json.dumps(geometry)

    def _cite(self, target: str, specs: list[CitationSpec]) -> None:
        resolved: list[ResolvedCitation] = []
        for spec in specs:
            texts = self.texts.get(spec.source)
            if texts is None:
                self.problems.append(f"{spec.where}: unknown source {spec.source!r}")
                continue
            try:
                selector = locate_quote(texts.text, spec.quote, spec.prefix, spec.suffix)
                passage = passage_for(texts.passages, selector)
            except QuoteError as exc:
                file = next(s.file for s in self.data.sources if s.slug == spec.source)
                self.problems.append(f"{spec.where}: {exc} ({file}): {spec.quote!r}")
                continue
            key = citation_key(target, spec.source, selector)
            if any(c.key == key for c in resolved):
                self.problems.append(f"{spec.where}: the same quote is cited twice here")
                continue
            resolved.append(
                ResolvedCitation(key, spec.source, passage.number, selector, spec.sensitivity)
            )
        self.citations[target] = resolved


def _upsert(session: Session, model: type[M], lookup: dict[str, Any], **values: Any) -> M:
    obj = session.scalars(select(model).filter_by(**lookup)).one_or_none()
    if obj is None:
        obj = model(**lookup)
        session.add(obj)
    for name, value in values.items():
        if getattr(obj, name, None) != value:
            setattr(obj, name, value)
    return obj


def _delete_others(session: Session, model: type[Base], column: Any, keep: set[Any]) -> None:
    session.execute(delete(model).where(column.not_in(keep)) if keep else delete(model))


class _Writer:
    def __init__(self, session: Session, data: SeedData, resolver: _Resolver):
        self.s = session
        self.data = data
        self.r = resolver
        self.sources: dict[str, Source] = {}
        self.passages: dict[tuple[str, int], Passage] = {}
        self.places: dict[str, Place] = {}
        self.journeys: dict[str, Journey] = {}
        self.legs: dict[str, Leg] = {}
        self.hazards: dict[str, Hazard] = {}
        self.sides: dict[str, DiscrepancySide] = {}

    def write(self) -> None:
        # Citations go first so that nothing they point at is removed under them.
        all_keys = {c.key for cs in self.r.citations.values() for c in cs}
        _delete_others(self.s, Citation, Citation.key, all_keys)
        self._sources()
        self._places()
        self._journeys()
        self._hazards()
        self._discrepancies()
        self.s.flush()
        self._citations()
        self.s.flush()

    def _sources(self) -> None:
        for spec in self.data.sources:
            texts = self.r.texts[spec.slug]
            source = _upsert(
                self.s,
                Source,
                {"slug": spec.slug},
                file=spec.file,
                label=spec.label,
                title=spec.title,
                author=spec.author,
                outlet=spec.outlet,
                date=spec.date,
                notes=spec.notes,
                text=texts.text,
                sha256=texts.sha256,
            )
            self.s.flush()
            self.sources[spec.slug] = source
            for p in texts.passages:
                self.passages[(spec.slug, p.number)] = _upsert(
                    self.s,
                    Passage,
                    {"source_id": source.id, "number": p.number},
                    start=p.start,
                    end=p.end,
                    text=p.text,
                )
            self.s.execute(
                delete(Passage).where(
                    Passage.source_id == source.id, Passage.number > len(texts.passages)
                )
            )
        _delete_others(self.s, Source, Source.slug, set(self.sources))

    def _places(self) -> None:
        for spec in self.data.places:
            area_kind, area_geojson, circle_km = self.r.areas[spec.slug]
            lat, lon = spec.anchor if spec.anchor else (None, None)
            self.places[spec.slug] = _upsert(
                self.s,
                Place,
                {"slug": spec.slug},
                name=spec.name,
                kind=spec.kind,
                precision=spec.precision,
                provenance=spec.provenance,
                provenance_note=spec.provenance_note,
                anchor_lat=lat,
                anchor_lon=lon,
                anchor_note=spec.anchor_note,
                name_ko=spec.name_ko,
                anchor_note_ko=spec.anchor_note_ko,
                area_kind=area_kind,
                area_geojson=area_geojson,
                circle_km=circle_km,
            )
        self.s.flush()
        for spec in self.data.places:
            country = self.places[spec.country].id if spec.country else None
            if self.places[spec.slug].country_id != country:
                self.places[spec.slug].country_id = country

    def _journeys(self) -> None:
        for position, spec in enumerate(self.data.journeys, 1):
            journey = _upsert(
                self.s,
                Journey,
                {"slug": spec.slug},
                position=position,
                title=spec.title,
                who=spec.who,
                outcome=spec.outcome,
                outcome_label=spec.outcome_label,
                kind=spec.kind,
                summary=spec.summary,
                title_ko=spec.title_ko,
                who_ko=spec.who_ko,
                outcome_label_ko=spec.outcome_label_ko,
                summary_ko=spec.summary_ko,
            )
            self.s.flush()
            self.journeys[spec.slug] = journey
            for n, leg in enumerate(spec.legs, 1):
                self.legs[f"{spec.slug}:{n}"] = _upsert(
                    self.s,
                    Leg,
                    {"journey_id": journey.id, "position": n},
                    from_place_id=self.places[leg.from_place].id,
                    to_place_id=self.places[leg.to_place].id,
                    route=leg.route,
                    drawing=leg.drawing,
                    summary=leg.summary,
                    summary_ko=leg.summary_ko,
                )
            self.s.execute(
                delete(Leg).where(Leg.journey_id == journey.id, Leg.position > len(spec.legs))
            )
        self.s.flush()

    def _hazards(self) -> None:
        for position, spec in enumerate(self.data.hazards, 1):
            hazard = _upsert(
                self.s,
                Hazard,
                {"slug": spec.slug},
                position=position,
                name=spec.name,
                kind=spec.kind,
                summary=spec.summary,
                name_ko=spec.name_ko,
                summary_ko=spec.summary_ko,
                sensitivity=join_tags(spec.sensitivity),
                place_id=self.places[spec.place].id if spec.place else None,
            )
            journeys = [self.journeys[j] for j in spec.journeys]
            legs = [self.legs[f"{j}:{n}"] for j, n in spec.legs]
            if hazard.journeys != journeys:
                hazard.journeys = journeys
            if sorted(x.id for x in hazard.legs) != sorted(x.id for x in legs):
                hazard.legs = legs
            self.hazards[spec.slug] = hazard
        _delete_others(self.s, Hazard, Hazard.slug, set(self.hazards))
        _delete_others(self.s, Journey, Journey.slug, set(self.journeys))

    def _discrepancies(self) -> None:
        slugs = set()
        for position, spec in enumerate(self.data.discrepancies, 1):
            disc = _upsert(
                self.s,
                Discrepancy,
                {"slug": spec.slug},
                position=position,
                topic=spec.topic,
                summary=spec.summary,
                topic_ko=spec.topic_ko,
                summary_ko=spec.summary_ko,
            )
            self.s.flush()
            slugs.add(spec.slug)
            for n, side in enumerate(spec.sides, 1):
                self.sides[f"{spec.slug}:{n}"] = _upsert(
                    self.s,
                    DiscrepancySide,
                    {"discrepancy_id": disc.id, "position": n},
                    label=side.label,
                    label_ko=side.label_ko,
                )
            self.s.execute(
                delete(DiscrepancySide).where(
                    DiscrepancySide.discrepancy_id == disc.id,
                    DiscrepancySide.position > len(spec.sides),
                )
            )
            wanted = [(kind, slug) for kind, slug in spec.about]
            current = [_subject_key(s) for s in disc.subjects]
            if current != wanted:
                disc.subjects = [self._subject(kind, slug) for kind, slug in wanted]
        _delete_others(self.s, Discrepancy, Discrepancy.slug, slugs)
        _delete_others(self.s, Place, Place.slug, set(self.places))

    def _subject(self, kind: str, slug: str) -> DiscrepancySubject:
        if kind == "journey":
            return DiscrepancySubject(journey=self.journeys[slug])
        if kind == "hazard":
            return DiscrepancySubject(hazard=self.hazards[slug])
        return DiscrepancySubject(place=self.places[slug])

    def _target(self, target: str) -> dict[str, int | None]:
        kind, _, rest = target.partition(":")
        ids: dict[str, int | None] = dict.fromkeys(
            ("journey_id", "leg_id", "hazard_id", "place_id", "discrepancy_side_id")
        )
        if kind == "journey":
            ids["journey_id"] = self.journeys[rest].id
        elif kind == "leg":
            ids["leg_id"] = self.legs[rest].id
        elif kind == "hazard":
            ids["hazard_id"] = self.hazards[rest].id
        elif kind == "place":
            ids["place_id"] = self.places[rest].id
        else:
            ids["discrepancy_side_id"] = self.sides[rest].id
        return ids

    def _citations(self) -> None:
        for target, cited in self.r.citations.items():
            targets = self._target(target)
            for position, c in enumerate(cited, 1):
                _upsert(
                    self.s,
                    Citation,
                    {"key": c.key},
                    position=position,
                    source_id=self.sources[c.source].id,
                    passage_id=self.passages[(c.source, c.passage)].id,
                    exact=c.selector.exact,
                    prefix=c.selector.prefix,
                    suffix=c.selector.suffix,
                    start_pos=c.selector.start,
                    end_pos=c.selector.end,
                    sensitivity=join_tags(c.sensitivity),
                    **targets,
                )


def _subject_key(subject: DiscrepancySubject) -> tuple[str, str]:
    if subject.journey is not None:
        return ("journey", subject.journey.slug)
    if subject.hazard is not None:
        return ("hazard", subject.hazard.slug)
    assert subject.place is not None
    return ("place", subject.place.slug)


def _content_hash(seeds_dir: Path, data: SeedData, resolver: _Resolver) -> str:
    """What the seeded content depends on: the data files, the articles, the areas."""
    digest = hashlib.sha256()
    for path in sorted(seeds_dir.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for source in data.sources:
        digest.update(resolver.texts[source.slug].sha256.encode())
    digest.update(json.dumps(resolver.areas, sort_keys=True).encode())
    return digest.hexdigest()


def _bump_revision(session: Session, content_hash: str) -> None:
    """Note which seed data the content came from. The revision number itself moves on
    with every committed content change (app/history/recorder.py), so a repeated seed,
    which changes nothing, keeps it."""
    revision = session.get(DatasetRevision, 1)
    if revision is None:
        session.add(DatasetRevision(id=1, number=0, content_hash=content_hash))
    elif revision.content_hash != content_hash:
        revision.content_hash = content_hash


def seed_database(session: Session, seeds_dir: Path, natural_earth: Path) -> SeedReport:
    """Verify everything first; write only if all of it holds, in one transaction."""
    data = read_seed_files(seeds_dir)
    resolver = _Resolver(data, seeds_dir, natural_earth)
    resolver.run()
    if resolver.problems:
        raise SeedError(resolver.problems)
    # One write transaction (app/transactions.py; `session` is the application's
    # db.session): the write lock up front, so seeding a live database is safe too.
    with write_transaction():
        _Writer(session, data, resolver).write()
        _bump_revision(session, _content_hash(seeds_dir, data, resolver))
    report = SeedReport()
    for model in (Source, Passage, Place, Journey, Leg, Hazard, Citation, Discrepancy):
        report.counts[model.__tablename__] = len(session.scalars(select(model.id)).all())
    for korean_model in (Place, Journey, Leg, Hazard, Discrepancy, DiscrepancySide):
        kind = korean_model.__tablename__
        assert kind in KOREAN_FIELDS
        report.korean[kind] = coverage(kind, session.scalars(select(korean_model)))
    return report
