"""Every edge of the core: invalid input raises InvalidInputError naming the argument and the
value; an undefined result raises UndefinedResultError; blanks in raw data are skipped and
counted; nothing returns a silently wrong number."""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from addin import metrics as m
from addin.errors import InvalidInputError, MetricError, UndefinedResultError


def invalid(call, *args, match, **kwargs):
    with pytest.raises(InvalidInputError, match=match) as info:
        call(*args, **kwargs)
    assert "\n" not in str(info.value)
    return info.value


# --------------------------------------------------------------- zero denominators


@pytest.mark.parametrize("call, args", [
    (m.customer_retention_rate, (0, 0, 0)),
    (m.customer_churn_rate, (0, 0)),
    (m.revenue_churn_rate, (0, 0, 0)),
    (m.gross_revenue_churn_rate, (0, 0, 0)),
    (m.net_revenue_churn_rate, (0, 0, 0, 5)),
    (m.gross_revenue_retention, (0, 0, 0)),
    (m.net_revenue_retention, (0, 0, 0, 0)),
    (m.quick_ratio, (10, 5, 0, 0)),
    (m.existing_customer_revenue_growth, (0, 100)),
    (m.repeat_purchase_ratio, (0, 0)),
    (m.loyal_customer_rate, (0, 0)),
    (m.product_return_rate, (0, 0)),
    (m.days_sales_outstanding, (100, 0)),
    (m.net_promoter_score, (0, 0, 0)),
    (m.nps_margin_of_error, (0, 0, 0)),
    (m.customer_lifetime_value, (1000, 0, 3)),
    (m.customer_lifetime_value_from_churn, (100, 0.8, 0)),
    (m.average_revenue_per_account, (100, 0)),
    (m.customer_retention_cost, (100, 0)),
    (m.dau_mau, (0, 0)),
])
def test_zero_denominator_is_undefined_not_invalid(call, args):
    with pytest.raises(UndefinedResultError, match="undefined"):
        call(*args)


def test_undefined_and_invalid_are_distinct_types():
    assert not issubclass(UndefinedResultError, InvalidInputError)
    assert not issubclass(InvalidInputError, UndefinedResultError)
    assert issubclass(InvalidInputError, MetricError) and issubclass(UndefinedResultError, MetricError)


# --------------------------------------------------------------- scalar arguments


def test_negative_counts_are_invalid_and_named():
    error = invalid(m.customer_retention_rate, -1, 5, 0, match="start_customers is -1")
    assert "expected 0 or more" in str(error)
    invalid(m.customer_churn_rate, 10, -2, match="lost_customers is -2")
    invalid(m.net_promoter_score, 1, -1, 0, match="passives is -1")


def test_negative_money_is_invalid():
    invalid(m.revenue_churn_rate, -100, 90, 0, match="mrr_start is -100")
    invalid(m.days_sales_outstanding, -5, 100, match="receivables is -5")
    invalid(m.quick_ratio, 1, 1, -1, 0, match="churned_mrr is -1")


def test_non_integer_customer_counts_are_invalid():
    invalid(m.customer_retention_rate, 20.5, 24, 5, match="start_customers is 20.5, expected a whole number")
    invalid(m.net_promoter_score, 50, 25.2, 10, match="passives is 25.2")
    assert m.customer_retention_rate(20.0, 24.0, 5.0) == 0.95  # whole floats are fine


def test_end_above_start_plus_new_is_invalid():
    invalid(m.customer_retention_rate, 20, 26, 5,
            match=r"end_customers \(26\) is more than start_customers \+ new_customers \(25\)")


def test_end_below_new_is_invalid_and_says_why():
    error = invalid(m.customer_retention_rate, 20, 4, 5, match=r"end_customers \(4\) is less than new_customers \(5\)")
    assert "meaningless" in str(error)


def test_lost_above_start_is_invalid():
    invalid(m.customer_churn_rate, 10, 11, match=r"lost_customers \(11\) is more than start_customers \(10\)")


