"""History: every change to content is recorded (who, when, before, after), shown on
history pages, and any earlier version can be restored; deleting is reversible.
Also the dataset as one portable file (export/import) and live SQLite backups."""

from __future__ import annotations

from flask import Flask

from . import recorder  # noqa: F401  (registers the session events that record changes)
from .context import acting_as, current_actor
from .restore import RestoreError, restore_version


def register(app: Flask) -> None:
    from .cli import register as register_commands
    from .views import bp

    app.register_blueprint(bp)
    register_commands(app)


__all__ = ["RestoreError", "acting_as", "current_actor", "register", "restore_version"]
