"""Retention economics (addin.metrics.roi): hand examples, edges, bad input, properties."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.errors import InvalidInputError, UndefinedResultError
from addin.metrics import roi


def one_line(error) -> str:
    message = str(error.value)
    assert "\n" not in message and message
    return message


# --------------------------------------------------------------------------- lifetime, CLV


def test_customer_lifetime_is_one_over_churn():
    assert roi.customer_lifetime(0.05) == pytest.approx(20.0)
    assert roi.customer_lifetime(1) == 1.0


def test_customer_lifetime_zero_churn_is_undefined():
    with pytest.raises(UndefinedResultError) as error:
        roi.customer_lifetime(0)
    assert "churn_rate is 0" in one_line(error)


@pytest.mark.parametrize(
    "value, fragment",
    [(-0.1, "churn_rate is -0.1"), (1.5, "churn_rate is 1.5"), ("5%", "churn_rate is text"),
     (None, "churn_rate is blank"), (True, "churn_rate is True"), (math.nan, "churn_rate is not a number")],
)
def test_customer_lifetime_bad_input(value, fragment):
    with pytest.raises(InvalidInputError) as error:
        roi.customer_lifetime(value)
    assert fragment in one_line(error)


def test_customer_value_margin_multiple():
    # m / churn without discounting: 80 / 0.05
    assert roi.customer_value(100, 0.8, 0.05) == pytest.approx(1600.0)
    # Gupta & Lehmann: m (1 + i) / (1 + i − r) = 80 × 1.01 / (1.01 − 0.95)
    assert roi.customer_value(100, 0.8, 0.05, 0.01) == pytest.approx(80 * 1.01 / 0.06)


def test_customer_value_equals_discounted_sum_of_margins():
    m, churn, i = 80.0, 0.05, 0.01
    k = np.arange(5000)
    explicit = np.sum(m * (1 - churn) ** k / (1 + i) ** k)  # start-of-period payments
    assert roi.customer_value(100, 0.8, churn, i) == pytest.approx(explicit, rel=1e-9)


# --------------------------------------------------------------------------- retention value


def test_retention_value_hand_example():
    # 1,000 customers, ARPA 100, margin 0.8, churn 0.05 → 0.04: CLV 1,600 → 2,000
    assert roi.retention_value(1000, 100, 0.8, 0.05, 0.01) == pytest.approx(400_000.0)


def test_retention_value_discounted():
    m, i = 80.0, 0.01
    expected = 1000 * (m * (1 + i) / (i + 0.04) - m * (1 + i) / (i + 0.05))
    assert roi.retention_value(1000, 100, 0.8, 0.05, 0.01, i) == pytest.approx(expected)


def test_retention_value_no_reduction_is_zero():
    assert roi.retention_value(1000, 100, 0.8, 0.05, 0) == 0.0


def test_retention_value_reduction_to_zero_churn():
    with pytest.raises(UndefinedResultError) as error:
        roi.retention_value(1000, 100, 0.8, 0.05, 0.05)
    assert "infinite lifetime" in one_line(error)
    # with discounting the value is finite: m (1 + i) / i − m (1 + i) / (i + c)
    expected = 1000 * (80 * 1.01 / 0.01 - 80 * 1.01 / 0.06)
    assert roi.retention_value(1000, 100, 0.8, 0.05, 0.05, 0.01) == pytest.approx(expected)


def test_retention_value_zero_churn_is_undefined():
    with pytest.raises(UndefinedResultError):
        roi.retention_value(1000, 100, 0.8, 0, 0)


def test_retention_value_reduction_above_churn_is_invalid():
    with pytest.raises(InvalidInputError) as error:
        roi.retention_value(1000, 100, 0.8, 0.05, 0.06)
    assert "churn_reduction (0.06) is more than churn_rate (0.05)" in one_line(error)


@pytest.mark.parametrize(
    "args, name",
    [((-1, 100, 0.8, 0.05, 0.01), "customers"), ((1000, -100, 0.8, 0.05, 0.01), "arpa"),
     ((1000, 100, 1.2, 0.05, 0.01), "gross_margin"), ((1000, 100, 0.8, 0.05, -0.01), "churn_reduction"),
     ((1000, 100, 0.8, 0.05, 0.01, -0.02), "discount_rate")],
)
def test_retention_value_bad_input_names_the_argument(args, name):
    with pytest.raises(InvalidInputError) as error:
        roi.retention_value(*args)
    assert one_line(error).startswith(name)


def test_retention_roi_hand_example():
    assert roi.retention_roi(1000, 100, 0.8, 0.05, 0.01, 100_000) == pytest.approx(3.0)
    assert roi.retention_roi(1000, 100, 0.8, 0.05, 0.01, 400_000) == pytest.approx(0.0)


def test_retention_roi_zero_cost_is_undefined():
    with pytest.raises(UndefinedResultError) as error:
        roi.retention_roi(1000, 100, 0.8, 0.05, 0.01, 0)
    assert "program_cost is 0" in one_line(error)


def test_retention_roi_negative_cost_is_invalid():
    with pytest.raises(InvalidInputError) as error:
        roi.retention_roi(1000, 100, 0.8, 0.05, 0.01, -5)
    assert one_line(error).startswith("program_cost is -5")


# --------------------------------------------------------------------------- profit uplift


def cohort_profit(r, r_new, years, g, ages=600):
    """Brute force: cohorts by age, steady state under r, then `years` years under r_new."""
    k = np.arange(ages)
    sizes = r**k  # A = 1 new customer a year
    profit_per_customer = (1 + g) ** k
    today = np.sum(sizes * profit_per_customer)
    for _ in range(years):
        sizes = np.concatenate(([1.0], sizes[:-1] * r_new))
    return today, np.sum(sizes * profit_per_customer)


def test_profit_uplift_hand_example_five_years():
    uplift = roi.profit_uplift(0.80, 0.05, 5)
    # base_5 = (1 − 0.85^5) / 0.15 + 0.85^5 / 0.20 against 1 / 0.20
    exact = ((1 - 0.85**5) / 0.15 + 0.85**5 / 0.20) * 0.20 - 1
    assert uplift == pytest.approx(exact, rel=1e-12)
    assert round(uplift, 3) == 0.185


def test_profit_uplift_long_run():
    assert roi.profit_uplift(0.80, 0.05, 200) == pytest.approx(0.20 / 0.15 - 1, abs=1e-9)
    assert round(roi.profit_uplift(0.80, 0.05, 200), 3) == 0.333


def test_profit_uplift_zero_years_and_zero_gain():
    assert roi.profit_uplift(0.8, 0.05, 0) == pytest.approx(0.0, abs=1e-15)
    assert roi.profit_uplift(0.8, 0.0, 7) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("r, gain, years, g", [(0.8, 0.05, 5, 0.0), (0.8, 0.05, 5, 0.1),
                                                (0.6, 0.3, 12, 0.2), (0.5, 0.5, 4, 0.3)])
def test_profit_uplift_matches_cohort_tracking(r, gain, years, g):
    today, later = cohort_profit(r, r + gain, years, g)
    assert roi.profit_uplift(r, gain, years, g) == pytest.approx(later / today - 1, rel=1e-9)


def test_profit_growth_raises_uplift():
    assert roi.profit_uplift(0.8, 0.05, 5, 0.1) > roi.profit_uplift(0.8, 0.05, 5)


def test_profit_uplift_to_full_retention_grows_linearly():
    # r' = 1: base_t = t + 1 / (1 − r)
    assert roi.profit_uplift(0.8, 0.2, 10) == pytest.approx((10 + 5) / 5 - 1)


def test_profit_uplift_edges():
    with pytest.raises(UndefinedResultError) as error:
        roi.profit_uplift(1.0, 0.0, 5)
    assert "retention_rate is 1" in one_line(error)
    with pytest.raises(UndefinedResultError) as error:
        roi.profit_uplift(0.9, 0.05, 5, 0.2)  # 0.9 × 1.2 ≥ 1
    assert "retention_rate × (1 + profit_growth)" in one_line(error)
    with pytest.raises(InvalidInputError) as error:
        roi.profit_uplift(0.9, 0.2, 5)
    assert "retention_rate + retention_gain is 1.1" in one_line(error)
    with pytest.raises(InvalidInputError) as error:
        roi.profit_uplift(0.8, 0.05, 2.5)
    assert one_line(error).startswith("years is 2.5")
    with pytest.raises(InvalidInputError) as error:
        roi.profit_uplift(0.8, 0.05, 5, -1)
    assert one_line(error).startswith("profit_growth is -1")


@settings(max_examples=60, deadline=None)
@given(
    r=st.floats(0.0, 0.95),
    gains=st.tuples(st.floats(0, 1), st.floats(0, 1)),
    years=st.integers(0, 60),
    g=st.floats(0, 0.05),
)
def test_profit_uplift_monotone_in_gain(r, gains, years, g):
    small, large = sorted(x * (1 - r) for x in gains)
    low = roi.profit_uplift(r, small, years, g)
    high = roi.profit_uplift(r, large, years, g)
    assert low >= -1e-12
    assert high >= low - 1e-9 * max(1.0, abs(low))


@settings(max_examples=40, deadline=None)
@given(r=st.floats(0.0, 0.95), gain=st.floats(0, 1), years=st.integers(0, 40))
def test_profit_uplift_monotone_in_years(r, gain, years):
    gain *= 1 - r
    assert roi.profit_uplift(r, gain, years + 1) >= roi.profit_uplift(r, gain, years) - 1e-12


# --------------------------------------------------------------------------- base path


def test_customer_base_path():
    path = roi.customer_base_path(0.8, 0.05, 5)
    assert list(path.columns) == ["current_retention", "improved_retention"]
    assert path.index.name == "year" and list(path.index) == [0, 1, 2, 3, 4, 5]
    assert np.allclose(path["current_retention"], 5.0)
    assert path["improved_retention"].iloc[1] == pytest.approx(0.85 * 5 + 1)
    assert path["improved_retention"].iloc[5] / 5 - 1 == pytest.approx(roi.profit_uplift(0.8, 0.05, 5))
    assert path["improved_retention"].iloc[5] == pytest.approx((1 - 0.85**5) / 0.15 + 0.85**5 / 0.2)


def test_customer_base_path_edges():
    with pytest.raises(UndefinedResultError):
        roi.customer_base_path(1.0, 0.0, 3)
    with pytest.raises(InvalidInputError):
        roi.customer_base_path(0.8, 0.05, -1)
    assert len(roi.customer_base_path(0.8, 0.05, 0)) == 1


# --------------------------------------------------------------------------- acquisition


def test_ltv_cac():
    assert roi.ltv_cac(1600, 400) == pytest.approx(4.0)
    with pytest.raises(UndefinedResultError) as error:
        roi.ltv_cac(1600, 0)
    assert "cac is 0" in one_line(error)
    with pytest.raises(InvalidInputError) as error:
        roi.ltv_cac(-1, 400)
    assert one_line(error).startswith("ltv is -1")


def test_cac_payback():
    assert roi.cac_payback(400, 100, 0.8) == pytest.approx(5.0)
    with pytest.raises(UndefinedResultError) as error:
        roi.cac_payback(400, 0, 0.8)
    assert "arpa × gross_margin is 0" in one_line(error)
    with pytest.raises(InvalidInputError) as error:
        roi.cac_payback(400, 100, 80)
    assert one_line(error).startswith("gross_margin is 80")


def test_profit_uplift_overflow_is_undefined_not_an_exception():
    # found by the Excel-function fuzz: (1 × 236)^130 overflows a float, which Python's **
    # raises as OverflowError instead of returning inf
    with pytest.raises(UndefinedResultError) as error:
        roi.profit_uplift(0, 1, 130, 235)
    assert "overflows" in one_line(error)