def test_parts_above_wholes_are_invalid():
    invalid(m.repeat_purchase_ratio, 6, 5, match="returning_customers")
    invalid(m.loyal_customer_rate, 6, 5, match="repeat_customers")
    invalid(m.product_return_rate, 11, 10, match="units_returned")
    invalid(m.dau_mau, 11, 10, match="dau")
    invalid(m.gross_revenue_churn_rate, 100, 60, 50, match=r"churned_mrr \+ contraction_mrr \(110\)")


@pytest.mark.parametrize("value, match", [
    ("abc", "text 'abc', expected a number"),
    ("", "blank"),
    (None, "blank"),
    (True, "TRUE/FALSE"),
    (float("nan"), "NaN"),
    (float("inf"), "infinite"),
    ([1, 2], "expected a number"),
])
def test_text_and_odd_values_where_numbers_belong(value, match):
    invalid(m.customer_churn_rate, value, 1, match=f"start_customers is .*{match}|start_customers is {match}")


def test_fractions_out_of_range():
    invalid(m.annualized_churn_rate, 1.5, match="periodic_rate is 1.5, expected a fraction")
    invalid(m.customer_lifetime_value_from_churn, 100, 80, 0.05, match="gross_margin is 80")
    invalid(m.nps_margin_of_error, 50, 25, 10, 95, match="confidence is 95")
    invalid(m.annualized_churn_rate, 0.02, 0, match="periods_per_year is 0")
    invalid(m.days_sales_outstanding, 1, 1, 0, match="days is 0")


def test_numeric_numpy_scalars_are_numbers():
    assert m.customer_churn_rate(np.int64(10), np.float32(1)) == 0.1


def test_annualized_churn():
    assert m.annualized_churn_rate(0.02) == pytest.approx(1 - 0.98**12)
    assert m.annualized_churn_rate(0.05, 4) == pytest.approx(1 - 0.95**4)
    assert m.annualized_churn_rate(1) == 1.0


def test_negative_revenue_churn_is_allowed_and_means_expansion():
    assert m.revenue_churn_rate(100, 95, 10) == pytest.approx(-0.05)
    assert m.net_revenue_churn_rate(100, 5, 0, 10) == pytest.approx(-0.05)


# --------------------------------------------------------------- raw data


def test_nps_answers_out_of_range_or_fractional():
    invalid(m.count_nps_answers, [9, 10, 11], match=r"answers\[3\] is 11, expected a whole number from 0 to 10")
    invalid(m.count_nps_answers, [9, -1], match=r"answers\[2\] is -1")
    invalid(m.count_nps_answers, [7.5], match=r"answers\[1\] is 7.5")
    invalid(m.count_nps_answers, [9, "nine"], match=r"answers\[2\] is text 'nine'")
    invalid(m.count_nps_answers, [9, True], match=r"answers\[2\]")


def test_nps_blanks_are_skipped_and_counted():
    counts = m.count_nps_answers([10, None, 9, np.nan, "", "  ", 0, 7])
    assert (counts.promoters, counts.passives, counts.detractors, counts.skipped) == (2, 1, 1, 4)
    assert counts.score == pytest.approx(25.0)


def test_nps_of_only_blanks_is_undefined_and_empty_is_undefined():
    with pytest.raises(UndefinedResultError):
        m.nps_from_answers([None, np.nan])
    with pytest.raises(UndefinedResultError):
        m.nps_from_answers([])


def test_nps_accepts_a_2d_block_and_numpy_and_pandas():
    block = [[10, 9, None], [0, 7]]  # ragged, as Excel Table rows or a pasted block
    assert m.nps_from_answers(block) == pytest.approx(25.0)
    assert m.nps_from_answers(np.array([10.0, 0.0])) == 0.0
    assert m.nps_from_answers(pd.Series([10, 10, 3])) == pytest.approx(100 / 3)


def test_empty_raw_inputs_are_invalid():
    for call in (m.time_between_purchases, m.cohort_retention, m.dau_mau_from_activity):
        invalid(call, [], [], match="is empty")
    invalid(m.repeat_purchase_ratio_from_orders, [], match="customer_ids is empty")
    invalid(m.mrr_movements, [], [], [], match="customer_ids is empty")


