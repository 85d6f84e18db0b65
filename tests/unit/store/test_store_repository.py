"""Store API: patients, visits, therapy lines, assessments, notes, search, snapshot_for.

Every test that takes ``store`` runs on both backends: the local SQLite file and the clinic
PostgreSQL server (a clinician's role on the throwaway test cluster)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from storetest_helpers import D, snap

from myeloma_desk.domain.engine import assess
from myeloma_desk.domain.snapshot import TherapyLine
from myeloma_desk.store import ConflictError, NotFoundError, PatientFields, Store
from myeloma_desk.store.snapshot_builder import age_on, lines_as_of


@pytest.fixture
def store(both_backends: Store) -> Store:
    return both_backends


def make(store: Store, name: str, mrn: str | None = None, **extra: object) -> int:
    return store.create_patient(PatientFields(name=name, identifier=mrn, **extra)).id  # type: ignore[arg-type]


def test_new_store_is_empty_then_not(store: Store) -> None:
    assert store.is_empty()
    make(store, "Berg, Ann", "MRN1")
    assert not store.is_empty()


def test_create_update_archive_patient(store: Store) -> None:
    pid = make(store, "Berg, Ann", "MRN1", birth_date=D(1950, 3, 4), sex="female")
    patient = store.get_patient(pid)
    assert (patient.name, patient.identifier, patient.birth_date, patient.sex) == (
        "Berg, Ann",
        "MRN1",
        D(1950, 3, 4),
        "female",
    )
    updated = store.update_patient(
        pid, PatientFields(name="Berg-Olsen, Ann", identifier="MRN1", notes="moved")
    )
    assert updated.name == "Berg-Olsen, Ann" and updated.notes == "moved"
    assert updated.birth_date is None  # update replaces every field
    store.archive_patient(pid)
    assert store.list_patients() == []
    assert [p.id for p in store.list_patients(include_archived=True)] == [pid]
    assert store.get_patient(pid).archived
    store.archive_patient(pid, archived=False)
    assert [p.id for p in store.list_patients()] == [pid]


def test_identifier_is_unique_case_insensitive(store: Store) -> None:
    make(store, "A", "mrn-7")
    with pytest.raises(ConflictError):
        make(store, "B", "MRN-7")
    other = make(store, "C", "MRN-8")
    with pytest.raises(ConflictError):
        store.update_patient(other, PatientFields(name="C", identifier="Mrn-7"))
    assert store.count_patients() == 2


def test_patient_fields_are_validated() -> None:
    with pytest.raises(ValidationError):
        PatientFields(name="")
    with pytest.raises(ValidationError):
        PatientFields(name="x" * 201)
    with pytest.raises(ValidationError):
        PatientFields(name="A", sex="unknown")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        PatientFields(name="A", birth_date=D(1850, 1, 1))


def test_unknown_patient_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.get_patient(99)
    with pytest.raises(NotFoundError):
        store.save_visit(99, D(2024, 1, 1), snap())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("berg", ["Berg, Ann", "Bergström, Åsa"]),  # name prefix
        ("BERG", ["Berg, Ann", "Bergström, Åsa"]),  # case-insensitive
        ("ann", ["Berg, Ann"]),  # any word of the name
        ("ann berg", ["Berg, Ann"]),  # every word must match
        ("åsa", ["Bergström, Åsa"]),  # Unicode casefold
        ("mrn-00", ["Berg, Ann", "Olsen, Per"]),  # identifier prefix
        ("MRN-002", ["Olsen, Per"]),
        ("erg", []),  # not a prefix of anything
        ("zzz", []),
    ],
)
def test_search_prefix(store: Store, query: str, expected: list[str]) -> None:
    make(store, "Berg, Ann", "MRN-001")
    make(store, "Olsen, Per", "MRN-002")
    make(store, "Bergström, Åsa", "X-9")
    assert [p.name for p in store.search(query)] == expected


def test_search_hides_archived_unless_asked(store: Store) -> None:
    pid = make(store, "Berg, Ann", "MRN-001")
    store.archive_patient(pid)
    assert store.search("berg") == []
    assert [p.id for p in store.search("berg", include_archived=True)] == [pid]


def test_search_follows_a_rename(store: Store) -> None:
    pid = make(store, "Berg, Ann")
    store.update_patient(pid, PatientFields(name="Holm, Ann"))
    assert store.search("berg") == []
    assert [p.id for p in store.search("holm")] == [pid]


def test_save_visit_inserts_then_replaces_that_date(store: Store) -> None:
    pid = make(store, "A")
    store.save_visit(pid, D(2024, 1, 1), snap(serum_m_protein=(3.2, "g/dL")))
    store.save_visit(pid, D(2024, 1, 1), snap(serum_m_protein=(31, "g/L")))
    visits = store.visits(pid)
    assert len(visits) == 1
    assert visits[0].snapshot.serum_m_protein is not None
    assert visits[0].snapshot.serum_m_protein.unit == "g/L"  # kept as entered
    assert visits[0].snapshot.date == D(2024, 1, 1)
    assert store.get_patient(pid).last_visit == D(2024, 1, 1)


def test_visit_snapshot_must_not_carry_history_or_a_different_date(store: Store) -> None:
    pid = make(store, "A")
    with pytest.raises(ValueError, match="history"):
        store.save_visit(
            pid, D(2024, 2, 1), snap(history=[{"date": "2024-01-01", "lytic_lesions": 1}])
        )
    with pytest.raises(ValueError, match="dated"):
        store.save_visit(pid, D(2024, 2, 1), snap(date="2024-01-31"))
    assert store.visits(pid) == []


def test_snapshot_for_builds_history_identity_age_and_lines(store: Store) -> None:
    pid = make(store, "Berg, Ann", "MRN1", birth_date=D(1950, 3, 4), sex="female")
    store.save_visit(pid, D(2024, 1, 10), snap(serum_m_protein=(3.0, "g/dL"), ecog=1))
    store.save_visit(pid, D(2024, 3, 10), snap(serum_m_protein=(1.0, "g/dL")))
    store.save_visit(pid, D(2024, 6, 10), snap(serum_m_protein=(0.4, "g/dL")))
    store.save_visit(pid, D(2024, 9, 10), snap(serum_m_protein=(0.9, "g/dL")))
    store.set_therapy_lines(
        pid,
        [
            TherapyLine(
                regimen="VRd",
                drugs=["bortezomib", "lenalidomide", "dexamethasone"],
                start=D(2024, 1, 20),
                end=D(2024, 7, 1),
                best_response="VGPR",
                refractory=False,
            ),
            TherapyLine(regimen="DKd", start=D(2024, 9, 15)),
        ],
    )
    current = store.snapshot_for(pid, D(2024, 6, 10))
    assert current.date == D(2024, 6, 10)
    assert [h.date for h in current.history] == [D(2024, 1, 10), D(2024, 3, 10)]
    assert current.history[0].get("serum_m_protein") == 3.0
    assert current.patient is not None and current.patient.identifier == "MRN1"
    assert current.sex == "female"
    assert current.age_years == 74  # 4 March 1950 → 10 June 2024
    # Only VRd had started; its end (and best response) lay in the future on that date.
    assert [(ln.regimen, ln.end, ln.best_response) for ln in current.therapy_lines] == [
        ("VRd", None, None)
    ]
    later = store.snapshot_for(pid, D(2024, 9, 10))
    assert [ln.regimen for ln in later.therapy_lines] == ["VRd"]
    assert later.therapy_lines[0].best_response == "VGPR"
    assert len(later.history) == 3
    first = store.snapshot_for(pid, D(2024, 1, 10))
    assert first.history == [] and first.therapy_lines == [] and first.ecog == 1
    with pytest.raises(NotFoundError):
        store.snapshot_for(pid, D(2024, 1, 11))


def test_snapshot_for_keeps_a_recorded_age_and_sex(store: Store) -> None:
    pid = make(store, "A", birth_date=D(1950, 1, 1), sex="male")
    store.save_visit(pid, D(2024, 1, 1), snap(age_years=70, sex="female"))
    built = store.snapshot_for(pid, D(2024, 1, 1))
    assert (built.age_years, built.sex) == (70, "female")


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (D(1950, 3, 4), D(2024, 3, 3), 73),  # the day before the birthday
        (D(1950, 3, 4), D(2024, 3, 4), 74),  # on the birthday
        (D(1950, 3, 4), D(2024, 3, 5), 74),
        (D(1952, 2, 29), D(2024, 2, 28), 71),
        (D(1952, 2, 29), D(2023, 3, 1), 71),
    ],
)
def test_age_on(birth: dt.date, day: dt.date, age: int) -> None:
    assert age_on(birth, day) == age


def test_lines_as_of_boundaries() -> None:
    line = TherapyLine(regimen="X", start=D(2024, 1, 1), end=D(2024, 6, 1), best_response="PR")
    assert lines_as_of([line], D(2023, 12, 31)) == []  # not started yet
    assert lines_as_of([line], D(2024, 1, 1))[0].end is None  # started that day, still running
    assert lines_as_of([line], D(2024, 6, 1)) == [line]  # ended that day: as recorded
    undated = TherapyLine(regimen="Y")
    assert lines_as_of([undated], D(2000, 1, 1)) == [undated]


def test_stored_assessment_keeps_versions_and_round_trips(store: Store) -> None:
    pid = make(store, "A")
    store.save_visit(pid, D(2024, 1, 1), snap(beta2_microglobulin=(4.0, "mg/L")))
    assessment = assess(store.snapshot_for(pid, D(2024, 1, 1)), evidence_version="pdq-2025-04-25")
    stored = store.save_assessment(pid, D(2024, 1, 1), assessment)
    assert stored.evidence_version == "pdq-2025-04-25"
    assert stored.engine_version == assessment.engine_version
    [again] = store.assessments(pid, D(2024, 1, 1))
    assert Store.load_assessment(again) == assessment
    with pytest.raises(NotFoundError):
        store.save_assessment(pid, D(2024, 1, 2), assessment)


def test_notes_in_order(store: Store) -> None:
    pid = make(store, "A")
    store.add_note(pid, "second", dt.datetime(2024, 2, 1, tzinfo=dt.UTC))
    store.add_note(pid, "first", dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    assert [n.text for n in store.notes(pid)] == ["first", "second"]
    with pytest.raises(ValidationError):
        store.add_note(pid, "")


def test_add_therapy_line_appends(store: Store) -> None:
    pid = make(store, "A")
    store.add_therapy_line(pid, TherapyLine(regimen="VRd"))
    store.add_therapy_line(pid, TherapyLine(regimen="DKd"))
    assert [(s.position, s.line.regimen) for s in store.therapy_lines(pid)] == [
        (1, "VRd"),
        (2, "DKd"),
    ]


def test_export_bundle_round_trips_through_import(store: Store) -> None:
    pid = make(store, "A", "M1", birth_date=D(1960, 1, 1))
    store.save_visit(pid, D(2024, 1, 1), snap(creatinine=(120, "µmol/L"), fish=["del17p"]))
    store.add_therapy_line(pid, TherapyLine(regimen="VRd", start=D(2024, 1, 5)))
    store.add_note(pid, "note")
    bundle = store.export_bundle(pid)
    store.archive_patient(pid)
    store.update_patient(pid, PatientFields(name="A", identifier="OLD"))
    copy = store.import_bundle(bundle, source="test")
    assert store.export_bundle(copy.id).model_dump() == bundle.model_dump()
