"""Predictive CLV (addin.metrics.predictive): summary, BG/NBD, Gamma-Gamma, forecast.

The published CDNOW results (Fader, Hardie & Lee 2005; Fader & Hardie 2013) are reproduced
from the raw transactions in tests/data/CDNOW_sample.txt (see tests/data/README.md).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize as scipy_optimize

from addin.errors import InvalidInputError, UndefinedResultError
from addin.metrics import predictive as P

CDNOW = Path(__file__).parent / "data" / "CDNOW_sample.txt"
PUBLISHED_BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def one_line(error) -> str:
    message = str(error.value)
    assert message and "\n" not in message
    return message


@pytest.fixture(scope="module")
def cdnow():
    table = pd.read_csv(
        CDNOW, sep=r"\s+", header=None, names=["master_id", "customer_id", "date", "cds", "amount"],
        dtype={"date": str},
    )
    dates = pd.to_datetime(table["date"], format="%Y%m%d").to_numpy()
    return table["customer_id"].to_numpy(), dates, table["amount"].to_numpy()


@pytest.fixture(scope="module")
def cdnow_model(cdnow):
    return P.fit_clv_model(*cdnow, calibration_end="1997-09-30", time_unit="W")


def simulate_bg_nbd(n, r, alpha, a, b, t_max, seed):
    """(x, t_x, T) drawn from the BG/NBD process in continuous time."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    drop = rng.beta(a, b, n)
    age = rng.uniform(t_max / 2, t_max, n)
    x, tx, clock = np.zeros(n), np.zeros(n), np.zeros(n)
    alive = np.ones(n, dtype=bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        clock[idx] += rng.exponential(1 / lam[idx])
        bought = clock[idx] <= age[idx]
        alive[idx[~bought]] = False
        go = idx[bought]
        x[go] += 1
        tx[go] = clock[go]
        alive[go[rng.random(len(go)) < drop[go]]] = False
    return x, tx, age


# --------------------------------------------------------------------------- rfm_summary


def test_rfm_summary_hand_example():
    ids = ["a", "a", "a", "b", "a", "c", "c"]
    dates = ["2024-01-01", "2024-01-15", "2024-01-15", "2024-01-08", "2024-02-12",
             "2024-01-29", "2024-03-01"]
    amounts = [10, 20, 5, 7, 40, 3, 99]
    summary = P.rfm_summary(ids, dates, amounts, calibration_end="2024-02-26", time_unit="W")
    assert list(summary.columns) == ["frequency", "recency", "T", "monetary_value"]
    assert summary.index.name == "customer_id" and list(summary.index) == ["a", "b", "c"]
    a = summary.loc["a"]
    assert a["frequency"] == 2  # 01-15 (two orders, one transaction) and 02-12
    assert a["recency"] == pytest.approx(6.0)  # 42 days
    assert a["T"] == pytest.approx(8.0)  # 56 days
    assert a["monetary_value"] == pytest.approx((25 + 40) / 2)
    b = summary.loc["b"]
    assert (b["frequency"], b["recency"], b["monetary_value"]) == (0, 0.0, 0.0)
    assert b["T"] == pytest.approx(7.0)
    c = summary.loc["c"]  # its 03-01 order is after calibration_end
    assert (c["frequency"], c["recency"], c["T"]) == (0, 0.0, 4.0)
    assert summary.attrs["ignored_orders"] == 1 and summary.attrs["skipped"] == 0
    assert summary.attrs["calibration_end"] == pd.Timestamp("2024-02-26")
    assert summary["frequency"].dtype == np.int64


@pytest.mark.parametrize("unit, length", [("D", 1.0), ("W", 7.0), ("M", 30.436875), ("w", 7.0)])
def test_rfm_summary_time_units(unit, length):
    summary = P.rfm_summary([1, 1], ["2024-01-01", "2024-03-01"], [5, 6], "2024-12-31", unit)
    assert summary.loc[1, "recency"] == pytest.approx(60 / length)
    assert summary.loc[1, "T"] == pytest.approx(365 / length)


def test_rfm_summary_defaults_to_latest_order_and_skips_blanks():
    ids = [1, 1, None, 2, 2, ""]
    dates = [45292, 45299, 45300, None, 45310, 45311]  # Excel serials: 2024-01-01 …
    amounts = [1.0, 2.0, 3.0, 4.0, np.nan, 5.0]
    summary = P.rfm_summary(ids, dates, amounts, time_unit="D")
    assert summary.attrs["skipped"] == 4
    assert list(summary.index) == [1]
    assert summary.attrs["calibration_end"] == pd.Timestamp("2024-01-08")
    assert summary.loc[1, "T"] == 7.0 and summary.loc[1, "frequency"] == 1


def test_rfm_summary_whole_float_ids_are_integers():
    summary = P.rfm_summary([101.0, 101, 102.0], ["2024-01-01", "2024-01-05", "2024-01-02"], [1, 2, 3])
    assert list(summary.index) == [101, 102]


def test_rfm_summary_mixed_ids_keep_first_appearance():
    summary = P.rfm_summary(["x", 5, "x"], ["2024-01-02", "2024-01-01", "2024-01-09"], [1, 2, 3], time_unit="D")
    assert list(summary.index) == ["x", 5]
    assert summary.loc["x", "frequency"] == 1


def test_rfm_summary_reproduces_hardie_cdnow_summary(cdnow):
    summary = P.rfm_summary(*cdnow, calibration_end="1997-09-30", time_unit="W")
    assert len(summary) == 2357 and summary.attrs["ignored_orders"] == 1959
    assert (summary["frequency"] > 0).sum() == 946
    assert summary["frequency"].sum() == 2457
    # customer 1 of Hardie's summary: x = 2, t_x = 30.43, T = 38.86, zbar = 22.35
    first = summary.loc[1]
    assert first["frequency"] == 2
    assert first["recency"] == pytest.approx(213 / 7)
    assert first["T"] == pytest.approx(272 / 7)
    assert first["monetary_value"] == pytest.approx((14.96 + 29.73) / 2)
    assert summary["T"].sum() == pytest.approx(77111.28571428571)
    assert summary["recency"].sum() == pytest.approx(16135.57142857143)


def test_rfm_summary_on_a_million_orders():
    # its speed is measured by benchmarks/bench_predictive.py, not asserted here (a loaded
    # machine would fail a timed assertion)
    rng = np.random.default_rng(7)
    ids = rng.integers(0, 50_000, 1_000_000)
    dates = np.datetime64("2023-01-01") + rng.integers(0, 730, 1_000_000).astype("timedelta64[D]")
    amounts = rng.gamma(2.0, 20.0, 1_000_000)
    summary = P.rfm_summary(ids, dates, amounts)
    assert len(summary) == 50_000
    # cross-check one customer against a plain pandas computation
    one = pd.DataFrame({"id": ids, "day": dates, "amount": amounts}).query("id == 123")
    per_day = one.groupby("day")["amount"].sum().sort_index()
    row = summary.loc[123]
    assert row["frequency"] == len(per_day) - 1
    assert row["monetary_value"] == pytest.approx(per_day.iloc[1:].mean())
    assert row["recency"] == pytest.approx((per_day.index[-1] - per_day.index[0]).days / 7)


@settings(max_examples=40, deadline=None)
@given(
    orders=st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 60), st.integers(0, 500)), min_size=1, max_size=60
    ),
    end=st.integers(0, 70),
)
def test_rfm_summary_matches_a_plain_pandas_summary(orders, end):
    table = pd.DataFrame(orders, columns=["id", "day", "amount"]).astype({"amount": float})
    table["date"] = np.datetime64("2024-01-01") + table["day"].to_numpy().astype("timedelta64[D]")
    if end < table["day"].min():
        with pytest.raises(InvalidInputError):
            P.rfm_summary(table["id"], table["date"], table["amount"], table["date"].min() - pd.Timedelta(days=1))
        return
    calibration_end = np.datetime64("2024-01-01") + np.timedelta64(end, "D")
    summary = P.rfm_summary(table["id"], table["date"], table["amount"], calibration_end, "D")
    kept = table[table["day"] <= end]
    days = kept.groupby(["id", "day"])["amount"].sum().reset_index()
    assert list(summary.index) == sorted(kept["id"].unique())
    assert summary.attrs["ignored_orders"] == len(table) - len(kept)
    for customer, group in days.groupby("id"):
        row = summary.loc[customer]
        assert row["frequency"] == len(group) - 1
        assert row["recency"] == group["day"].max() - group["day"].min()
        assert row["T"] == end - group["day"].min()
        repeat = group.sort_values("day")["amount"].iloc[1:]
        assert row["monetary_value"] == pytest.approx(repeat.mean() if len(repeat) else 0.0)