def test_ranges_of_different_lengths_are_invalid():
    invalid(m.time_between_purchases, ["a", "b"], ["2026-01-01"],
            match="customer_ids has 2, purchase_dates has 1")


def test_dates_accept_serials_datetimes_and_iso_text_unsorted_with_duplicates():
    ids = ["a", "a", "a", "a"]
    serial = (dt.date(2026, 1, 8) - dt.date(1899, 12, 30)).days
    dates = [dt.datetime(2026, 1, 22, 15, 30), serial, "2026-01-01", pd.Timestamp("2026-01-08")]
    # 1 Jan, 8 Jan (twice: one purchase day), 22 Jan → gaps 7 and 14
    assert m.time_between_purchases(ids, dates) == 10.5


def test_bad_dates_are_invalid_and_named():
    invalid(m.time_between_purchases, ["a", "b"], ["2026-01-01", "31/02/2026"],
            match=r"purchase_dates\[2\] is '31/02/2026', expected a date")
    invalid(m.time_between_purchases, ["a"], [-3], match=r"purchase_dates\[1\] is -3")
    invalid(m.time_between_purchases, ["a"], [True], match=r"purchase_dates\[1\] is True")


def test_blank_rows_in_pairs_are_skipped_and_counted():
    gaps = m.purchase_gaps(["a", None, "a", "b", ""], ["2026-01-01", "2026-01-05", "2026-01-11", None, "2026-01-02"])
    assert gaps.attrs["skipped"] == 3
    assert gaps.to_dict() == {"a": 10.0}


def test_no_repeat_customer_is_undefined():
    with pytest.raises(UndefinedResultError, match="repeat customers"):
        m.time_between_purchases(["a", "b"], ["2026-01-01", "2026-01-02"])


def test_ids_typed_as_whole_floats_match_integers():
    assert m.repeat_purchase_ratio_from_orders([101, 101.0, 102]) == 0.5


def test_repeat_and_loyal_from_orders():
    tally = m.count_repeat_customers(["a", "b", "a", None, "c", "c", "c"])
    assert (tally.repeat, tally.total, tally.skipped) == (2, 3, 1)
    assert m.repeat_purchase_ratio_from_orders(["a", "b", "a"]) == 0.5
    assert m.loyal_customer_rate_from_orders(["a", "b", "a", "b"]) == 1.0


def test_cohort_retention_hand_example():
    ids = ["a", "b", "a", "c", "b", "a"]
    dates = ["2026-01-03", "2026-01-20", "2026-02-01", "2026-02-02", "2026-03-01", "2026-03-05"]
    table = m.cohort_retention(ids, dates)
    # January cohort {a, b}: Feb a → 50 %, Mar a, b → 100 %; February cohort {c}: Mar none → 0 %
    assert list(table.index.strftime("%Y-%m")) == ["2026-01", "2026-02"]
    assert table.loc["2026-01-01", [0, 1, 2]].tolist() == [1.0, 0.5, 1.0]
    assert table.loc["2026-02-01", [0, 1]].tolist() == [1.0, 0.0]
    assert math.isnan(table.loc["2026-02-01", 2])  # not observed yet, not 0 %
    assert table["size"].tolist() == [2, 1]
    counts = m.cohort_retention(ids, dates, counts=True)
    assert counts.loc["2026-01-01", [0, 1, 2]].tolist() == [2, 1, 2]


def test_revenue_cohorts():
    table = m.cohort_retention(["a", "b", "a", "b"], ["2026-01-01", "2026-01-01", "2026-02-01", "2026-02-01"],
                               values=[100, 50, 120, 0])
    assert table.loc["2026-01-01", "size"] == 150
    assert table.loc["2026-01-01", 1] == pytest.approx(120 / 150)
    invalid(m.cohort_retention, ["a"], ["2026-01-01"], values=[-5], match="values contains -5")


