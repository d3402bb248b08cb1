#!/usr/bin/env python3
"""Install the vendored front-end assets into ``static/vendor/``.

Folium links Leaflet, jQuery, Bootstrap, Font Awesome, ... from public CDNs.
The Escape Route Atlas serves what its pages use itself (app/maps/assets.py drops
the rest from Folium's lists).  This script:

1. runs ``npm ci`` (from the committed ``package-lock.json``) when
   ``node_modules/`` is missing or does not match the lockfile;
2. copies exactly the files the pages need into ``static/vendor/<name>/``,
   keeping the relative layout the CSS ``url(...)`` references expect;
3. builds a Font Awesome subset: a woff2 font and a stylesheet holding only the
   icons the code names (app/maps/icons.py), with fontTools;
4. converts the Natural Earth 1:110m countries TopoJSON (``world-atlas``)
   into ``static/vendor/natural-earth/countries-110m.geojson`` (and the same data as
   ``countries-110m.js``, which a page opened from disk can load where fetch() cannot);
5. builds the offline base map (scripts/build_basemap.py: levels of detail, cells and
   labels in English and Korean from app/maps/geodata) into ``basemap/``;
6. checks every copied ``.css``/``.js`` file: no remote URL may be fetched
   (``url(...)``/``@import`` in CSS, any non-audited URL in JS) and every
   relative reference (fonts, images, source maps) must exist locally.

The output is built in a temporary directory and swapped into place, so
re-running is idempotent and leaves no stale files behind.

Usage (from anywhere)::

    .venv/bin/python scripts/install_assets.py

Exit status is non-zero, with a message on stderr, on any failure.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
LOCKFILE = ROOT / "package-lock.json"
STATIC = ROOT / "static"
VENDOR = STATIC / "vendor"

NPM_CI = ("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")

# (source under node_modules/, destination under static/vendor/)
COPIES: tuple[tuple[str, str], ...] = (
    # Leaflet 1.9.3 -- images/ must sit next to leaflet.css (url(images/...)).
    ("leaflet/dist/leaflet.js", "leaflet/leaflet.js"),
    ("leaflet/dist/leaflet.js.map", "leaflet/leaflet.js.map"),
    ("leaflet/dist/leaflet.css", "leaflet/leaflet.css"),
    ("leaflet/dist/images/layers.png", "leaflet/images/layers.png"),
    ("leaflet/dist/images/layers-2x.png", "leaflet/images/layers-2x.png"),
    ("leaflet/dist/images/marker-icon.png", "leaflet/images/marker-icon.png"),
    ("leaflet/dist/images/marker-icon-2x.png", "leaflet/images/marker-icon-2x.png"),
    ("leaflet/dist/images/marker-shadow.png", "leaflet/images/marker-shadow.png"),
    ("leaflet/LICENSE", "leaflet/LICENSE"),
    # jQuery 3.7.1
    ("jquery/dist/jquery.min.js", "jquery/jquery.min.js"),
    ("jquery/LICENSE.txt", "jquery/LICENSE.txt"),
    # Font Awesome Free 6.2.0: only a subset of its solid font is installed (below).
    ("@fortawesome/fontawesome-free/LICENSE.txt", "fontawesome/LICENSE.txt"),
    # folium.plugins.PolyLineTextPath
    ("leaflet-textpath/leaflet.textpath.js", "leaflet-textpath/leaflet.textpath.js"),
    ("leaflet-textpath/LICENSE", "leaflet-textpath/LICENSE"),
    # folium.plugins.Fullscreen (npm ships no .min.js; the plain file is used)
    ("leaflet.fullscreen/Control.FullScreen.js", "leaflet.fullscreen/Control.FullScreen.js"),
    ("leaflet.fullscreen/Control.FullScreen.css", "leaflet.fullscreen/Control.FullScreen.css"),
    ("leaflet.fullscreen/icon-fullscreen.svg", "leaflet.fullscreen/icon-fullscreen.svg"),
    ("leaflet.fullscreen/LICENSE", "leaflet.fullscreen/LICENSE"),
    # Natural Earth via world-atlas (converted below; the LICENSE covers the packaging,
    # the Natural Earth data itself is public domain).
    ("world-atlas/LICENSE", "natural-earth/LICENSE"),
)

# Font Awesome: the atlas shows a few dozen of its ~1,400 solid icons (app/maps/icons.py
# finds them in the code), so one font and one stylesheet of just those are built.
FONTAWESOME = "@fortawesome/fontawesome-free"
FONTAWESOME_CSS_SOURCE = f"{FONTAWESOME}/css/all.css"
FONTAWESOME_FONT_SOURCE = f"{FONTAWESOME}/webfonts/fa-solid-900.ttf"
TOPOJSON_SOURCE = "world-atlas/countries-110m.json"
# Noto Sans KR (Fontsource): Korean pages must read on a machine without Korean fonts
# (a classroom laptop, this Debian). Split by unicode-range, so a browser fetches only
# the slices holding characters on the page, and none when a local Korean font wins.
KOREAN_FONT = "@fontsource/noto-sans-kr"
# One weight is bundled: bold Korean text is the browser's emboldened 400 (a Korean
# page needs some 17 slices of each weight, 100 KB more for a real 700). An installed
# Korean font serves both weights.
KOREAN_FONT_WEIGHT = "400"
# Only the slices for Korean (Hangul, Hanja, CJK symbols), and in them no Latin: Latin,
# Cyrillic and Vietnamese letters in Korean text all come from the page's own
# sans-serif font (not some from a slice and the rest from that font, within a word).
KOREAN_SLICES_LEFT_OUT = re.compile(r"-(latin|latin-ext|cyrillic|vietnamese)-\d+-normal\.woff2$")
FIRST_NON_LATIN = 0x250  # after Basic Latin, Latin-1 and Latin Extended-A/B
KOREAN_FONT_CSS = "noto-sans-kr/noto-sans-kr.css"
KOREAN_FONT_FAMILY = "Noto Sans KR"
# The installed Korean fonts, under a family name of their own (static/css/atlas.css).
LOCAL_KOREAN_FAMILY = "Korean installed"
LOCAL_KOREAN_FONTS = {
    weight: ", ".join(f'local("{name}")' for name in names)
    for weight, names in {
        "400": (
            "Noto Sans KR",
            "NotoSansKR-Regular",
            "Noto Sans CJK KR",
            "NotoSansCJKkr-Regular",
            "AppleSDGothicNeo-Regular",
            "Malgun Gothic",
            "MalgunGothic",
        ),
        "700": (
            "Noto Sans KR Bold",
            "NotoSansKR-Bold",
            "Noto Sans CJK KR Bold",
            "NotoSansCJKkr-Bold",
            "AppleSDGothicNeo-Bold",
            "Malgun Gothic Bold",
            "MalgunGothicBold",
        ),
    }.items()
}
COUNTRIES_GEOJSON = "natural-earth/countries-110m.geojson"
# The same data as a script, for pages opened from disk (file://), where fetch() is refused;
# rounded to what a 1:110m map can show (0.01 degree, about a kilometre).
COUNTRIES_SCRIPT = "natural-earth/countries-110m.js"
SCRIPT_DECIMALS = 2

# URLs that appear in the vendored JavaScript but are never fetched: XML
# namespace identifiers, hyperlinks rendered as <a href> and licence banners.
# Audited for the versions pinned in package.json; any other http(s) URL in a
# .js file fails the install so that a version bump gets re-audited.
JS_REFERENCE_ONLY_URLS = frozenset(
    {
        "http://www.w3.org/1999/xlink",  # leaflet-textpath: xlink namespace
        "http://www.w3.org/2000/svg",  # leaflet: SVG namespace
        "https://leafletjs.com",  # leaflet: attribution prefix link
        "http://mapbox.com/osmdev/2012/11/20/getting-serious-about-svg/",  # textpath comment
    }
)

_TOPOJSON_TO_GEOJSON_JS = r"""
const fs = require("fs");
const topojson = require("topojson-client");
const [src, dest] = process.argv.slice(1);
const topology = JSON.parse(fs.readFileSync(src, "utf8"));
if (!topology.objects || !topology.objects.countries) {
  throw new Error(src + ": no 'countries' object in topology");
}
const collection = topojson.feature(topology, topology.objects.countries);
const round = (value) =>
  Array.isArray(value) ? value.map(round) : Math.round(value * 1e6) / 1e6;