@pytest.mark.parametrize(
    "kwargs, error, fragment",
    [
        (dict(amounts=[10, -5]), InvalidInputError, "amounts[2] is -5, expected 0 or more"),
        (dict(amounts=[10, "x"]), InvalidInputError, "amounts[2] is text 'x'"),
        (dict(order_dates=["2024-01-01", "soon"]), InvalidInputError, "order_dates[2] is 'soon'"),
        (dict(customer_ids=[1]), InvalidInputError, "the ranges differ in length"),
        (dict(time_unit="Y"), InvalidInputError, "time_unit is 'Y'"),
        (dict(calibration_end="2023-01-01"), InvalidInputError, "calibration_end is 2023-01-01, before the first order"),
        (dict(calibration_end=["2024-01-01", "2024-02-01"]), InvalidInputError, "calibration_end has 2 values"),
        (dict(customer_ids=[None, ""]), InvalidInputError, "no complete order"),
        (dict(customer_ids=[], order_dates=[], amounts=[]), InvalidInputError, "customer_ids is empty"),
    ],
)
def test_rfm_summary_bad_input(kwargs, error, fragment):
    arguments = dict(customer_ids=[1, 2], order_dates=["2024-01-01", "2024-01-02"], amounts=[10, 20])
    arguments.update(kwargs)
    with pytest.raises(error) as raised:
        P.rfm_summary(**arguments)
    assert fragment in one_line(raised)


