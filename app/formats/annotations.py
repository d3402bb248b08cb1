"""Every citation as a W3C Web Annotation (https://www.w3.org/TR/annotation-model/), in
one AnnotationCollection with a single AnnotationPage.

Each annotation's target is the article (its page on the atlas) narrowed by the two
selectors the citation is stored as: a TextQuoteSelector (exact, prefix, suffix) and a
TextPositionSelector (start, end: code points into the article's text). Its bodies are
the atlas record the words support (purpose "linking": the page where the record is
drawn) and a short label of it (purpose "describing"). Motivation: "linking".
`created` is when the citation was first recorded in the history.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..pages.records import Data

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# The W3C context, bundled so that checks (pyld) work offline; see contexts/README.md.
CONTEXT_FILE = Path(__file__).with_name("contexts") / "anno.jsonld"


def annotation(record: Data, collection_id: str, root: str) -> Data:
    subject = record["subject"]
    item: Data = {
        "id": f"{collection_id}#{record['key']}",
        "type": "Annotation",
        "motivation": "linking",
        "body": [
            {
                "type": "SpecificResource",
                "source": root + record["record_url"],
                "purpose": "linking",
            },
            {
                "type": "TextualBody",
                "value": f"{subject['type']}: {subject['name']}",
                "format": "text/plain",
                "language": "en",
                "purpose": "describing",
            },
        ],
        "target": {
            "type": "SpecificResource",
            "source": {
                "id": root + record["source_url"],
                "type": "Text",
                "label": record["source_name"],
            },
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": record["quote"],
                    "prefix": record["prefix"],
                    "suffix": record["suffix"],
                },
                {"type": "TextPositionSelector", "start": record["start"], "end": record["end"]},
            ],
        },
    }
    if record["created"]:
        item["created"] = record["created"]
    return item


def annotation_collection(records: list[Data], collection_url: str, root: str) -> Data:
    """`collection_url` is the absolute URL of the collection; `root` is prefixed to links."""
    items = [annotation(r, collection_url, root) for r in records]
    return {
        "@context": CONTEXT,
        "id": collection_url,
        "type": "AnnotationCollection",
        "label": "Escape Route Atlas: every citation of the articles",
        "total": len(items),
        "first": {
            "id": f"{collection_url}#page-1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }


def offline_document_loader(url: str, options: Any = None) -> Data:
    """A pyld document loader that serves the bundled W3C context and nothing else
    (no network)."""
    if url.rstrip("/") not in (CONTEXT, CONTEXT.replace("http:", "https:")):
        raise ValueError(f"only the Web Annotation context is available offline, not {url}")
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": CONTEXT,
        "document": json.loads(CONTEXT_FILE.read_text("utf-8")),
    }
