"""Fuzzing the importers: any input is either a valid patient or a clean rejection."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storetest_helpers import assert_reads_as_written

from myeloma_desk.exchange.errors import ImportRejected
from myeloma_desk.exchange.fhir import export_fhir
from myeloma_desk.exchange.importer import (
    bundle_from_data,
    import_data,
    native_document,
    parse_json,
)
from myeloma_desk.store import PatientBundle, Store
from myeloma_desk.store.demo import demo_bundles

DEMO = demo_bundles()[-1]
VALID_FHIR = export_fhir(DEMO)
VALID_NATIVE = native_document(DEMO)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["2024-01-01", "g/dL", "mg/dL", "Bundle", "Patient", "http://loinc.org"]),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)
SLOW = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def store(both_backends: Store) -> Store:
    """Every test of this file on both backends: the local file and the clinic server."""
    return both_backends


def _paths(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every location (dict key or list index) inside a JSON document."""
    found: list[tuple[Any, ...]] = []
    if isinstance(document, dict):
        for key, value in document.items():
            found.append((*prefix, key))
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found.append((*prefix, index))
            found.extend(_paths(value, (*prefix, index)))
    return found


FHIR_PATHS = _paths(VALID_FHIR)
NATIVE_PATHS = _paths(VALID_NATIVE)


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def _outcome(data: Any) -> PatientBundle | None:
    try:
        return bundle_from_data(data)
    except ImportRejected as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)
        assert str(error).startswith("Import rejected, nothing was written")
        assert_reads_as_written(error)
        return None


@SLOW
@given(json_values)
def test_random_json_is_rejected_cleanly(data: Any) -> None:
    assert _outcome(data) is None or isinstance(_outcome(data), PatientBundle)


@SLOW
@given(st.sampled_from(FHIR_PATHS), json_values)
def test_mutated_fhir_is_valid_or_rejected_and_never_half_written(
    store: Store, path: tuple[Any, ...], value: Any
) -> None:
    document = _replace(VALID_FHIR, path, value)
    before = (store.count_patients(include_archived=True), store.verify_audit().head)
    try:
        patient = import_data(store, document, "fuzz")
    except ImportRejected as error:
        assert_reads_as_written(error)
        assert (store.count_patients(include_archived=True), store.verify_audit().head) == before
    else:  # accepted: the whole patient is there and the store still checks out
        assert store.count_patients(include_archived=True) == before[0] + 1
        store.archive_patient(patient.id)
        from myeloma_desk.store import PatientFields

        store.update_patient(patient.id, PatientFields(name=patient.name))  # free the MRN
    assert store.verify_audit().ok


@SLOW
@given(st.sampled_from(NATIVE_PATHS), json_values)
def test_mutated_native_file_is_valid_or_rejected(path: tuple[Any, ...], value: Any) -> None:
    _outcome(_replace(VALID_NATIVE, path, value))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_truncated_files_are_rejected(data: st.DataObject) -> None:
    text = json.dumps(VALID_FHIR).encode()
    cut = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    try:
        parse_json(text[:cut])
    except ImportRejected as error:
        assert "JSON" in str(error) or "UTF-8" in str(error)
        assert_reads_as_written(error)
    else:
        raise AssertionError(f"a file cut at byte {cut} was accepted")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_are_rejected(raw: bytes) -> None:
    try:
        data = parse_json(raw)
    except ImportRejected as error:
        assert_reads_as_written(error)
        return
    assert _outcome(data) is None


def test_empty_contained_resource_type_is_rejected_not_crashing() -> None:
    """Regression (found by hypothesis): resourceType "" made fhir.resources raise KeyError."""
    from myeloma_desk.exchange.fhir import import_fhir

    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": ""}}],
    }
    with pytest.raises(ImportRejected) as caught:
        import_fhir(bundle)
    assert_reads_as_written(caught.value)