for (const feature of collection.features) {
  if (feature.geometry) feature.geometry.coordinates = round(feature.geometry.coordinates);
}
fs.writeFileSync(dest, JSON.stringify(collection));
"""


class AssetError(Exception):
    """A fatal, user-facing installation error."""


# --------------------------------------------------------------------------- npm


def _stale_packages() -> list[str]:
    """Lockfile packages that are missing from node_modules or have the wrong version."""
    try:
        lock = json.loads(LOCKFILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AssetError(f"{LOCKFILE.name} not found in {ROOT}") from None
    except json.JSONDecodeError as exc:
        raise AssetError(f"{LOCKFILE.name} is not valid JSON: {exc}") from None
    packages = lock.get("packages")
    if lock.get("lockfileVersion", 0) < 2 or not isinstance(packages, dict):
        raise AssetError(f"{LOCKFILE.name} must be lockfileVersion 2 or 3")

    stale: list[str] = []
    for key, meta in packages.items():
        if not key.startswith("node_modules/"):
            continue  # "" is the root project; workspace links are not used
        name = key.removeprefix("node_modules/")
        manifest = ROOT / key / "package.json"
        try:
            installed = json.loads(manifest.read_text(encoding="utf-8")).get("version")
        except (FileNotFoundError, json.JSONDecodeError):
            if not meta.get("optional"):
                stale.append(f"{name} (missing)")
            continue
        if installed != meta.get("version"):
            stale.append(f"{name} ({installed} != {meta.get('version')})")
    return stale


def ensure_node_modules() -> str:
    """Run ``npm ci`` when needed; return a short status word for the summary."""
    stale = _stale_packages() if NODE_MODULES.is_dir() else ["node_modules/ missing"]
    if not stale:
        return "up to date"
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError("npm not found on PATH (Node.js >= 18 with npm is required)")
    print(
        f"install_assets: running {' '.join(NPM_CI)} ({stale[0]}"
        f"{f' and {len(stale) - 1} more' if len(stale) > 1 else ''})",
        file=sys.stderr,
    )
    result = subprocess.run([npm, *NPM_CI[1:]], cwd=ROOT, check=False)
    if result.returncode != 0:
        raise AssetError(f"`{' '.join(NPM_CI)}` failed with exit status {result.returncode}")
    still_stale = _stale_packages()
    if still_stale:
        raise AssetError(f"node_modules still out of date after npm ci: {', '.join(still_stale)}")
    return "npm ci"


# ------------------------------------------------------------------------ build


def _copy(build: Path) -> None:
    for src_rel, dest_rel in COPIES:
        src = NODE_MODULES / src_rel
        if not src.is_file():
            raise AssetError(f"expected file missing from node_modules: {src_rel}")
        dest = build / dest_rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)


def _top_level_blocks(css: str) -> list[tuple[str, str]]:
    """Split CSS (comments removed) into top-level ``(prelude, body)`` pairs."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    blocks: list[tuple[str, str]] = []
    depth = 0
    start = 0
    prelude = ""
    for i, char in enumerate(css):
        if char == "{":
            if depth == 0:
                prelude = css[start:i].strip()
                start = i + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise AssetError("unbalanced braces in CSS")
            if depth == 0:
                blocks.append((prelude, css[start:i].strip()))
                start = i + 1
        elif char == ";" and depth == 0:
            start = i + 1  # top-level @charset/@import statements
    return blocks


