"""Downloads in open formats (app/formats/): per journey KML, GPX and CSV (its GeoJSON is
in journeys.py), the whole atlas as GeoJSON, KML, GPX and CSV, and every citation as W3C
Web Annotations. Links inside them are absolute (scheme and host of the request)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request, url_for

from .. import formats
from ..formats.annotations import annotation_collection
from ..formats.cited import cited_records
from ..formats.collection import atlas_collection, journey_collection
from ..formats.csvfile import atlas_csv, journey_csv
from ..formats.geojson import atlas_geojson
from ..formats.gpx import gpx_document
from ..formats.kml import kml_document
from ..pages.builders import home_page
from ..pages.cache import cached
from ..pages.records import Data
from ..pages.shared import journey_data
from .rendering import json_response

bp = Blueprint("downloads", __name__)


def _root() -> str:
    # Page URLs already carry the script root: only scheme and host are added.
    return request.host_url.rstrip("/")


def _atlas() -> Data:
    home = cached("home", home_page)
    return atlas_collection(home, [journey_data(j["slug"]) for j in home["journeys"]])


def _records() -> list[Data]:
    return cached("cited-records", cited_records)


def _text(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    if mimetype == formats.CSV:
        response.headers["Content-Type"] = "text/csv; charset=utf-8; header=present"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/journeys/<slug>.kml")
def journey_kml(slug: str) -> Response:
    root = _root()
    body = cached(
        ("kml", slug, root), lambda: kml_document(journey_collection(journey_data(slug)), root)
    )
    return _text(body, formats.KML, f"{slug}.kml")


@bp.get("/journeys/<slug>.gpx")
def journey_gpx(slug: str) -> Response:
    root = _root()
    body = cached(
        ("gpx", slug, root), lambda: gpx_document(journey_collection(journey_data(slug)), root)
    )
    return _text(body, formats.GPX, f"{slug}.gpx")


@bp.get("/journeys/<slug>.csv")
def journey_csv_file(slug: str) -> Response:
    journey_data(slug)  # an unknown slug is a 404, not an empty table
    root = _root()
    body = cached(("csv", slug, root), lambda: journey_csv(_records(), slug, root))
    return _text(body, formats.CSV, f"{slug}.csv")


@bp.get("/atlas.geojson")
def atlas_geojson_file() -> Response:
    root = _root()
    data = cached(("atlas-geojson", root), lambda: atlas_geojson(_atlas(), root))
    return json_response(data, mimetype=formats.GEOJSON)


@bp.get("/atlas.kml")
def atlas_kml() -> Response:
    root = _root()
    body = cached(("atlas-kml", root), lambda: kml_document(_atlas(), root))
    return _text(body, formats.KML, "atlas.kml")


@bp.get("/atlas.gpx")
def atlas_gpx() -> Response:
    root = _root()
    body = cached(("atlas-gpx", root), lambda: gpx_document(_atlas(), root))
    return _text(body, formats.GPX, "atlas.gpx")


@bp.get("/atlas.csv")
def atlas_csv_file() -> Response:
    root = _root()
    body = cached(("atlas-csv", root), lambda: atlas_csv(_records(), root))
    return _text(body, formats.CSV, "atlas.csv")


@bp.get("/annotations.jsonld")
def annotations_file() -> Response:
    root = _root()
    collection_url = root + url_for("downloads.annotations_file")
    data = cached(
        ("annotations", root),
        lambda: annotation_collection(_records(), collection_url, root),
    )
    body = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    response = Response(body, mimetype=formats.ANNOTATIONS)
    response.headers["Content-Type"] = (
        f'{formats.ANNOTATIONS}; profile="{formats.ANNOTATIONS_PROFILE}"'
    )
    return response
