"""The per-snapshot memo is a cache: it never changes results or equality."""

from __future__ import annotations

from typing import Any

from myeloma_desk.domain import snapshot as snapshot_module
from myeloma_desk.domain.engine import assess
from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.snapshot import Quantity, Snapshot, parse_snapshot
from myeloma_desk.domain.units import to_canonical

DATA = {
    "beta2_microglobulin": {"value": 6.0, "unit": "mg/L"},
    "albumin": {"value": 30, "unit": "g/L"},
    "calcium": {"value": 2.9, "unit": "mmol/L"},
}


def test_equality_ignores_the_memo() -> None:
    first, second = parse_snapshot(DATA), parse_snapshot(DATA)
    assess(first)  # fills first's memo only
    assert first == second
    assert first != parse_snapshot({**DATA, "albumin": {"value": 31, "unit": "g/L"}})


def test_memo_does_not_change_results() -> None:
    snap = parse_snapshot(DATA)
    once = assess(snap).model_dump()
    again = assess(snap).model_dump()
    fresh = assess(parse_snapshot(DATA)).model_dump()
    assert once == again == fresh
    assert snap.get("calcium") == snap.get("calcium") == parse_snapshot(DATA).get("calcium")


def test_each_value_is_converted_once_at_validation(monkeypatch: Any) -> None:
    """Snapshot.get reads the canonical value the validation's plausibility check computed
    (issue 18): no conversion after validation, even on a fresh snapshot."""
    snap = parse_snapshot(DATA)
    calls: list[str] = []
    real = snapshot_module.to_canonical

    def counting(value: float, unit: str, dim: Any) -> float:
        calls.append(unit)
        return real(value, unit, dim)

    monkeypatch.setattr(snapshot_module, "to_canonical", counting)
    assert snap.get("albumin") == 3.0  # g/L → g/dL
    assert snap.get("calcium") == real(2.9, "mmol/L", MEASURED_FIELDS["calcium"].dim)
    assert snap.get("creatinine") is None
    assert calls == []
    again = parse_snapshot(DATA)
    assert len(calls) == len(DATA)  # validation converts each value once ...
    assess(again)
    assert len(calls) == len(DATA)  # ... and the rules never again


def test_a_quantity_placed_without_validation_is_converted_when_read() -> None:
    snap = parse_snapshot(DATA)
    copy = snap.model_copy(update={"albumin": Quantity.model_construct(value=40, unit="g/L")})
    copy.__pydantic_private__ = {"_memo": {}}
    assert copy.get("albumin") == 4.0
    # One quantity object in two fields of different dimensions: each gets its own conversion.
    shared = Quantity(value=9.5, unit="mg/dL")
    both = Snapshot(calcium=shared, creatinine=shared)
    calcium_dim, creatinine_dim = (MEASURED_FIELDS[n].dim for n in ("calcium", "creatinine"))
    assert calcium_dim is not creatinine_dim
    assert both.get("calcium") == to_canonical(9.5, "mg/dL", calcium_dim)
    assert both.get("creatinine") == to_canonical(9.5, "mg/dL", creatinine_dim)


def test_shown_is_formatted_once_and_matches_the_entry() -> None:
    snap = parse_snapshot(DATA)
    assert snap.shown("albumin") == "30 g/L"
    assert snap.shown("albumin") is snap.shown("albumin")
    assert snap.shown("creatinine") == "not recorded"


def test_copy_with_is_model_copy_with_its_own_memo() -> None:
    """Snapshot.copy_with (the response series' view of a history entry) builds what
    model_copy(update=...) builds: equal fields, the same fields set, the same dump, no extra
    fields; only the memo is the one given."""
    snap = parse_snapshot(
        {
            **DATA,
            "date": "2025-02-01",
            "history": [{"date": "2025-01-01", "albumin": {"value": 35, "unit": "g/L"}}],
        }
    )
    entry = snap.history[0]
    update = {**entry.__dict__, "history": []}
    expected = snap.model_copy(update=update)
    made = snap.copy_with(update, {"albumin": 3.5})
    assert made == expected
    assert made.model_fields_set == expected.model_fields_set
    assert made.model_dump_json() == expected.model_dump_json()
    assert made.__pydantic_extra__ is None
    assert made._memo_dict() == {"albumin": 3.5}
    assert made.get("albumin") == 3.5
    assert snap.get("albumin") == 3.0  # the original's memo is its own
