"""Symbols that never hide one another on a drawn map (the handout's SVG): each symbol
goes where it prefers if that is free, else to the first free spot on rings around its
place; the caller draws a thin leader line back to the place for a symbol moved off it.
The same rules as the interactive maps' (static/js/map-layout.js), in the SVG's units."""

from __future__ import annotations

import math
from dataclasses import dataclass

RINGS = 6
GAP = 2.0


@dataclass(frozen=True)
class Symbol:
    x: float  # the place
    y: float
    half: float  # half the symbol's side (symbols are treated as squares)
    dx: float = 0.0  # where it prefers its centre, from the place
    dy: float = 0.0


@dataclass(frozen=True)
class Placed:
    x: float  # the symbol's centre
    y: float
    half: float
    moved: bool  # off its place: draw a leader line


def _overlap(a: Placed, x: float, y: float, half: float) -> float:
    w = min(a.x + a.half, x + half) - max(a.x - a.half, x - half) + GAP
    h = min(a.y + a.half, y + half) - max(a.y - a.half, y - half) + GAP
    return w * h if w > 0 and h > 0 else 0.0


def _candidates(symbol: Symbol) -> list[tuple[float, float]]:
    spots = [(symbol.dx, symbol.dy)]
    preferred = math.hypot(symbol.dx, symbol.dy) > 1
    start = math.atan2(symbol.dy, symbol.dx) if preferred else -math.pi / 2
    side = 2 * symbol.half
    for ring in range(RINGS):
        radius = side + 4 + ring * side * 0.6
        steps = 12 + ring * 4
        for k in range(steps):
            turn = math.ceil(k / 2) * (1 if k % 2 else -1) * 2 * math.pi / steps
            spots.append((radius * math.cos(start + turn), radius * math.sin(start + turn)))
    return spots


def place_symbols(symbols: list[Symbol]) -> list[Placed]:
    """Centres for `symbols`, in their order (earlier ones are placed first and keep
    their spot): none overlaps another where any free spot exists."""
    placed: list[Placed] = []
    for symbol in symbols:
        best: tuple[float, float, float] | None = None
        for dx, dy in _candidates(symbol):
            x, y = symbol.x + dx, symbol.y + dy
            cost = sum(_overlap(p, x, y, symbol.half) for p in placed)
            if best is None or cost < best[2]:
                best = (x, y, cost)
            if cost == 0:
                break
        assert best is not None
        x, y, _cost = best
        on_place = abs(x - symbol.x) <= symbol.half and abs(y - symbol.y) <= symbol.half
        placed.append(Placed(x, y, symbol.half, moved=not on_place))
    return placed
