"""Hostile arguments through xlwings' Office.js call path: the cell never echoes a novel and
the work never outgrows the memory of Excel or xlwings Lite.

- A long argument (100,000 characters of text, a long error text or data type, a huge range)
  is shown in the message as a short excerpt with its length: every message stays a line.
- The dense customers × months work (MRR_MOVEMENTS, COHORT_RETENTION) is sized before it is
  allocated; what would need more than the set memory is refused in one line that gives the
  size and the likely cause (a mistyped year), instead of a MemoryError or gigabytes used.
- Inputs of a normal size still give the core's numbers (the guides' worked examples are in
  tests/test_udfs_call.py).

No assertion here is about time: a refusal is checked by its message, and "before
allocating" by the memory traced during the call.
"""

import inspect
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from udf_helpers import FUNCTION_NAMES, Shown, call, call_raw, col, host_message, shown, udfs, unwrap

from addin import metrics as m
from addin.cells import serial_of
from addin.errors import InvalidInputError
from addin.metrics import _inputs

LONG = 100_000
# A message is one line: the argument's name, a short excerpt and what was expected.
MAX_MESSAGE = 300

ERROR_OF_LONG_TEXT = {"type": "Error", "basicType": "Error", "basicValue": "#" + "N" * LONG,
                      "errorType": "Value"}
