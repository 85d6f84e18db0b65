"""FHIR R4 export/import round trip, codes, de-identification and rejected files.

The tests that import into a ``store`` run on both backends (the local file and the clinic
PostgreSQL server of the throwaway test cluster)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from storetest_helpers import assert_reads_as_written

from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.units import UNITS
from myeloma_desk.domain.vocabulary import DIAGNOSIS_LABELS
from myeloma_desk.exchange import codes
from myeloma_desk.exchange.deidentify import deidentify
from myeloma_desk.exchange.errors import ImportRejected
from myeloma_desk.exchange.fhir import FIELD_BY_LOINC, export_fhir, import_fhir, snapshot_fields
from myeloma_desk.exchange.importer import (
    MAX_IMPORT_BYTES,
    import_data,
    import_file,
    native_document,
    parse_json,
    read_bundle,
)
from myeloma_desk.paths import AppPaths
from myeloma_desk.store import PatientBundle, Store, open_store
from myeloma_desk.store.demo import demo_bundles, load_demo

DEMOS = demo_bundles()


@pytest.fixture
def store(both_backends: Store) -> Store:
    return both_backends


def _resources(document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == kind]


def _canonical(bundle: PatientBundle) -> list[tuple[str, dict[str, float | None]]]:
    return [
        (
            visit.date.isoformat(),
            {name: visit.snapshot.get(name) for name in snapshot_fields(visit.snapshot)},
        )
        for visit in bundle.visits
        if snapshot_fields(visit.snapshot)
    ]


@pytest.mark.parametrize("bundle", DEMOS, ids=[b.patient.identifier for b in DEMOS])
def test_round_trip_through_the_store(bundle: PatientBundle, tmp_path: Path) -> None:
    with open_store(AppPaths.resolve(tmp_path / "a")) as source:
        patient = source.import_bundle(bundle, "test")
        document = export_fhir(source.export_bundle(patient.id), patient_id=patient.uid)
    text = json.dumps(document)
    Bundle.model_validate_json(text)  # valid R4(B) as written
    with open_store(AppPaths.resolve(tmp_path / "b")) as target:
        imported = import_data(target, json.loads(text), "test")
        back = target.export_bundle(imported.id)
    original = bundle.patient
    assert back.patient.model_dump(exclude={"notes"}) == original.model_dump(exclude={"notes"})
    assert back.therapy_lines == bundle.therapy_lines
    assert _canonical(back) == _canonical(bundle)


def test_observations_carry_loinc_and_ucum() -> None:
    document = export_fhir(DEMOS[-1])
    observations = _resources(document, "Observation")
    assert observations
    for observation in observations:
        [coding] = observation["code"]["coding"]
        assert coding["system"] == codes.LOINC and coding["code"] in FIELD_BY_LOINC
        quantity = observation["valueQuantity"]
        assert quantity["system"] == codes.UCUM
        field = FIELD_BY_LOINC[coding["code"]]
        assert quantity["code"] in UNITS[MEASURED_FIELDS[field].dim].ucum.values()


def test_molar_units_are_exported_in_the_mass_unit_of_the_loinc_code() -> None:
    hélène = next(b for b in DEMOS if b.patient.identifier == "DEMO-0004")  # creatinine µmol/L
    document = export_fhir(hélène)
    [creatinine] = [
        o for o in _resources(document, "Observation") if o["code"]["coding"][0]["code"] == "2160-0"
    ]
    assert creatinine["valueQuantity"]["code"] == "mg/dL"
    assert creatinine["valueQuantity"]["value"] == pytest.approx(203 / 88.42, abs=1e-9)


@pytest.mark.parametrize(
    ("diagnosis", "icd10", "icdo3"),
    [
        ("active_multiple_myeloma", "C90.00", "9732/3"),
        ("smoldering_multiple_myeloma", "D47.2", "9732/3"),
        ("non_igm_mgus", "D47.2", "9765/1"),
        ("solitary_plasmacytoma", "C90.30", "9731/3"),
        ("al_amyloidosis", "E85.81", None),
        ("poems_syndrome", None, None),
        ("plasma_cell_leukemia", "C90.10", None),
    ],
)
def test_condition_codes(diagnosis: str, icd10: str | None, icdo3: str | None) -> None:
    bundle = next(b for b in DEMOS if b.patient.diagnosis == diagnosis)
    [condition] = _resources(export_fhir(bundle), "Condition")
    by_system = {c["system"]: c["code"] for c in condition["code"]["coding"]}
    assert by_system.get(codes.ICD10CM) == icd10
    assert by_system.get(codes.ICDO3) == icdo3
    assert by_system[codes.APP_DIAGNOSIS] == diagnosis
    # the text a reader of the record sees: the diagnosis's one name ("Non-IgM MGUS")
    assert condition["code"]["text"] == DIAGNOSIS_LABELS[diagnosis]


def test_ambiguous_icd_code_alone_leaves_the_category_open() -> None:
    document = export_fhir(next(b for b in DEMOS if b.patient.diagnosis == "non_igm_mgus"))
    [condition] = _resources(document, "Condition")
    condition["code"]["coding"] = [
        c for c in condition["code"]["coding"] if c["system"] == codes.ICD10CM
    ]
    assert import_fhir(document).patient.diagnosis is None  # D47.2: MGUS or smoldering


def test_icd_code_alone_imports_when_it_names_one_category() -> None:
    document = export_fhir(next(b for b in DEMOS if b.patient.diagnosis == "al_amyloidosis"))
    [condition] = _resources(document, "Condition")
    condition["code"]["coding"] = [
        c for c in condition["code"]["coding"] if c["system"] == codes.ICD10CM
    ]
    assert import_fhir(document).patient.diagnosis == "al_amyloidosis"


def test_deidentified_export_has_no_identity_and_shifts_dates_consistently() -> None:
    import datetime as dt

    original = DEMOS[-1]
    offset = dt.timedelta(days=-123)
    anonymous = deidentify(original, offset, "Patient X")
    document = export_fhir(anonymous)
    text = json.dumps(document)
    assert original.patient.name not in text and "DEMO-0009" not in text
    assert "Ivanova" not in text and "Relapsed myeloma" not in text
    [patient] = _resources(document, "Patient")
    assert "identifier" not in patient
    assert patient["birthDate"] == (original.patient.birth_date + offset).isoformat()  # type: ignore[operator]
    dates = sorted({o["effectiveDateTime"] for o in _resources(document, "Observation")})
    expected = sorted(
        {(v.date + offset).isoformat() for v in original.visits if snapshot_fields(v.snapshot)}
    )
    assert dates == expected
    starts = [s["effectivePeriod"]["start"] for s in _resources(document, "MedicationStatement")]
    assert starts == [(ln.start + offset).isoformat() for ln in original.therapy_lines]  # type: ignore[operator]


# Snapshots are compared by their data (model_dump): pydantic's == also compares the engine's
# private per-snapshot memo, which depends on what was computed from the snapshot before.


def _valid() -> dict[str, Any]:
    return export_fhir(DEMOS[-1])


def _first(document: dict[str, Any], kind: str) -> dict[str, Any]:
    return _resources(document, kind)[0]


def _set(path: str, value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        kind, *keys = path.split(".")
        target = _first(document, kind)
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        target[keys[-1]] = value

    return change


HOSTILE = {
    # each message names the record (the FHIR entry, or the visit it became) and the field
    "unknown LOINC": (
        _set("Observation.code.coding.0.code", "9999-9"),
        r"Entry 3 \(Observation\): LOINC code “9999-9” is not a result",
    ),
    "unknown ICD-10-CM": (
        _set("Condition.code.coding.1.code", "C34.90"),
        r"Entry 2 \(Condition\): ICD-10-CM code “C34.90”",
    ),
    "unknown ICD-O-3": (
        _set("Condition.code.coding.2.code", "8140/3"),
        r"Entry 2 \(Condition\): unknown ICD-O-3 morphology “8140/3”",
    ),
    "unknown unit": (
        _set("Observation.valueQuantity.code", "mmol/L"),
        r"Entry 3 \(Observation\): the UCUM unit “mmol/L” is not accepted for serum M-protein",
    ),
    "huge value": (
        _set("Observation.valueQuantity.value", 1e300),
        r"visit 1 \(2019-02-20\), serum M-protein value: 1e\+300 is too large to be a plausible",
    ),
    "big value": (
        _set("Observation.valueQuantity.value", 5e6),
        r"visit 1 \(2019-02-20\), serum M-protein: 5000000 g/dL is outside the plausible",
    ),
    "negative value": (
        _set("Observation.valueQuantity.value", -4),
        r"visit 1 \(2019-02-20\), serum M-protein: -4 g/dL is negative",
    ),
    "value as text": (
        _set("Observation.valueQuantity.value", "lots"),
        r"Entry 3 \(Observation\), value quantity, value: must be a number, not “lots”",
    ),
    "bad date": (
        _set("Observation.effectiveDateTime", "2024-13-45"),
        r"Entry 3 \(Observation\), effective date time: must be a date .*, not “2024-13-45”",
    ),
    "unknown drug system": (
        _set("MedicationStatement.medicationCodeableConcept.coding.0.system", "http://x"),
        r"Entry 44 \(MedicationStatement\): unknown drug code system “http://x”",
    ),
    "gender not a code": (
        _set("Patient.gender", 7),
        r"Entry 1 \(Patient\), gender: must be text, not 7",
    ),
    "unknown response": (
        _set("MedicationStatement.extension.0.valueCode", "GREAT"),
        r"line 1 \(VRd\), best response: “GREAT” is not one of the accepted values",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_fhir_is_rejected_and_writes_nothing(case: str, store: Store) -> None:
    change, message = HOSTILE[case]
    document = copy.deepcopy(_valid())
    change(document)
    head = store.verify_audit().head
    with pytest.raises(ImportRejected, match=message) as caught:
        import_data(store, document, "test")
    assert "nothing was written" in str(caught.value)
    assert_reads_as_written(caught.value)
    assert store.is_empty() and store.verify_audit().head == head


def test_bundle_shapes_that_are_refused(store: Store) -> None:
    two = _valid()
    two["entry"].append(copy.deepcopy(two["entry"][0]))
    for document, message in [
        (two, "exactly one Patient"),
        ({"resourceType": "Patient"}, "not a FHIR Bundle"),
        ([1, 2, 3], "not a FHIR Bundle"),
        ({"resourceType": "Bundle", "type": "collection"}, "exactly one Patient"),
    ]:
        with pytest.raises(ImportRejected, match=message) as caught:
            import_data(store, document, "test")
        assert_reads_as_written(caught.value)
    assert store.is_empty()


def test_duplicate_identifier_is_rejected_whole(store: Store) -> None:
    load_demo(store)
    before = store.count_patients()
    with pytest.raises(ImportRejected, match="already exists") as caught:
        import_data(store, _valid(), "test")
    assert_reads_as_written(caught.value)
    assert store.count_patients() == before


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"resourceType": "Bundle", "entry": [', "truncated"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
        (b'{"resourceType": "Bundle", "total": NaN}', "NaN"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON"),
        (b"", "not valid JSON"),
    ],
)
def test_malformed_json_is_rejected(raw: bytes, message: str) -> None:
    with pytest.raises(ImportRejected, match=message) as caught:
        parse_json(raw)
    assert_reads_as_written(caught.value)


def test_oversize_file_is_rejected_before_reading(tmp_path: Path, store: Store) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(MAX_IMPORT_BYTES + 1)
    with pytest.raises(ImportRejected, match="limit"):
        import_file(store, big)
    assert store.is_empty()


def test_native_json_round_trip_is_lossless(tmp_path: Path, store: Store) -> None:
    original = DEMOS[-1]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(native_document(original)), encoding="utf-8")
    assert read_bundle(path).model_dump() == original.model_dump()
    patient = import_file(store, path)
    back = store.export_bundle(patient.id)
    # Identical except that each stored snapshot now carries its visit's date.
    dated = [
        v.model_copy(update={"snapshot": v.snapshot.model_copy(update={"date": v.date})})
        for v in original.visits
    ]
    assert back.model_dump() == original.model_copy(update={"visits": dated}).model_dump()


def test_native_json_with_history_inside_a_visit_is_rejected(store: Store) -> None:
    document = native_document(DEMOS[0])
    document["bundle"]["visits"][0]["snapshot"]["history"] = [{"date": "2020-01-01"}]
    with pytest.raises(ImportRejected, match=r"visit 1 \(2023-04-12\): earlier results"):
        import_data(store, document, "test")
    assert store.is_empty()


def test_calcium_in_mmol_per_litre_goes_out_in_mg_per_dl() -> None:
    brennan = next(b for b in DEMOS if b.patient.identifier == "DEMO-0002")  # 2.35 mmol/L
    document = export_fhir(brennan)
    calcium = [
        o
        for o in _resources(document, "Observation")
        if o["code"]["coding"][0]["code"] == "17861-6"
    ]
    assert calcium[0]["valueQuantity"]["code"] == "mg/dL"
    assert calcium[0]["valueQuantity"]["value"] == pytest.approx(2.35 / 0.2495, abs=1e-9)
    back = import_fhir(document)
    assert back.visits[0].snapshot.get("calcium") == brennan.visits[0].snapshot.get("calcium")


# --- issue 17, item 8: resources that are not facts about this patient ----------------------


def _observations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return _resources(document, "Observation")


def _marked(document: dict[str, Any]) -> dict[str, Any]:
    """The first Observation, as the one the tests mark; its field and date for the checks."""
    return _observations(document)[0]


def _field_and_day(observation: dict[str, Any]) -> tuple[str, str]:
    return FIELD_BY_LOINC[observation["code"]["coding"][0]["code"]], observation[
        "effectiveDateTime"
    ]


def _imported_value(bundle: PatientBundle, field: str, day: str) -> Any:
    for visit in bundle.visits:
        if visit.date.isoformat() == day:
            return getattr(visit.snapshot, field)
    return None


@pytest.mark.parametrize(
    ("change", "note"),
    [
        (lambda o: o.update(status="entered-in-error"), "entered in error"),
        (lambda o: o.update(status="cancelled"), "cancelled"),
        (lambda o: o.update(subject={"reference": "urn:uuid:someone-else"}), "subject"),
        (lambda o: o.pop("subject"), "subject"),
        (lambda o: o["valueQuantity"].update(comparator="<"), "a bound, not a measured value"),
        (lambda o: o["valueQuantity"].update(comparator=">="), "a bound, not a measured value"),
    ],
)
def test_observations_that_are_not_facts_are_skipped_with_a_note(
    change: Any, note: str, store: Store, tmp_path: Path
) -> None:
    from myeloma_desk.exchange.fhir import read_fhir

    document = copy.deepcopy(_valid())
    observation = _marked(document)
    field, day = _field_and_day(observation)
    kept = read_fhir(copy.deepcopy(document))
    assert _imported_value(kept.bundle, field, day) is not None and kept.skipped == ()
    change(observation)
    read = read_fhir(document)
    assert _imported_value(read.bundle, field, day) is None  # never stored (never "5" for "<5")
    assert len(read.skipped) == 1 and note in read.skipped[0]
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code = main_cli(tmp_path, "patients", "import", str(path))
    assert code[0] == 0
    assert "1 resource(s) not imported:" in code[1] and note in code[1]


@pytest.mark.parametrize(
    ("kind", "change", "note"),
    [
        (
            "Condition",
            lambda r: r.update(
                verificationStatus={
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                            "code": "refuted",
                        }
                    ]
                }
            ),
            "refuted",
        ),
        (
            "Condition",
            lambda r: r.update(
                verificationStatus={
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                            "code": "entered-in-error",
                        }
                    ]
                }
            ),
            "entered in error",
        ),
        ("MedicationStatement", lambda r: r.update(status="entered-in-error"), "entered in error"),
        ("MedicationStatement", lambda r: r.update(status="not-taken"), "not taken"),
        (
            "MedicationStatement",
            lambda r: r.update(subject={"reference": "Patient/other"}),
            "subject",
        ),
    ],
)
def test_conditions_and_lines_that_are_not_facts_are_skipped(
    kind: str, change: Any, note: str
) -> None:
    from myeloma_desk.exchange.fhir import read_fhir

    document = copy.deepcopy(_valid())
    before = read_fhir(copy.deepcopy(document)).bundle
    for resource in _resources(document, kind):
        change(resource)
    read = read_fhir(document)
    if kind == "Condition":
        assert before.patient.diagnosis is not None and read.bundle.patient.diagnosis is None
    else:
        assert before.therapy_lines and read.bundle.therapy_lines == []
    assert read.skipped and all(note in line for line in read.skipped)


def test_a_server_style_patient_reference_is_accepted() -> None:
    from myeloma_desk.exchange.fhir import read_fhir

    document = copy.deepcopy(_valid())
    patient_entry = next(e for e in document["entry"] if e["resource"]["resourceType"] == "Patient")
    patient_entry["fullUrl"] = "https://fhir.example.org/r4/Patient/123"
    patient_entry["resource"]["id"] = "123"
    for entry in document["entry"]:
        if "subject" in entry["resource"]:
            entry["resource"]["subject"] = {"reference": "Patient/123"}
    read = read_fhir(document)
    assert read.skipped == () and read.bundle.visits


def main_cli(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    import contextlib
    import io

    from myeloma_desk.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--data-dir", str(tmp_path / "cli-home"), *args])
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()
