"""The printable handout's data: the journey page's data plus numbered references
(one per quoted passage, in order of first appearance) and hazard letters."""

from __future__ import annotations

from typing import Any

from ..maps.svg_map import hazard_letter
from .records import Data


def handout_data(page: Data, site_root: str) -> Data:
    """`site_root` makes reference links absolute, since paper has no base URL."""
    references: list[Data] = []
    numbers: dict[tuple[str, int], int] = {}

    def refs(item: Data) -> list[int]:
        cited = []
        for c in item["citations"]:
            key = (c["source"], c["passage"])
            if key not in numbers:
                numbers[key] = len(references) + 1
                references.append(
                    {
                        "number": numbers[key],
                        "source_name": c["source_name"],
                        "file": c["file"],
                        "passage": c["passage"],
                        "url": site_root + c["url"].split("?")[0] + f"#p-{c['passage']}",
                    }
                )
            cited.append(numbers[key])
        return sorted(set(cited))

    journey_refs = refs(page)
    letters = {h["slug"]: hazard_letter(n) for n, h in enumerate(page["hazards"])}
    legs = [
        {
            **leg,
            "refs": refs(leg),
            "hazard_letters": [letters[s] for s in leg["hazards"] if s in letters],
        }
        for leg in page["legs"]
    ]
    hazards = [{**h, "letter": letters[h["slug"]], "refs": refs(h)} for h in page["hazards"]]
    quotes: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in [page, *page["legs"], *page["hazards"]]:
        for c in item["citations"]:
            if c["quote"] not in seen:
                seen.add(c["quote"])
                quotes.append({**c, "ref": numbers[(c["source"], c["passage"])]})
    return {
        **page,
        "journey_refs": journey_refs,
        "legs": legs,
        "hazards": hazards,
        "quotes": quotes,
        "references": references,
    }
