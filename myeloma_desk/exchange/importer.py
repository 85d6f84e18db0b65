"""Reading an import file: size limit, strict JSON, format detection, full validation.

Two formats are accepted: a FHIR R4 Bundle (see :mod:`fhir`) and the app's own lossless
patient file ``{"format": "myeloma-desk-patient", "version": 1, "bundle": {...}}``.
:func:`read_bundle` returns a validated :class:`PatientBundle` or raises
:class:`ImportRejected`; :func:`import_file` then writes it in one transaction.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from myeloma_desk.exchange.errors import ImportRejected
from myeloma_desk.exchange.fhir import FhirImport, read_fhir
from myeloma_desk.exchange.jsonin import JsonInputError, parse_json_bytes, read_limited
from myeloma_desk.exchange.messages import as_entered, bundle_problems, patient_words, plain
from myeloma_desk.store.errors import ConflictError
from myeloma_desk.store.models import Patient, PatientBundle
from myeloma_desk.store.repository import Store

MAX_IMPORT_BYTES = 20 * 1024 * 1024
NATIVE_FORMAT = "myeloma-desk-patient"
NATIVE_VERSION = 1


def parse_json(raw: bytes) -> Any:
    """Strict JSON (see :func:`myeloma_desk.exchange.jsonin.parse_json_bytes`), or rejected."""
    try:
        return parse_json_bytes(raw, MAX_IMPORT_BYTES)
    except JsonInputError as error:
        raise ImportRejected([str(error)]) from None


def native_document(bundle: PatientBundle) -> dict[str, Any]:
    """The app's own export document for one patient (lossless)."""
    data: dict[str, Any] = json.loads(bundle.model_dump_json(exclude_none=True))
    return {"format": NATIVE_FORMAT, "version": NATIVE_VERSION, "bundle": data}


def bundle_from_data(data: Any) -> PatientBundle:
    """Validate parsed JSON (either format) into a bundle, or raise :class:`ImportRejected`."""
    return read_data(data).bundle


def read_data(data: Any) -> FhirImport:
    """Validate parsed JSON (either format): the bundle and what was skipped (FHIR only)."""
    try:
        return _bundle_from_data(data)
    except ArithmeticError:
        # A number so large that exact unit conversion overflows its decimal context.
        raise ImportRejected(["a measured value is far too large to be real"]) from None
    except RecursionError:
        raise ImportRejected(["the file is nested too deeply"]) from None


def _bundle_from_data(data: Any) -> FhirImport:
    if isinstance(data, dict) and data.get("format") == NATIVE_FORMAT:
        if data.get("version") != NATIVE_VERSION:
            raise ImportRejected(
                [
                    f"this Myeloma Desk patient file is of version "
                    f"{as_entered(data.get('version'))}; this app reads version {NATIVE_VERSION}"
                ]
            )
        extra = sorted(str(key) for key in set(data) - {"format", "version", "bundle"})
        if extra:
            shown = ", ".join(as_entered(key) for key in extra)
            raise ImportRejected([f"the file holds parts this app does not read: {shown}"])
        try:
            return FhirImport(PatientBundle.model_validate(data.get("bundle")))
        except ValidationError as error:
            raise ImportRejected(bundle_problems(error, data.get("bundle"))) from None
    if isinstance(data, dict) and data.get("resourceType") == "Bundle":
        return read_fhir(data)
    raise ImportRejected(
        [
            "the file is not a FHIR Bundle nor a Myeloma Desk patient file (a FHIR file has "
            "the resource type Bundle; a Myeloma Desk file is the one this app exports)"
        ]
    )


def read_bundle(path: Path) -> PatientBundle:
    """Read and validate ``path`` completely; nothing is written."""
    return read_import(path).bundle


def read_import(path: Path) -> FhirImport:
    """Read and validate ``path`` completely: the bundle and what was skipped (for the
    import summary); nothing is written."""
    try:
        raw = read_limited(path, MAX_IMPORT_BYTES)
    except JsonInputError as error:
        raise ImportRejected([str(error)]) from None
    return read_data(parse_json(raw))


def import_data(store: Store, data: Any, source: str) -> Patient:
    """Validate parsed data completely, then write it as one new patient (one transaction)."""
    return write_import(store, read_data(data), source)


def import_file(store: Store, path: Path) -> Patient:
    """Import one patient file (FHIR or native JSON); all or nothing."""
    return write_import(store, read_import(path), path.name)


def write_import(store: Store, read: FhirImport, source: str) -> Patient:
    """Write a validated import as one new patient (one transaction)."""
    try:
        return store.import_bundle(read.bundle, source=source)
    except (ConflictError, ValueError) as error:
        # A clash with the store (an identifier it already holds): the patient is named.
        who = patient_words(read.bundle.model_dump(mode="json"))
        raise ImportRejected([f"{who}: {plain(str(error))}"]) from None
