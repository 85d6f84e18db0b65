"""Demo patients: fictional, one per category, idempotent, usable by the engine."""

from __future__ import annotations

import datetime as dt

import pytest

from myeloma_desk.domain.engine import assess
from myeloma_desk.store import Store
from myeloma_desk.store.demo import demo_bundles, load_demo

CATEGORIES = {
    "non_igm_mgus",
    "smoldering_multiple_myeloma",
    "active_multiple_myeloma",
    "solitary_plasmacytoma",
    "al_amyloidosis",
    "poems_syndrome",
    "plasma_cell_leukemia",
}


@pytest.fixture
def store(both_backends: Store) -> Store:
    """Every test of this file on both backends: the local file and the clinic server."""
    return both_backends


def test_demo_patients_are_marked_fictional_and_cover_every_category() -> None:
    bundles = demo_bundles()
    assert {b.patient.diagnosis for b in bundles} >= CATEGORIES
    for bundle in bundles:
        assert bundle.patient.name.startswith("DEMO ")
        assert (bundle.patient.identifier or "").startswith("DEMO-")
        assert "Fictional" in bundle.patient.notes
    active = [b for b in bundles if b.patient.diagnosis == "active_multiple_myeloma"]
    ecog = {b.visits[0].snapshot.ecog for b in active}
    assert {0, 2} <= ecog  # a fit and a less fit newly diagnosed patient


def test_relapsed_patient_has_lines_and_a_response_history() -> None:
    relapsed = max(demo_bundles(), key=lambda b: len(b.therapy_lines))
    assert len(relapsed.therapy_lines) >= 3
    assert len(relapsed.visits) >= 6
    assert sum(1 for v in relapsed.visits if v.snapshot.serum_m_protein is not None) >= 6


def test_mixed_units_in_the_demo() -> None:
    units = {
        getattr(v.snapshot, f).unit
        for b in demo_bundles()
        for v in b.visits
        for f in ("creatinine", "hemoglobin", "calcium", "serum_m_protein")
        if getattr(v.snapshot, f) is not None
    }
    assert {"µmol/L", "mg/dL", "g/L", "g/dL", "mmol/L"} <= units


def test_load_demo_is_idempotent_and_offered_only_when_empty(store: Store) -> None:
    assert store.is_empty()
    added = load_demo(store)
    assert len(added) == len(demo_bundles())
    assert not store.is_empty()
    assert load_demo(store) == []
    assert store.count_patients() == len(added)


def test_engine_runs_on_every_stored_demo_visit(store: Store) -> None:
    load_demo(store)
    for summary in store.list_patients():
        for day in store.visit_dates(summary.id):
            snapshot = store.snapshot_for(summary.id, day)
            assert snapshot.date == day
            assessment = assess(snapshot)
            assert assessment.results
    relapsed = store.find_by_identifier("DEMO-0009")
    assert relapsed is not None
    last = store.snapshot_for(relapsed.id, dt.date(2024, 5, 21))
    assert len(last.history) == 8
    assert last.history[0].date == dt.date(2019, 2, 20)  # the baseline first


def test_stored_course_gives_the_engine_the_same_input_as_a_hand_built_snapshot(
    store: Store,
) -> None:
    """snapshot_for rebuilds exactly the snapshot one would write by hand from the record."""
    from myeloma_desk.domain.snapshot import HistoryEntry, parse_snapshot

    course_fields = set(HistoryEntry.model_fields)

    load_demo(store)
    relapsed = next(b for b in demo_bundles() if b.patient.identifier == "DEMO-0009")
    stored = store.find_by_identifier("DEMO-0009")
    assert stored is not None
    day = relapsed.visits[4].date  # the first progression, on lenalidomide maintenance
    # Facts of the disease recorded at an earlier visit (isotype, FISH) are carried forward.
    carried: dict[str, object] = {}
    for earlier in relapsed.visits[:4]:
        dumped = earlier.snapshot.model_dump(mode="json", exclude_none=True)
        for name in (
            "m_protein_heavy_chain",
            "m_protein_light_chain",
            "fish",
            "del17p_clonal_fraction_percent",
        ):
            if name in dumped:
                carried[name] = dumped[name]
    assert carried["m_protein_heavy_chain"] == "IgG"  # the diagnosis visit recorded it
    by_hand = parse_snapshot(
        {
            **carried,
            **relapsed.visits[4].snapshot.model_dump(mode="json", exclude_none=True),
            "date": day.isoformat(),
            "patient": {
                "name": relapsed.patient.name,
                "identifier": relapsed.patient.identifier,
                "birth_date": "1954-02-11",
            },
            "sex": "female",
            "age_years": 68,
            "history": [  # earlier visits: their course (lab and response) fields
                {
                    **v.snapshot.model_dump(mode="json", exclude_none=True, include=course_fields),
                    "date": v.date.isoformat(),
                }
                for v in relapsed.visits[:4]
            ],
            "therapy_lines": [
                line.model_dump(mode="json", exclude_none=True)
                for line in relapsed.therapy_lines[:2]
            ],
        }
    )
    built = store.snapshot_for(stored.id, day)
    assert built.model_dump() == by_hand.model_dump()
    response = assess(built).get("response_imwg")
    assert response.status == "determined"
    assert assess(built) == assess(by_hand)
