"""The Guide examples sheet: one block per worked example of :data:`addin.guides.EXAMPLES`.

Each block holds the guide's inputs (input cells with defined names), our function
(``=CRR(B6,B7,B8)``), the same metric as a native Excel formula, the guide's printed number,
a check (the native result equals the guide's number to the guide's rounding, or
truncation), and the erratum with its corrected figure as a formula.

NPS_MOE takes raw answers, so its example spells the counts out as answers in column F.
Every function cell shows #NAME? without the add-in (=NPS( too: the survey Table is
``NPS_answers``, not ``NPS``, which LibreOffice would read as the Table).
:func:`plan_guide_examples` lays the blocks out without writing anything; the tests use it
to find the cells.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ... import metrics as m
from ...cells import address, parse_address
from ...guides import EXAMPLES, Example
from ...i18n.template_words import EXAMPLE_TEXT_IT, PARAM, text
from .formulas import (
    METRIC_FORMULAS,
    MONEY_PARAMS,
    check_formula,
    function_formula,
    native_formula,
    same_formula,
)
from .sheet import Sheet
from .styles import add_check_formats, guide_format

_GUIDE_FIRST_BLOCK = 5  # 1-based row of the first block's band
MOE_ANSWER_ROWS = 1000  # NPS_MOE takes raw answers: the counts are spelled out in column F


@dataclass
class GuideBlock:
    """Where one worked example lives on the Guide examples sheet (A1 cells, column B)."""

    example: Example
    band_row: int
    inputs: dict[str, str] = field(default_factory=dict)  # argument -> cell
    input_rows: dict[str, int] = field(default_factory=dict)
    table: str | None = None  # purchases Table (time between purchases)
    table_rows: tuple[int, int] | None = None  # header row, last row
    function_cell: str = ""
    same_cell: str = ""
    native_cell: str = ""
    guide_cell: str = ""
    check_cell: str = ""
    note_row: int | None = None
    erratum_row: int | None = None
    corrected_inputs: dict[str, str] = field(default_factory=dict)  # argument -> cell
    new_corrected_rows: dict[str, int] = field(default_factory=dict)  # new cells only
    corrected_cell: str | None = None
    answers: str | None = None  # NPS_MOE: the answers built from the counts (column F)
    last_row: int = 0

    @property
    def name_prefix(self) -> str:
        """The start of the block's defined names (``Ex000_a``)."""
        return "Ex" + re.sub(r"[^0-9A-Za-z]+", "_", self.example.id)


def plan_guide_examples() -> list[GuideBlock]:
    """The layout of the Guide examples sheet, one block per worked example (both languages)."""
    blocks, row = [], _GUIDE_FIRST_BLOCK
    for example in EXAMPLES:
        block = GuideBlock(example, band_row=row)
        row += 1
        if example.function is m.time_between_purchases:
            count = len(example.inputs["customer_ids"])
            block.table = f"{block.name_prefix}_purchases"
            block.table_rows = (row, row + count)
            ref = f"{block.table}[customer_id]", f"{block.table}[purchase_date]"
            block.inputs = {"customer_ids": ref[0], "purchase_dates": ref[1]}
            row += count + 1
        else:
            for name in example.inputs:
                block.inputs[name] = f"B{row}"
                block.input_rows[name] = row
                row += 1
        if example.function is m.nps_margin_of_error:
            first = block.band_row + 1
            block.answers = f"$F${first}:$F${first + MOE_ANSWER_ROWS - 1}"
        block.function_cell, block.same_cell = f"B{row}", f"C{row}"
        block.native_cell = f"B{row + 1}"
        block.guide_cell = f"B{row + 2}"
        block.check_cell = f"B{row + 3}"
        row += 4
        if example.note:
            block.note_row = row
            row += 1
        if example.correction is not None:
            block.erratum_row = row
            row += 1
            for name, value in example.correction.inputs.items():
                if name in example.inputs and example.inputs[name] == value:
                    block.corrected_inputs[name] = block.inputs[name]
                else:
                    block.corrected_inputs[name] = f"B{row}"
                    block.new_corrected_rows[name] = row
                    row += 1
            block.corrected_cell = f"B{row}"
            row += 1
        block.last_row = row - 1
        blocks.append(block)
        row += 1  # a blank row between blocks
    return blocks


