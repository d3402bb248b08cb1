"""Data-mode maps (app/maps/data_layer.py): the features of a large map as one compact
JSON document, and each popup's HTML on demand, both built once per dataset revision,
language and setting (app/pages/cache.py).

Popups are rendered here from the same page data, template (app/maps/templates/
popup.html) and escaping (app/escaping.py) as the Folium map's popups; the browser
puts this already escaped fragment into the popup as is."""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, request, url_for

from ..maps.data_layer import DataUrls
from ..maps.map_data import POPUP_KINDS, map_document, popup_html
from ..pages.builders import home_page
from ..pages.cache import cached
from ..pages.records import Data
from ..pages.shared import journey_data
from ..reader import EmbedOptions, carry_links, select_language
from .rendering import map_options

bp = Blueprint("map_data", __name__)

Inputs = tuple[list[Data], list[Data], list[Data]]
SCRIPT = "js/map-data.js"


def journey_inputs(journey: Data, *, present: bool = False) -> Inputs:
    """What a journey's map draws; a presentation draws the direct route beside it."""
    journeys, places = [journey], list(journey["places"])
    if present and journey["direct_route"]:
        direct = journey_data(journey["direct_route"]["slug"])
        journeys.append(direct)
        known = {p["slug"] for p in places}
        places += [p for p in direct["places"] if p["slug"] not in known]
    return journeys, journey["hazards"], places


def _atlas_inputs() -> Inputs:
    data = cached("home", home_page)["map"]
    return data["journeys"], data["hazards"], data["places"]


def data_urls(
    slug: str | None,
    *,
    classroom: bool,
    present: bool = False,
    embed: dict[str, str] | None = None,
) -> DataUrls:
    """The URLs a large map loads from: the journey's (slug) or the atlas home's (None).
    Language and settings travel in the query, so each URL names one cacheable answer."""
    shape = {"present": "1"} if present else {}
    popup_query = {
        **shape,
        "lang": select_language(),
        "classroom": "1" if classroom else "0",
        **({"embed": "1", **embed} if embed is not None else {}),
    }
    if slug is None:
        document = url_for("map_data.atlas_document", lang=select_language())
        popup = url_for("map_data.atlas_popup", kind="stop", ident="x")
    else:
        document = url_for(
            "map_data.journey_document",
            slug=slug,
            lang=select_language(),
            present="1" if present else None,
        )
        popup = url_for("map_data.journey_popup", slug=slug, kind="stop", ident="x")
    return DataUrls(
        document=document,
        popup=popup.removesuffix("stop/x"),
        query="?" + urlencode(popup_query),
        script=url_for("static", filename=SCRIPT),
    )


def _compact(data: Any) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Response(body, mimetype="application/json")


def _popup(inputs: Inputs, kind: str, ident: str) -> str:
    if kind not in POPUP_KINDS:
        abort(404)
    classroom = request.args.get("classroom") == "1"
    embed = request.args.get("embed") == "1"
    options = map_options(classroom=classroom)
    carried: dict[str, str] = {}
    if embed:
        carried = EmbedOptions.parse(request.args).carried()
        options = dataclasses.replace(options, link_target="_blank", link_rel="noopener")
    journeys, hazards, places = inputs
    if carried:
        journeys, hazards, places = carry_links([journeys, hazards, places], carried)
    html = popup_html(journeys, hazards, places, kind, ident, options)
    if html is None:
        abort(404)
    return str(html)


def _fragment(html: str) -> Response:
    return Response(html, mimetype="text/html")


@bp.get("/journeys/<slug>/map-data.json")
def journey_document(slug: str) -> Response:
    present = request.args.get("present") == "1"
    return _compact(
        cached(
            ("map-data", slug, present),
            lambda: map_document(
                *journey_inputs(journey_data(slug), present=present), select_language()
            ),
        )
    )


@bp.get("/journeys/<slug>/popup/<kind>/<path:ident>")
def journey_popup(slug: str, kind: str, ident: str) -> Response:
    present = request.args.get("present") == "1"
    key = ("map-popup", slug, kind, ident, tuple(sorted(request.args.items())))
    return _fragment(
        cached(
            key, lambda: _popup(journey_inputs(journey_data(slug), present=present), kind, ident)
        )
    )


@bp.get("/map-data.json")
def atlas_document() -> Response:
    return _compact(
        cached("atlas-map-data", lambda: map_document(*_atlas_inputs(), select_language()))
    )


@bp.get("/popup/<kind>/<path:ident>")
def atlas_popup(kind: str, ident: str) -> Response:
    key = ("atlas-map-popup", kind, ident, tuple(sorted(request.args.items())))
    return _fragment(cached(key, lambda: _popup(_atlas_inputs(), kind, ident)))