# --------------------------------------------------------------------------- BG/NBD


def test_bg_nbd_reproduces_published_cdnow_fit(cdnow_model):
    fit = cdnow_model.bg_nbd
    for name, published in PUBLISHED_BG.items():
        assert getattr(fit, name) == pytest.approx(published, rel=0.005), name
    assert fit.log_likelihood == pytest.approx(-9582.4, abs=0.1)
    assert (fit.customers, fit.repeat_buyers, fit.time_unit) == (2357, 946, "W")


def test_bg_nbd_matches_hardie_spreadsheet(cdnow_model):
    fit = cdnow_model.bg_nbd
    assert fit.expected_purchases(39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=1e-3)
    times = [0.1429, 1.0, 3.00, 31.8571, 32.00, 78.00]
    expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]
    actual = [fit.expected_purchases_new_customer(t) for t in times]
    assert np.allclose(actual, expected, atol=1e-3)


def test_probability_alive_formula():
    fit = P.BgNbdFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0, customers=0, repeat_buyers=0)
    expected = 1 / (1 + 0.793 / (2.426 + 2 - 1) * ((4.414 + 38.86) / (4.414 + 30.43)) ** (0.243 + 2))
    assert fit.probability_alive(2, 30.43, 38.86) == pytest.approx(expected)
    assert fit.probability_alive(0, 0, 38.86) == 1.0
    assert fit.probability_alive(5, 10, 10) > fit.probability_alive(5, 2, 10)
    values = fit.probability_alive([0, 2, 10], [0, 30.43, 5], [38.86, 38.86, 38.86])
    assert isinstance(values, np.ndarray) and values.shape == (3,)
    assert isinstance(fit.probability_alive(2, 30.43, 38.86), float)


