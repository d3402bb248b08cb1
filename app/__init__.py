"""The Escape Route Atlas: application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from .config import REPO_ROOT, default_config
from .extensions import db, migrate


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    # ATLAS_INSTANCE_PATH: another instance folder (the default database and the
    # generated secret key live there) than the one beside the code.
    instance_path = os.environ.get("ATLAS_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
        static_folder=str(REPO_ROOT / "static"),
        static_url_path="/static",
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(default_config(app.instance_path))
    if test_config is not None:
        app.config.from_mapping(test_config)

    # Never migrate or seed here: that is a step before any worker starts (`flask db
    # upgrade`, `flask seed`: scripts/serve.sh), so many workers can boot at once.
    db.init_app(app)
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"))

    from .maps import fast_render
    from .maps.assets import use_local_assets

    use_local_assets()
    fast_render.install()  # one Jinja pass per map element, not two

    from . import auth, i18n

    i18n.register(app)
    auth.register(app)  # sessions, CSRF and the write-route guard come first

    from . import api, cli, editor, export, history, views

    views.register(app)
    api.register(app)
    editor.register(app)
    cli.register(app)
    export.register(app)
    history.register(app)

    from . import http

    http.register(app)  # last: it wraps the finished app (cache, ETag, gzip, static)
    return app