DATA_TYPE_OF_LONG_NAME = {"type": "Entity" + "e" * LONG, "text": "t" * LONG}
HOSTILE_ARGUMENTS = {
    "long text": [["x" * LONG]],
    "long numeric text": [["7" * LONG]],
    "long control characters": [["\x00" * LONG]],
    "long text of lines": [["é\n" * (LONG // 2)]],
    "a range ending in long text": col("a", "b", "c", "x" * LONG),
    "two long cells": [["x" * LONG, "y" * LONG]],
    "an error cell with a long text": [[ERROR_OF_LONG_TEXT]],
    "a data type with a long name": [[DATA_TYPE_OF_LONG_NAME]],
}


def _message(name: str, args: list) -> str:
    """The message the cell shows for this call ('' when it gives a value)."""
    try:
        call_raw(name, args)
    except Exception as error:  # noqa: BLE001 - the host turns any exception into #VALUE!
        return host_message(error)
    return ""


def serial(day: str) -> float:
    return serial_of(np.datetime64(day, "D").astype(object))


# --------------------------------------------------------------------------- long arguments


@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_a_long_argument_is_never_echoed_whole(name):
    n_args = len(inspect.signature(getattr(udfs, name)).parameters)
    for position in range(n_args):
        for what, hostile in HOSTILE_ARGUMENTS.items():
            for filler in ([[5]], col(1, 2, 3)):
                args = [filler] * n_args
                args[position] = hostile
                message = _message(name, args)
                assert len(message) <= MAX_MESSAGE, (name, position, what, message[:200])
                assert "\n" not in message, (name, position, what, message[:200])


def test_long_text_shows_its_first_characters_and_its_length():
    assert shown("CRR", "x" * LONG, 1, 1) == Shown(
        "#VALUE!",
        f"start_customers is text '{'x' * 56}…' (100,000 characters), expected a number",
    )


def test_a_long_cell_in_a_range_is_named_by_position_with_an_excerpt():
    message = shown("NPS", col(9, 10, "7" * LONG)).message
    assert message.startswith("answers[3] is text '7777")
    assert "…' (100,000 characters), expected a number" in message and len(message) < 150


def test_a_long_error_text_or_data_type_is_cut_too():
    assert shown("CRR", [[ERROR_OF_LONG_TEXT]], 1, 1).message == (
        f"start_customers is the error #{'N' * 56}… (100,001 characters): correct that cell"
    )
    message = shown("CRR", [[DATA_TYPE_OF_LONG_NAME]], 1, 1).message
    assert message.startswith("start_customers is a data type (Entityeee")
    assert "(100,006 characters)" in message and len(message) < 150


def test_a_flag_of_long_text_is_cut():
    message = shown("COHORT_RETENTION", col("a"), col(46000), "y" * LONG).message
    assert message == f"counts is text '{'y' * 56}…' (100,000 characters), expected TRUE or FALSE"


def test_short_values_are_shown_as_before():
    assert shown("CRR", "x", 1, 1).message == "start_customers is text 'x', expected a number"
    assert shown("CRR", -3, 1, 1).message == "start_customers is -3, expected 0 or more"


def test_the_core_shows_a_long_list_by_its_first_values():
    with pytest.raises(InvalidInputError) as error:
        m.customer_churn_rate(list(range(LONG)), 1)
    assert str(error.value) == "start_customers is [0, 1, 2, … (100,000 values)], expected a number"
    with pytest.raises(InvalidInputError) as error:
        m.customer_churn_rate(np.zeros((400, 250)), 1)
    assert "[0, 0, 0, … (100,000 values)]" in str(error.value)
    with pytest.raises(InvalidInputError) as error:  # nested lists are not walked into
        m.customer_churn_rate([[[1] * 10] * 10] * 10, 1)
    assert str(error.value) == "start_customers is [[…], […], […], … (10 values)], expected a number"


def test_a_huge_integer_is_shown_by_its_number_of_digits():
    with pytest.raises(InvalidInputError) as error:
        m.customer_churn_rate(10**5000, 1)  # str() of it would raise (over 4,300 digits)
    assert "a number of about 5,001 digits" in str(error.value)
    assert len(str(error.value)) < 100


# --------------------------------------------------------------------------- dense tables

# Orders of 2020-2025 and one typed in 2098 instead of 2025: a single typo.
TYPO_CUSTOMERS = 20_000


def _typo_columns(n: int):
    start, end = serial("2020-01-01"), serial("2025-12-31")
    ids = col(*(f"C{i:05d}" for i in range(n)))
    days = [start + (i * 7919) % int(end - start) for i in range(n)]
    days[-1] = serial("2098-03-15")
    mrr = col(*(float(10 + i % 90) for i in range(n)))
    return ids, col(*days), mrr


def test_one_typo_year_is_refused_with_the_size_and_the_cause():
    ids, months, mrr = _typo_columns(TYPO_CUSTOMERS)
    # 2020-01 .. 2098-03 is 939 months; 40 bytes a cell (the grid and its working copies)
    assert shown("MRR_MOVEMENTS", ids, months, mrr) == Shown(
        "#VALUE!",
        "MRR movements would need a table of 20,000 customers × 939 months, about 751 MB, more "
        "than the 256 MB allowed: months span 2020-01 to 2098-03 with nothing between 2025-12 "
        "and 2098-03: a mistyped year?",
    )


def test_the_refusal_comes_before_the_table_is_allocated():
    ids, months, mrr = _typo_columns(TYPO_CUSTOMERS)
    tracemalloc.start()
    try:
        message = shown("MRR_MOVEMENTS", ids, months, mrr).message
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert message.startswith("MRR movements would need a table of 20,000 customers")
    # the table alone would be 20,000 × 939 × 8 bytes = 150 MB; the call used a few MB
    assert peak < 50e6


def test_300000_customers_over_a_century_are_refused_not_a_memory_error():
    n = 300_000
    ids = col(*(f"C{i:06d}" for i in range(n)))
    # 2000-01-01 to 2098-12-31, spread evenly: no gap, so no typo to point at
    months = col(*(serial("2000-01-01") + (i * 36159) // n for i in range(n)))
    mrr = col(*(float(10 + i % 90) for i in range(n)))
    assert shown("MRR_MOVEMENTS", ids, months, mrr) == Shown(
        "#VALUE!",
        "MRR movements would need a table of 300,000 customers × 1,188 months, about 14.3 GB, "
        "more than the 256 MB allowed: months span 2000-01 to 2098-12: give fewer customers "
        "or months at a time (one segment, or only the years needed)",
    )


def test_cohort_retention_is_bounded_by_the_same_rule(monkeypatch):
    # a century of monthly cohorts takes about 58 MB: under the limit, so lower it to see the rule
    monkeypatch.setattr(_inputs, "MAX_TABLE_BYTES", 1_000_000)
    ids = col("a", "b", "c")
    days = col(serial("2020-01-05"), serial("2021-06-01"), serial("2045-02-01"))
    assert shown("COHORT_RETENTION", ids, days) == Shown(
        "#VALUE!",
        "cohort retention would need a table of 302 cohorts × 302 months, about 4 MB, more "
        "than the 1 MB allowed: activity_dates span 2020-01 to 2045-02 with nothing between "
        "2021-06 and 2045-02: a mistyped year?",
    )


def test_a_century_of_cohorts_is_still_computed():
    n = 3_000
    ids = col(*(f"C{i}" for i in range(n)))
    days = col(*(serial("1926-01-01") + (i * 36159) // n for i in range(n)))
    table = unwrap(call("COHORT_RETENTION", ids, days))
    assert table[0][:3] == ["cohort", "size", 0] and len(table) == 1 + 1188


def test_normal_sizes_are_not_refused():
    # 5,000 customers, six months each, over three years: the same table as the core's
    n, span = 5_000, 36
    rows = [(c, (c % 30) + k) for c in range(n) for k in range(6)]
    ids = [f"C{c}" for c, _ in rows]
    days = [serial("2023-01-01") + 31 * month for _, month in rows]
    mrr = [float(20 + (c + month) % 50) for c, month in rows]
    table = unwrap(call("MRR_MOVEMENTS", col(*ids), col(*days), col(*mrr)))
    frame = m.mrr_movements(ids, days, mrr)
    assert len(table) == 1 + len(frame) and len(frame) < span
    assert table[1][1:] == [float(x) for x in frame.iloc[0, 1:]]


def test_the_limit_just_fits():
    months = np.array([0, 9])
    _inputs.dense_table("x", 640_000, "customers", "months", months, 40)  # 256,000,000: allowed
    with pytest.raises(InvalidInputError, match="about 256 MB"):
        _inputs.dense_table("x", 640_001, "customers", "months", months, 40)


def test_the_limits_are_documented():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "excel-functions.md").read_text("utf-8")
    assert f"{_inputs.MAX_TABLE_BYTES / 1e6:.0f} MB" in doc
    assert f"{_inputs.EXCERPT_CHARS} characters" in doc
