"""The KPIs as JSON (addin.export_json, ``retention report --kpis``): the report's values
as they are, blanks as null, English notes, valid against docs/kpis.schema.json."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from addin.cli import main
from addin.data import RetentionData
from addin.report import build_report, render
from addin.export_json import kpis_document, kpis_json

from test_exporter import data_workbook
from test_report import hand_data, hand_frames

SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "kpis.schema.json"
_TYPES = {"string": str, "number": (int, float), "null": type(None), "object": dict}


@pytest.fixture(scope="module")
def report():
    return build_report(hand_data(), "2026-09", lang="it")


def _valid(document: dict) -> None:
    """``document`` against the schema: with jsonschema when installed, else its required
    keys, types and no extra keys checked by hand."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    try:
        import jsonschema
    except ImportError:
        jsonschema = None
    if jsonschema is not None:
        jsonschema.validate(document, schema)
        return

    def check(value, spec, where):
        if "$ref" in spec:
            spec = schema["$defs"][spec["$ref"].rsplit("/", 1)[1]]
        kinds = spec.get("type")
        if kinds is not None:
            kinds = [kinds] if isinstance(kinds, str) else kinds
            assert any(isinstance(value, _TYPES[k]) and not isinstance(value, bool) for k in kinds), \
                (where, value)
        if isinstance(value, dict):
            assert set(spec.get("required", ())) <= value.keys(), where
            properties = spec.get("properties", {})
            extra = spec.get("additionalProperties", True)
            for key, item in value.items():
                if key in properties:
                    check(item, properties[key], f"{where}.{key}")
                elif isinstance(extra, dict):
                    check(item, extra, f"{where}.{key}")
                else:
                    assert extra is not False, f"{where}.{key} is not in the schema"

    check(document, schema, "$")


def test_the_document_holds_the_reports_kpis_as_they_are(report):
    document = kpis_document(report)
    assert document["period"] == "2026-09" and document["previous"] == "2026-08"
    assert document["segment"] is None and document["currency"] == report.currency
    assert list(document["kpis"]) == list(report.kpis["key"])
    for row in report.kpis.itertuples():
        kpi = document["kpis"][row.key]
        assert kpi["unit"] == row.unit
        for field in ("current", "previous", "change"):
            value = getattr(row, field)
            if math.isnan(value):
                assert kpi[field] is None
            else:
                assert kpi[field] == pytest.approx(value)


def test_a_rate_is_a_fraction_and_its_change_is_in_points(report):
    crr = kpis_document(report)["kpis"]["crr"]
    assert crr["unit"] == "%"
    assert 0 <= crr["current"] <= 1
    assert crr["change"] == pytest.approx((crr["current"] - crr["previous"]) * 100)


def test_blanks_are_null_and_notes_are_english_words():
    frames = hand_frames()
    del frames["NPS"]  # the NPS KPIs are blank, and say why
    data = RetentionData.from_frames(frames)
    report = build_report(data, "2026-09", lang="it")
    document = kpis_document(report)
    blank = [key for key, kpi in document["kpis"].items() if kpi["current"] is None]
    assert "nps" in blank
    for key in blank:
        assert document["kpis"][key]["note"]  # says why
        assert document["kpis"][key]["change"] is None
    _valid(document)
    english = build_report(data, "2026-09")
    for row in english.kpis.itertuples():
        said = render.text_of(english, row.note) or None
        assert document["kpis"][row.key]["note"] == said
        assert document["kpis"][row.key]["label"] == render.kpi_label(english, row.key)


def test_the_text_is_json_without_nan_and_valid_against_the_schema(report):
    text = kpis_json(report)
    assert "NaN" not in text and text.endswith("\n")
    document = json.loads(text)
    assert document == json.loads(json.dumps(kpis_document(report)))
    _valid(document)


def test_the_schema_refuses_a_document_without_its_keys(report):
    document = kpis_document(report)
    del document["currency"]
    with pytest.raises(Exception):
        _valid(document)


# ---------------------------------------------------------------------------- the command


def test_retention_report_writes_the_kpis_beside_the_workbook(tmp_path, capsys):
    data = data_workbook(tmp_path / "data.xlsx")
    out, kpis = tmp_path / "report.xlsx", tmp_path / "kpis.json"
    code = main(["report", str(data), "-o", str(out), "--period", "2026-09", "--kpis", str(kpis)])
    assert code == 0, capsys.readouterr().err
    assert out.exists()
    document = json.loads(kpis.read_text(encoding="utf-8"))
    _valid(document)
    assert document["period"] == "2026-09"
    # the KPIs file is ours: written again without --force
    assert main(["report", str(data), "-o", str(out), "--period", "2026-08",
                 "--kpis", str(kpis), "-q"]) == 0
    assert json.loads(kpis.read_text(encoding="utf-8"))["period"] == "2026-08"


def test_kpis_dash_writes_the_json_alone_on_standard_output(tmp_path, capsys):
    data = data_workbook(tmp_path / "data.xlsx")
    code = main(["report", str(data), "-o", str(tmp_path / "r.xlsx"), "--period", "2026-09",
                 "--kpis", "-"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    document = json.loads(captured.out)
    assert document["period"] == "2026-09"
    assert "wrote" in captured.err


@pytest.mark.parametrize("name", ["kpis.txt", "data.xlsx", "other.json"])
def test_a_kpis_file_that_may_not_be_written_is_refused_before_anything(tmp_path, capsys, name):
    data = data_workbook(tmp_path / "data.xlsx")
    (tmp_path / "other.json").write_text('{"mine": 1}', encoding="utf-8")
    out = tmp_path / "r.xlsx"
    code = main(["report", str(data), "-o", str(out), "--kpis", str(tmp_path / name)])
    assert code == 5  # output refused
    assert "retention:" in capsys.readouterr().err
    assert not out.exists()
    assert (tmp_path / "other.json").read_text(encoding="utf-8") == '{"mine": 1}'
