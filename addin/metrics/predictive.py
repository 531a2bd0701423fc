"""Predictive customer lifetime value from an order log: BG/NBD + Gamma-Gamma.

For non-contractual businesses (shops, marketplaces) where a customer's leaving is never
seen, only their silence. Three steps:

1. :func:`rfm_summary` turns orders (customer, date, amount) into one row per customer:
   frequency x (repeat purchases), recency t_x (first to last purchase), age T (first
   purchase to the end of the calibration period) and monetary value (mean repeat order).
2. :func:`fit_bg_nbd` fits the BG/NBD model of Fader, Hardie & Lee (2005), "Counting your
   customers the easy way: an alternative to the Pareto/NBD model", Marketing Science
   24(2): while alive a customer buys at a Poisson rate λ ~ Gamma(r, α); after each
   purchase they drop out with probability p ~ Beta(a, b).
   :func:`fit_gamma_gamma` fits the Gamma-Gamma spend model of Fader, Hardie & Lee (2005),
   "RFM and CLV: using iso-value curves for customer base analysis", JMR 42(4), in the form
   of Fader & Hardie (2013), "The Gamma-Gamma model of monetary value": a customer's
   orders are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers.
3. :func:`forecast_clv` combines them: expected purchases in the horizon × expected spend
   per purchase, optionally discounted, per customer.

:func:`fit_clv_model` runs steps 1 and 2 on raw orders. Time is measured in days, weeks
('W' = 7 days) or months ('M' = 30.436875 days, a twelfth of the 365.2425-day Gregorian
year), in exact days: see :func:`rfm_summary` for how this compares with the lifetimes
package.

Validated against the published CDNOW results (the 1/10 sample, 2,357 customers, weeks,
calibration through 1997-09-30): BG/NBD r = 0.243, α = 4.414, a = 0.793, b = 2.426;
Gamma-Gamma on the 946 calibration-period repeat buyers p = 6.25, q = 3.74, γ = 15.44.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from . import _inputs as v

__all__ = [
    "MIN_REPEAT_BUYERS",
    "MAX_DISCOUNTED_HORIZON",
    "TIME_UNITS",
    "BgNbdFit",
    "GammaGammaFit",
    "ClvModel",
    "rfm_summary",
    "rfm_summary_from_customers",
    "fit_bg_nbd",
    "fit_gamma_gamma",
    "fit_clv_model",
    "fit_clv_model_from_summary",
    "forecast_clv",
]

#: Fewest repeat buyers (customers with purchases on two or more days) a fit accepts. Both
#: models learn everything beyond "one purchase" from them; with fewer the estimates are
#: noise (and with none the BG/NBD likelihood has no maximum).
MIN_REPEAT_BUYERS = 10

#: Longest horizon :func:`forecast_clv` discounts (time units): with a discount rate every
#: period is evaluated, and the expected purchases grow slow to compute far out (1,000 weeks
#: of CDNOW's 2,357 customers take about 5 s; a date typed as the horizon, 46,000, hours).
MAX_DISCOUNTED_HORIZON = 1_000

#: Length of a time unit in days: lifetimes' divisor ``np.timedelta64(1, freq)``.
TIME_UNITS = {"D": 1.0, "W": 7.0, "M": 365.2425 / 12.0}

_UNIT_NAMES = {"D": "days", "W": "weeks", "M": "months"}

# The optimisers search log-parameters within ±_LOG_BOUND (on rescaled data, where the
# parameters are of order 1); a fit that runs to the bound has no interior maximum. A fit
# that stalls with a log-parameter beyond ±_FAR (a factor of 8,000) is on its way there.
_LOG_BOUND = 18.0
_FAR = 9.0


# --------------------------------------------------------------------------- helpers


def _time_unit(time_unit) -> str:
    if isinstance(time_unit, str) and time_unit.strip().upper() in TIME_UNITS:
        return time_unit.strip().upper()
    raise v.InvalidInputError(
        f"time_unit is {v.show(time_unit)}, expected 'D' (days), 'W' (weeks) or 'M' (months)"
    )


def _calibration_day(calibration_end) -> int | None:
    """calibration_end as days since 1970-01-01, None when not given (or blank)."""
    if calibration_end is None:
        return None
    array = v.flat("calibration_end", calibration_end)
    if len(array) != 1:
        raise v.InvalidInputError(
            f"calibration_end has {len(array)} values, expected one date"
        )
    skip = v.blank_mask(array)
    if skip[0]:
        return None
    return int(v.dates_array("calibration_end", array, skip)[0].astype(np.int64))


def _show_day(day: int) -> str:
    return str(np.datetime64(int(day), "D"))


def _as_output(values: np.ndarray, scalar: bool):
    return float(values.reshape(-1)[0]) if scalar else values


# --------------------------------------------------------------------------- RFM summary


def rfm_summary(
    customer_ids, order_dates, amounts, calibration_end=None, time_unit="W"
) -> pd.DataFrame:
    """One row per customer: frequency, recency, T and monetary value, from an order log.

    - frequency x: repeat purchases, i.e. the number of distinct purchase days minus 1
      (orders of one customer on the same day are one transaction, amounts summed);
    - recency t_x: time from the first to the last purchase (0 without repeat purchases);
    - T: the customer's age, time from the first purchase to ``calibration_end``;
    - monetary_value: mean amount of the repeat transactions (the first is left out), 0
      for customers without any.

    Orders after ``calibration_end`` are ignored (it defaults to the latest order date;
    orders on that day count). Times are exact days divided by the unit: 'D' days, 'W'
    weeks (days / 7) or 'M' months (days / 30.436875).

    Compared with lifetimes' ``summary_data_from_transaction_data(..., freq=...)``: it
    divides by the same unit length (``np.timedelta64(1, freq)``: 7 days for 'W',
    30.436875 days for 'M' under the pandas it was written for), but it first rounds every
    date down to its calendar week or month, which merges purchases of the same week and
    makes every time a whole number of weeks. On CDNOW that gives BG/NBD r = 0.283,
    α = 6.59 instead of the published 0.243 and 4.414. The published fits (and the CDNOW
    summary lifetimes ships, Hardie's) use day-level transactions with times in days / 7,
    which is what this function computes: it equals lifetimes with ``freq='D'`` and
    recency and T divided by the unit length.

    Rows with a blank id, date or amount are skipped and counted in
    ``df.attrs["skipped"]``; ``df.attrs["ignored_orders"]`` counts orders after
    calibration_end. Amounts must be 0 or more (a refund is not a purchase: net it off the
    order it refunds). Dates may be date cells, Excel serial numbers or ISO text.

    Returns a DataFrame indexed by ``customer_id`` (sorted when the ids are sortable) with
    columns frequency (int), recency, T, monetary_value.
    """
    unit = _time_unit(time_unit)
    ids = v.flat("customer_ids", customer_ids)
    dates = v.flat("order_dates", order_dates)
    money = v.flat("amounts", amounts)
    v.same_length(("customer_ids", "order_dates", "amounts"), (ids, dates, money))
    v.require_rows("customer_ids", ids)
    cal_day = _calibration_day(calibration_end)

    all_codes, uniques = v.id_codes(ids)
    skip = (all_codes < 0) | v.blank_mask(dates) | v.blank_mask(money)
    skipped = int(skip.sum())
    if skipped == len(ids):
        raise v.InvalidInputError(
            f"no complete order: all {len(ids)} rows have a blank customer id, date or amount"
        )
    codes, uniques = v.compact(all_codes, uniques, ~skip)
    days = v.dates_array("order_dates", dates, skip).astype(np.int64)
    amt = v.numbers_array("amounts", money, skip)
    if len(amt) and amt.min() < 0:
        i = int(np.argmax(amt < 0))
        raise v.InvalidInputError(
            f"amounts[{_position(skip, i)}] is {v.show(float(amt[i]))}, expected 0 or more "
            "(net a refund off the order it refunds)"
        )

    if cal_day is None:
        cal_day = int(days.max())
    keep = days <= cal_day
    ignored = int(len(days) - keep.sum())
    if ignored == len(days):
        raise v.InvalidInputError(
            f"calibration_end is {_show_day(cal_day)}, before the first order "
            f"({_show_day(int(days.min()))})"
        )
    if ignored:
        codes, days, amt = codes[keep], days[keep], amt[keep]

    # One transaction per customer and day: sort by (customer, day), sum amounts per key.
    day0 = int(days.min())
    span = np.int64(cal_day - day0 + 1)
    key = codes * span + (days - day0)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_key[1:] != sorted_key[:-1])))
    tx_key = sorted_key[starts]
    tx_amount = np.add.reduceat(amt[order], starts)
    tx_customer = tx_key // span
    tx_day = tx_key - tx_customer * span  # days since day0

    # Per customer: transactions are contiguous and in date order.
    first_tx = np.flatnonzero(np.concatenate(([True], tx_customer[1:] != tx_customer[:-1])))
    last_tx = np.concatenate((first_tx[1:], [len(tx_customer)])) - 1
    summary = _summary_frame(
        uniques[tx_customer[first_tx]], tx_day[first_tx] + day0, tx_day[last_tx] + day0,
        last_tx - first_tx + 1, tx_amount[first_tx], np.add.reduceat(tx_amount, first_tx),
        cal_day, unit,
    )
    summary.attrs.update(skipped=skipped, ignored_orders=ignored)
    return summary


def _summary_frame(customers, first_day, last_day, n_tx, first_amount, total, cal_day, unit):
    """The RFM table of per-customer transaction aggregates (the one definition of x, t_x,
    T and the mean repeat spend): day numbers, transactions (purchase days), the first
    transaction's amount and the amount of all of them."""
    frequency = n_tx - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, (total - first_amount) / np.maximum(frequency, 1), 0.0)
    length = TIME_UNITS[unit]
    recency = (last_day - first_day) / length
    age = (cal_day - first_day) / length
    try:
        by_id = np.argsort(customers, kind="stable")
    except TypeError:  # mixed text and numbers: keep the order of first appearance
        by_id = np.arange(len(customers))
    summary = pd.DataFrame(
        {
            "frequency": frequency[by_id].astype(np.int64),
            "recency": recency[by_id],
            "T": age[by_id],
            "monetary_value": monetary[by_id],
        },
        index=pd.Index(customers[by_id], name="customer_id"),
    )
    summary.attrs.update(
        skipped=0,
        ignored_orders=0,
        time_unit=unit,
        calibration_end=pd.Timestamp(np.datetime64(int(cal_day), "D")),
    )
    return summary


