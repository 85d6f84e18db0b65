"""Fictional demo patients (resources/demo/*.json), offered on first start and by
``myeloma-desk demo``. Every name starts with "DEMO" and every identifier with "DEMO-".
"""

from __future__ import annotations

import json
from importlib.resources import files

from myeloma_desk.store.models import PatientBundle
from myeloma_desk.store.repository import Store

DEMO_PREFIX = "DEMO"


def demo_bundles() -> list[PatientBundle]:
    """The bundled demo patients, validated (sorted by file name)."""
    folder = files("myeloma_desk.resources") / "demo"
    bundles: list[PatientBundle] = []
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text(encoding="utf-8"))
            bundle = PatientBundle.model_validate(data)
            if not bundle.patient.name.startswith(DEMO_PREFIX):
                raise ValueError(f"demo patient in {entry.name} is not marked {DEMO_PREFIX}")
            bundles.append(bundle)
    return bundles


def load_demo(store: Store) -> list[str]:
    """Add every demo patient not yet in ``store`` (matched by identifier); idempotent.

    Returns the names of the patients added (empty when all were already there).
    """
    added: list[str] = []
    for bundle in demo_bundles():
        identifier = bundle.patient.identifier
        if identifier is not None and store.find_by_identifier(identifier) is not None:
            continue
        store.import_bundle(bundle, source="demo")
        added.append(bundle.patient.name)
    return added