def _example_text(example: Example, lang: str, what: str) -> str:
    if lang == "en":
        return {
            "metric": example.metric,
            "note": example.note,
            "erratum": example.correction.text if example.correction else "",
            "inputs_text": example.inputs_text,
        }[what]
    return EXAMPLE_TEXT_IT[example.id].get(what, "")


def _input_format(name: str, value) -> str:
    if name in MONEY_PARAMS:
        return "dollars" if float(value).is_integer() else "dollars2"
    if name == "confidence":
        return "pct0"
    return "count"


def add_sheet(book, styles, formats, lang) -> list[GuideBlock]:
    """Write the Guide examples sheet in ``lang``; returns its plan."""
    t = text(lang)
    labels = PARAM[lang]
    s = Sheet(book, "Guide examples", styles, formats)
    ws = s.ws
    ws.hide_gridlines(2)
    ws.set_column("A:A", 52)
    ws.set_column("B:B", 16)
    ws.set_column("C:C", 17)
    ws.set_column("D:D", 72)
    s.put("A1", t["guide_title"], "title")
    ws.set_row(0, 24)
    s.text("A2", "D2", t["guide_subtitle"], "subtitle", 150)
    blocks = plan_guide_examples()
    last = blocks[-1].last_row
    s.put("A3", t["guide_summary"], "bold")
    s.put("B3", f"=COUNTIF(B{_GUIDE_FIRST_BLOCK}:B{last},TRUE)", "check", "count", cached=len(blocks))
    s.put("C3", f"/ {len(blocks)}", "bold")
    book.define_name("Guide_ChecksPassing", "='Guide examples'!$B$3")
    ws.freeze_panes(3, 0)
    checks = []

    for block in blocks:
        ex = block.example
        head = t["guide_block"].format(id=ex.id, metric=_example_text(ex, lang, "metric"), guide=ex.guide)
        s.put(f"A{block.band_row}", head, "band")
        for col in "BCD":
            s.put(f"{col}{block.band_row}", None, "band")
        if block.table:
            _purchase_table(s, block, t, lang)
        else:
            for name, cell in block.inputs.items():
                row = block.input_rows[name]
                s.put(f"A{row}", labels[name], "label")
                value = ex.inputs[name]
                s.put(cell, value, "input", _input_format(name, value))
                book.define_name(f"{block.name_prefix}_{name}", f"='Guide examples'!$B${row}")
        # our function, native formula, guide's number, check
        fn, native, guide, check = block.function_cell, block.native_cell, block.guide_cell, block.check_cell
        fname = ex.function.__name__
        spec = METRIC_FORMULAS[fname]
        r = parse_address(fn)[0]
        result_format = guide_format(ex, ex.decimals + 2)
        s.put(f"A{r}", t["our_function"], "label")
        if block.table:
            function_text = f"=TBP({block.inputs['customer_ids']},{block.inputs['purchase_dates']})"
            native_text = "=" + spec[2].format(ids=block.inputs["customer_ids"],
                                             dates=block.inputs["purchase_dates"])
            args_text = "TBP(customer_ids, purchase_dates)"
        else:
            function_text = function_formula(fname, {**block.inputs, "answers": block.answers})
            native_text = native_formula(fname, block.inputs)
            args_text = t["moe_args"] if block.answers else f"{spec[0]}({', '.join(spec[1])})"
        s.put(fn, function_text, "function", result_format, cached=ex.value)
        s.put(block.same_cell, same_formula(fn, native, t["addin_off"]), "check", cached=True)
        add_check_formats(ws, styles, block.same_cell)
        s.put(f"D{r}", args_text, "text")
        s.put(f"A{r + 1}", t["native_formula"], "label")
        s.put(native, native_text, "native", result_format, cached=ex.value)
        s.put(f"D{r + 1}", spec[3], "text")
        if block.table:
            s.put(f"D{r + 3}", t["tbp_native_note"], "muted")
            ws.set_row(r + 2, 30)
        if block.answers:
            _moe_answers(s, block, t)
        s.put(f"A{r + 2}", t["guide_says"], "label")
        s.put(guide, ex.guide_value, "guide", guide_format(ex, ex.decimals))
        how = (t["truncated_to"] if ex.truncates else t["rounded_to"]).format(n=ex.decimals)
        s.put(f"A{r + 3}", t["check_guide"].format(how=how), "label")
        s.put(check, check_formula(ex, native, guide), "check", cached=ex.matches)
        checks.append(check)
        add_check_formats(ws, styles, check)
        if block.note_row:
            s.put(f"A{block.note_row}", t["note"], "label")
            s.text(f"B{block.note_row}", f"D{block.note_row}", _example_text(ex, lang, "note"), "muted", 100)
        if block.erratum_row:
            s.put(f"A{block.erratum_row}", t["erratum"], "bold")
            s.text(f"B{block.erratum_row}", f"D{block.erratum_row}", _example_text(ex, lang, "erratum"),
                   "text", 110)
            correction = ex.correction
            for name, row in block.new_corrected_rows.items():
                s.put(f"A{row}", t["corrected_input"].format(label=labels[name]), "label")
                value = correction.inputs[name]
                s.put(f"B{row}", value, "input", _input_format(name, value))
                book.define_name(f"{block.name_prefix}_fix_{name}", f"='Guide examples'!$B${row}")
            cfn = correction.function.__name__
            s.put(f"A{parse_address(block.corrected_cell)[0]}", t["corrected_figure"], "bold")
            s.put(block.corrected_cell, native_formula(cfn, block.corrected_inputs), "native",
                  result_format, cached=correction.value)
            s.put(f"D{parse_address(block.corrected_cell)[0]}", METRIC_FORMULAS[cfn][3], "text")
    s.page(landscape=True, repeat="1:1", area=f"A1:D{last}")
    return blocks