def rfm_summary_from_customers(customer_ids, first_days, last_days, purchase_days,
                               first_day_amounts, amounts, calibration_end,
                               time_unit="W") -> pd.DataFrame:
    """:func:`rfm_summary` from per-customer aggregates of the orders up to calibration_end
    (what a database reduces an order log to), one row per customer:

    first and last purchase day, the number of distinct purchase days, the amount of the
    first purchase day (all its orders) and the amount of all the customer's orders. The
    same table as :func:`rfm_summary` on the orders: frequency = purchase days − 1, recency
    = last − first, T = calibration_end − first, monetary value = (amount − first day's
    amount) / frequency (0 without repeat purchases). Amounts must be 0 or more.
    """
    unit = _time_unit(time_unit)
    ids = v.flat("customer_ids", customer_ids)
    v.require_rows("customer_ids", ids)
    first = np.asarray(first_days).astype("datetime64[D]").astype(np.int64).reshape(-1)
    last = np.asarray(last_days).astype("datetime64[D]").astype(np.int64).reshape(-1)
    n_tx = np.asarray(purchase_days, dtype=np.int64).reshape(-1)
    first_amount = np.asarray(first_day_amounts, dtype=np.float64).reshape(-1)
    total = np.asarray(amounts, dtype=np.float64).reshape(-1)
    v.same_length(("customer_ids", "first_days", "last_days", "purchase_days",
                   "first_day_amounts", "amounts"), (ids, first, last, n_tx, first_amount, total))
    cal_day = _calibration_day(calibration_end)
    if cal_day is None:
        raise v.InvalidInputError("calibration_end is blank, expected the date the orders end")
    if len(total) and (min(total.min(), first_amount.min()) < 0 or n_tx.min() < 1):
        raise v.InvalidInputError("amounts are 0 or more and every customer has a purchase day")
    if last.max() > cal_day:
        raise v.InvalidInputError(
            f"calibration_end is {_show_day(cal_day)}, before the last purchase "
            f"({_show_day(int(last.max()))}): give the aggregates of the orders up to it"
        )
    return _summary_frame(ids, first, last, n_tx, first_amount, total, cal_day, unit)


