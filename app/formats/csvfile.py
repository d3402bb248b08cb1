"""CSV (RFC 4180, UTF-8, header row): one row per citation of a journey, a leg, a place
or a hazard. A journey's file holds the citations of the journey, its legs, its hazards
and their places; the atlas's file holds every such citation once, its `journey` column
naming every journey the record belongs to (separated by "; ", empty for none).

Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a
formula; such a cell gets a leading apostrophe ('), which spreadsheets show as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from ..pages.records import Data

COLUMNS = (
    "journey",  # journey slug(s)
    "subject_type",  # journey, leg, place or hazard
    "subject_id",  # slug (a leg: journey-slug:leg-N)
    "subject_name",
    "hazard_kind",  # hazards only (app/vocabulary.py HAZARD_KINDS)
    "place",  # a hazard's place, or the place itself
    "precision",  # point, city, region, river, country, unknown
    "source",  # source slug
    "source_name",
    "passage",  # passage number in the source (p-N)
    "quote",  # verbatim
    "content_notes",  # the quote's content-note tags, comma-separated (classroom use)
    "citation_key",
    "link",  # the quoted words marked in their passage (last: a URL ends the line)
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _row(record: Data, journey: str, root: str) -> list[str]:
    subject = record["subject"]
    values: list[object] = [
        journey,
        subject["type"],
        subject["id"],
        subject["name"],
        subject["hazard_kind"],
        subject["place"],
        subject["precision"],
        record["source"],
        record["source_name"],
        record["passage"],
        record["quote"],
        ",".join(record["sensitivity"]),
        record["key"],
        root + record["url"],
    ]
    return [cell(v) for v in values]


def _table(rows: Iterable[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line breaks
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def journey_csv(records: list[Data], slug: str, root: str) -> str:
    return _table(
        _row(r, slug, root)
        for r in records
        if r["subject"]["type"] != "discrepancy" and slug in r["subject"]["journeys"]
    )


def atlas_csv(records: list[Data], root: str) -> str:
    return _table(
        _row(r, "; ".join(r["subject"]["journeys"]), root)
        for r in records
        if r["subject"]["type"] != "discrepancy"
    )
