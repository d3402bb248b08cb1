"""Blueprints by feature, registered on the application."""

from __future__ import annotations

from flask import Flask

from ..security import headers
from . import (
    atlas,
    classroom,
    downloads,
    embed,
    errors,
    handout,
    hazards,
    journeys,
    map_data,
    present,
    sources,
)


def register(app: Flask) -> None:
    for module in (atlas, journeys, sources, hazards, handout, present):
        app.register_blueprint(module.bp)
    app.register_blueprint(embed.bp)
    app.register_blueprint(downloads.bp)
    app.register_blueprint(map_data.bp)
    classroom.register(app)
    errors.register(app)
    headers.register(app)
