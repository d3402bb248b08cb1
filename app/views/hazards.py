"""Every hazard across journeys, grouped by kind; and where the sources disagree."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for

from ..pages.builders import discrepancies_page, hazards_page
from ..pages.cache import cached
from .paging import LIST_CAP, Page, page
from .rendering import html_response, json_response


class KindPage(Page):
    """A page of one kind of hazard: named by the kind, paged by ?page=N."""

    def url(self, number: int, anchor: str = "") -> str:
        args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page"}
        if number > 1:
            args["page"] = str(number)
        return url_for("hazards.index", **args) + (f"#{anchor}" if anchor else "")


bp = Blueprint("hazards", __name__)


# Each kind shows this many hazards on /hazards; all of them, a page at a time, on
# /hazards?kind=<kind> (app/views/paging.py).
GROUP_CAP = 10


@bp.get("/hazards")
def index() -> Response:
    data = cached("hazards", hazards_page)
    kind = request.args.get("kind", "")
    group = next((g for g in data["groups"] if g["kind"] == kind), None)
    # The page of one kind: Page.name is the kind, so its links keep ?kind= and page.
    kind_page = None
    if group is not None:
        number = page("page", len(group["hazards"])).number
        kind_page = KindPage(kind, number, len(group["hazards"]))
    return html_response(
        "hazards.html", data, kind_page=kind_page, group_cap=GROUP_CAP, page_size=LIST_CAP
    )


@bp.get("/hazards.json")
def index_json() -> Response:
    return json_response(cached("hazards", hazards_page))


@bp.get("/discrepancies")
def discrepancies() -> Response:
    return html_response("discrepancies.html", cached("discrepancies", discrepancies_page))


@bp.get("/discrepancies.json")
def discrepancies_json() -> Response:
    return json_response(cached("discrepancies", discrepancies_page))
