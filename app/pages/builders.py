"""One function per page builds its data; the HTML page and its .json twin
both render exactly this."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n.content import translated
from ..models import (
    Citation,
    Discrepancy,
    DiscrepancySide,
    DiscrepancySubject,
    Hazard,
    Journey,
    Leg,
    Passage,
    Place,
    Source,
)
from ..vocabulary import HAZARD_KINDS, sensitivity_labels
from . import loading
from .records import (
    Data,
    citation_data,
    citations_data,
    discrepancy_data,
    hazard_data,
    journey_stops,
    journey_summary,
    leg_data,
    leg_labels,
    place_data,
    source_name,
)

# What a source page says about each citation: the record it supports (loaded in
# one query per relationship rather than one per citation).
CITED_BY = (
    selectinload(Citation.passage),
    selectinload(Citation.journey),
    selectinload(Citation.leg).options(
        selectinload(Leg.journey), selectinload(Leg.from_place), selectinload(Leg.to_place)
    ),
    selectinload(Citation.hazard).options(selectinload(Hazard.journeys)),
    selectinload(Citation.place),
    selectinload(Citation.discrepancy_side).options(selectinload(DiscrepancySide.discrepancy)),
)


class NotFound(LookupError):
    """A slug that names nothing; carries what does exist, for a helpful 404."""

    def __init__(self, kind: str, slug: str, known: list[Data]):
        super().__init__(f"no {kind} called {slug!r}")
        self.kind = kind
        self.slug = slug
        self.known = known


def _journeys(options: loading.Options | None = None) -> list[Journey]:
    """All journeys, with what `options` says they will be read for (their summary)."""
    if options is None:
        options = loading.JOURNEY_SUMMARY
    return list(db.session.scalars(select(Journey).order_by(Journey.position).options(*options)))


def _sources() -> list[Source]:
    return list(db.session.scalars(select(Source).order_by(Source.file)))


def _source_counts() -> dict[int, tuple[int, int]]:
    """Passages and citations of every source, by source id (two queries in all)."""
    passages: dict[int, int] = {
        source_id: n
        for source_id, n in db.session.execute(
            select(Passage.source_id, func.count()).group_by(Passage.source_id)
        )
    }
    citations: dict[int, int] = {
        source_id: n
        for source_id, n in db.session.execute(
            select(Citation.source_id, func.count()).group_by(Citation.source_id)
        )
    }
    return {i: (passages.get(i, 0), citations.get(i, 0)) for i in {*passages, *citations}}


def source_summaries(sources: Iterable[Source]) -> list[Data]:
    counts = _source_counts()
    return [source_summary(s, counts) for s in sources]


def source_summary(source: Source, counts: Mapping[int, tuple[int, int]] | None = None) -> Data:
    passage_count, citation_count = (counts if counts is not None else _source_counts()).get(
        source.id, (0, 0)
    )
    return {
        "slug": source.slug,
        "name": source_name(source),
        "file": source.file,
        "title": source.title,
        "author": source.author,
        "outlet": source.outlet,
        "date": source.date,
        "notes": source.notes,
        "url": url_for("sources.show", slug=source.slug),
        "passage_count": passage_count,
        "citation_count": citation_count,
    }


def direct_route() -> Data | None:
    """The direct crossing of the inter-Korean border that defectors avoid."""
    journey = db.session.scalars(
        select(Journey)
        .where(Journey.kind == "direct-route")
        .order_by(Journey.position)
        .options(*loading.JOURNEY_SUMMARY)
    ).first()
    if journey is None or not journey.legs:
        return None
    summary = journey_summary(journey)
    first, last = journey.legs[0].from_place, journey.legs[-1].to_place
    ends: tuple[str, str | None] = (f"{first.name} → {last.name}", None)
    if first.name_ko and last.name_ko:
        ends = (ends[0], f"{first.name_ko} → {last.name_ko}")
    return {
        "slug": journey.slug,
        **translated(title=(journey.title, journey.title_ko), label=ends),
        "distance_km": summary["distance_km"],
        "url": summary["url"],
    }


def journeys_index() -> Data:
    return {
        "title": _("Journeys"),
        "journeys": [journey_summary(j) for j in _journeys()],
        "direct_route": direct_route(),
    }


def sources_index() -> Data:
    return {"title": _("Sources"), "sources": source_summaries(_sources())}


def _places_of(journeys: Iterable[Journey], hazards: Iterable[Hazard]) -> list[Place]:
    seen: dict[int, Place] = {}
    for journey in journeys:
        for leg in journey.legs:
            for place in (leg.from_place, leg.to_place):
                seen.setdefault(place.id, place)
    for hazard in hazards:
        if hazard.place is not None:
            seen.setdefault(hazard.place.id, hazard.place)
    return list(seen.values())


def home_page() -> Data:
    journeys = _journeys(loading.JOURNEY)
    hazards = list(
        db.session.scalars(select(Hazard).order_by(Hazard.position).options(*loading.HAZARD))
    )
    return {
        "title": _("Escape Route Atlas"),
        "journeys": [journey_summary(j) for j in journeys],
        "direct_route": direct_route(),
        "sources": source_summaries(_sources()),
        "hazard_count": len(hazards),
        "downloads": {
            "geojson": url_for("downloads.atlas_geojson_file"),
            "kml": url_for("downloads.atlas_kml"),
            "gpx": url_for("downloads.atlas_gpx"),
            "csv": url_for("downloads.atlas_csv_file"),
            "annotations": url_for("downloads.annotations_file"),
        },
        "map": {
            "journeys": [
                {
                    **journey_summary(j),
                    "legs": [leg_data(leg) for leg in j.legs],
                    "stops": journey_stops(j),
                }
                for j in journeys
            ],
            "hazards": [hazard_data(h) for h in hazards],
            "places": [place_data(p) for p in _places_of(journeys, hazards)],
        },
    }


def _journey(slug: str) -> Journey:
    journey = db.session.scalars(
        select(Journey).where(Journey.slug == slug).options(*loading.JOURNEY)
    ).one_or_none()
    if journey is None:
        raise NotFound("journey", slug, [journey_summary(j) for j in _journeys()])
    return journey


def _discrepancies_about(journey: Journey) -> list[Discrepancy]:
    hazard_ids = [h.id for h in journey.hazards]
    place_ids = {p.id for leg in journey.legs for p in (leg.from_place, leg.to_place)}
    subject_filter = (
        (DiscrepancySubject.journey_id == journey.id)
        | DiscrepancySubject.hazard_id.in_(hazard_ids)
        | DiscrepancySubject.place_id.in_(place_ids)
    )
    return list(
        db.session.scalars(
            select(Discrepancy)
            .where(
                Discrepancy.id.in_(select(DiscrepancySubject.discrepancy_id).where(subject_filter))
            )
            .order_by(Discrepancy.position)
            .options(*loading.DISCREPANCY)
        )
    )


def journey_page(slug: str) -> Data:
    journey = _journey(slug)
    summary = journey_summary(journey)
    direct = direct_route()
    legs = [leg_data(leg) for leg in journey.legs]
    hazards = [hazard_data(h) for h in journey.hazards]
    return {
        **summary,
        **citations_data(journey.citations),
        "legs": legs,
        "stops": journey_stops(journey),
        "hazards": hazards,
        "places": [place_data(p) for p in _places_of([journey], journey.hazards)],
        "direct_route": direct if journey.kind != "direct-route" else None,
        "discrepancies": [discrepancy_data(d) for d in _discrepancies_about(journey)],
        "links": {
            "json": url_for("journeys.show_json", slug=slug),
            "geojson": url_for("journeys.show_geojson", slug=slug),
            "kml": url_for("downloads.journey_kml", slug=slug),
            "gpx": url_for("downloads.journey_gpx", slug=slug),
            "csv": url_for("downloads.journey_csv_file", slug=slug),
        },
    }


def _disagreements_by_hazard() -> dict[int, list[Data]]:
    """Each hazard's disagreements between the sources, named by their topic and linked:
    a summary's "see the disagreement about …" lands on it (one statement for all)."""
    rows = db.session.execute(
        select(
            DiscrepancySubject.hazard_id, Discrepancy.slug, Discrepancy.topic, Discrepancy.topic_ko
        )
        .join(Discrepancy, DiscrepancySubject.discrepancy_id == Discrepancy.id)
        .where(DiscrepancySubject.hazard_id.is_not(None))
        .order_by(Discrepancy.position)
    )
    found: dict[int, list[Data]] = {}
    for hazard_id, slug, topic, topic_ko in rows:
        if hazard_id is None:
            continue  # excluded by the query; for the type checker
        found.setdefault(hazard_id, []).append(
            {
                **translated(topic=(topic, topic_ko)),
                "url": url_for("hazards.discrepancies") + f"#disc-{slug}",
            }
        )
    return found


