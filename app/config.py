"""Configuration: an embedded SQLite database under instance/ unless DATABASE_URL says otherwise."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_config(instance_path: str) -> dict[str, Any]:
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + os.path.join(instance_path, "atlas.sqlite")
    )
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SEEDS_DIR": str(REPO_ROOT / "seeds"),
        "STATIC_DIR": str(REPO_ROOT / "static"),
        "NATURAL_EARTH_PATH": str(
            REPO_ROOT / "static" / "vendor" / "natural-earth" / "countries-110m.geojson"
        ),
        # Online tiles are an opt-in layer; the default base map is the bundled boundaries.
        "ONLINE_TILES": os.environ.get("ATLAS_ONLINE_TILES", "1") == "1",
        "JSON_SORT_KEYS": False,
    }