def test_expected_purchases_vectorised_and_stable():
    fit = P.BgNbdFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0, customers=0, repeat_buyers=0)
    many = fit.expected_purchases(39, [2, 0, 50], [30.43, 0, 38], [38.86, 38.86, 38.86])
    assert many[0] == pytest.approx(fit.expected_purchases(39, 2, 30.43, 38.86))
    assert fit.expected_purchases(0, 2, 30.43, 38.86) == 0.0
    # a frequent buyer: the untransformed 2F1(r + x, b + x; …) overflows, eq. 10 must not
    heavy = fit.expected_purchases([52, 520], 5000, 38.8, 38.86)
    assert np.all(np.isfinite(heavy)) and heavy[1] > heavy[0] > 1000
    far = fit.expected_purchases(10_000, 30, 2, 200)
    assert np.isfinite(far) and far >= 0


def test_expected_purchases_continuous_at_a_equal_1():
    def value(a):
        fit = P.BgNbdFit(r=0.243, alpha=4.414, a=a, b=2.426, log_likelihood=0, customers=0, repeat_buyers=0)
        return fit.expected_purchases(39, 2, 30.43, 38.86), fit.expected_purchases_new_customer(39)

    below, at, above = value(1 - 1e-4), value(1.0), value(1 + 1e-4)
    for i in range(2):
        assert np.isfinite(at[i])
        assert at[i] == pytest.approx((below[i] + above[i]) / 2, rel=1e-6)


def test_expected_purchases_matches_simulation():
    # E[Y(t) | x = 0, T] for customers alive since T with no repeat purchase, by simulation
    r, alpha, a, b, age, t = 0.8, 5.0, 1.3, 4.0, 20.0, 30.0
    fit = P.BgNbdFit(r=r, alpha=alpha, a=a, b=b, log_likelihood=0, customers=0, repeat_buyers=0)
    rng = np.random.default_rng(11)
    lam = rng.gamma(r, 1 / alpha, 400_000)
    silent = rng.random(len(lam)) < np.exp(-lam * age)  # no purchase in (0, T]: still alive
    lam = lam[silent]
    drop = rng.beta(a, b, len(lam))
    # purchases in (T, T + t]: Poisson(λ t) capped by the geometric dropout
    count = rng.poisson(lam * t)
    cap = rng.geometric(drop)
    simulated = np.minimum(count, cap).mean()
    assert fit.expected_purchases(t, 0, 0, age) == pytest.approx(simulated, rel=0.02)


def test_bg_nbd_gradient_is_correct():
    x, tx, age = simulate_bg_nbd(300, 0.5, 3.0, 0.8, 2.5, 40, seed=2)
    ux, inv = np.unique(x, return_inverse=True)
    data = (ux, inv.reshape(-1), x, tx / 20, age / 20, np.ones(len(x)), len(x))
    for theta in ([0.1, -0.3, 0.2, 0.5], [-1.0, 1.0, -0.5, 1.5]):
        error = scipy_optimize.check_grad(
            lambda th: P._bg_nbd_objective(th, data)[0],
            lambda th: P._bg_nbd_objective(th, data)[1],
            np.array(theta),
        )
        assert error < 1e-5


def test_bg_nbd_recovers_simulated_parameters():
    truth = {"r": 0.6, "alpha": 4.0, "a": 0.9, "b": 3.0}
    x, tx, age = simulate_bg_nbd(20_000, *truth.values(), t_max=60, seed=5)
    fit = P.fit_bg_nbd(x, tx, age)
    for name, value in truth.items():
        assert getattr(fit, name) == pytest.approx(value, rel=0.15), name
    # time rescaling: the same data in days give the same model with α × 7
    days = P.fit_bg_nbd(x, tx * 7, age * 7, time_unit="D")
    assert days.alpha == pytest.approx(fit.alpha * 7, rel=1e-4)
    assert days.r == pytest.approx(fit.r, rel=1e-4) and days.b == pytest.approx(fit.b, rel=1e-4)