# --------------------------------------------------------------------------- inputs


def _summary_columns(names, columns):
    """Flatten summary columns; float arrays of the rows without a blank, and the skip mask."""
    arrays = tuple(v.flat(name, col) for name, col in zip(names, columns))
    v.same_length(names, arrays)
    v.require_rows(names[0], arrays[0])
    skip = np.zeros(len(arrays[0]), dtype=bool)
    for array in arrays:
        skip |= v.blank_mask(array)
    values = tuple(v.numbers_array(name, array, skip) for name, array in zip(names, arrays))
    return values, skip


def _position(skip: np.ndarray, kept_index: int) -> int:
    """1-based position in the input of the kept_index-th kept row."""
    return int(np.flatnonzero(~skip)[kept_index]) + 1


def _check_frequency(x: np.ndarray, skip: np.ndarray, name: str = "frequency") -> None:
    bad = (x < 0) | (x != np.floor(x))
    if bad.any():
        i = int(np.argmax(bad))
        raise v.InvalidInputError(
            f"{name}[{_position(skip, i)}] is {v.show(float(x[i]))}, expected a whole number "
            "of repeat purchases, 0 or more"
        )


def _rft_arrays(frequency, recency, T, where: str):
    """Validated (x, t_x, T) arrays for the BG/NBD formulas; scalar flag for the output."""
    scalar = all(np.ndim(a) == 0 for a in (frequency, recency, T))
    (x, tx, age), skip = _summary_columns(("frequency", "recency", "T"), (frequency, recency, T))
    if skip.any():
        i = int(np.argmax(skip))
        raise v.InvalidInputError(f"{where}: row {i + 1} has a blank frequency, recency or T")
    x, tx, age = _check_rft(x, tx, age, skip)
    return x, tx, age, scalar


def _check_rft(x, tx, age, skip):
    """InvalidInputError for an impossible (x, t_x, T); positions count skipped rows too."""
    _check_frequency(x, skip)
    for name, values in (("recency", tx), ("T", age)):
        if len(values) and values.min() < 0:
            i = int(np.argmax(values < 0))
            raise v.InvalidInputError(
                f"{name}[{_position(skip, i)}] is {v.show(float(values[i]))}, expected 0 or more"
            )
    late = tx > age * (1 + 1e-12) + 1e-12
    if late.any():
        i = int(np.argmax(late))
        at = _position(skip, i)
        raise v.InvalidInputError(
            f"recency[{at}] ({v.show(float(tx[i]))}) is more than T[{at}] "
            f"({v.show(float(age[i]))}): the last purchase cannot come after the end"
        )
    odd = (x == 0) & (tx > 0)
    if odd.any():
        i = int(np.argmax(odd))
        at = _position(skip, i)
        raise v.InvalidInputError(
            f"recency[{at}] is {v.show(float(tx[i]))} but frequency[{at}] is 0: without "
            "repeat purchases the recency is 0"
        )
    return x, np.minimum(tx, age), age


def _enough_repeat_buyers(model: str, repeat: int, total: int, what: str) -> None:
    if repeat < MIN_REPEAT_BUYERS:
        raise v.UndefinedResultError(
            f"the {model} model needs at least {MIN_REPEAT_BUYERS} repeat buyers ({what}); "
            f"the data have {repeat} of {total} customers"
        )


def _polished(penalised, theta: np.ndarray, steps: int = 4) -> np.ndarray:
    """Newton steps on the gradient from BFGS's answer, while they shrink it.

    BFGS stops where the mean log-likelihood stops changing in its last digits, which leaves
    the parameters uncertain in their 8th or 9th: the same orders summed in another order (by
    day, or by month in a database) would move the fit by that much. The gradient's zero is
    known far more precisely, so a few Newton steps (Hessian by central differences of the
    analytic gradient) make the fit a function of the data, not of its summation order.
    """
    value, grad = penalised(theta)
    norm = float(np.max(np.abs(grad)))
    for _ in range(steps):
        h = 1e-5
        hessian = np.empty((len(theta), len(theta)))
        for i in range(len(theta)):
            step = np.zeros(len(theta))
            step[i] = h
            hessian[:, i] = (penalised(theta + step)[1] - penalised(theta - step)[1]) / (2 * h)
        hessian = (hessian + hessian.T) / 2
        try:
            move = np.linalg.solve(hessian, -grad)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(move)) or np.max(np.abs(move)) > 1e-3:
            break
        new_value, new_grad = penalised(theta + move)
        new_norm = float(np.max(np.abs(new_grad)))
        if not (np.isfinite(new_value) and new_norm < norm):
            break
        theta, grad, norm = theta + move, new_grad, new_norm
    return theta