def _moe_answers(s: Sheet, block: GuideBlock, t: dict):
    """Column F: the promoters, passives and detractors spelled out as 10, 8 and 0 answers."""
    ex = block.example
    p, m_, d = (address(*parse_address(block.inputs[k]), absolute=True)
                for k in ("promoters", "passives", "detractors"))
    counts = [ex.inputs["promoters"], ex.inputs["passives"], ex.inputs["detractors"]]
    s.ws.set_column("F:F", 30)
    s.put(f"F{block.band_row}", t["moe_answers"].format(n=f"{MOE_ANSWER_ROWS:,}"), "band")
    first = block.band_row + 1
    for k in range(1, MOE_ANSWER_ROWS + 1):
        formula = f'=IF({k}<={p},10,IF({k}<={p}+{m_},8,IF({k}<={p}+{m_}+{d},0,"")))'
        cached = 10 if k <= counts[0] else 8 if k <= counts[0] + counts[1] else (
            0 if k <= sum(counts) else "")
        s.put(f"F{first + k - 1}", formula, "native", "count", cached=cached)


def _purchase_table(s: Sheet, block: GuideBlock, t: dict, lang: str):
    ex = block.example
    header, last = block.table_rows
    rows = [[cid, dt.datetime.fromisoformat(day)]
            for cid, day in zip(ex.inputs["customer_ids"], ex.inputs["purchase_dates"])]
    s.ws.add_table(f"A{header}:B{last}", {
        "name": block.table,
        "style": "Table Style Light 9",
        "autofilter": False,
        "columns": [
            {"header": "customer_id", "format": s.fmt("input")},
            {"header": "purchase_date", "format": s.fmt("input", "date")},
        ],
        "data": rows,
    })
    s.text(f"D{header}", None, t["purchase_list"] + ": " + _example_text(ex, lang, "inputs_text"), "muted")
