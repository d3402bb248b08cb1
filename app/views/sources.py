"""The articles as published, passage by passage, with what cites each passage."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..pages.builders import source_page, sources_index
from .rendering import html_response, json_response

bp = Blueprint("sources", __name__)


@bp.get("/sources")
def index() -> Response:
    return html_response("sources.html", sources_index())


@bp.get("/sources.json")
def index_json() -> Response:
    return json_response(sources_index())


@bp.get("/sources/<slug>")
def show(slug: str) -> Response:
    return html_response("source.html", source_page(slug, request.args.get("cite")))


@bp.get("/sources/<slug>.json")
def show_json(slug: str) -> Response:
    return json_response(source_page(slug, request.args.get("cite")))
