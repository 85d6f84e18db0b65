"""One patient's export file: a FHIR R4 bundle or the app's own file, de-identified on request.

The one recipe for both the command line (``myeloma-desk patients export``) and the patient
page's Export… dialog.
"""

from __future__ import annotations

import json
from typing import Any

from myeloma_desk.exchange.deidentify import deidentify, pseudonym, random_offset
from myeloma_desk.exchange.fhir import export_fhir
from myeloma_desk.exchange.importer import native_document
from myeloma_desk.store.models import PatientBundle


def export_text(bundle: PatientBundle, *, fhir: bool, deidentified: bool, patient_id: str) -> str:
    """The export file's text. De-identified: names and identifiers removed, every date shifted
    by one random offset (intervals kept), the patient under a new pseudonym, and no FHIR id
    taken from the store (``patient_id`` is used only when not de-identified)."""
    if deidentified:
        bundle = deidentify(bundle, random_offset(), pseudonym())
    document: Any
    if fhir:
        document = export_fhir(bundle, patient_id=None if deidentified else patient_id)
    else:
        document = native_document(bundle)
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"
