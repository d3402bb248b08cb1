"""Synthetic benchmark data: `flask --app app synthetic --hazards N --legs M`."""

from __future__ import annotations

from .generate import Generated, generate, journey_slug

__all__ = ["Generated", "generate", "journey_slug"]
