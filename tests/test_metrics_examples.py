"""Every worked example of GUIDES.md, under the guide's formula and, where there is an
erratum, the corrected figure. The numbers here are typed from GUIDES.md on purpose: the
catalogue in addin/guides.py is checked against them, not against itself."""

import pytest

from addin import metrics as m
from addin.cli import examples_table, main
from addin.guides import EXAMPLES, by_id

# (example id, our exact value, the guide's printed number in displayed units)
EXPECTED = [
    ("000-a", 0.95, 95),
    ("000-b", 31 / 44, 70),
    ("004-Sep", 0.05, 5),
    ("004-Oct", 500 / 9775, 5.11),
    ("004-rev", 0.0, 0),
    ("004-rev-gross", 0.20, 20),
    ("004-rev-net", 0.10, 10),
    ("004-rev-grr", 0.80, 80),
    ("004-rev-nrr", 0.90, 90),
    ("004-growth-Sep", -0.10, -10),
    ("004-growth-Oct", -7000 / 57500, -12.2),
    ("004-rpr", 0.80, 80),
    ("004-returns", 0.70, 70),
    ("004-dso-annual", 273.75, 274),
    ("004-dso-monthly", 23.25, 23),
    ("004-nps", 40 / 85 * 100, 47),
    ("004-nps-moe", 14.796, 14.8),
    ("004-tbp-one", 10.5, 10.5),
    ("004-tbp", 8.0, 8),
    ("004-loyal", 0.25, 25),
]

CORRECTED = {
    "004-Oct": 500 / 9775,
    "004-rev": 0.10,  # net revenue churn of the illustration
    "004-dso-annual": 91.25,
    "004-dso-monthly": 93.0,
}


def test_catalogue_has_every_example_of_guides_md():
    # 14 table rows + the revenue-churn illustration (5 figures) + the NPS margin of error
    assert [row[0] for row in EXPECTED] == [ex.id for ex in EXAMPLES]


@pytest.mark.parametrize("example_id, exact, printed", EXPECTED)
def test_example_reproduces_the_guide(example_id, exact, printed):
    ex = by_id(example_id)
    assert ex.value == pytest.approx(exact, abs=1e-3 if example_id == "004-nps-moe" else 1e-12)
    assert ex.shown(ex.value) == printed
    assert ex.matches


@pytest.mark.parametrize("example_id, corrected", sorted(CORRECTED.items()))
def test_erratum_corrected_figure(example_id, corrected):
    ex = by_id(example_id)
    assert ex.correction is not None and ex.correction.text
    assert ex.correction.value == pytest.approx(corrected)


def test_only_errata_of_guides_md_carry_a_correction():
    assert {ex.id for ex in EXAMPLES if ex.correction} == set(CORRECTED)


def test_oct_churn_as_the_guide_prints_its_arithmetic_is_wrong():
    # (9,775 − 9,225) / 9,755 is what the guide writes: L = 550 of S = 9,755, not its 5.11 %
    oct_ = by_id("004-Oct")
    assert oct_.shown(m.customer_churn_rate(9755, 9775 - 9225)) == 5.63
    assert oct_.shown(m.customer_churn_rate(9775, 500)) == 5.11


def test_september_churn_with_new_customers_in_e_understates():
    # GUIDES.md: (S − E) / S with E including new customers gives 2.25 % instead of 5 %
    assert m.customer_churn_rate(10_000, 10_000 - 9_775) == pytest.approx(0.0225)
    assert m.customer_churn_rate(10_000, 500) == 0.05


def test_nps_margin_of_error_interval():
    score = m.net_promoter_score(50, 25, 10)
    moe = m.nps_margin_of_error(50, 25, 10)
    assert round(score - moe, 1) == 32.3
    assert round(score + moe, 1) == 61.9


def test_tbp_overall_excludes_the_one_time_buyer():
    ex = by_id("004-tbp")
    gaps = m.purchase_gaps(**ex.inputs)
    assert sorted(gaps.round(2)) == [5, 6.5, 8, 10, 10.5]
    assert gaps.attrs["one_time_buyers"] == 1


def test_examples_command_prints_every_example(capsys):
    assert main(["examples"]) == 0
    out = capsys.readouterr().out
    for ex in EXAMPLES:
        assert ex.id in out
    assert "91.25 days" in out and "93 days" in out
    assert out == examples_table() + "\n"
