"""Content in the chosen language, from one dataset: every record keeps its English
text and, beside it, a Korean text (the *_ko columns; NULL while nobody has written it).

`translated()` is the one place that decides what a page shows. A page's data carries,
for each translatable field, the text in the chosen language under the field's own
name, both originals beside it (`name_en`, `name_ko`, the latter null when there is
no Korean yet), and in `fallback` the fields shown in English because their Korean is
missing, so templates and maps mark those lang="en" and say so. Quotes are never
translated and never pass through here."""

from __future__ import annotations

from typing import Any

from ..reader import select_language

FALLBACK = "fallback"


def content_language() -> str:
    """The language page data is built in: the request's, English outside a request."""
    return select_language()


def translated(**fields: tuple[str | None, str | None]) -> dict[str, Any]:
    """For each field=(english, korean): the chosen text, both originals, and which
    fields fell back to English."""
    korean_page = content_language() == "ko"
    data: dict[str, Any] = {}
    fallback: list[str] = []
    for name, (english, korean) in fields.items():
        korean = korean or None  # an empty string is no translation
        if korean_page and korean is not None:
            data[name] = korean
        else:
            data[name] = english
            if korean_page and english:
                fallback.append(name)
        data[f"{name}_en"] = english
        data[f"{name}_ko"] = korean
    data[FALLBACK] = fallback
    return data


def joined(separator: str, *parts: tuple[str, str | None]) -> tuple[str, str | None]:
    """A label made of several texts (e.g. "Hyesan → Changbai"): its English, and its
    Korean only when every part has Korean."""
    english = separator.join(en for en, _ko in parts)
    koreans = [ko for _en, ko in parts]
    korean = separator.join(k for k in koreans if k) if all(koreans) else None
    return english, korean
