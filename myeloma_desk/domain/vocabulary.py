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


# The result values of the course-of-disease rules (docs/engine-course.md) in words, per rule:
# every value each rule can return is listed (tests/unit/domain/test_vocabulary.py walks them),
# so no screen, report or CLI text shows an id in their place.
COURSE_RESULT_LABELS: dict[str, dict[str, str]] = {
    "response_imwg": RESPONSE_LABELS,
    "mrd_imwg": {
        "sustained_mrd_negative": "Sustained MRD negative (imaging-plus, at least 1 year apart)",
        "imaging_plus_mrd_negative": "Imaging-plus MRD negative",
        "flow_mrd_negative": "Flow MRD negative",
        "sequencing_mrd_negative": "Sequencing MRD negative",
        "mrd_negative_not_in_cr": "MRD negative outside a complete response (not an IMWG category)",
        "mrd_negative_not_imwg_standard": (
            "MRD negative, not by an IMWG method or sensitivity (NGF or NGS at 10⁻⁵)"
        ),
        "mrd_positive": "MRD positive",
    },
    "relapse_imwg": {
        "clinical_relapse": "Clinical relapse",
        "relapse_from_cr": "Relapse from complete response",
        "relapse_from_mrd_negative": "Relapse from MRD negativity",
    },
    "al_hematologic_response": {
        "CR": "Complete response",
        "VGPR": "Very good partial response",
        "PR": "Partial response",
        "NR": "No response",
    },
    "al_hematologic_progression": {
        "progression": "Hematologic progression",
        "no_progression": "No hematologic progression",
    },
    "al_cardiac_response": {
        "response": "Cardiac response",
        "no_response": "No cardiac response",
        "progression": "Cardiac progression",
    },
    "al_renal_response": {
        "response": "Renal response",
        "no_response": "No renal response",
        "progression": "Renal progression",
    },
    # Refractory drug classes (IMWG: progression on or within 60 days of a line), counted by
    # the refractoriness rule (domain/criteria/therapy.py).
    "refractoriness": {
        "not_refractory": "Not refractory",
        "single_class": "Single-class refractory",
        "double_class": "Double-class refractory",
        "triple_class": "Triple-class refractory",
        "penta_refractory": "Penta-refractory",
    },
}
# Course values shown outside a rule's result: the confirmation of a response
# (response_imwg ``detail.confirmation.status``) and the progression of a line
# (time_to_events ``detail.lines[].progression_status``).
CONFIRMATION_LABELS: dict[str, str] = {
    "confirmed": "Confirmed by two consecutive assessments",
    "unconfirmed": "Not yet confirmed (a second assessment is needed)",
    "not_applicable": "Not confirmed (stable disease is not confirmed)",
}
PROGRESSION_STATUS_LABELS: dict[str, str] = {
    "confirmed": "Progression confirmed by the next assessment",
    "unconfirmed": "Progression not yet confirmed",
    "none": "No progression",
}
# The same words for a value seen without its rule (the first rule listing it wins).
COURSE_VALUE_LABELS: dict[str, str] = {}
for _labels in COURSE_RESULT_LABELS.values():
    for _value, _label in _labels.items():
        COURSE_VALUE_LABELS.setdefault(_value, _label)
COURSE_VALUE_LABELS.update(
    {"response": "Response", "no_response": "No response", "progression": "Progression"}
)


def diagnosis_label(value: str | None) -> str:
    """A diagnosis in words ("Active multiple myeloma"); unknown values are shown as given."""
    if value is None:
        return "Not established"
    return DIAGNOSIS_LABELS.get(value, value)
