"""Snapshot builders shared by the criteria-engine I tests (diagnosis, staging, risk)."""

from __future__ import annotations

from typing import Any

from myeloma_desk.domain.snapshot import Snapshot, parse_snapshot


def q(value: float, unit: str) -> dict[str, Any]:
    """A quantity as the interchange format writes it."""
    return {"value": value, "unit": unit}


def data(**fields: Any) -> dict[str, Any]:
    """Raw snapshot data: (value, unit) tuples become quantities; None drops the field."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if value is None:
            continue
        out[key] = q(*value) if isinstance(value, tuple) else value
    return out


def build(**fields: Any) -> Snapshot:
    """A validated snapshot from keyword fields (see :func:`data`)."""
    return parse_snapshot(data(**fields))


# Every myeloma-defining event known and absent; marrow 5% clonal plasma cells; FLC normal.
NO_MDE: dict[str, Any] = {
    "calcium": (9.5, "mg/dL"),
    "calcium_upper_limit": (10.2, "mg/dL"),
    "creatinine": (0.9, "mg/dL"),
    "creatinine_clearance": (90, "mL/min"),
    "hemoglobin": (13.0, "g/dL"),
    "hemoglobin_lower_limit": (12.0, "g/dL"),
    "lytic_lesions": 0,
    "mri_focal_lesions": 0,
    "bone_marrow_plasma_cells_percent": 5,
    "free_kappa": (20.0, "mg/L"),
    "free_lambda": (15.0, "mg/L"),
}


def with_base(**fields: Any) -> Snapshot:
    """NO_MDE overridden by ``fields`` (None removes a field)."""
    merged = {**NO_MDE, **fields}
    return build(**merged)