def _icon_codepoints(icons: list[str]) -> dict[str, int]:
    """Each icon's code point in the solid font, from Font Awesome's own stylesheet."""
    css = (NODE_MODULES / FONTAWESOME_CSS_SOURCE).read_text(encoding="utf-8")
    found: dict[str, int] = {}
    for prelude, body in _top_level_blocks(css):
        content = re.fullmatch(r'content:\s*"\\([0-9a-f]+)";?', body)
        if content is None:
            continue
        for selector in prelude.split(","):
            name = re.fullmatch(r"\.fa-([a-z0-9-]+)::?before", selector.strip())
            if name and name.group(1) in icons:
                found[name.group(1)] = int(content.group(1), 16)
    missing = sorted(set(icons) - found.keys())
    if missing:
        raise AssetError(f"{FONTAWESOME_CSS_SOURCE}: no icon named {', '.join(missing)}")
    return found


def _icon_base_rules() -> str:
    """Declarations Font Awesome gives the ``fa-solid`` style class, in its order."""
    css = (NODE_MODULES / FONTAWESOME_CSS_SOURCE).read_text(encoding="utf-8")
    declarations = [
        " ".join(body.split())
        for prelude, body in _top_level_blocks(css)
        if ".fa-solid" in (s.strip() for s in prelude.split(","))
    ]
    if not any("font-weight: 900" in d for d in declarations):
        raise AssetError(f"{FONTAWESOME_CSS_SOURCE}: no .fa-solid rules found")
    return ".fa-solid { " + " ".join(d.rstrip(";") + ";" for d in declarations) + " }"


