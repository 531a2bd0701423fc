"""The fictional company of addin.sample_data: shape, reproducibility and the promised story."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from addin.errors import InvalidInputError
from addin.sample_data import TABLE_COLUMNS, generate_company, write_csv_folder

WINDOW_START = pd.Timestamp("2024-11-01")
DATA_END = pd.Timestamp("2026-10-31")

DATE_COLUMNS = {
    "Customers": ("signup_date", "churn_date"),
    "Subscriptions": ("month",),
    "Orders": ("order_date",),
    "NPS": ("date",),
    "Invoices": ("issue_date", "due_date", "paid_date"),
    "Activity": ("date",),
    "Costs": ("month",),
}
MONEY_COLUMNS = {
    "Subscriptions": ("mrr",),
    "Orders": ("amount",),
    "Invoices": ("amount",),
    "Costs": ("retention_spend",),
}
COUNT_COLUMNS = {"Orders": ("units", "units_returned"), "NPS": ("score",)}
ID_PATTERNS = {
    "customer_id": r"C\d{5}",
    "order_id": r"O\d{7}",
    "invoice_id": r"INV\d{6}",
    "user_id": r"U\d{6}",
}


@pytest.fixture(scope="module")
def company() -> dict[str, pd.DataFrame]:
    return generate_company()


@pytest.fixture(scope="module")
def presence(company) -> pd.DataFrame:
    """Customers x months, True where the customer has a Subscriptions row."""
    subs = company["Subscriptions"]
    grid = pd.crosstab(subs["customer_id"], subs["month"]).astype(bool)
    return grid.reindex(index=company["Customers"]["customer_id"], fill_value=False)


# --- Shape, types, reproducibility --------------------------------------------------------


def test_tables_and_columns_in_order(company):
    assert list(company) == list(TABLE_COLUMNS)
    for name, columns in TABLE_COLUMNS.items():
        assert tuple(company[name].columns) == columns, name


def test_dtypes(company):
    for name, frame in company.items():
        for column in frame.columns:
            series = frame[column]
            if column in DATE_COLUMNS[name]:
                assert series.dtype == "datetime64[ns]", (name, column)
                dates = series.dropna()
                assert (dates == dates.dt.normalize()).all(), (name, column)
            elif column in MONEY_COLUMNS.get(name, ()):
                assert series.dtype == np.float64, (name, column)
                assert np.allclose(series, series.round(2), rtol=0, atol=1e-9), (name, column)
            elif column in COUNT_COLUMNS.get(name, ()):
                assert series.dtype == np.int64, (name, column)
            else:
                assert pd.api.types.is_string_dtype(series), (name, column)
                assert series.notna().all(), (name, column)
    assert company["Customers"]["churn_date"].isna().any()  # NaT for active customers


def test_ids_are_formatted_and_unique(company):
    for name, frame in company.items():
        for column, pattern in ID_PATTERNS.items():
            if column in frame:
                assert frame[column].str.fullmatch(pattern).all(), (name, column)
    for name, column in [("Customers", "customer_id"), ("Orders", "order_id"),
                         ("Invoices", "invoice_id")]:
        assert company[name][column].is_unique, name
    assert company["Customers"]["customer_id"].iloc[0] == "C00001"
    assert company["Orders"]["order_id"].iloc[0] == "O0000001"
    assert company["Invoices"]["invoice_id"].iloc[0] == "INV000001"


def test_same_seed_same_tables_and_other_seed_differs(company):
    again = generate_company()
    for name in TABLE_COLUMNS:
        pd.testing.assert_frame_equal(company[name], again[name])
    other = generate_company(seed=7)
    assert not company["Customers"].equals(other["Customers"])
    assert not company["Orders"].equals(other["Orders"])


def test_default_size(company, presence):
    customers = company["Customers"]
    assert len(customers) == 500
    months = company["Subscriptions"]["month"]
    assert months.nunique() == 24
    assert months.min() == WINDOW_START and months.max() == pd.Timestamp("2026-10-01")
    window = pd.date_range(WINDOW_START, periods=24, freq="MS")
    assert list(company["Costs"]["month"]) == list(window)
    assert 4_000 <= len(company["Orders"]) <= 8_000
    assert len(company["NPS"]) == 2_000
    assert len(company["Invoices"]) == len(company["Subscriptions"])
    assert 20_000 <= len(company["Activity"]) <= 60_000


def test_scaled_set_keeps_orders_proportional(company):
    big = generate_company(customers=5_000)
    assert len(big["Customers"]) == 5_000
    ratio = len(big["Orders"]) / len(company["Orders"])
    assert 9.0 <= ratio <= 11.0
    assert len(big["NPS"]) == 20_000
    assert len(big["Activity"]) <= 600_000


def test_counts_can_be_asked_for():
    tables = generate_company(customers=200, orders_per_customer=5, nps_answers=321, invoices=1_000)
    assert len(tables["NPS"]) == 321
    assert len(tables["Invoices"]) == 1_000
    assert 800 <= len(tables["Orders"]) <= 1_200
    assert len(generate_company(customers=50, orders_per_customer=0)["Orders"]) == 0


# --- Referential integrity and dates ------------------------------------------------------


def test_every_customer_id_exists(company):
    known = set(company["Customers"]["customer_id"])
    for name in ("Subscriptions", "Orders", "NPS", "Invoices"):
        assert set(company[name]["customer_id"]) <= known, name


def test_no_date_after_the_data_end(company):
    for name, columns in DATE_COLUMNS.items():
        for column in columns:
            if (name, column) == ("Invoices", "due_date"):
                continue  # an invoice issued in the last 30 days falls due after the end
            assert company[name][column].max() <= DATA_END, (name, column)


def test_dates_inside_the_window_and_the_subscription(company, presence):
    for name, column in [("Orders", "order_date"), ("NPS", "date"), ("Invoices", "issue_date"),
                         ("Activity", "date")]:
        assert company[name][column].min() >= WINDOW_START, name
    customers = company["Customers"].set_index("customer_id")
    early = customers.index[customers["signup_date"] < WINDOW_START]
    assert 0 < len(early) < len(customers)
    assert presence.loc[early, WINDOW_START].all()  # earlier customers have rows in the window
    for name, column in [("Orders", "order_date"), ("NPS", "date"), ("Invoices", "issue_date")]:
        frame = company[name]
        month = frame[column].dt.to_period("M").dt.to_timestamp()
        subscribed = presence.stack()
        assert subscribed.reindex(list(zip(frame["customer_id"], month))).all(), name
        signup = customers.loc[frame["customer_id"], "signup_date"].to_numpy()
        assert (frame[column].to_numpy() >= signup).all(), name


def test_signups_spread_with_seasonality(company):
    signup = company["Customers"]["signup_date"]
    in_window = signup[signup >= WINDOW_START].dt.to_period("M").value_counts()
    assert len(in_window) == 24
    assert in_window.max() >= 2 * in_window.min()


# --- Customers and subscriptions ----------------------------------------------------------


def test_customers_names_and_segments(company):
    customers = company["Customers"]
    assert customers["name"].is_unique
    assert customers["name"].str.fullmatch(r"[A-Z][a-z]+ [A-Z].*").all()
    assert set(customers["segment"]) == {"SMB", "Mid-Market", "Enterprise"}
    assert (customers["segment"].value_counts(normalize=True) > 0.05).all()
    assert customers["signup_date"].is_monotonic_increasing


def test_one_row_per_customer_month_with_positive_mrr(company):
    subs = company["Subscriptions"]
    assert not subs.duplicated(["customer_id", "month"]).any()
    assert (subs["mrr"] > 0).all()
    assert (subs["month"].dt.day == 1).all()


def test_expansions_and_contractions(company):
    subs = company["Subscriptions"].sort_values(["customer_id", "month"])
    same = subs["customer_id"].eq(subs["customer_id"].shift())
    consecutive = same & subs["month"].eq(subs["month"].shift() + pd.offsets.MonthBegin(1))
    change = subs["mrr"] / subs["mrr"].shift()
    assert (consecutive & (change > 1.05)).sum() >= 20
    assert (consecutive & (change < 0.95)).sum() >= 10


def test_reactivations_present(presence):
    grid = presence.to_numpy()
    seen = np.cumsum(grid, axis=1) > 0
    comeback = grid[:, 1:] & ~grid[:, :-1] & seen[:, :-1]
    assert comeback.any(axis=1).sum() >= 5


def test_churn_date_consistent_with_subscriptions(company, presence):
    customers = company["Customers"].set_index("customer_id")
    months = presence.columns
    last_month = presence.apply(lambda row: months[row.to_numpy()].max(), axis=1)
    still = presence.iloc[:, -1]
    churn = customers["churn_date"]
    assert churn[still].isna().all()
    assert churn[~still].notna().all()
    gone = churn[~still]
    # The latest churn falls in the first month without MRR after the last subscribed one.
    expected = last_month[~still] + pd.offsets.MonthBegin(1)
    assert (gone.dt.to_period("M").dt.to_timestamp() == expected).all()
    assert (gone > customers.loc[gone.index, "signup_date"]).all()
    # Reactivated customers are in both groups: back for good, and back then gone again.
    grid = presence.to_numpy()
    comeback = (grid[:, 1:] & ~grid[:, :-1] & (np.cumsum(grid, axis=1)[:, :-1] > 0)).any(axis=1)
    assert (comeback & still.to_numpy()).any()


def test_churn_rate_is_realistic(company, presence):
    grid = presence.to_numpy()
    lost = grid[:, :-1] & ~grid[:, 1:]
    segment = company["Customers"]["segment"].to_numpy()
    overall = lost.sum() / grid[:, :-1].sum()
    assert 0.01 <= overall <= 0.04
    rate = {s: lost[segment == s].sum() / grid[segment == s, :-1].sum() for s in set(segment)}
    assert rate["SMB"] > rate["Enterprise"]
    assert rate["SMB"] <= 0.05


# --- Orders, NPS, invoices, activity, costs -----------------------------------------------


def test_orders(company):
    orders = company["Orders"]
    assert (orders["units"] >= 1).all()
    assert ((orders["units_returned"] >= 0) & (orders["units_returned"] <= orders["units"])).all()
    share_returned = (orders["units_returned"] > 0).mean()
    assert 0.01 <= share_returned <= 0.2
    assert (orders["amount"] > 0).all()
    assert orders["order_date"].is_monotonic_increasing
    per_customer = orders["customer_id"].value_counts()
    assert (per_customer == 1).sum() >= 20  # one-time buyers
    assert (per_customer >= 5).sum() >= 100  # repeat buyers
    by_customer = orders.sort_values(["customer_id", "order_date"]).groupby("customer_id")
    gaps = by_customer["order_date"].diff()
    assert gaps.dt.days.std() > 20  # varied gaps


def test_orders_peak_in_november_and_december(company):
    orders, subs = company["Orders"], company["Subscriptions"]
    # Orders per subscribed customer, so the growing customer base does not hide the season.
    per_month = orders.groupby(orders["order_date"].dt.to_period("M")).size()
    per_month /= subs.groupby(subs["month"].dt.to_period("M")).size()
    by_calendar_month = per_month.groupby(per_month.index.month).mean()
    assert by_calendar_month[[11, 12]].min() > 1.15 * by_calendar_month.drop([11, 12]).max()


def test_nps(company):
    nps = company["NPS"]
    assert nps["score"].between(0, 10).all()
    score = (nps["score"] >= 9).mean() * 100 - (nps["score"] <= 6).mean() * 100
    assert 20 <= score <= 45
    assert nps["score"].nunique() == 11
    customers = company["Customers"]
    churners = set(customers.loc[customers["churn_date"].notna(), "customer_id"])
    is_churner = nps["customer_id"].isin(churners)
    assert nps.loc[is_churner, "score"].mean() < nps.loc[~is_churner, "score"].mean() - 0.3


def test_invoices(company):
    inv = company["Invoices"]
    assert ((inv["due_date"] - inv["issue_date"]) == pd.Timedelta(days=30)).all()
    assert (inv["amount"] > 0).all()
    paid = inv.dropna(subset=["paid_date"])
    assert (paid["paid_date"] >= paid["issue_date"]).all()
    assert inv["paid_date"].max() <= DATA_END
    late = (paid["paid_date"] - paid["due_date"]).dt.days
    assert (late <= 0).mean() >= 0.75  # most paid on time
    assert late.between(30, 120).sum() >= 20  # late payers
    assert late.max() <= 120
    unpaid = inv["paid_date"].isna()
    assert unpaid.sum() >= 5
    assert unpaid.mean() < 0.1
    # Each invoice bills that month's MRR.
    month = inv["issue_date"].dt.to_period("M").dt.to_timestamp()
    mrr = company["Subscriptions"].set_index(["customer_id", "month"])["mrr"]
    billed = mrr.loc[list(zip(inv["customer_id"], month))].to_numpy()
    assert np.array_equal(billed, inv["amount"].to_numpy())


def test_activity(company):
    activity = company["Activity"]
    assert not activity.duplicated().any()
    assert activity["date"].min() >= WINDOW_START and activity["date"].max() <= DATA_END
    users = activity["user_id"].nunique()
    assert users > len(company["Customers"])  # several users per customer
    weekend = activity["date"].dt.day_of_week >= 5
    assert 0 < weekend.mean() < 2 / 7


def test_costs(company):
    costs = company["Costs"]
    assert len(costs) == 24 and costs["month"].is_unique
    assert (costs["retention_spend"] > 0).all()


# --- Arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"customers": 0},
        {"customers": 2.5},
        {"customers": True},
        {"months": 0},
        {"end_month": "2026-13"},
        {"end_month": "Oct 2026"},
        {"orders_per_customer": -1},
        {"orders_per_customer": float("nan")},
        {"nps_answers": -5},
        {"invoices": 10**9},
        {"seed": -1},
    ],
)
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises(InvalidInputError):
        generate_company(**{"customers": 20, **kwargs})


def test_other_window():
    tables = generate_company(customers=30, months=6, end_month="2025-02")
    months = tables["Subscriptions"]["month"]
    assert months.min() == pd.Timestamp("2024-09-01") and months.max() == pd.Timestamp("2025-02-01")
    for name, columns in DATE_COLUMNS.items():
        for column in columns:
            if (name, column) != ("Invoices", "due_date"):
                assert tables[name][column].max() <= pd.Timestamp("2025-02-28"), (name, column)


# --- CSV folder ---------------------------------------------------------------------------


def test_write_csv_folder(tmp_path, company):
    small = {name: frame.head(50) for name, frame in company.items()}
    paths = write_csv_folder(small, tmp_path / "out")
    assert sorted(p.name for p in paths) == sorted(f"{name}.csv" for name in TABLE_COLUMNS)
    text = (tmp_path / "out" / "Invoices.csv").read_text(encoding="utf-8")
    header, first = text.splitlines()[:2]
    assert header == ",".join(TABLE_COLUMNS["Invoices"])
    assert first.startswith("INV000001,C") and ",2024-11-" in first and ":" not in first
    dates = ["signup_date", "churn_date"]
    back = pd.read_csv(tmp_path / "out" / "Customers.csv", parse_dates=dates)
    assert list(back["customer_id"]) == list(small["Customers"]["customer_id"])
    original = small["Customers"]
    assert (back["signup_date"] == original["signup_date"]).all()
    assert (back["churn_date"].isna() == original["churn_date"].isna()).all()
    subs = pd.read_csv(tmp_path / "out" / "Subscriptions.csv")
    assert np.allclose(subs["mrr"], small["Subscriptions"]["mrr"])


def test_write_csv_folder_refuses_to_overwrite(tmp_path, company):
    small = {name: frame.head(5) for name, frame in company.items()}
    (tmp_path / "Orders.csv").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_csv_folder(small, tmp_path)
    assert (tmp_path / "Orders.csv").read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "Customers.csv").exists()  # nothing written
    write_csv_folder(small, tmp_path, overwrite=True)
    assert (tmp_path / "Orders.csv").read_text(encoding="utf-8").startswith("order_id,")


def test_write_csv_folder_refuses_path_like_table_names(tmp_path):
    with pytest.raises(InvalidInputError):
        write_csv_folder({"../evil": pd.DataFrame({"a": [1]})}, tmp_path)