def test_fit_bg_nbd_needs_repeat_buyers():
    with pytest.raises(UndefinedResultError) as error:
        P.fit_bg_nbd([0] * 50 + [1] * 3, [0] * 50 + [2] * 3, [10] * 53)
    message = one_line(error)
    assert f"at least {P.MIN_REPEAT_BUYERS} repeat buyers" in message
    assert "the data have 3 of 53 customers" in message


@pytest.mark.parametrize(
    "frequency, recency, T, fragment",
    [
        ([1.5, 1], [2, 2], [5, 5], "frequency[1] is 1.5, expected a whole number"),
        ([-1, 1], [2, 2], [5, 5], "frequency[1] is -1"),
        ([1, 1], [6, 2], [5, 5], "recency[1] (6) is more than T[1] (5)"),
        ([0, 1], [2, 2], [5, 5], "recency[1] is 2 but frequency[1] is 0"),
        ([1, 1], [-2, 2], [5, 5], "recency[1] is -2"),
        ([1, 1], [2, 2], [5], "the ranges differ in length"),
        ([1, "a"], [2, 2], [5, 5], "frequency[2] is text 'a'"),
    ],
)
def test_bg_nbd_bad_summary_input(frequency, recency, T, fragment):
    with pytest.raises(InvalidInputError) as error:
        P.fit_bg_nbd(frequency, recency, T)
    assert fragment in one_line(error)
    fit = P.BgNbdFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0, customers=0, repeat_buyers=0)
    with pytest.raises(InvalidInputError):
        fit.probability_alive(frequency, recency, T)


def test_expected_purchases_bad_t():
    fit = P.BgNbdFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0, customers=0, repeat_buyers=0)
    with pytest.raises(InvalidInputError) as error:
        fit.expected_purchases(-1, 2, 30, 38)
    assert one_line(error).startswith("t is -1")
    with pytest.raises(InvalidInputError):
        fit.expected_purchases([1, 2, 3], [1, 2], [1, 1], [5, 5])
    with pytest.raises(InvalidInputError):
        fit.expected_purchases_new_customer(-3)


def test_optimiser_failure_is_reported(monkeypatch):
    x, tx, age = simulate_bg_nbd(500, 0.5, 3.0, 0.8, 2.5, 40, seed=3)

    def failing(fun, x0, **kwargs):
        return scipy_optimize.OptimizeResult(
            x=np.full_like(x0, np.nan), fun=np.nan, success=False, message="ABNORMAL", jac=x0 * 0
        )

    monkeypatch.setattr(P.optimize, "minimize", failing)
    with pytest.raises(UndefinedResultError) as error:
        P.fit_bg_nbd(x, tx, age)
    assert "the BG/NBD fit did not converge (optimiser: ABNORMAL)" in one_line(error)


def test_degenerate_fit_is_reported(monkeypatch):
    x, tx, age = simulate_bg_nbd(500, 0.5, 3.0, 0.8, 2.5, 40, seed=3)

    def to_the_edge(fun, x0, **kwargs):
        theta = np.array([0.0, 0.0, -P._LOG_BOUND, 1.0])
        return scipy_optimize.OptimizeResult(
            x=theta, fun=fun(theta)[0], success=True, message="ok", jac=np.zeros(4)
        )

    monkeypatch.setattr(P.optimize, "minimize", to_the_edge)
    with pytest.raises(UndefinedResultError) as error:
        P.fit_bg_nbd(x, tx, age)
    assert "the BG/NBD fit is degenerate: the likelihood keeps rising as a 1.52e-08" in one_line(error)


