"""The Refresh button's status line, in English and in Italian.

After a refresh, the Report sheet's status cell (``Report_Status``) says when the report was
refreshed and for what, or why it was not. ``STATUS[lang][key]`` is one line, filled with
``str.format``:

- ``done``: ``{when}`` (the time of the refresh), ``{period}``, ``{segment}``;
- ``dropped``: added to ``done`` when the data model dropped rows, ``{rows}`` of them;
- ``failed``: ``{when}`` and ``{message}`` (the data model's or the Settings' message).

The template builder shows the ``done`` line too, so the template and a refresh agree.
"""

from __future__ import annotations

from .languages import DEFAULT_LANGUAGE

__all__ = ["STATUS", "status_words"]

STATUS: dict[str, dict[str, str]] = {
    "en": {
        "done": "Refreshed {when}: {period}, {segment}.",
        "dropped": " {rows} data rows dropped: see Data quality.",
        "failed": "Not refreshed ({when}): {message}",
    },
    "it": {
        "done": "Aggiornato {when}: {period}, {segment}.",
        "dropped": " {rows} righe di dati scartate: vedi Qualità dei dati.",
        "failed": "Non aggiornato ({when}): {message}",
    },
}


def status_words(lang: str) -> dict[str, str]:
    """The status lines of ``lang``; English for a language the add-in does not speak (a
    refresh reports a bad language setting in English)."""
    return STATUS.get(lang, STATUS[DEFAULT_LANGUAGE])