def _maximise(objective, starts, model: str, names: tuple[str, ...], hint: str):
    """Minimise a mean negative log-likelihood over log-parameters; clear errors on failure.

    BFGS with the analytic gradient. The search is kept within ±_LOG_BOUND by evaluating the
    likelihood at the clipped point plus a quadratic penalty outside it (not L-BFGS-B's
    bounds: scipy's L-BFGS-B calls into the threaded BLAS at every step, which is many times
    slower when the machine is busy). A maximum on the boundary means the data do not
    identify the model: that is reported, not returned.
    """
    penalty = 1e3

    def penalised(theta):
        clipped = np.clip(theta, -_LOG_BOUND, _LOG_BOUND)
        value, grad = objective(clipped)
        excess = theta - clipped
        outside = excess != 0
        grad = np.where(outside, 0.0, grad) + penalty * excess
        return value + 0.5 * penalty * float(np.sum(excess * excess)), grad

    last = None
    for start in starts:
        with np.errstate(all="ignore"):
            result = optimize.minimize(
                penalised,
                np.asarray(start, dtype=float),
                jac=True,
                method="BFGS",
                options={"maxiter": 2000, "gtol": 1e-9},
            )
        last = result
        if not (np.isfinite(result.fun) and np.all(np.isfinite(result.x))):
            continue
        gradient = np.asarray(getattr(result, "jac", np.full(len(names), np.inf)), dtype=float)
        if result.success or np.all(np.abs(gradient) < 1e-6):
            if np.any(np.abs(result.x) >= _LOG_BOUND - 1e-3):
                _degenerate(model, names, result.x, hint)
            return _polished(penalised, result.x)
    if last is not None and np.all(np.isfinite(last.x)) and np.any(np.abs(last.x) > _FAR):
        # stalled on a ridge towards infinity: the likelihood keeps rising as some parameters
        # grow (or shrink) without bound, e.g. a, b → ∞ when everyone drops out alike
        _degenerate(model, names, last.x, hint)
    message = getattr(last, "message", "no result")
    raise v.UndefinedResultError(
        f"the {model} fit did not converge (optimiser: {message}); check the data for "
        "extreme values or use a longer history"
    )


def _degenerate(model: str, names: tuple[str, ...], theta: np.ndarray, hint: str):
    far = np.abs(theta) > _FAR
    shown = ", ".join(
        f"{name} {math.exp(float(np.clip(value, -_LOG_BOUND, _LOG_BOUND))):.3g}"
        for name, value, out in zip(names, theta, far)
        if out
    )
    raise v.UndefinedResultError(
        f"the {model} fit is degenerate: the likelihood keeps rising as {shown} (on rescaled "
        f"data) run to their limit, so the data cannot pin the model down ({hint})"
    )


# --------------------------------------------------------------------------- BG/NBD


def _bg_nbd_loglik(r, alpha, a, b, x, tx, T):
    """Per-customer log-likelihood of FHL (2005) eq. 6 and the weights of its two terms."""
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    alive = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + T)
    repeat = x > 0
    x1 = np.where(repeat, x, 1.0)
    dead = np.where(
        repeat,
        betaln(a + 1.0, b + x1 - 1.0) - betaln(a, b) - (r + x) * np.log(alpha + tx),
        -np.inf,
    )
    mix = np.logaddexp(alive, dead)
    return head + mix, np.exp(alive - mix), np.exp(dead - mix)


def _bg_nbd_objective(theta, data):
    """Mean negative log-likelihood of eq. 6 and its gradient in the log-parameters.

    The gamma, beta and digamma terms depend on a customer only through x, so they are
    evaluated once per distinct x (``data.ux``) and gathered (``data.inv``); only the
    logarithms of α + T and α + t_x are per customer (per distinct history).
    """
    r, alpha, a, b = np.exp(theta)
    ux, inv, x, tx, T, w, total = data
    repeat_u = ux > 0
    ux1 = np.where(repeat_u, ux, 1.0)
    betaln_ab = betaln(a, b)
    psi_ab = digamma(a + b)
    psi_abx = digamma(a + b + ux)
    # per distinct x
    head_u = gammaln(r + ux) - gammaln(r) + r * np.log(alpha)
    alive_u = betaln(a, b + ux) - betaln_ab
    dead_u = np.where(repeat_u, betaln(a + 1.0, b + ux1 - 1.0) - betaln_ab, -np.inf)
    d_r_u = digamma(r + ux) - digamma(r) + np.log(alpha)
    d_a_alive_u = psi_ab - psi_abx
    d_b_alive_u = digamma(b + ux) - psi_abx - digamma(b) + psi_ab
    d_b_dead_u = np.where(repeat_u, digamma(b + ux1 - 1.0) - psi_abx - digamma(b) + psi_ab, 0.0)
    # per history
    log_at, log_atx = np.log(alpha + T), np.log(alpha + tx)
    alive = alive_u[inv] - (r + x) * log_at
    dead = dead_u[inv] - (r + x) * log_atx
    mix = np.logaddexp(alive, dead)
    w_alive, w_dead = np.exp(alive - mix), np.exp(dead - mix)
    ll = head_u[inv] + mix
    d_r = d_r_u[inv] - w_alive * log_at - w_dead * log_atx
    d_alpha = r / alpha - (r + x) * (w_alive / (alpha + T) + w_dead / (alpha + tx))
    d_a = d_a_alive_u[inv] + w_dead / a
    d_b = w_alive * d_b_alive_u[inv] + w_dead * d_b_dead_u[inv]
    # weighted sums with ufuncs, not ``w @ d``: a BLAS dot product may start threads, which
    # is many times slower on a busy machine
    grad = np.array(
        [np.sum(w * d_r) * r, np.sum(w * d_alpha) * alpha, np.sum(w * d_a) * a, np.sum(w * d_b) * b]
    )
    return -np.sum(w * ll) / total, -grad / total