def test_identical_histories_are_degenerate():
    # ten purchases each, the last right at the end: no spread in rates or dropout
    with pytest.raises(UndefinedResultError) as error:
        P.fit_bg_nbd([10] * 100, [10.0] * 100, [10.0] * 100)
    assert "the BG/NBD fit is degenerate" in one_line(error)
    assert "cannot pin the model down" in one_line(error)


def test_fixed_price_spend_is_degenerate():
    with pytest.raises(UndefinedResultError) as error:
        P.fit_gamma_gamma([1, 2, 3] * 10, [10.0] * 30)
    message = one_line(error)
    assert "the Gamma-Gamma fit is degenerate" in message and "use the price" in message


@settings(max_examples=80, deadline=None)
@given(
    params=st.tuples(*(st.floats(0.05, 20) for _ in range(4))),
    x=st.integers(0, 300),
    fractions=st.tuples(st.floats(0, 1), st.floats(0.01, 200)),
    t=st.floats(0.1, 500),
)
def test_p_alive_in_unit_interval_and_expectations_sane(params, x, fractions, t):
    r, alpha, a, b = params
    share, age = fractions
    tx = share * age if x > 0 else 0.0
    fit = P.BgNbdFit(r=r, alpha=alpha, a=a, b=b, log_likelihood=0, customers=0, repeat_buyers=0)
    p_alive = fit.probability_alive(x, tx, age)
    assert 0.0 <= p_alive <= 1.0
    near, far = fit.expected_purchases([t, 2 * t], x, tx, age)
    assert 0.0 <= near <= far * (1 + 1e-9) + 1e-12
    # never more than a customer sure to stay alive would buy: E[λ | x, T] t = (r + x) t / (α + T)
    assert near <= (r + x) / (alpha + age) * t * (1 + 1e-6) + 1e-9


# --------------------------------------------------------------------------- Gamma-Gamma


def test_gamma_gamma_reproduces_published_cdnow_fit(cdnow_model):
    fit = cdnow_model.gamma_gamma
    for name, published in PUBLISHED_GG.items():
        assert getattr(fit, name) == pytest.approx(published, rel=0.005), name
    assert fit.customers == 946
    assert cdnow_model.spend_excluded == 0


def test_gamma_gamma_published_values_are_the_calibration_period_ones(cdnow):
    whole = P.rfm_summary(*cdnow, time_unit="W")  # to 1998-06-30
    fit = P.fit_gamma_gamma(whole["frequency"], whole["monetary_value"])
    assert fit.customers == 1139
    assert fit.p == pytest.approx(4.68, rel=0.01) and fit.gamma == pytest.approx(24.39, rel=0.01)


def test_expected_spend(cdnow_model):
    fit = cdnow_model.gamma_gamma
    p, q, g = fit.p, fit.q, fit.gamma
    assert fit.expected_spend(0, 0) == pytest.approx(p * g / (q - 1))
    assert fit.expected_spend(0, 0) == pytest.approx(35.2, abs=0.1)
    assert fit.expected_spend(2, 22.345) == pytest.approx(p * (g + 2 * 22.345) / (2 * p + q - 1))
    spends = fit.expected_spend([1, 10, 1000], [100, 100, 100])
    assert np.all(np.diff(spends) > 0) and spends[-1] == pytest.approx(100, rel=0.01)


def test_expected_spend_undefined_when_q_at_most_1():
    fit = P.GammaGammaFit(p=2.0, q=0.8, gamma=10.0, log_likelihood=0.0, customers=20)
    with pytest.raises(UndefinedResultError) as error:
        fit.expected_spend(0, 0)
    assert "q is 0.8" in one_line(error)
    assert fit.expected_spend(3, 50) == pytest.approx(2 * (10 + 150) / (6 + 0.8 - 1))


