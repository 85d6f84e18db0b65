"""POEMS syndrome (Dispenzieri 2019 Am J Hematol): both mandatory criteria, ≥ 1 major and ≥ 1
minor criterion."""

from __future__ import annotations

from myeloma_desk.domain.criteria.diagnosis.common import yes_no
from myeloma_desk.domain.display import field_label
from myeloma_desk.domain.logic import Tri, tri_all, tri_any
from myeloma_desk.domain.snapshot import Snapshot

POEMS_MAJOR = ("castleman", "sclerotic_bone_lesions", "vegf_elevated")
POEMS_MINOR = (
    "organomegaly",
    "extravascular_volume_overload",
    "endocrinopathy",
    "skin_changes",
    "papilledema",
    "thrombocytosis_or_polycythemia",
)


def poems(s: Snapshot, monoclonal: Tri) -> tuple[Tri, list[tuple[str, Tri, str]]]:
    """Dispenzieri: both mandatory criteria, ≥ 1 major and ≥ 1 minor criterion."""
    p = s.poems
    if p is None:
        return None, []  # not recorded: an assumption, no criteria to list
    values = p.model_dump()
    major = tri_any(values.get(k) for k in POEMS_MAJOR)
    minor = tri_any(values.get(k) for k in POEMS_MINOR)
    rows: list[tuple[str, Tri, str]] = [
        (
            "POEMS mandatory: polyneuropathy",
            values.get("polyneuropathy"),
            yes_no(values.get("polyneuropathy")),
        ),
        (
            "POEMS mandatory: monoclonal plasma cell disorder (almost always lambda)",
            monoclonal,
            yes_no(monoclonal) + _lambda_note(s),
        ),
        (
            "POEMS major (≥ 1): Castleman disease, sclerotic bone lesions, elevated VEGF",
            major,
            _listed(values, POEMS_MAJOR),
        ),
        (
            "POEMS minor (≥ 1): organomegaly, extravascular volume overload, endocrinopathy, "
            "skin changes, papilledema, thrombocytosis/polycythemia",
            minor,
            _listed(values, POEMS_MINOR),
        ),
    ]
    return tri_all(r[1] for r in rows), rows


def _lambda_note(s: Snapshot) -> str:
    if s.m_protein_light_chain == "kappa":
        return " (kappa: unusual for POEMS)"
    return ""


def _listed(values: dict[str, object], keys: tuple[str, ...]) -> str:
    present = [field_label(k) for k in keys if values.get(k) is True]
    unknown = [field_label(k) for k in keys if values.get(k) is None]
    text = ", ".join(present) if present else "none present"
    if unknown and not present:
        text += f" (not recorded: {', '.join(unknown)})"
    return text
