"""The articles as published, passage by passage, with what cites each passage."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..pages.builders import citation_exists, source_page, sources_index
from ..pages.cache import cached
from ..pages.records import Data
from .rendering import html_response, json_response

bp = Blueprint("sources", __name__)


def _source(slug: str) -> Data:
    cite = request.args.get("cite")
    if cite and not citation_exists(cite):
        cite = None  # an unknown key highlights nothing (and cannot flood the cache)
    return cached(("source", slug, cite), lambda: source_page(slug, cite))


@bp.get("/sources")
def index() -> Response:
    return html_response("sources.html", cached("sources", sources_index))


@bp.get("/sources.json")
def index_json() -> Response:
    return json_response(cached("sources", sources_index))


@bp.get("/sources/<slug>")
def show(slug: str) -> Response:
    return html_response("source.html", _source(slug))


@bp.get("/sources/<slug>.json")
def show_json(slug: str) -> Response:
    return json_response(_source(slug))