@dataclass(frozen=True)
class BgNbdFit:
    """A fitted BG/NBD model (Fader, Hardie & Lee 2005).

    While alive a customer buys at rate λ per time unit, λ ~ Gamma(shape r, rate α) across
    customers; after each purchase they drop out with probability p ~ Beta(a, b).
    ``log_likelihood`` is the maximised log-likelihood (eq. 6), ``customers`` the customers
    fitted, ``repeat_buyers`` those of them with a repeat purchase; times are in
    ``time_unit`` ('D', 'W' or 'M').
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int
    repeat_buyers: int
    time_unit: str = "W"

    def probability_alive(self, frequency, recency, T):
        """P(alive | x, t_x, T): the chance the customer has not dropped out.

        P = 1 / (1 + δ(x > 0) · a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x))
        (Fader, Hardie & Lee 2005; their note "Computing P(alive) using the BG/NBD model").
        A customer without repeat purchases is alive for sure (in BG/NBD dropping out
        happens only right after a repeat purchase). Scalars give a float, arrays an array.
        """
        x, tx, age, scalar = _rft_arrays(frequency, recency, T, "probability_alive")
        return _as_output(self._p_alive(x, tx, age), scalar)

    def expected_purchases(self, t, frequency, recency, T):
        """Expected purchases in the next t time units of a customer with history (x, t_x, T).

        FHL (2005) eq. 10:
        E[Y(t) | x, t_x, T] = (a + b + x − 1) / (a − 1)
            · [1 − ((α + T) / (α + T + t))^(r + x) · 2F1(r + x, b + x; a + b + x − 1; z)]
            / [1 + δ(x > 0) · a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x)],
        z = t / (α + T + t). The Gaussian hypergeometric function is evaluated after
        Euler's transformation, (1 − z)^(r+x) 2F1(r+x, b+x; c; z) =
        (1 − z)^(a−1) 2F1(a+b−1−r, a−1; c; z), whose parameters do not grow with x (stable
        for frequent buyers); a = 1, where the formula is 0/0, is taken as its limit.
        """
        t_ = v.flat("t", t)
        skip = v.blank_mask(t_)
        horizon = v.numbers_array("t", t_, skip)
        if skip.any() or len(horizon) == 0:
            raise v.InvalidInputError("t is blank, expected a number of time units")
        if horizon.min() < 0:
            raise v.InvalidInputError(
                f"t is {v.show(float(horizon.min()))}, expected 0 or more time units"
            )
        x, tx, age, scalar = _rft_arrays(frequency, recency, T, "expected_purchases")
        scalar = scalar and np.ndim(t) == 0
        if len(horizon) != 1 and len(horizon) != len(x) and len(x) != 1:
            raise v.InvalidInputError(
                f"t has {len(horizon)} values and frequency {len(x)}, expected one t or one "
                "per customer"
            )
        horizon, x, tx, age = np.broadcast_arrays(horizon, x, tx, age)
        return _as_output(self._expected(horizon, x, tx, age), scalar)

    def expected_purchases_new_customer(self, t):
        """Expected repeat purchases of a customer in the first t time units after joining.

        FHL (2005) eq. 9: E[X(t)] = (a + b − 1) / (a − 1)
        · [1 − (α / (α + t))^r · 2F1(r, b; a + b − 1; t / (α + t))], i.e. eq. 10 with
        x = t_x = T = 0.
        """
        horizon = v.non_negative("t", t)
        zero = np.zeros(1)
        return float(self._expected(np.array([horizon]), zero, zero, zero)[0])

    # -- vectorised, unchecked -------------------------------------------------------

    def _log_odds_dead(self, x, tx, age):
        repeat = x > 0
        x1 = np.where(repeat, x, 1.0)
        log_odds = (
            np.log(self.a)
            - np.log(self.b + x1 - 1.0)
            + (self.r + x) * (np.log(self.alpha + age) - np.log(self.alpha + tx))
        )
        return np.where(repeat, log_odds, -np.inf)

    def _p_alive(self, x, tx, age):
        return expit(-self._log_odds_dead(x, tx, age))

    def _expected(self, t, x, tx, age):
        a = self.a
        step = 1e-6
        if abs(a - 1.0) < step:  # removable singularity: interpolate between 1 ± step
            low = self._expected_at(1.0 - step, t, x, tx, age)
            high = self._expected_at(1.0 + step, t, x, tx, age)
            return low + (high - low) * (a - (1.0 - step)) / (2 * step)
        return self._expected_at(a, t, x, tx, age)

    def _expected_at(self, a, t, x, tx, age):
        r, alpha, b = self.r, self.alpha, self.b
        c = a + b + x - 1.0
        log_one_minus_z = np.log(alpha + age) - np.log(alpha + age + t)
        z = -np.expm1(log_one_minus_z)
        with np.errstate(all="ignore"):
            hyp = hyp2f1(a + b - 1.0 - r, a - 1.0, c, z)
            bad = ~np.isfinite(hyp)
            if bad.any():
                # scipy's hyp2f1 can return inf when c and c − a − b are whole numbers (its
                # special-case branch): average c ± 1e-9 relative (error ~1e-18)
                cb = c[bad] if np.ndim(c) else c
                zb = z[bad]
                nudged = 0.5 * (
                    hyp2f1(a + b - 1.0 - r, a - 1.0, cb * (1 - 1e-9), zb)
                    + hyp2f1(a + b - 1.0 - r, a - 1.0, cb * (1 + 1e-9), zb)
                )
                hyp = hyp.copy()
                hyp[bad] = nudged
            scaled = np.exp((a - 1.0) * log_one_minus_z) * hyp
            bad = ~np.isfinite(scaled)
            if bad.any():  # the untransformed series, where the transformed one failed
                direct = np.exp((r + x) * log_one_minus_z) * hyp2f1(r + x, b + x, c, z)
                scaled = np.where(bad, direct, scaled)
            repeat = x > 0
            x1 = np.where(repeat, x, 1.0)
            log_odds = np.where(
                repeat,
                np.log(a) - np.log(b + x1 - 1.0)
                + (r + x) * (np.log(alpha + age) - np.log(alpha + tx)),
                -np.inf,
            )
            value = c / (a - 1.0) * (1.0 - scaled) * expit(-log_odds)
        value = np.where(t == 0, 0.0, value)
        if not np.all(np.isfinite(value)):
            i = int(np.argmax(~np.isfinite(value)))
            raise v.UndefinedResultError(
                "expected purchases could not be computed (hypergeometric function overflow) "
                f"for frequency {v.show(float(x[i]))}, recency {v.show(float(tx[i]))}, "
                f"T {v.show(float(age[i]))}, t {v.show(float(t[i]))}"
            )
        return np.maximum(value, 0.0)


def _fit_bg_nbd(x, tx, T, unit: str) -> BgNbdFit:
    customers = len(x)
    repeat = int(np.count_nonzero(x > 0))
    _enough_repeat_buyers(
        "BG/NBD", repeat, customers, "customers who bought on 2 or more days"
    )
    scale = float(T.mean())
    # Identical histories add the same term: fit on the distinct ones, weighted.
    order = np.lexsort((T, tx, x))
    xo, txo, To = x[order], tx[order], T[order]
    new = np.ones(len(xo), dtype=bool)
    new[1:] = (xo[1:] != xo[:-1]) | (txo[1:] != txo[:-1]) | (To[1:] != To[:-1])
    starts = np.flatnonzero(new)
    w = np.diff(np.append(starts, len(xo))).astype(float)
    xs, txs, Ts = xo[starts], txo[starts] / scale, To[starts] / scale
    rate = max(float(np.sum(w * xs)) / float(np.sum(w * Ts)), 1e-3)  # repeat purchases per (scaled) time
    starts = (
        np.log([1.0, 1.0 / rate, 1.0, 1.0]),
        np.log([0.5, 0.5 / rate, 0.8, 2.5]),
        np.zeros(4),
    )
    ux, inv = np.unique(xs, return_inverse=True)
    data = (ux, inv.reshape(-1), xs, txs, Ts, w, customers)
    theta = _maximise(
        lambda th: _bg_nbd_objective(th, data),
        starts,
        "BG/NBD",
        ("r", "alpha", "a", "b"),
        "the purchase histories look too much alike: r and alpha grow when everyone buys at "
        "the same rate, a and b when everyone drops out alike; more customers or a longer "
        "history help",
    )
    r, alpha_scaled, a, b = np.exp(theta)
    alpha = alpha_scaled * scale
    ll = float(np.sum(_bg_nbd_loglik(r, alpha, a, b, x, tx, T)[0]))
    return BgNbdFit(float(r), float(alpha), float(a), float(b), ll, customers, repeat, unit)


def fit_bg_nbd(frequency, recency, T, time_unit="W") -> BgNbdFit:
    """Fit the BG/NBD model by maximum likelihood to per-customer (x, t_x, T).

    Maximises Σ log L(r, α, a, b | x, t_x, T) with L of Fader, Hardie & Lee (2005) eq. 6:
    L = B(a, b + x)/B(a, b) · Γ(r + x) α^r / (Γ(r) (α + T)^(r+x))
      + δ(x > 0) B(a + 1, b + x − 1)/B(a, b) · Γ(r + x) α^r / (Γ(r) (α + t_x)^(r+x)),
    over log-parameters with L-BFGS-B and the analytic gradient, on times rescaled to a
    mean age of 1 (α is scaled back). ``time_unit`` only labels the fit: give recency and T
    in that unit (as :func:`rfm_summary` does). Rows with a blank are skipped.

    Needs at least :data:`MIN_REPEAT_BUYERS` customers with a repeat purchase; a fit that
    does not converge or runs to the edge of the parameter space raises
    UndefinedResultError.
    """
    unit = _time_unit(time_unit)
    (x, tx, age), skip = _summary_columns(("frequency", "recency", "T"), (frequency, recency, T))
    if len(x) == 0:
        raise v.InvalidInputError("frequency has no complete row (every row has a blank)")
    x, tx, age = _check_rft(x, tx, age, skip)
    return _fit_bg_nbd(x, tx, age, unit)


# --------------------------------------------------------------------------- Gamma-Gamma


def _gg_loglik(p, q, gamma, x, m):
    """Per-customer log-likelihood of the mean spend m over x transactions (FH 2013 eq. 3)."""
    px = p * x
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1.0) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(gamma + x * m)
    )


def _gg_objective(theta, data):
    """Mean negative log-likelihood of FH 2013 eq. 3 and its gradient in the log-parameters.

    The gamma and digamma terms depend on a customer only through x: evaluated once per
    distinct x (``data.ux``) and gathered (``data.inv``).
    """
    p, q, gamma = np.exp(theta)
    ux, inv, x, m, log_m, total = data
    pux = p * ux
    psi_pxq_u = digamma(pux + q)
    head_u = gammaln(pux + q) - gammaln(pux) + pux * np.log(ux)
    d_p_u = ux * (psi_pxq_u - digamma(pux) + np.log(ux))
    px = p * x
    gxm = gamma + x * m
    log_gxm = np.log(gxm)
    ll = head_u[inv] - gammaln(q) + q * np.log(gamma) + (px - 1.0) * log_m - (px + q) * log_gxm
    d_p = np.sum(d_p_u[inv] + x * (log_m - log_gxm))
    d_q = np.sum(psi_pxq_u[inv] - log_gxm) + len(x) * (np.log(gamma) - digamma(q))
    d_g = np.sum(q / gamma - (px + q) / gxm)
    grad = np.array([d_p * p, d_q * q, d_g * gamma])
    return -np.sum(ll) / total, -grad / total


@dataclass(frozen=True)
class GammaGammaFit:
    """A fitted Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Fader & Hardie 2013).

    A customer's transaction values are Gamma(p, ν); ν ~ Gamma(q, γ) across customers, so a
    customer's mean spend is p / ν and the population mean pγ / (q − 1). It assumes spend
    per transaction is independent of how often the customer buys. ``customers`` is the
    number of repeat buyers the model was fitted on.
    """

    p: float
    q: float
    gamma: float
    log_likelihood: float
    customers: int

    def expected_spend(self, frequency, monetary_value):
        """Expected value of a customer's future transactions.

        E(M | p, q, γ, m̄_x, x) = p (γ + x m̄_x) / (p x + q − 1)  (FH 2013 eq. 5): a weighted
        mean of the population mean pγ / (q − 1) and the customer's own mean m̄_x, weight
        px / (px + q − 1) on the customer's. x = 0 gives the population mean. Undefined when
        q ≤ 1 and x = 0 (the population mean is infinite).
        """
        scalar = np.ndim(frequency) == 0 and np.ndim(monetary_value) == 0
        (x, m), skip = _summary_columns(
            ("frequency", "monetary_value"), (frequency, monetary_value)
        )
        if skip.any() or len(x) == 0:
            raise v.InvalidInputError("frequency or monetary_value is blank")
        _check_frequency(x, skip)
        if m.min() < 0:
            i = int(np.argmax(m < 0))
            raise v.InvalidInputError(
                f"monetary_value[{i + 1}] is {v.show(float(m[i]))}, expected 0 or more"
            )
        return _as_output(self._spend(x, m), scalar)

    def _spend(self, x, m):
        denominator = self.p * x + self.q - 1.0
        if np.any(denominator <= 0):
            raise v.UndefinedResultError(
                f"undefined: the fitted Gamma-Gamma q is {self.q:.4g}, at most 1, so the "
                "average spend of a customer without repeat purchases is infinite"
            )
        return self.p * (self.gamma + x * m) / denominator


def _fit_gamma_gamma(x, m) -> tuple[GammaGammaFit, int]:
    """Fit on repeat buyers with a positive mean spend; also return how many were left out."""
    repeat = x > 0
    usable = repeat & (m > 0)
    excluded = int(np.count_nonzero(repeat & ~usable))
    n = int(np.count_nonzero(usable))
    _enough_repeat_buyers(
        "Gamma-Gamma",
        n,
        len(x),
        "customers who bought on 2 or more days and spent more than 0 on their repeat purchases",
    )
    xs, ms = x[usable], m[usable]
    scale = float(ms.mean())
    ms_scaled = ms / scale
    ux, inv = np.unique(xs, return_inverse=True)
    data = (ux, inv.reshape(-1), xs, ms_scaled, np.log(ms_scaled), n)
    starts = (np.log([1.0, 2.0, 1.0]), np.log([5.0, 4.0, 3.0]), np.zeros(3))
    theta = _maximise(
        lambda th: _gg_objective(th, data),
        starts,
        "Gamma-Gamma",
        ("p", "q", "gamma"),
        "order values hardly vary within or across customers; a fixed price needs no spend "
        "model: use the price as the expected spend",
    )
    p, q, gamma_scaled = np.exp(theta)
    gamma = gamma_scaled * scale
    ll = float(np.sum(_gg_loglik(p, q, gamma, xs, ms)))
    return GammaGammaFit(float(p), float(q), float(gamma), ll, n), excluded


def fit_gamma_gamma(frequency, monetary_value) -> GammaGammaFit:
    """Fit the Gamma-Gamma spend model by maximum likelihood on the repeat buyers.

    Maximises Σ log f(m̄_x | p, q, γ, x) over customers with x > 0 and m̄_x > 0, with
    (Fader & Hardie 2013 eq. 3)
    f = Γ(px + q) / (Γ(px) Γ(q)) · γ^q m̄_x^(px−1) x^(px) / (γ + x m̄_x)^(px+q),
    m̄_x the mean of the x repeat transactions (the first purchase is left out, as in the
    published CDNOW fit). Customers without repeat purchases carry no spend information
    and are left out; repeat buyers with a mean spend of 0 are left out too (their
    likelihood is 0). Needs at least :data:`MIN_REPEAT_BUYERS` usable customers.
    """
    (x, m), skip = _summary_columns(("frequency", "monetary_value"), (frequency, monetary_value))
    _check_frequency(x, skip)
    if len(m) and m.min() < 0:
        i = int(np.argmax(m < 0))
        raise v.InvalidInputError(
            f"monetary_value[{_position(skip, i)}] is {v.show(float(m[i]))}, expected 0 or more"
        )
    return _fit_gamma_gamma(x, m)[0]


# --------------------------------------------------------------------------- pipeline


@dataclass(frozen=True, eq=False)
class ClvModel:
    """Everything :func:`fit_clv_model` learned from an order log.

    ``summary`` is :func:`rfm_summary`'s table; ``bg_nbd`` and ``gamma_gamma`` the fits;
    ``skipped`` rows with a blank, ``ignored_orders`` orders after calibration_end,
    ``spend_excluded`` repeat buyers left out of the spend model because their repeat
    purchases total 0 (they still get a forecast).
    """

    summary: pd.DataFrame
    bg_nbd: BgNbdFit
    gamma_gamma: GammaGammaFit
    skipped: int
    ignored_orders: int
    spend_excluded: int
    time_unit: str
    calibration_end: pd.Timestamp


def fit_clv_model(
    customer_ids, order_dates, amounts, calibration_end=None, time_unit="W"
) -> ClvModel:
    """Summarise an order log (:func:`rfm_summary`) and fit BG/NBD and Gamma-Gamma to it.

    Both fits use the orders up to ``calibration_end`` (the latest order by default): the
    BG/NBD on every customer's (x, t_x, T), the Gamma-Gamma on the repeat buyers' mean
    repeat spend (946 customers on CDNOW, reproducing p = 6.25, q = 3.74, γ = 15.44).
    """
    summary = rfm_summary(customer_ids, order_dates, amounts, calibration_end, time_unit)
    return fit_clv_model_from_summary(summary)


def fit_clv_model_from_summary(summary: pd.DataFrame) -> ClvModel:
    """Fit BG/NBD and Gamma-Gamma to an RFM table (:func:`rfm_summary` or
    :func:`rfm_summary_from_customers`): the second step of :func:`fit_clv_model`."""
    x = summary["frequency"].to_numpy(dtype=float)
    tx = summary["recency"].to_numpy()
    age = summary["T"].to_numpy()
    unit = summary.attrs["time_unit"]
    if age.max() == 0:
        raise v.UndefinedResultError(
            "undefined: every customer's first purchase is on calibration_end "
            f"({summary.attrs['calibration_end'].date()}), so nobody has had time to buy again"
        )
    bg = _fit_bg_nbd(x, tx, age, unit)
    gg, excluded = _fit_gamma_gamma(x, summary["monetary_value"].to_numpy())
    return ClvModel(
        summary=summary,
        bg_nbd=bg,
        gamma_gamma=gg,
        skipped=summary.attrs["skipped"],
        ignored_orders=summary.attrs["ignored_orders"],
        spend_excluded=excluded,
        time_unit=unit,
        calibration_end=summary.attrs["calibration_end"],
    )


def forecast_clv(model: ClvModel, horizon=52, discount_rate=0.0) -> pd.DataFrame:
    """Per-customer forecast: P(alive), expected purchases, expected spend and CLV.

    ``horizon`` is a whole number of the model's time units (52 weeks by default; with a
    discount rate at most :data:`MAX_DISCOUNTED_HORIZON`) and ``discount_rate`` a rate per
    time unit (a yearly rate y is (1 + y)^(1/52) − 1 a week).

    clv = Σ_(k=1..H) [E(Y(k)) − E(Y(k−1))] · E(M) / (1 + d)^k: the purchases expected in
    period k (from FHL 2005 eq. 10) times the expected spend per purchase (Gamma-Gamma),
    each period's purchases discounted from the end of that period. This is the usual
    discrete approximation of the discounted expected transactions of Fader, Hardie & Lee
    (2005, "RFM and CLV"), the one lifetimes' ``customer_lifetime_value`` uses (it steps
    by months; here the step is the model's time unit). With d = 0 it is E(Y(H)) · E(M)
    exactly. Margin is not applied: multiply by your margin for a profit CLV.

    Returns a DataFrame with columns customer_id, p_alive, expected_purchases (in the
    horizon), expected_spend (per purchase) and clv, sorted by clv, largest first.
    """
    if not isinstance(model, ClvModel):
        raise v.InvalidInputError(
            f"model is {type(model).__name__}, expected the result of fit_clv_model"
        )
    h = v.count("horizon", horizon)
    if h == 0:
        raise v.InvalidInputError("horizon is 0, expected 1 or more time units")
    d = v.non_negative("discount_rate", discount_rate)
    if d > 0 and h > MAX_DISCOUNTED_HORIZON:
        raise v.InvalidInputError(
            f"horizon is {h} with a discount rate, expected at most {MAX_DISCOUNTED_HORIZON} "
            f"{_UNIT_NAMES[model.time_unit]} (each period is computed; a longer discounted "
            "forecast takes too long): shorten it, or use a longer time unit"
        )
    summary = model.summary
    x = summary["frequency"].to_numpy(dtype=float)
    tx = summary["recency"].to_numpy()
    age = summary["T"].to_numpy()
    bg, gg = model.bg_nbd, model.gamma_gamma

    spend = gg._spend(x, summary["monetary_value"].to_numpy())
    p_alive = bg._p_alive(x, tx, age)
    if d == 0:
        purchases = bg._expected(np.full(len(x), float(h)), x, tx, age)
        discounted = purchases
    else:
        discounted = np.zeros(len(x))
        previous = np.zeros(len(x))
        for k in range(1, h + 1):
            current = bg._expected(np.full(len(x), float(k)), x, tx, age)
            discounted += (current - previous) * (1.0 + d) ** -k  # underflows to 0, never overflows
            previous = current
        purchases = previous
    clv = discounted * spend
    table = pd.DataFrame(
        {
            "customer_id": summary.index.to_numpy(),
            "p_alive": p_alive,
            "expected_purchases": purchases,
            "expected_spend": spend,
            "clv": clv,
        }
    )
    numbers = table[["p_alive", "expected_purchases", "expected_spend", "clv"]].to_numpy()
    if not np.all(np.isfinite(numbers)):
        row = int(np.argmax(~np.all(np.isfinite(numbers), axis=1)))
        customer = v.excerpt(str(table["customer_id"].iloc[row]))
        raise v.UndefinedResultError(f"the forecast is not a number for customer {customer}")
    table = table.sort_values("clv", ascending=False, kind="stable", ignore_index=True)
    table.attrs.update(
        horizon=h, discount_rate=d, time_unit=model.time_unit,
        calibration_end=model.calibration_end,
    )
    return table