def _subset_fontawesome(build: Path) -> int:
    """Font Awesome's solid font cut down to the atlas's icons, and their stylesheet."""
    from fontTools import subset  # installed with the atlas (pyproject.toml)
    from fontTools.ttLib import TTFont

    sys.path.insert(0, str(ROOT))
    from app.maps.assets import ICONS_CSS, ICONS_FONT
    from app.maps.icons import used_icons

    icons = used_icons()
    codepoints = _icon_codepoints(icons)
    source = NODE_MODULES / FONTAWESOME_FONT_SOURCE
    absent = sorted(n for n, c in codepoints.items() if c not in TTFont(source).getBestCmap())
    if absent:
        raise AssetError(f"{FONTAWESOME_FONT_SOURCE}: not a solid icon: {', '.join(absent)}")
    options = subset.Options()
    options.flavor = "woff2"
    options.name_IDs = ["*"]  # keep the copyright and licence records
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(set(codepoints.values())))
    subsetter.subset(font)
    font_dest = build / ICONS_FONT.removeprefix(f"{VENDOR.name}/")
    font_dest.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(font_dest), options)

    css_dest = build / ICONS_CSS.removeprefix(f"{VENDOR.name}/")
    font_url = os.path.relpath(font_dest, css_dest.parent).replace(os.sep, "/")
    lines = [
        "/*! Font Awesome Free 6.2.0 by @fontawesome - https://fontawesome.com",
        " * License - https://fontawesome.com/license/free (Icons: CC BY 4.0, Fonts: SIL OFL 1.1,",
        " * Code: MIT License) Copyright 2022 Fonticons, Inc. (see ../LICENSE.txt)",
        " * The solid icons the atlas uses, by scripts/install_assets.py -- do not edit. */",
        '@font-face { font-family: "Font Awesome 6 Free"; font-style: normal; font-weight: 900;'
        f' font-display: block; src: url("{font_url}") format("woff2"); }}',
        _icon_base_rules(),
        *(f'.fa-{name}::before {{ content: "\\{codepoints[name]:x}"; }}' for name in icons),
    ]
    css_dest.parent.mkdir(parents=True, exist_ok=True)
    css_dest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(icons)


def _font_slices(css: str, weight: str) -> list[tuple[str, str]]:
    """(woff2 file name, unicode-range) of each @font-face in a Fontsource stylesheet."""
    slices = []
    for prelude, body in _top_level_blocks(css):
        if prelude != "@font-face":
            continue
        woff2 = re.search(r"url\(\./files/([^)]+\.woff2)\) format\('woff2'\)", body)
        ranges = re.search(r"unicode-range:\s*([^;]+);", body)
        if woff2 is None or ranges is None or f"font-weight: {weight};" not in body:
            raise AssetError(f"{KOREAN_FONT}/{weight}.css: unexpected layout: {body[:80]}")
        slices.append((woff2.group(1), "".join(ranges.group(1).split())))
    if len(slices) < 100:
        raise AssetError(f"{KOREAN_FONT}/{weight}.css: expected over 100 slices")
    return slices


