"""The Font Awesome icons the atlas shows, read from the code.

``scripts/install_assets.py`` builds a Font Awesome subset (font and stylesheet) of
exactly these icons, and a test checks the installed subset holds every one, so an
icon added to a template, a script or the hazard vocabulary cannot go missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from ..config import REPO_ROOT
from ..vocabulary import HAZARD_KINDS

# Where icon classes are written: every Jinja template and every script we serve.
_APP: Final = REPO_ROOT / "app"
_SCRIPTS: Final = REPO_ROOT / "static" / "js"
# ``fa-<name>`` written out; ``fa-{{ kind.icon }}`` (a hazard kind's icon) is not a
# name, as the next character is no letter.
_CLASS: Final = re.compile(r"\bfa-([a-z][a-z0-9-]*)\b")
# Font Awesome's style class (the subset is of the solid font), not an icon.
STYLE_CLASS: Final = "solid"


def icon_sources() -> list[Path]:
    """The files whose ``fa-*`` classes count: templates and served scripts."""
    templates = sorted(p for p in _APP.rglob("*.html") if "templates" in p.parts)
    return templates + sorted(_SCRIPTS.glob("*.js"))


def icons_in(texts: Iterable[str]) -> set[str]:
    """Icon names written as ``fa-<name>`` classes in the given texts."""
    return {name for text in texts for name in _CLASS.findall(text)} - {STYLE_CLASS}


def used_icons() -> list[str]:
    """Every Font Awesome (solid) icon name the atlas can show, sorted."""
    written = icons_in(path.read_text(encoding="utf-8") for path in icon_sources())
    return sorted(written | {kind.icon for kind in HAZARD_KINDS.values()})
