"""/edit: everything an editor can change, in one list."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..auth import editor_required
from ..extensions import db
from ..models import Hazard, Journey, Place, Source
from .blueprint import bp
from .saving import page


@bp.get("")
@editor_required
def dashboard() -> Response:
    session = db.session()
    return page(
        "editor/dashboard.html",
        _("Edit the atlas"),
        sources=list(session.scalars(select(Source).order_by(Source.id))),
        journeys=list(session.scalars(select(Journey).order_by(Journey.position))),
        places=list(session.scalars(select(Place).order_by(Place.name))),
        hazards=list(session.scalars(select(Hazard).order_by(Hazard.position))),
    )