def _without_latin(ranges: str) -> str:
    """A unicode-range (``U+20-22,U+41,...``) from FIRST_NON_LATIN on."""
    kept = []
    for item in ranges.split(","):
        match = re.fullmatch(r"U\+([0-9a-fA-F]+)(?:-([0-9a-fA-F]+))?", item)
        if match is None:
            raise AssetError(f"{KOREAN_FONT}: unexpected unicode-range {item}")
        start = int(match.group(1), 16)
        end = int(match.group(2) or match.group(1), 16)
        if end < FIRST_NON_LATIN:
            continue
        start = max(start, FIRST_NON_LATIN)
        kept.append(f"U+{start:x}" if start == end else f"U+{start:x}-{end:x}")
    return ",".join(kept)


def _copy_korean_font(build: Path) -> int:
    """Copy the woff2 slices the atlas uses and write one compact stylesheet for them:
    the installed Korean fonts as a family of their own (named first for Korean text,
    static/css/atlas.css), then each slice with only its file and unicode-range.
    Fontsource's own CSS repeats the local() names in each of its rules and also names
    .woff files, which are not copied."""
    package = NODE_MODULES / KOREAN_FONT
    dest = build / KOREAN_FONT_CSS
    (dest.parent / "files").mkdir(parents=True, exist_ok=True)
    rules = [
        f"/* {KOREAN_FONT} (SIL OFL 1.1, see LICENSE) -- generated by scripts/install_assets.py */",
        "/* A Korean font the machine has: where it draws the text, no slice of "
        f'"{KOREAN_FONT_FAMILY}" below is downloaded. */',
        *(
            f'@font-face{{font-family:"{LOCAL_KOREAN_FAMILY}";font-weight:{weight};src:{names}}}'
            for weight, names in LOCAL_KOREAN_FONTS.items()
        ),
    ]
    css = (package / f"{KOREAN_FONT_WEIGHT}.css").read_text(encoding="utf-8")
    copied = 0
    for name, all_ranges in _font_slices(css, KOREAN_FONT_WEIGHT):
        ranges = _without_latin(all_ranges)
        if KOREAN_SLICES_LEFT_OUT.search(name) or not ranges:
            continue
        rules.append(
            f'@font-face{{font-family:"{KOREAN_FONT_FAMILY}";font-weight:{KOREAN_FONT_WEIGHT};'
            f'font-display:swap;src:url(files/{name}) format("woff2");'
            f"unicode-range:{ranges}}}"
        )
        shutil.copy2(package / "files" / name, dest.parent / "files" / name)
        copied += 1
    if copied < 100:
        raise AssetError(f"{KOREAN_FONT}: expected over 100 Korean slices, found {copied}")
    shutil.copy2(package / "LICENSE", dest.parent / "LICENSE")
    dest.write_text("\n".join(rules) + "\n", encoding="utf-8")
    return copied


