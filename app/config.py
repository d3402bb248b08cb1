"""Configuration: an embedded SQLite database under instance/ unless DATABASE_URL says otherwise."""

from __future__ import annotations

import os
from datetime import timedelta
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
        # Accounts and sessions (app/auth/). Without ATLAS_SECRET_KEY, a random key is
        # generated once into instance/secret_key and shared by every worker.
        "SECRET_KEY": os.environ.get("ATLAS_SECRET_KEY") or None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure is set on every request that arrives over HTTPS; ATLAS_SECURE_COOKIES=1
        # sets it always (behind a proxy that terminates TLS, or use ATLAS_PROXY_HOPS).
        "SESSION_COOKIE_SECURE": os.environ.get("ATLAS_SECURE_COOKIES", "0") == "1",
        "PROXY_HOPS": int(os.environ.get("ATLAS_PROXY_HOPS", "0")),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        # Login throttling, counted in the database (holds across worker processes).
        "LOGIN_FAILURES_PER_ACCOUNT": 5,
        "LOGIN_FAILURES_PER_ADDRESS": 20,
        "LOGIN_WINDOW_SECONDS": 15 * 60,
        # Geocoding (app/geocoding/): the bundled gazetteer unless ATLAS_GEOCODER=nominatim.
        # Online lookups need a user agent of our own (no default impersonates anyone).
        "GEOCODER": os.environ.get("ATLAS_GEOCODER", "offline"),
        "GEOCODER_USER_AGENT": os.environ.get("ATLAS_GEOCODER_USER_AGENT") or None,
        "NOMINATIM_URL": os.environ.get(
            "ATLAS_NOMINATIM_URL", "https://nominatim.openstreetmap.org"
        ),
        "GEOCODER_TIMEOUT": float(os.environ.get("ATLAS_GEOCODER_TIMEOUT", "5")),
    }