def test_gamma_gamma_gradient_is_correct():
    rng = np.random.default_rng(4)
    x = rng.integers(1, 20, 200).astype(float)
    m = rng.gamma(6 * x, 1.0) / rng.gamma(4, 1 / 15, 200) / x
    m = m / m.mean()
    ux, inv = np.unique(x, return_inverse=True)
    data = (ux, inv.reshape(-1), x, m, np.log(m), 200)
    for theta in ([0.5, 1.0, 0.2], [2.0, 0.1, -1.0]):
        error = scipy_optimize.check_grad(
            lambda th: P._gg_objective(th, data)[0],
            lambda th: P._gg_objective(th, data)[1],
            np.array(theta),
        )
        scale = max(1.0, float(np.abs(P._gg_objective(np.array(theta), data)[1]).max()))
        assert error < 1e-6 * scale
    # the grouped likelihood is the plain one
    p, q, g = np.exp([0.5, 1.0, 0.2])
    assert -P._gg_objective(np.array([0.5, 1.0, 0.2]), data)[0] * 200 == pytest.approx(
        np.sum(P._gg_loglik(p, q, g, x, m)), rel=1e-12
    )


def test_gamma_gamma_bad_input():
    with pytest.raises(UndefinedResultError) as error:
        P.fit_gamma_gamma([0] * 40 + [2] * 5, [0] * 40 + [10] * 5)
    assert f"at least {P.MIN_REPEAT_BUYERS} repeat buyers" in one_line(error)
    assert "the data have 5 of 45 customers" in one_line(error)
    with pytest.raises(InvalidInputError) as error:
        P.fit_gamma_gamma([1, 2], [10, -3])
    assert "monetary_value[2] is -3" in one_line(error)


# --------------------------------------------------------------------------- pipeline


def test_forecast_clv_table(cdnow_model):
    table = P.forecast_clv(cdnow_model, horizon=39)
    assert list(table.columns) == ["customer_id", "p_alive", "expected_purchases", "expected_spend", "clv"]
    assert len(table) == 2357 and table["customer_id"].is_unique
    assert np.all(np.isfinite(table.drop(columns="customer_id").to_numpy()))
    assert table["clv"].is_monotonic_decreasing
    assert table["p_alive"].between(0, 1).all()
    assert np.allclose(table["clv"], table["expected_purchases"] * table["expected_spend"])
    one = table.set_index("customer_id").loc[1]
    assert one["expected_purchases"] == pytest.approx(1.226, abs=2e-3)  # Hardie's 1.226
    assert table.attrs["horizon"] == 39 and table.attrs["time_unit"] == "W"


def test_forecast_clv_discounting(cdnow_model):
    plain = P.forecast_clv(cdnow_model, horizon=10).set_index("customer_id")
    discounted = P.forecast_clv(cdnow_model, horizon=10, discount_rate=0.01).set_index("customer_id")
    assert np.allclose(discounted["expected_purchases"], plain.loc[discounted.index, "expected_purchases"])
    assert (discounted["clv"] <= plain.loc[discounted.index, "clv"] + 1e-12).all()
    # by hand for customer 1: Σ_k (E(Y(k)) − E(Y(k−1))) E(M) / 1.01^k
    bg, gg = cdnow_model.bg_nbd, cdnow_model.gamma_gamma
    row = cdnow_model.summary.loc[1]
    cumulative = [0.0] + [bg.expected_purchases(k, row["frequency"], row["recency"], row["T"]) for k in range(1, 11)]
    spend = gg.expected_spend(row["frequency"], row["monetary_value"])
    by_hand = sum((cumulative[k] - cumulative[k - 1]) * spend / 1.01**k for k in range(1, 11))
    assert discounted.loc[1, "clv"] == pytest.approx(by_hand)


def test_forecast_clv_bad_input(cdnow_model):
    with pytest.raises(InvalidInputError) as error:
        P.forecast_clv(cdnow_model, horizon=0)
    assert "horizon is 0" in one_line(error)
    with pytest.raises(InvalidInputError):
        P.forecast_clv(cdnow_model, horizon=2.5)
    with pytest.raises(InvalidInputError) as error:
        P.forecast_clv(cdnow_model, discount_rate=-0.1)
    assert one_line(error).startswith("discount_rate is -0.1")
    with pytest.raises(InvalidInputError) as error:
        P.forecast_clv("model")
    assert "expected the result of fit_clv_model" in one_line(error)