def _build_basemap(build: Path) -> int:
    """The offline base map (scripts/build_basemap.py), from app/maps/geodata."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_basemap
    finally:
        sys.path.pop(0)
    sizes = build_basemap.build(build / "basemap", build / COUNTRIES_GEOJSON)
    if "basemap-0.js" not in sizes or "labels-ko.js" not in sizes:
        raise AssetError("basemap: the first level or the Korean labels are missing")
    return len(sizes)


def _convert_countries(build: Path) -> int:
    node = shutil.which("node")
    if node is None:
        raise AssetError("node not found on PATH (Node.js >= 18 is required)")
    dest = build / COUNTRIES_GEOJSON
    dest.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [node, "-e", _TOPOJSON_TO_GEOJSON_JS, str(NODE_MODULES / TOPOJSON_SOURCE), str(dest)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise AssetError(f"TopoJSON -> GeoJSON conversion failed:\n{result.stderr.strip()}")
    data = json.loads(dest.read_text(encoding="utf-8"))
    features = data.get("features") if data.get("type") == "FeatureCollection" else None
    if not features or len(features) < 150:
        raise AssetError(f"{COUNTRIES_GEOJSON}: expected a FeatureCollection of ~177 countries")
    if not all(isinstance(f.get("properties", {}).get("name"), str) for f in features):
        raise AssetError(f"{COUNTRIES_GEOJSON}: every feature needs properties.name")
    by_id = {f.get("id"): f["properties"]["name"] for f in features}
    if by_id.get("408") != "North Korea":
        raise AssetError(f"{COUNTRIES_GEOJSON}: ISO 3166 numeric ids missing (408 != North Korea)")
    (build / COUNTRIES_SCRIPT).write_text(
        _outlines_script(_outlines_for_pages(data)), encoding="utf-8"
    )
    return len(features)


# The outlines script rebuilds the GeoJSON when it runs: each country as [id, polygons],
# each ring as the steps from point to point in hundredths of a degree (small integers,
# which compress to about half of what the coordinates written out do).
_OUTLINES_DECODER = """window.atlasNaturalEarth = (function (countries) {
  "use strict";
  function ring(steps) {
    var x = 0, y = 0, points = [];
    for (var i = 0; i < steps.length; i += 2) {
      x += steps[i];
      y += steps[i + 1];
      points.push([x / %(scale)d, y / %(scale)d]);
    }
    return points;
  }
  return {type: "FeatureCollection", features: countries.map(function (country) {
    var polygons = country[1].map(function (rings) { return rings.map(ring); });
    var feature = {type: "Feature", properties: {}, geometry: polygons.length === 1
      ? {type: "Polygon", coordinates: polygons[0]}
      : {type: "MultiPolygon", coordinates: polygons}};
    if (country[0] !== null) feature.id = country[0];
    return feature;
  })};
})(%(countries)s);
"""


def _outlines_script(outlines: dict[str, Any]) -> str:
    scale = 10**SCRIPT_DECIMALS
    countries = []
    for feature in outlines["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        encoded = []
        for rings in polygons:
            encoded_rings = []
            for ring in rings:
                steps: list[int] = []
                last_x = last_y = 0
                for lon, lat in ring:
                    x, y = round(lon * scale), round(lat * scale)
                    steps += [x - last_x, y - last_y]
                    last_x, last_y = x, y
                encoded_rings.append(steps)
            encoded.append(encoded_rings)
        countries.append([feature.get("id"), encoded])
    return _OUTLINES_DECODER % {
        "scale": scale,
        "countries": json.dumps(countries, separators=(",", ":")),
    }


def _rounded_ring(ring: list[list[float]]) -> list[list[float]]:
    """A ring's positions rounded to SCRIPT_DECIMALS, repeated neighbours dropped."""
    rounded: list[list[float]] = []
    for lon, lat in ring:
        position = [round(lon, SCRIPT_DECIMALS), round(lat, SCRIPT_DECIMALS)]
        if not rounded or rounded[-1] != position:
            rounded.append(position)
    return rounded


def _rounded_polygon(rings: list[list[list[float]]]) -> list[list[list[float]]]:
    """The polygon's rings, rounded; those that shrink below a closed triangle go
    (all of them if the outer ring does)."""
    kept = [_rounded_ring(ring) for ring in rings]
    if len(kept[0]) < 4:
        return []
    return [ring for ring in kept if len(ring) >= 4]


def _outlines_for_pages(data: dict[str, Any]) -> dict[str, Any]:
    """The outlines as the pages draw them: what a 1:110m map can show (0.01 degree,
    about a kilometre) and only what the maps read (each country's id, which the
    place editor matches; no properties). The .geojson keeps the full data."""
    features = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rounded = [p for p in (_rounded_polygon(polygon) for polygon in polygons) if p]
        if not rounded:
            raise AssetError(f"{COUNTRIES_SCRIPT}: {feature['properties']['name']} vanished")
        outline: dict[str, Any] = {"type": "Feature"}
        if "id" in feature:
            outline["id"] = feature["id"]
        outline["properties"] = {}
        outline["geometry"] = (
            {"type": "Polygon", "coordinates": rounded[0]}
            if len(rounded) == 1
            else {"type": "MultiPolygon", "coordinates": rounded}
        )
        features.append(outline)
    return {"type": "FeatureCollection", "features": features}


# ------------------------------------------------------------------------ check

