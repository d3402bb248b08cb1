"""Long lists on pages are shown a page at a time (a large journey has thousands of
hazards): the first page in full up to `LIST_CAP` items, a count of the rest, and
links to the next pages (`?<list>=N`). The JSON twins stay whole."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request, url_for

LIST_CAP = 100


@dataclass(frozen=True)
class Page:
    """One page of a list: items [start, end) of `total`, page `number` of `count`."""

    name: str
    number: int
    total: int
    size: int = LIST_CAP

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size

    @property
    def end(self) -> int:
        return min(self.total, self.start + self.size)

    @property
    def paged(self) -> bool:
        return self.total > self.size

    def url(self, number: int, anchor: str = "") -> str:
        """This page's URL with page `number` of this list (other parameters kept)."""
        args: dict[str, Any] = {k: v for k, v in request.args.items() if k != self.name}
        if number > 1:
            args[self.name] = str(number)
        view_args = request.view_args or {}
        return url_for(str(request.endpoint), **view_args, **args) + (
            f"#{anchor}" if anchor else ""
        )


def page(name: str, total: int, size: int = LIST_CAP) -> Page:
    """The page of list `name` the query asks for (1 when absent or out of range)."""
    raw = request.args.get(name, "")
    number = int(raw) if raw.isdigit() and len(raw) < 7 else 1
    last = max(1, -(-total // size))
    return Page(name, min(max(number, 1), last), total, size)
