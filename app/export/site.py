"""Write a static copy of the whole atlas: every page the app links to, in both
settings, with links rewritten so the copy works from any plain file server and
straight from disk (file://).

The pages are the app's own responses (its test client, no network), so the copy is
exactly what a reader of the live site sees at this dataset revision.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from re import Match
from typing import Any

from flask import Flask, render_template
from sqlalchemy import select

from ..extensions import db
from ..http.static_files import plain_static_urls
from ..models import DatasetRevision, Journey
from .paths import (
    BASE_URL,
    LANGUAGE_TREES,
    LIVE_ONLY_PAGE,
    MARKED_URL,
    NotExportable,
    Page,
    relative,
    target,
)

# Left in the root of every copy: tells a later export it may replace the directory.
STAMP = ".atlas-export"


class ExportError(Exception):
    """The export cannot be written; nothing was changed."""


@dataclass
class ExportReport:
    pages: int = 0
    data_files: int = 0
    asset_files: int = 0
    bytes: int = 0
    unexportable_links: set[str] = field(default_factory=set)


def start_pages(slugs: Iterable[str]) -> list[Page]:
    """Where the crawl starts: the home page in both settings and both languages, and
    each journey's embed (embeds are not linked from the pages; the snippet that names
    them is)."""
    pages = []
    for language in LANGUAGE_TREES:
        pages += [Page("/", False, language=language), Page("/", True, language=language)]
        for slug in slugs:
            pages += [
                Page(f"/embed/journeys/{slug}", on, language=language) for on in (False, True)
            ]
    return pages


def _rewrite(body: str, here: Page, found: list[Page], report: ExportReport) -> str:
    def replace(match: Match[str]) -> str:
        if match.group(0).startswith("/static/"):
            return relative(here.file, "static/x")[: -len("x")]
        try:
            page, fragment = target(match.group(1) or "/", here)
        except NotExportable as exc:
            report.unexportable_links.add(str(exc))
            return "#"
        if not page.path.startswith("/static/"):
            found.append(page)
        return relative(here.file, page.file, fragment)

    return MARKED_URL.sub(replace, body)


def _live_only_page(app: Flask, page: Page, revision: int) -> str:
    """What a link to editing, history or accounts leads to in the copy."""
    with app.test_request_context(page.request, base_url=BASE_URL):
        data = {"title": "This needs the live atlas", "revision": revision}
        return render_template("export_live_only.html", data=data)


def _render(app: Flask, client: Any, page: Page, revision: int) -> str:
    # The copy holds static files under their plain names (app/http/static_files.py).
    static = app.extensions["atlas_static_files"]
    if page.path == f"/{LIVE_ONLY_PAGE}":
        return plain_static_urls(static, _live_only_page(app, page, revision))
    response = client.get(page.request, base_url=BASE_URL)
    if response.status_code != 200:
        raise ExportError(f"{page.request} answered {response.status_code}")
    return plain_static_urls(static, response.get_data(as_text=True))


def _crawl(app: Flask, build: Path, report: ExportReport, slugs: list[str], revision: int) -> None:
    client = app.test_client()
    queue = deque(start_pages(slugs))
    seen = set(queue)
    while queue:
        page = queue.popleft()
        found: list[Page] = []
        body = _rewrite(_render(app, client, page, revision), page, found, report)
        _write(build / page.file, body, report)
        if page.file.endswith(".html"):
            report.pages += 1
        else:
            report.data_files += 1
        for linked in found:
            if linked not in seen:
                seen.add(linked)
                queue.append(linked)


def _write(path: Path, body: str, report: ExportReport) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = body.encode("utf-8")
    path.write_bytes(data)
    report.bytes += len(data)


def _copy_static(app: Flask, build: Path, report: ExportReport) -> None:
    static = Path(app.static_folder or "")
    shutil.copytree(static, build / "static")
    for path in (build / "static").rglob("*"):
        if path.is_file():
            report.asset_files += 1
            report.bytes += path.stat().st_size


def check_destination(destination: Path) -> None:
    """Refuse a destination the copy may not replace: anything but a new path, an empty
    directory or an earlier export."""
    if destination.exists():
        if not destination.is_dir():
            raise ExportError(f"{destination} exists and is not a directory")
        if any(destination.iterdir()) and not (destination / STAMP).exists():
            raise ExportError(
                f"{destination} is not empty and not an earlier export; choose another directory"
            )


def _replace(destination: Path, build: Path) -> None:
    """Swap the finished copy into place, checking the destination again: it may have
    changed during the crawl."""
    check_destination(destination)
    if destination.exists():
        old = destination.with_name(destination.name + ".old-export")
        shutil.rmtree(old, ignore_errors=True)
        destination.rename(old)
        build.rename(destination)
        shutil.rmtree(old)
    else:
        build.rename(destination)


def export_site(app: Flask, destination: Path) -> ExportReport:
    """Write the static atlas into `destination` (all or nothing)."""
    destination = destination.resolve()
    check_destination(destination)  # at once, not after minutes of crawling
    destination.parent.mkdir(parents=True, exist_ok=True)
    report = ExportReport()
    build = Path(tempfile.mkdtemp(prefix=".atlas-export-", dir=destination.parent))
    try:
        with app.app_context():
            slugs = list(db.session.scalars(select(Journey.slug).order_by(Journey.slug)))
            revision = db.session.get(DatasetRevision, 1)
        if not slugs:
            raise ExportError("the database holds no journeys: run `flask --app app seed` first")
        number = revision.number if revision else 0
        _crawl(app, build, report, slugs, number)
        if report.unexportable_links:
            raise ExportError(
                "pages link to URLs a static copy cannot hold: "
                + ", ".join(sorted(report.unexportable_links))
            )
        _copy_static(app, build, report)
        (build / STAMP).write_text(f"Escape Route Atlas static copy, dataset revision {number}\n")
        # mkdtemp makes it private; a web server (a school intranet) must read it.
        os.chmod(build, 0o755)  # noqa: S103
        _replace(destination, build)
    finally:
        if build.exists():
            shutil.rmtree(build)
    return report