def hazards_page() -> Data:
    hazards = list(
        db.session.scalars(select(Hazard).order_by(Hazard.position).options(*loading.HAZARD))
    )
    disagreements = _disagreements_by_hazard()
    groups = []
    for kind, meta in HAZARD_KINDS.items():
        members = [
            {**hazard_data(h), "disagreements": disagreements.get(h.id, [])}
            for h in hazards
            if h.kind == kind
        ]
        if members:
            groups.append(
                {
                    "kind": kind,
                    "label": str(meta.label),
                    "icon": meta.icon,
                    "color": meta.color,
                    "hazards": members,
                }
            )
    return {"title": _("Hazards"), "hazard_count": len(hazards), "groups": groups}


def _cited_by(citation: Citation) -> Data:
    """What a citation supports, with a link back to where it shows on a map."""
    if citation.leg is not None:
        leg = citation.leg
        names = translated(label=leg_labels(leg), context=(leg.journey.title, leg.journey.title_ko))
        return {
            "kind": "leg",
            "label": _("leg %(label)s", label=names["label"]),
            "context": names["context"],
            "url": url_for("journeys.show", slug=leg.journey.slug) + f"#leg-{leg.position}",
        }
    if citation.hazard is not None:
        hazard = citation.hazard
        journey = hazard.journeys[0] if hazard.journeys else None
        url = (
            url_for("journeys.show", slug=journey.slug) + f"#hazard-{hazard.slug}"
            if journey
            else url_for("hazards.index") + f"#hazard-{hazard.slug}"
        )
        names = translated(
            name=(hazard.name, hazard.name_ko),
            context=(journey.title, journey.title_ko) if journey else (None, None),
        )
        return {
            "kind": "hazard",
            "label": _("hazard: %(name)s", name=names["name"]),
            "context": names["context"] or _("all hazards"),
            "url": url,
        }
    if citation.place is not None:
        name = translated(name=(citation.place.name, citation.place.name_ko))["name"]
        return {
            "kind": "place",
            "label": _("place: %(name)s", name=name),
            "context": None,
            "url": url_for("atlas.home") + f"#place-{citation.place.slug}",
        }
    if citation.journey is not None:
        title = translated(name=(citation.journey.title, citation.journey.title_ko))["name"]
        return {
            "kind": "journey",
            "label": _("journey: %(title)s", title=title),
            "context": None,
            "url": url_for("journeys.show", slug=citation.journey.slug),
        }
    side = citation.discrepancy_side
    assert side is not None
    names = translated(
        topic=(side.discrepancy.topic, side.discrepancy.topic_ko), side=(side.label, side.label_ko)
    )
    return {
        "kind": "discrepancy",
        "label": _("discrepancy: %(topic)s (%(side)s)", topic=names["topic"], side=names["side"]),
        "context": None,
        "url": url_for("hazards.discrepancies") + f"#disc-{side.discrepancy.slug}",
    }


