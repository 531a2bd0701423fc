"""Two XlsxWriter subclasses the template needs: text boxes that keep the name we give them
(xlwings Lite finds the Report sheet's button by name), and formulas written as given,
without XlsxWriter's slow pass that prefixes Excel 365 functions."""

from __future__ import annotations

import xlsxwriter.drawing
import xlsxwriter.worksheet


class _NamedDrawing(xlsxwriter.drawing.Drawing):
    """XlsxWriter's drawing part, writing a shape's ``name`` option as its name (XlsxWriter
    calls every text box "TextBox N"; xlwings Lite finds its sheet button by name)."""

    def _write_nv_sp_pr(self, index, drawing) -> None:
        name = getattr(drawing, "_shape_name", None)
        if not name:
            super()._write_nv_sp_pr(index, drawing)
            return
        self._xml_start_tag("xdr:nvSpPr")
        self._write_c_nv_pr(index + 1, drawing, name)
        self._xml_empty_tag("xdr:cNvSpPr", [("txBox", 1)])
        self._xml_end_tag("xdr:nvSpPr")


class Worksheet(xlsxwriter.worksheet.Worksheet):
    """XlsxWriter's worksheet without its per-formula pass of ~35 regular expressions that
    prefix Excel 365 functions: this workbook writes its few future functions (_xlfn.MAXIFS,
    _xlfn.MINIFS) prefixed and uses none of the others. Text boxes take a ``name`` option."""

    def _prepare_shape(self, index, drawing_id) -> None:
        super()._prepare_shape(index, drawing_id)
        name = self.shapes[index][8].get("name")
        if name:
            self.drawing.__class__ = _NamedDrawing
            self.drawing.drawings[-1]._shape_name = name

    def _prepare_formula(self, formula, expand_future_functions=False):
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        return formula