def test_mrr_movements_hand_example():
    # a: 10 → 15 (expansion 5) → 0 (churned 15) → 12 (reactivation)
    # b: 20 → 20 → 25 (expansion 5) → 18 (contraction 7); c: new 30 in month 2
    rows = [
        ("a", "2026-01-01", 10), ("a", "2026-02-01", 15), ("a", "2026-04-01", 12),
        ("b", "2026-01-01", 20), ("b", "2026-02-01", 20), ("b", "2026-03-01", 25), ("b", "2026-04-01", 18),
        ("c", "2026-02-01", 30), ("c", "2026-03-01", 30), ("c", "2026-04-01", 30),
    ]
    ids, months, mrr = zip(*rows)
    table = m.mrr_movements(ids, months, mrr).set_index("month")
    feb, mar, apr = (table.loc[pd.Timestamp(f"2026-0{i}-01")] for i in (2, 3, 4))
    assert (feb.start_mrr, feb.new, feb.expansion, feb.end_mrr) == (30, 30, 5, 65)
    assert (mar.churned, mar.expansion, mar.end_mrr) == (15, 5, 55)
    assert (apr.reactivation, apr.contraction, apr.end_mrr) == (12, 7, 60)


def test_mrr_movements_edges():
    with pytest.raises(UndefinedResultError, match="two months"):
        m.mrr_movements(["a"], ["2026-01-01"], [10])
    invalid(m.mrr_movements, ["a", "a"], ["2026-01-01", "2026-02-01"], [10, -1], match="mrr contains -1")
    # two rows of one customer in one month add up
    table = m.mrr_movements(["a", "a", "a"], ["2026-01-01", "2026-01-15", "2026-02-01"], [10, 5, 15])
    assert table.loc[0, "start_mrr"] == 15 and table.loc[0, "end_mrr"] == 15


def test_dau_mau_from_activity():
    users = ["u1", "u2", "u1", "u1", "u3"]
    dates = ["2026-02-01", "2026-02-01", "2026-02-01", "2026-02-02", "2026-02-02"]
    # February, days 1–2 observed: user-days {u1, u2} + {u1, u3} = 4 over 2 days → DAU 2; MAU 3
    assert m.dau_mau_from_activity(users, dates) == pytest.approx(2 / 3)
    assert m.dau_mau_by_month(users, dates)["days"].tolist() == [2]


# --------------------------------------------------------------- extremes (found by the UDF fuzz)


def test_overflowing_results_are_invalid_never_infinite():
    invalid(m.days_sales_outstanding, 1e308, 1e-300, match="too large to compute")
    invalid(m.existing_customer_revenue_growth, 5e-324, 1, match="too large to compute")
    invalid(m.quick_ratio, 1e308, 1e308, 1e-300, 0, match="too large to compute")
    invalid(m.customer_lifetime_value, 1e308, 1, 10, match="too large to compute")


def test_huge_integers_are_invalid_with_a_short_message():
    error = invalid(m.customer_churn_rate, 10**400, 1, match="too large for a number")
    assert len(str(error)) < 120
    error = invalid(m.customer_churn_rate, 1e300, 1e301, match="lost_customers")
    assert "1e+301" in str(error) and len(str(error)) < 120


def test_a_mistyped_year_is_invalid_not_a_huge_matrix():
    invalid(m.cohort_retention, ["a", "b"], ["0004-01-01", "2026-01-01"], match="mistyped year")
    invalid(m.mrr_movements, ["a", "b"], ["2026-01-01", "6157-01-01"], [1, 2], match="mistyped year")
    invalid(m.dau_mau_from_activity, ["a", "b"], ["2026-01-01", "6157-01-01"], match="mistyped year")


def test_ids_beyond_exact_integers_stay_distinct():
    assert m.count_repeat_customers([1e300, 2e300, 1e300]).total == 2


def test_cohort_counts_flag_must_be_a_boolean():
    invalid(m.cohort_retention, ["a"], ["2026-01-01"], counts="FALSE", match="counts is 'FALSE'")
