"""Where a printed sheet's pages break: :func:`page_breaks` cuts a run of rows (or columns)
into pages no longer than a page, never inside a span that must stay whole (a chart), and
always at the places given (the start of each of the report's sheets).

Pure arithmetic over sizes: the Report sheet gives its row heights and column widths in
pixels, and its charts' spans, and writes the breaks as manual page breaks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

#: How much wider LibreOffice draws a column than Excel when Calibri is not installed: it
#: measures a column's width in the digits of the font it substitutes (DejaVu Sans, about
#: 9.3 pixels a digit at 11 points against Calibri's 7). Columns are planned this much
#: wider, so that a page of columns fits both.
FONT_ROOM = 1.33


def page_breaks(sizes: Sequence[float], page: float, *, keep: Iterable[tuple[int, int]] = (),
                forced: Iterable[int] = ()) -> list[int]:
    """The 0-based indices that start a new page, for items (rows or columns) of ``sizes``
    on pages of ``page``.

    A page ends before the item that would overflow it, or at a ``forced`` index. When that
    end falls inside a ``keep`` span (first and last index, inclusive) the page ends before
    the span instead, unless the span starts the page (then it is cut: it cannot fit).
    """
    forced = set(forced)
    spans = list(keep)
    breaks: list[int] = []
    start, filled = 0, 0.0
    for index, size in enumerate(sizes):
        if index > start and (index in forced or filled + size > page):
            cut = index
            if index not in forced:
                for first, last in spans:
                    if first < cut <= last and first > start:
                        cut = min(cut, first)
            breaks.append(cut)
            start, filled = cut, float(sum(sizes[cut:index]))
        filled += size
    return breaks
