"""The benchmark table: one row per figure, beside the reference measured in the same
run, their ratio, and the issue's target where it sets one. Printed as aligned plain
text; also written as JSON and Markdown."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

# What a row says when it could not be measured (and why, in `note`).
SKIPPED = "skipped"


@dataclass
class Row:
    section: str
    what: str
    figure: float | None
    unit: str
    reference_name: str = ""
    reference: float | None = None
    # Samples behind the figure and behind the reference (medians of these).
    n: int = 0
    reference_n: int = 0
    # A target: ("ratio<=", 1.3), ("ratio>=", 0.7), ("figure<", 400) ... or none.
    target_kind: str = ""
    target_value: float | None = None
    note: str = ""
    # A condition beside the number (first visit: every request to our own host).
    also_required: bool = True

    @property
    def ratio(self) -> float | None:
        if self.figure is None or not self.reference:
            return None
        return self.figure / self.reference

    @property
    def target(self) -> str:
        if not self.target_kind or self.target_value is None:
            return "-"
        value = f"{self.target_value:g}"
        return {
            "ratio<=": f"<= {value}x",
            "ratio>=": f">= {value}x",
            "figure<": f"< {value} {self.unit}",
        }[self.target_kind]

    @property
    def holds(self) -> bool | None:
        if not self.target_kind or self.target_value is None or self.figure is None:
            return None
        if self.target_kind == "figure<":
            return self.figure < self.target_value and self.also_required
        ratio = self.ratio
        if ratio is None:
            return None
        if self.target_kind == "ratio<=":
            return ratio <= self.target_value
        return ratio >= self.target_value

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data.update(ratio=self.ratio, target=self.target, holds=self.holds)
        return data


def number(value: float) -> str:
    """Three significant figures or so, never in exponent form."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, 2 - magnitude)
    return f"{value:.{decimals}f}"


@dataclass
class Table:
    title: str
    rows: list[Row] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        return row

    def cells(self, row: Row) -> list[str]:
        figure = SKIPPED if row.figure is None else f"{number(row.figure)} {row.unit}"
        if row.reference is None:
            reference = row.reference_name or "-"
        else:
            reference = f"{row.reference_name} {number(row.reference)} {row.unit}".strip()
        ratio = "-" if row.ratio is None else f"{number(row.ratio)}x"
        holds = {None: "-", True: "yes", False: "NO"}[row.holds]
        return [row.what, figure, reference, ratio, row.target, holds]

    def text(self) -> str:
        header = ["what", "figure", "reference (same run)", "ratio", "target", "holds"]
        body = [self.cells(row) for row in self.rows]
        widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

        def line(cells: list[str]) -> str:
            left, *rest = cells
            # Numbers right-aligned, words left; two spaces at least between columns.
            parts = [left.ljust(widths[0])]
            parts += [c.rjust(widths[i + 1]) for i, c in enumerate(rest[:3])]
            parts += [c.ljust(widths[i + 4]) for i, c in enumerate(rest[3:])]
            return "  ".join(parts).rstrip()

        out = [self.title, "", line(header)]
        section = None
        for row, cells in zip(self.rows, body, strict=True):
            if row.section != section:
                section = row.section
                out.append(f"[{section}]")
            out.append(line(cells))
        notes = [f"{row.what}: {row.note}" for row in self.rows if row.note]
        if notes:
            out += ["", "Notes:"] + [f"  {n}" for n in notes]
        out += ["", *self.footer]
        return "\n".join(out)

    def markdown(self) -> str:
        out = [f"# {self.title}", ""]
        section = None
        for row in self.rows:
            if row.section != section:
                section = row.section
                out += ["", f"## {section}", ""]
                out += ["| what | figure | reference | ratio | target | holds |"]
                out += ["| --- | ---: | ---: | ---: | --- | --- |"]
            cells = [c.replace("|", "\\|") for c in self.cells(row)]
            out.append("| " + " | ".join(cells) + " |")
        notes = [f"- {row.what}: {row.note}" for row in self.rows if row.note]
        if notes:
            out += ["", "Notes:", "", *notes]
        out += ["", *[f"{line}  " for line in self.footer]]
        return "\n".join(out) + "\n"

    def write(self, directory: Path, stem: str) -> list[Path]:
        directory.mkdir(parents=True, exist_ok=True)
        data = {
            "title": self.title,
            "rows": [r.as_dict() for r in self.rows],
            "footer": self.footer,
        }
        written = []
        for name in (stem, "latest"):
            json_path = directory / f"{name}.json"
            json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
            md_path = directory / f"{name}.md"
            md_path.write_text(self.markdown())
            written += [json_path, md_path]
        return written[:2]
