"""Invariants of the core, checked on generated inputs (hypothesis)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from addin import metrics as m
from addin.errors import MetricError

counts = st.integers(min_value=0, max_value=10**7)
money = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(counts, counts, st.data())
def test_crr_in_unit_interval(start, new, data):
    assume(start > 0)
    end = data.draw(st.integers(min_value=new, max_value=start + new))
    assert 0.0 <= m.customer_retention_rate(start, end, new) <= 1.0


@given(counts, st.data())
def test_churn_in_unit_interval_and_complements_retention_without_new(start, data):
    assume(start > 0)
    lost = data.draw(st.integers(min_value=0, max_value=start))
    churn = m.customer_churn_rate(start, lost)
    assert 0.0 <= churn <= 1.0
    # with no new customers, E = S − L and CRR = 1 − churn
    assert m.customer_retention_rate(start, start - lost, 0) == pytest.approx(1 - churn)


@given(st.floats(0, 1), st.integers(1, 52))
def test_annualized_churn_in_unit_interval_and_not_below_periodic(rate, periods):
    annual = m.annualized_churn_rate(rate, periods)
    assert 0.0 <= annual <= 1.0
    assert annual >= rate - 1e-12


@given(st.floats(1e-3, 1e9), st.data())
def test_nrr_is_grr_plus_expansion_share(start, data):
    churned = data.draw(st.floats(0, start))
    contraction = data.draw(st.floats(0, start - churned))
    expansion = data.draw(money)
    grr = m.gross_revenue_retention(start, churned, contraction)
    nrr = m.net_revenue_retention(start, churned, contraction, expansion)
    assert nrr == pytest.approx(grr + expansion / start, rel=1e-9, abs=1e-9)
    assert grr <= 1.0 + 1e-12


@given(counts, counts, counts)
def test_nps_in_range(promoters, passives, detractors):
    assume(promoters + passives + detractors > 0)
    score = m.net_promoter_score(promoters, passives, detractors)
    assert -100.0 <= score <= 100.0
    assert m.nps_margin_of_error(promoters, passives, detractors) >= 0


@given(st.lists(st.one_of(st.integers(0, 10), st.none(), st.just(float("nan"))), max_size=300))
def test_nps_from_answers_equals_nps_from_counts(answers):
    valid = [a for a in answers if a is not None and a == a]
    assume(valid)
    tally = m.count_nps_answers(answers)
    assert tally.responses == len(valid)
    assert tally.skipped == len(answers) - len(valid)
    promoters = sum(a >= 9 for a in valid)
    detractors = sum(a <= 6 for a in valid)
    assert m.nps_from_answers(answers) == pytest.approx((promoters - detractors) / len(valid) * 100)


activity = st.lists(
    st.tuples(st.sampled_from("abcdefgh"), st.dates(pd.Timestamp("2025-01-01").date(), pd.Timestamp("2026-06-30").date())),
    min_size=1,
    max_size=120,
)


@given(activity)
def test_cohort_month_zero_is_100_percent_and_shares_in_unit_interval(rows):
    ids, dates = zip(*rows)
    table = m.cohort_retention(ids, dates)
    assert (table[0] == 1.0).all()
    values = table.drop(columns="size").to_numpy()
    observed = values[~np.isnan(values)]
    assert ((observed >= 0) & (observed <= 1)).all()
    assert table["size"].sum() == len(set(ids))


@given(activity)
def test_tbp_matches_a_plain_loop(rows):
    ids, dates = zip(*rows)
    per_customer = {}
    for cid, day in rows:
        per_customer.setdefault(cid, set()).add(day)
    means = []
    for days in per_customer.values():
        days = sorted(days)
        if len(days) > 1:
            gaps = [(b - a).days for a, b in zip(days, days[1:])]
            means.append(sum(gaps) / len(gaps))
    if not means:
        with pytest.raises(MetricError):
            m.time_between_purchases(ids, dates)
    else:
        assert m.time_between_purchases(ids, dates) == pytest.approx(sum(means) / len(means))


mrr_rows = st.lists(
    st.tuples(
        st.sampled_from(["c1", "c2", "c3", "c4", "c5"]),
        st.integers(0, 11),
        st.one_of(st.just(0.0), st.floats(1, 1000, allow_nan=False)),
    ),
    min_size=2,
    max_size=80,
)


@settings(max_examples=200)
@given(mrr_rows)
def test_mrr_movements_reconcile_every_month(rows):
    ids = [r[0] for r in rows]
    months = [pd.Timestamp("2025-01-01") + pd.DateOffset(months=r[1]) for r in rows]
    assume(len(set(months)) >= 2 or min(r[1] for r in rows) != max(r[1] for r in rows))
    try:
        table = m.mrr_movements(ids, months, [r[2] for r in rows])
    except MetricError:
        assume(False)
    rebuilt = (table.start_mrr + table.new + table.expansion + table.reactivation
               - table.contraction - table.churned)
    assert np.allclose(rebuilt, table.end_mrr)
    assert np.allclose(table.start_mrr.iloc[1:].to_numpy(), table.end_mrr.iloc[:-1].to_numpy())
    assert (table[["new", "expansion", "contraction", "churned", "reactivation"]] >= 0).all().all()
    # from the customers × months table made beforehand (the report's): the same movements
    grid = np.zeros((5, 12))
    for customer, month, mrr in rows:
        grid[int(customer[1]) - 1, month] += mrr
    first, last = min(r[1] for r in rows), max(r[1] for r in rows)
    origin = int(np.datetime64("2025-01", "M").astype(np.int64)) + first
    of_grid = m.mrr_movements_of_grid(grid[:, first:last + 1], origin)
    pd.testing.assert_frame_equal(of_grid, table, check_exact=False, rtol=1e-12, atol=1e-9)


def test_mrr_movements_of_a_grid_refuse_a_negative_mrr_and_a_single_month():
    with pytest.raises(MetricError, match="mrr contains -5, expected 0 or more"):
        m.mrr_movements_of_grid(np.array([[10.0, -5.0]]), 600)
    with pytest.raises(MetricError, match="at least two months"):
        m.mrr_movements_of_grid(np.array([[10.0], [3.0]]), 600)