_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s;]+)""", re.I)
_SOURCE_MAP = re.compile(r"[#@]\s*sourceMappingURL=([^\s*]+)")
# Absolute http(s) URLs, plus protocol-relative ones inside a string literal.
_ANY_URL = re.compile(
    r"""https?://[^\s"'`)<>\\]+|(?<=["'`])//[A-Za-z0-9.-]+\.[A-Za-z]{2,}/[^\s"'`)<>\\]*"""
)
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)


def _check_reference(css_or_js: Path, ref: str, root: Path, problems: list[str]) -> None:
    name = css_or_js.relative_to(root).as_posix()
    if ref.startswith(("data:", "#")) or not ref:
        return  # inline data / same-document fragment (e.g. Leaflet's VML behaviour)
    if _REMOTE.match(ref):
        problems.append(f"{name}: remote reference {ref}")
        return
    target = (css_or_js.parent / re.split(r"[?#]", ref, maxsplit=1)[0]).resolve()
    if not target.is_relative_to(root.resolve()):
        problems.append(f"{name}: reference escapes static/vendor: {ref}")
    elif not target.is_file():
        problems.append(f"{name}: referenced file not installed: {ref}")


def check_tree(root: Path) -> list[str]:
    """Return every remote or dangling reference in the .css/.js files under root."""
    problems: list[str] = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".css", ".js"):
            continue
        text = path.read_text(encoding="utf-8")
        for ref in _SOURCE_MAP.findall(text):
            _check_reference(path, ref, root, problems)
        if path.suffix == ".css":
            code = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
            refs = [next(g for g in m.groups() if g is not None) for m in _CSS_URL.finditer(code)]
            refs += _CSS_IMPORT.findall(code)
            for ref in refs:
                _check_reference(path, ref.strip(), root, problems)
        else:
            name = path.relative_to(root).as_posix()
            for url in _ANY_URL.findall(text):
                if url not in JS_REFERENCE_ONLY_URLS:
                    problems.append(f"{name}: unaudited URL (could be fetched) {url}")
    return problems


# ------------------------------------------------------------------------- main


def _swap_into_place(build: Path) -> None:
    old = None
    if VENDOR.exists():
        old = Path(tempfile.mkdtemp(prefix=".vendor-old-", dir=STATIC))
        os.rename(VENDOR, old / "vendor")
    os.rename(build, VENDOR)
    if old is not None:
        shutil.rmtree(old)


def _lock_and_clean() -> None:
    """Serialise concurrent runs and remove leftovers of an interrupted run."""
    lock = open(__file__, "rb")  # noqa: SIM115 -- held for the life of the process
    fcntl.flock(lock, fcntl.LOCK_EX)
    _LOCKS.append(lock)
    for leftover in STATIC.glob(".vendor-*-*"):
        if leftover.is_dir() and leftover.name.startswith((".vendor-build-", ".vendor-old-")):
            shutil.rmtree(leftover)


_LOCKS: list[object] = []


def main() -> int:
    try:
        STATIC.mkdir(exist_ok=True)
        _lock_and_clean()
        npm_status = ensure_node_modules()
        build = Path(tempfile.mkdtemp(prefix=".vendor-build-", dir=STATIC))
        try:
            _copy(build)
            icons = _subset_fontawesome(build)
            _copy_korean_font(build)
            countries = _convert_countries(build)
            basemap_files = _build_basemap(build)
            problems = check_tree(build)
            if problems:
                raise AssetError(
                    "vendored assets still reference remote or missing files:\n  "
                    + "\n  ".join(problems)
                )
            build.chmod(0o755)
            _swap_into_place(build)
        finally:
            if build.exists():
                shutil.rmtree(build)
    except AssetError as exc:
        print(f"install_assets: FAILED: {exc}", file=sys.stderr)
        return 1
    files = [p for p in VENDOR.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(
        f"install_assets: OK - {len(files)} files, {size / 1024 / 1024:.1f} MiB in "
        f"{VENDOR.relative_to(ROOT)}/ (node_modules: {npm_status}; "
        f"{countries} countries; {basemap_files} base map files; {icons} icons; 0 remote URLs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
