"""The languages the add-in speaks: one list for the report, the template, the CLI and the
Refresh button (each of them checks a language here, nowhere else)."""

from __future__ import annotations

from ..errors import InvalidInputError

#: Language codes, English first (the default).
LANGUAGES: tuple[str, ...] = ("en", "it")
DEFAULT_LANGUAGE = "en"


def check_language(lang: object) -> str:
    """``lang`` if the add-in speaks it (case and spaces ignored), else InvalidInputError
    listing the languages."""
    code = str(lang).strip().casefold() if lang is not None else ""
    if code not in LANGUAGES:
        raise InvalidInputError(f"lang is {lang!r}, expected one of {', '.join(LANGUAGES)}")
    return code
