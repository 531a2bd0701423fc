"""The *Activate functions* script: wake up formulas typed before xlwings Lite started.

Excel binds a formula to its functions when the formula is entered or the file is loaded.
A cell that calls =CRR() while no add-in provides CRR -- the template as it comes, a workbook
opened before xlwings Lite has registered the functions -- shows #NAME?, and Excel keeps
it so after Lite registers CRR: recalculating does not help, re-entering the formula does
(Office's custom functions behave so on Windows, Mac and the web; see docs/lite.md).

This script does what an analyst would do by hand (click in each cell, press Enter): for
every cell that shows #NAME? and whose formula calls one of our functions, it reads the
formula and writes it back. Formulas saved while an add-in function was unknown may carry
Excel's ``_xldudf_`` prefix; it is dropped. Nothing else is touched.

It reads formulas with xlwings' ``Range.get_formula()``, which only xlwings Lite provides;
elsewhere it changes nothing and says how to do it by hand.
"""

from __future__ import annotations

import re

import xlwings as xw

from ..udfs import __all__ as FUNCTION_NAMES

__all__ = ["FUNCTION_NAMES", "activate_functions", "reentered", "unresolved_cells"]

#: What a cell shows when Excel does not know a function the formula calls.
NAME_ERROR = "#NAME?"

# our function name, not part of a longer name, a Table reference or a sheet name, then "("
_CALL = re.compile(
    r"(?<![A-Za-z0-9_.\[!'])(?:_xldudf_)?("
    + "|".join(sorted(FUNCTION_NAMES, key=len, reverse=True)) + r")(?=\s*\()",
    re.IGNORECASE,
)
_PREFIX = re.compile(r"_xldudf_(?=(?:" + "|".join(FUNCTION_NAMES) + r")\s*\()", re.IGNORECASE)

_BY_HAND = ("To do it by hand: select the cells that show #NAME?, press F2 then Enter in each; "
            "or Home > Find & Select > Replace, find = and replace with =, Replace All.")


def reentered(formula: object) -> str | None:
    """The formula to write back when ``formula`` calls one of our functions, else None."""
    if not isinstance(formula, str) or not formula.startswith("=") or not _CALL.search(formula):
        return None
    return _PREFIX.sub("", formula)


def unresolved_cells(values: list[list]) -> list[tuple[int, int]]:
    """(row, column), 1-based, of the cells of a sheet's values that show #NAME?."""
    return [(r, c) for r, row in enumerate(values, 1) for c, value in enumerate(row, 1)
            if value == NAME_ERROR]


async def _reenter_sheet(sheet) -> int:
    values = sheet.used_range.options(ndim=2, err_to_str=True).value
    cells = unresolved_cells(values)
    if not cells:
        return 0
    top, bottom = min(r for r, _ in cells), max(r for r, _ in cells)
    left, right = min(c for _, c in cells), max(c for _, c in cells)
    # one read per sheet: the rectangle around its #NAME? cells
    formulas = await sheet.range((top, left), (bottom, right)).options(ndim=2).get_formula()
    count = 0
    for row, column in cells:
        formula = reentered(formulas[row - top][column - left])
        if formula is not None:
            sheet.range((row, column)).formula = formula
            count += 1
    return count


@xw.script(name="Activate functions")
async def activate_functions(book: xw.Book):
    """Re-enter the formulas with our functions that show #NAME? (typed before xlwings Lite
    had started), so that they calculate. Run it once after opening the workbook if such
    cells show #NAME?; other cells are not touched."""
    count = 0
    try:
        for sheet in book.sheets:
            count += await _reenter_sheet(sheet)
    except NotImplementedError:  # not xlwings Lite: formulas cannot be read here
        print(f"Activate functions needs xlwings Lite. {_BY_HAND}")
        return
    if count:
        print(f"Activate functions: re-entered {count} formulas.")
    else:
        print("Activate functions: no cell with one of our functions shows #NAME?.")
