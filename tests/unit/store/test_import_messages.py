"""What a clinician reads when an import is refused: the record and the field that are wrong
and why, with the value as entered; no dotted path, snake_case name or Python repr
(storetest_helpers.wording_problems). Every test runs on both backends (the local file and
the clinic server): the refusal is made before the store is written, whichever it is."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from storetest_helpers import assert_reads_as_written, contents, wording_problems

from myeloma_desk.exchange.errors import ImportRejected
from myeloma_desk.exchange.fhir import export_fhir
from myeloma_desk.exchange.importer import import_data, native_document
from myeloma_desk.store import Store
from myeloma_desk.store.demo import demo_bundles

# The demo patient with nine visits and four therapy lines.
DEMO = max(demo_bundles(), key=lambda b: len(b.visits) + len(b.therapy_lines))
MRN = DEMO.patient.identifier
TODAY = dt.date.today()
TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()


@pytest.fixture
def store(both_backends: Store) -> Store:
    return both_backends


def _native() -> dict[str, Any]:
    return copy.deepcopy(native_document(DEMO))


def _refused(store: Store, document: Any) -> list[str]:
    before = contents(store)
    with pytest.raises(ImportRejected) as caught:
        import_data(store, document, "test")
    assert contents(store) == before
    assert "nothing was written" in str(caught.value)
    assert_reads_as_written(caught.value)
    return caught.value.problems


def test_two_visits_on_one_date_name_the_patient_the_visit_and_the_date(store: Store) -> None:
    document = _native()
    visits = document["bundle"]["visits"]
    first = visits[0]["date"]
    visits.append(copy.deepcopy(visits[0]))
    assert _refused(store, document) == [
        f"Patient {MRN}, visit {len(visits)} ({first}): two visits on the same date, {first} "
        "(visit 1 is on that date too); one visit per date"
    ]


def test_a_visit_after_today_names_the_visit_and_the_date_as_entered(store: Store) -> None:
    document = _native()
    document["bundle"]["visits"][8]["date"] = TOMORROW
    assert _refused(store, document) == [
        f"Patient {MRN}, visit 9, visit date: the date {TOMORROW} is after today "
        f"({TODAY.isoformat()}); a recorded date cannot be in the future"
    ]


def test_today_is_accepted_as_a_visit_date(store: Store) -> None:
    """The boundary of the check above: a visit dated today is a recorded date."""
    document = _native()
    document["bundle"]["visits"][8]["date"] = TODAY.isoformat()
    document["bundle"]["visits"][8]["snapshot"]["date"] = TODAY.isoformat()
    assert import_data(store, document, "test").identifier == MRN


def test_a_therapy_line_after_today_names_the_line_and_its_regimen(store: Store) -> None:
    document = _native()
    line = document["bundle"]["therapy_lines"][2]
    line["start"] = TOMORROW
    line.pop("end", None)  # (an end before the start is a refusal of its own)
    assert _refused(store, document) == [
        f"Patient {MRN}, line 3 ({line['regimen']}): the start date {TOMORROW} is after today "
        f"({TODAY.isoformat()}); a recorded date cannot be in the future"
    ]


def test_one_message_per_invalid_field_each_naming_its_record(store: Store) -> None:
    document = _native()
    visit = document["bundle"]["visits"][3]
    visit["snapshot"]["hemoglobin"]["value"] = "lots"
    document["bundle"]["therapy_lines"][0]["best_response"] = "GREAT"
    document["bundle"]["patient"]["sex"] = "X"
    problems = _refused(store, document)
    assert problems == [
        f"Patient {MRN}, patient details, sex: \u201cX\u201d is not one of the accepted values "
        "(\u201cfemale\u201d, \u201cmale\u201d)",
        f"Patient {MRN}, visit 4 ({visit['date']}), hemoglobin value: must be a number, not "
        "\u201clots\u201d",
        f"Patient {MRN}, line 1 (VRd), best response: \u201cGREAT\u201d is not one of the "
        "accepted values (\u201csCR\u201d, \u201cCR\u201d, \u201cVGPR\u201d, \u201cPR\u201d, "
        "\u201cMR\u201d, \u201cSD\u201d, \u201cPD\u201d)",
    ]


def test_an_unknown_field_is_named_as_entered_inside_its_record(store: Store) -> None:
    document = _native()
    visit = document["bundle"]["visits"][1]
    visit["snapshot"]["serum_m_protien"] = {"value": 1, "unit": "g/dL"}
    assert _refused(store, document) == [
        f"Patient {MRN}, visit 2 ({visit['date']}): \u201cserum_m_protien\u201d is not a field "
        "this app reads"
    ]


def test_an_identifier_already_in_the_store_names_the_patient(store: Store) -> None:
    import_data(store, _native(), "first")
    assert _refused(store, _native()) == [
        f"Patient {MRN}: a patient with identifier \u201c{MRN}\u201d already exists"
    ]


def test_fhir_refusals_name_the_entry_and_its_element(store: Store) -> None:
    document = export_fhir(DEMO)
    index, observation = next(
        (i, e["resource"])
        for i, e in enumerate(document["entry"])
        if e["resource"]["resourceType"] == "Observation"
    )
    observation["code"]["coding"][0]["code"] = "9999-9"
    problems = _refused(store, document)
    assert problems == [
        f"Entry {index + 1} (Observation): LOINC code \u201c9999-9\u201d is not a result this "
        "app imports"
    ]


def test_a_file_of_another_kind_and_its_path_read_plainly(tmp_path: Path, store: Store) -> None:
    from myeloma_desk.exchange.importer import import_file

    odd = tmp_path / "odd_name.json"
    odd.write_text(json.dumps({"format": "myeloma-desk-patient", "version": 2, "bundle": {}}))
    with pytest.raises(ImportRejected, match="version 2; this app reads version 1") as caught:
        import_file(store, odd)
    assert_reads_as_written(caught.value)
    with pytest.raises(ImportRejected, match="is a folder") as caught:
        import_file(store, tmp_path)
    assert_reads_as_written(caught.value)


@pytest.mark.parametrize(
    "message",
    [
        "bundle visits.8.date: Input should be a valid date",
        "bundle : visits: two visits on the same date",
        "FHIR entry.3.resource.valueQuantity.unit: Input should be a valid string",
        "unit 'x_y' is not accepted",
        "Value is expected from the instance of Coding, but got type <class 'int'>",
        "serum_m_protein needs a value",
        "the diagnosis must be one of ['mgus', None]",
    ],
)
def test_the_wording_check_catches_the_old_messages(message: str) -> None:
    """The check above can fail: each message the importer used to give is caught."""
    assert wording_problems(message)


def test_the_wording_check_leaves_clinical_text_and_values_as_entered_alone() -> None:
    assert not wording_problems(
        "Entry 2 (Condition): ICD-10-CM code \u201cC90.0_x\u201d is not a plasma cell neoplasm "
        "code this app knows (C90.00, D47.2, E85.81), e.g. 1.5 mg/dL"
    )
