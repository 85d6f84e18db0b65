"""Research CSV: documented columns, one row per visit, canonical units, de-identification."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.exchange.csv_export import cohort_csv, columns, measured_header
from myeloma_desk.store import PatientBundle, PatientFields
from myeloma_desk.store.demo import demo_bundles
from myeloma_desk.store.models import VisitIn

DEMOS = demo_bundles()


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_one_row_per_visit_with_documented_columns() -> None:
    text = cohort_csv([(b.patient.identifier or "", b) for b in DEMOS])
    rows = _rows(text)
    assert len(rows) == sum(len(b.visits) for b in DEMOS)
    assert list(rows[0]) == columns(deidentified=False)
    for field in MEASURED_FIELDS:
        assert measured_header(field) in rows[0]


def test_values_are_in_the_canonical_unit() -> None:
    hélène = next(b for b in DEMOS if b.patient.identifier == "DEMO-0004")
    [row] = _rows(cohort_csv([("k", hélène)]))
    assert float(row["creatinine [mg/dL]"]) == pytest.approx(
        203 / 88.42, abs=1e-11
    )  # entered as 203 µmol/L
    assert float(row["hemoglobin [g/dL]"]) == 8.9  # entered as 89 g/L
    assert float(row["serum_m_protein [g/dL]"]) == 3.0  # entered as 30 g/L
    assert row["age_years"] == "81"
    assert row["current_regimen"] == ""  # DRd starts after this visit
    assert row["lines_started"] == "0"


def test_line_columns_follow_the_visit_date() -> None:
    relapsed = DEMOS[-1]
    rows = {r["visit_date"]: r for r in _rows(cohort_csv([("k", relapsed)]))}
    assert rows["2019-02-20"]["lines_started"] == "0"
    assert rows["2019-06-18"]["current_regimen"] == "VRd"
    assert rows["2024-05-21"]["lines_started"] == "4"
    assert rows["2024-05-21"]["current_regimen"] == "Isa-Pd"


def test_deidentified_csv_drops_identity_and_keeps_intervals() -> None:
    relapsed = DEMOS[-1]
    text = cohort_csv([("DEMO-0009", relapsed)], deidentify_rows=True)
    assert "DEMO" not in text and "Ivanova" not in text
    rows = _rows(text)
    assert "name" not in rows[0] and "identifier" not in rows[0]
    assert len({r["patient_key"] for r in rows}) == 1
    shifted = [dt.date.fromisoformat(r["visit_date"]) for r in rows]
    original = [v.date for v in relapsed.visits]
    offsets = {s - o for s, o in zip(shifted, original, strict=True)}
    assert len(offsets) == 1 and offsets != {dt.timedelta(0)}
    birth = dt.date.fromisoformat(rows[0]["birth_date"])
    assert birth - relapsed.patient.birth_date in offsets  # type: ignore[operator]
    assert [r["age_years"] for r in rows] == [
        r["age_years"] for r in _rows(cohort_csv([("k", relapsed)]))
    ]


def test_each_export_draws_new_offsets_and_keys() -> None:
    relapsed = DEMOS[-1]
    first = _rows(cohort_csv([("k", relapsed)], deidentify_rows=True))
    second = _rows(cohort_csv([("k", relapsed)], deidentify_rows=True))
    assert first[0]["patient_key"] != second[0]["patient_key"]


def test_formulas_in_text_are_neutralised() -> None:
    bundle = PatientBundle(
        patient=PatientFields(name='=HYPERLINK("http://x")', identifier="+1"),
        visits=[VisitIn(date=dt.date(2024, 1, 1), snapshot=parse_snapshot({}))],
    )
    [row] = _rows(cohort_csv([("k", bundle)]))
    assert row["name"].startswith("'=") and row["identifier"] == "'+1"
