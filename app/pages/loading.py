"""What each page reads of the records, as loader options, so that a page takes a
few queries whatever the number of legs, hazards or citations (instead of one lazy
load per record and relationship, hundreds on a journey page).

Collections are loaded with `selectinload` (one query per relationship, batched by
key); a record's single parent (a citation's passage and source, a leg's places, a
place's country) is joined into the query that loads the record (`joinedload`), the
articles' whole text left out (pages never show it: the passages carry the text)."""

from __future__ import annotations

from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.strategy_options import _AbstractLoad

from ..models import (
    Citation,
    Discrepancy,
    DiscrepancySide,
    DiscrepancySubject,
    Hazard,
    Journey,
    Leg,
    Place,
    Source,
)

Options = tuple[_AbstractLoad, ...]

# citation_data: its source and passage.
CITATION: Options = (
    joinedload(Citation.source).defer(Source.text),
    joinedload(Citation.passage),
)
# A place by name (journey_summary's countries name its country).
PLACE_NAME: Options = (joinedload(Place.country),)
# place_data: its citations too.
PLACE: Options = (*PLACE_NAME, selectinload(Place.citations).options(*CITATION))
# leg_label(s), leg_distance_km, leg_precision, journey_stops: the two ends, by name.
LEG_ENDS: Options = (
    joinedload(Leg.from_place).options(*PLACE_NAME),
    joinedload(Leg.to_place).options(*PLACE_NAME),
)
# leg_data, and place_data for its ends.
LEG: Options = (
    joinedload(Leg.from_place).options(*PLACE),
    joinedload(Leg.to_place).options(*PLACE),
    selectinload(Leg.hazards),
    selectinload(Leg.citations).options(*CITATION),
)
# hazard_data, and place_data for its place.
HAZARD: Options = (
    joinedload(Hazard.place).options(*PLACE),
    selectinload(Hazard.journeys),
    selectinload(Hazard.legs).options(joinedload(Leg.journey), *LEG_ENDS),
    selectinload(Hazard.citations).options(*CITATION),
)
# journey_summary alone (the journeys index, the direct route, a 404's list).
JOURNEY_SUMMARY: Options = (
    selectinload(Journey.legs).options(*LEG_ENDS),
    selectinload(Journey.hazards),
)
# A journey page, and each journey of the home map: journey_summary, leg_data,
# journey_stops, hazard_data, place_data and the journey's own citations.
JOURNEY: Options = (
    selectinload(Journey.legs).options(*LEG),
    selectinload(Journey.hazards).options(*HAZARD),
    selectinload(Journey.citations).options(*CITATION),
)
# discrepancy_data.
DISCREPANCY: Options = (
    selectinload(Discrepancy.subjects).options(
        joinedload(DiscrepancySubject.journey),
        joinedload(DiscrepancySubject.hazard),
        joinedload(DiscrepancySubject.place),
    ),
    selectinload(Discrepancy.sides).options(
        selectinload(DiscrepancySide.citations).options(*CITATION)
    ),
)
