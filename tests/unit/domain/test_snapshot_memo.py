"""The per-snapshot memo is a cache: it never changes results or equality."""

from __future__ import annotations

from myeloma_desk.domain.engine import assess
from myeloma_desk.domain.snapshot import parse_snapshot

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
