"""/openapi.json: the description of the JSON endpoints, built per dataset revision."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from ..pages.cache import cached
from ..views.rendering import json_response
from .openapi import database_examples, openapi_document

bp = Blueprint("api", __name__)


@bp.get("/openapi.json")
def openapi() -> Response:
    # Examples carry absolute URLs of this host (oEmbed asks for them): keyed by it.
    host, root = request.host_url, request.script_root
    document = cached(
        ("openapi", host),
        lambda: openapi_document(
            root or "/",
            database_examples(host, root),
            current_app.config["SESSION_COOKIE_NAME"],
        ),
    )
    return json_response(document)