def citation_exists(key: str) -> bool:
    return db.session.scalar(select(Citation.id).where(Citation.key == key)) is not None


def source_page(slug: str, cite: str | None = None) -> Data:
    source = db.session.scalars(select(Source).where(Source.slug == slug)).one_or_none()
    if source is None:
        raise NotFound("source", slug, source_summaries(_sources()))
    citations = list(
        db.session.scalars(
            select(Citation)
            .where(Citation.source_id == source.id)
            .order_by(Citation.start_pos)
            .options(*CITED_BY)
        )
    )
    by_passage: dict[int, list[Data]] = {}
    highlight = None
    for citation in citations:
        by_passage.setdefault(citation.passage.number, []).append(
            {
                **_cited_by(citation),
                "key": citation.key,
                "quote": citation.exact,
                "sensitivity": citation.sensitivity_tags,
            }
        )
        if citation.key == cite:
            highlight = citation_data(citation)
    passages = []
    for passage in source.passages:
        cited_by = by_passage.get(passage.number, [])
        # The passage holds a tagged quote: the classroom setting hides its text.
        tags = list(dict.fromkeys(t for c in cited_by for t in c["sensitivity"]))
        item: Data = {
            "number": passage.number,
            "id": f"p-{passage.number}",
            "start": passage.start,
            "end": passage.end,
            "text": passage.text,
            "cited_by": cited_by,
            "sensitivity": tags,
            "sensitivity_labels": sensitivity_labels(tags),
        }
        if highlight and highlight["passage"] == passage.number:
            begin = highlight["selector"][1]["start"] - passage.start
            finish = highlight["selector"][1]["end"] - passage.start
            item["highlight"] = {
                "before": passage.text[:begin],
                "mark": passage.text[begin:finish],
                "after": passage.text[finish:],
                "key": cite,
            }
        passages.append(item)
    return {
        **source_summary(source),
        "title": source_name(source),
        "stated_title": source.title,
        "sha256": source.sha256,
        "highlight": highlight,
        "passages": passages,
    }


def discrepancies_page() -> Data:
    return {
        "title": _("Where the sources disagree"),
        "discrepancies": [
            discrepancy_data(d)
            for d in db.session.scalars(
                select(Discrepancy).order_by(Discrepancy.position).options(*loading.DISCREPANCY)
            )
        ],
    }


def not_found_data(exc: NotFound) -> Data:
    return {
        "error": "not found",
        "message": (
            _("no journey called %(slug)s", slug=repr(exc.slug))
            if exc.kind == "journey"
            else _("no source called %(slug)s", slug=repr(exc.slug))
        ),
        "kind": exc.kind,
        "slug": exc.slug,
        "known": [
            {"slug": k["slug"], "name": k.get("title") or k.get("name"), "url": k["url"]}
            for k in exc.known
        ],
    }
