"""What shapes a page besides the request and the data: the deployment. Part of every
page's ETag (app/http/entries.py), so that a new version of the code, a template, a
translation or a static file (whose hashed name pages link) never answers 304 for a
page it would now write differently, while every worker of one deployment agrees."""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from flask import Flask

# Libraries whose output is part of our pages.
_LIBRARIES = ("folium", "branca", "jinja2", "flask", "flask-babel", "werkzeug", "babel")
_SETTINGS_TYPES = (str, int, float, bool, type(None))


def _files(root: Path) -> list[str]:
    """Every file under root by path, size and modification time (cheap: no reading)."""
    found = []
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        stat = path.stat()
        found.append(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}")
    return found


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def deployment_fingerprint(app: Flask) -> str:
    parts = _files(Path(app.root_path))
    if app.static_folder:
        parts += _files(Path(app.static_folder))
    parts += [f"{name}=={_version(name)}" for name in _LIBRARIES]
    parts += [
        f"{key}={value!r}"
        for key, value in sorted(app.config.items())
        if key != "SECRET_KEY" and isinstance(value, _SETTINGS_TYPES)
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