def test_fit_clv_model_only_one_time_buyers():
    ids = list(range(30))
    dates = [f"2024-01-{1 + i % 28:02d}" for i in ids]
    with pytest.raises(UndefinedResultError) as error:
        P.fit_clv_model(ids, dates, [10.0] * 30, calibration_end="2024-06-30")
    message = one_line(error)
    assert f"needs at least {P.MIN_REPEAT_BUYERS} repeat buyers" in message
    assert "the data have 0 of 30 customers" in message


def test_fit_clv_model_everyone_on_one_day():
    with pytest.raises(UndefinedResultError) as error:
        P.fit_clv_model(list(range(20)), ["2024-03-01"] * 20, [10.0] * 20)
    assert "nobody has had time to buy again" in one_line(error)


def test_fit_clv_model_zero_amounts():
    x, tx, age = simulate_bg_nbd(300, 1.0, 4.0, 0.8, 3.0, 30, seed=9)
    ids, days, first_order = [], [], []
    for customer, (n, last, t) in enumerate(zip(x, tx, age)):
        first = int(round((30 - t) * 7))
        order_days = np.unique(np.linspace(first, first + last * 7, int(n) + 1).round().astype(int))
        ids += [customer] * len(order_days)
        days += list(order_days)
        first_order += [True] + [False] * (len(order_days) - 1)
    ids, first_order = np.array(ids), np.array(first_order)
    dates = np.datetime64("2024-01-01") + np.array(days).astype("timedelta64[D]")
    end = "2024-07-29"  # day 210 = 30 weeks

    with pytest.raises(UndefinedResultError) as error:
        P.fit_clv_model(ids, dates, np.zeros(len(ids)), calibration_end=end)
    assert "spent more than 0" in one_line(error) and "the data have 0 of" in one_line(error)

    # three repeat buyers whose repeat orders are free: left out of the spend model, counted
    amounts = np.random.default_rng(1).gamma(5.0, 6.0, len(ids)).round(2)
    repeaters = np.unique(ids[~first_order])[:3]
    amounts[np.isin(ids, repeaters) & ~first_order] = 0.0
    model = P.fit_clv_model(ids, dates, amounts, calibration_end=end)
    assert model.spend_excluded == 3
    assert model.gamma_gamma.customers == model.bg_nbd.repeat_buyers - 3
    table = P.forecast_clv(model, 12)
    assert np.all(np.isfinite(table["clv"])) and len(table) == 300


def test_fit_clv_model_negative_amount():
    with pytest.raises(InvalidInputError) as error:
        P.fit_clv_model([1, 1, 2], ["2024-01-01", "2024-02-01", "2024-01-05"], [10, -10, 5])
    assert "amounts[2] is -10, expected 0 or more" in one_line(error)


def test_forecast_clv_discounted_horizon_is_bounded(cdnow_model):
    # a date typed as the horizon (46,000 weeks) would run for hours with a discount rate
    with pytest.raises(InvalidInputError) as error:
        P.forecast_clv(cdnow_model, horizon=46_000, discount_rate=0.001)
    assert one_line(error).startswith(
        f"horizon is 46000 with a discount rate, expected at most {P.MAX_DISCOUNTED_HORIZON} weeks"
    )
    undiscounted = P.forecast_clv(cdnow_model, horizon=46_000)  # one evaluation: allowed
    assert np.all(np.isfinite(undiscounted["clv"]))


def test_forecast_clv_huge_discount_rate_discounts_to_zero(cdnow_model):
    # found by the Excel-function fuzz: (1 + 847,179)^52 overflows a float
    table = P.forecast_clv(cdnow_model, horizon=52, discount_rate=847_179)
    assert np.all(table["clv"] >= 0) and table["clv"].max() < 1e-3
