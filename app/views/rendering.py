"""The two renderings of one page's data: HTML through a template, and JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Response, current_app, render_template, url_for

from ..maps.basemap import basemap_urls
from ..maps.data_layer import DataUrls
from ..maps.journey_map import MapOptions, MapParts, build_map, render_parts
from ..pages.records import Data
from ..reader import select_language


def json_response(data: Any, status: int = 200, mimetype: str = "application/json") -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body + "\n", status=status, mimetype=mimetype)


def html_response(template: str, data: Data, status: int = 200, **extra: Any) -> Response:
    return Response(
        render_template(template, data=data, **extra), status=status, mimetype="text/html"
    )


def map_options(
    *,
    show_hazards: bool = True,
    legend_open: bool = True,
    classroom: bool = False,
    data: DataUrls | None = None,
) -> MapOptions:
    language = select_language()
    return MapOptions(
        basemap=basemap_urls(
            Path(current_app.static_folder or ""),
            language,
            lambda name: url_for("static", filename=name),
        ),
        online_tiles=bool(current_app.config["ONLINE_TILES"]),
        show_hazards=show_hazards,
        legend_open=legend_open,
        classroom=classroom,
        language=language,
        data=data,
    )


def journey_map(
    journeys: list[Data],
    hazards: list[Data],
    places: list[Data],
    *,
    show_hazards: bool = True,
    legend_open: bool = True,
    classroom: bool = False,
    data: DataUrls | None = None,
) -> MapParts:
    """`data`: where the map loads its features from if it is large (data mode)."""
    options = map_options(
        show_hazards=show_hazards, legend_open=legend_open, classroom=classroom, data=data
    )
    return render_parts(build_map(journeys, hazards, places, options))
