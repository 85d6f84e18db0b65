"""Result vocabularies shared by the engine, the store and the UI (one definition each).

Fixed from outside by ../shared/reference/assessment-interchange.md.
"""

from __future__ import annotations

from typing import Literal, get_args

# The result values of the `diagnosis` rule.
Diagnosis = Literal[
    "active_multiple_myeloma",
    "smoldering_multiple_myeloma",
    "non_igm_mgus",
    "igm_mgus",
    "light_chain_mgus",
    "solitary_plasmacytoma",
    "solitary_plasmacytoma_minimal_marrow",
    "extramedullary_plasmacytoma",
    "plasma_cell_leukemia",
    "al_amyloidosis",
    "poems_syndrome",
    "no_plasma_cell_neoplasm",
]
DIAGNOSES: tuple[str, ...] = get_args(Diagnosis)

# How each diagnosis reads to a clinician (screens and reports use these words, never the ids).
DIAGNOSIS_LABELS: dict[str, str] = {
    "active_multiple_myeloma": "Active multiple myeloma",
    "smoldering_multiple_myeloma": "Smoldering multiple myeloma",
    "non_igm_mgus": "Non-IgM MGUS",
    "igm_mgus": "IgM MGUS",
    "light_chain_mgus": "Light-chain MGUS",
    "solitary_plasmacytoma": "Solitary plasmacytoma",
    "solitary_plasmacytoma_minimal_marrow": "Solitary plasmacytoma with minimal marrow involvement",
    "extramedullary_plasmacytoma": "Extramedullary plasmacytoma",
    "plasma_cell_leukemia": "Plasma cell leukemia",
    "al_amyloidosis": "AL amyloidosis",
    "poems_syndrome": "POEMS syndrome",
    "no_plasma_cell_neoplasm": "No plasma cell neoplasm",
}

# IMWG response categories (Kumar 2016), deepest last, with their full names.
RESPONSE_ORDER: tuple[str, ...] = ("PD", "SD", "MR", "PR", "VGPR", "CR", "sCR")
RESPONSE_LABELS: dict[str, str] = {
    "sCR": "Stringent complete response",
    "CR": "Complete response",
    "VGPR": "Very good partial response",
    "PR": "Partial response",
    "MR": "Minimal response",
    "SD": "Stable disease",
    "PD": "Progressive disease",
}


def diagnosis_label(value: str | None) -> str:
    """A diagnosis in words ("Active multiple myeloma"); unknown values are shown as given."""
    if value is None:
        return "Not established"
    return DIAGNOSIS_LABELS.get(value, value)
