"""Helpful 404s: an HTML page listing what does exist, or JSON for machine URLs."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from ..pages.builders import NotFound, not_found_data
from .rendering import html_response, json_response


def _wants_json() -> bool:
    return request.path.endswith((".json", ".geojson"))


def register(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def unknown_slug(exc: NotFound) -> Response:
        data = not_found_data(exc)
        if _wants_json():
            return json_response(data, status=404)
        return html_response("not_found.html", {**data, "title": "Not found"}, status=404)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        data: dict[str, object] = {
            "error": exc.name.lower(),
            "message": exc.description,
            "known": [],
        }
        if _wants_json():
            response = json_response(data, status=status)
        else:
            response = html_response("not_found.html", {**data, "title": exc.name}, status=status)
        # The error's own headers: a 405 must say which methods are allowed (Allow).
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response
