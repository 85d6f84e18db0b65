"""Strict input (issue 12): nothing is coerced silently; one message per field."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from myeloma_desk.domain.snapshot import MAX_MAGNITUDE, SnapshotError, parse_snapshot


def _problems(data: dict[str, object], **kwargs: object) -> list[tuple[str, str]]:
    with pytest.raises(SnapshotError) as caught:
        parse_snapshot(data, **kwargs)  # type: ignore[arg-type]
    return caught.value.problems


@pytest.mark.parametrize("value", [True, False, "1.2", "2", None])
def test_a_measured_value_must_be_a_json_number(value: object) -> None:
    problems = _problems({"creatinine": {"value": value, "unit": "mg/dL"}})
    assert [field for field, _ in problems] == ["creatinine.value"]
    if value is not None:
        assert "true/false and quoted numbers are not accepted" in problems[0][1]


def test_whole_numbers_and_decimals_are_accepted() -> None:
    s = parse_snapshot(
        {"creatinine": {"value": 2, "unit": "mg/dL"}, "calcium": {"value": 2.6, "unit": "mmol/L"}}
    )
    assert s.get("creatinine") == 2.0
    assert s.calcium is not None and s.calcium.value == 2.6


@pytest.mark.parametrize("field", ["ecog", "katz_adl", "lawton_iadl", "charlson_comorbidity_index"])
def test_score_fields_reject_booleans_and_strings(field: str) -> None:
    for bad in (True, "2"):
        problems = _problems({field: bad})
        assert problems == [
            (field, "must be a whole number (true/false and quoted numbers are not accepted)")
        ]


def test_age_rejects_booleans_and_strings() -> None:
    assert [f for f, _ in _problems({"age_years": True})] == ["age_years"]
    assert [f for f, _ in _problems({"age_years": "70"})] == ["age_years"]
    assert parse_snapshot({"age_years": 70}).age_years == 70


@pytest.mark.parametrize("unit", ["mmol/L", "mg/dL"])
def test_a_value_too_large_to_convert_is_a_field_error_not_a_crash(unit: str) -> None:
    # Below the limit the plausibility check answers; above it the magnitude check (no decimal
    # InvalidOperation from the unit conversion).
    for value in (1e16, 1e25, 1e300):
        problems = _problems({"calcium": {"value": value, "unit": unit}})
        assert problems == [
            (
                "calcium.value",
                f"{value:.3g} is too large to be a plausible measured value (the limit is "
                "1e+12 in any unit)",
            )
        ]
    at_limit = _problems({"calcium": {"value": MAX_MAGNITUDE, "unit": unit}})
    assert at_limit[0][0] == "calcium"
    assert "outside the plausible range" in at_limit[0][1]


def test_dates_after_today_get_one_message_each() -> None:
    today = dt.date(2026, 12, 3)
    data = {
        "date": "2026-12-04",
        "history": [{"date": "2026-01-01"}, {"date": "2026-12-04"}],
        "therapy_lines": [{"regimen": "VRd", "start": "2026-02-01", "end": "2027-01-01"}],
    }
    problems = _problems(data, today=today)
    assert [field for field, _ in problems] == [
        "date",
        "history.1.date",
        "therapy_lines.0.end",
    ]
    assert all("after today (2026-12-03)" in message for _, message in problems)
    # On the day itself it is fine, and without today the domain has no clock.
    data["date"] = "2026-12-03"
    data["history"] = [{"date": "2026-01-01"}, {"date": "2026-12-03"}]
    data["therapy_lines"] = [{"regimen": "VRd", "start": "2026-02-01", "end": "2026-12-03"}]
    assert parse_snapshot(data, today=today).date == today
    assert parse_snapshot({"date": "2099-01-01"}).date == dt.date(2099, 1, 1)


def test_history_out_of_order_is_an_error() -> None:
    problems = _problems({"history": [{"date": "2026-02-01"}, {"date": "2026-01-01"}]})
    assert problems == [("history", "entries must be oldest first")]


def _cli(snapshot: dict[str, object], tmp_path: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "myeloma_desk", "assess", "-"],
        input=json.dumps(snapshot),
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_exit_2_for_boolean_value_and_future_date(tmp_path: object) -> None:
    future = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    done = _cli(
        {"date": future, "creatinine": {"value": True, "unit": "mg/dL"}},
        tmp_path,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines == [
        "creatinine.value: must be a number (true/false and quoted numbers are not accepted)"
    ]
    # Once the value is a number the future date is the one message.
    done = _cli({"date": future, "creatinine": {"value": 1.0, "unit": "mg/dL"}}, tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[0].startswith(f"date: {future} is after today")


def test_two_history_entries_on_one_date_are_refused() -> None:
    """Issue 17 item 10: duplicate history dates were accepted (which result counts?)."""
    once = {"history": [{"date": "2024-01-01"}, {"date": "2024-02-01"}], "date": "2024-03-01"}
    assert parse_snapshot(once).history[1].date == dt.date(2024, 2, 1)
    twice = {"history": [{"date": "2024-01-01"}, {"date": "2024-01-01"}], "date": "2024-03-01"}
    assert _problems(twice) == [("history", "two entries on the same date (2024-01-01)")]


def test_a_part_planned_after_today_may_start_then() -> None:
    """Maintenance planned after induction (no end, response or refractoriness yet) may start
    after today; an end after today, or a planned part with a result, is still refused."""
    today = dt.date(2026, 12, 3)
    induction = {"regimen": "VRd", "start": "2026-06-01", "end": "2026-11-20"}
    maintenance = {
        "regimen": "lenalidomide maintenance",
        "phase": "maintenance",
        "start": "2027-01-10",
    }
    data = {"date": "2026-12-01", "therapy_lines": [induction, maintenance]}
    assert len(parse_snapshot(data, today=today).therapy_lines) == 2
    data["therapy_lines"] = [induction, {**maintenance, "best_response": "VGPR"}]
    assert [field for field, _ in _problems(data, today=today)] == ["therapy_lines.1.start"]
