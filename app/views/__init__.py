"""Blueprints by feature, registered on the application."""

from __future__ import annotations

from flask import Flask

from . import atlas, errors, handout, hazards, journeys, sources


def register(app: Flask) -> None:
    for module in (atlas, journeys, sources, hazards, handout):
        app.register_blueprint(module.bp)
    errors.register(app)
