"""The myeloma-defining events as one table (Rajkumar 2014 Lancet Oncol, Panel 1): each row's
text is printed from its constants, and the inputs an undecided event needs come from its row."""

from __future__ import annotations

import dataclasses

import pytest
from engine1_build import NO_MDE, with_base

from myeloma_desk.domain.criteria.diagnosis import MDE_TABLE, mde_rule, myeloma_defining_events
from myeloma_desk.domain.criteria.diagnosis.events import (
    CALCIUM_ABOVE_ULN,
    CALCIUM_ABSOLUTE,
    CRCL_BELOW,
    CREATININE_ABOVE,
    EVENT_LABELS,
    FLC_RATIO_100,
    HEMOGLOBIN_BELOW,
    HEMOGLOBIN_BELOW_LLN,
    INVOLVED_FLC_100,
    MARROW_60,
    MRI_FOCAL_LESIONS,
    OSTEOLYTIC_LESIONS,
)
from myeloma_desk.domain.thresholds import AllOf, AnyOf, Threshold

# Panel 1 as the engine has always printed it (the golden corpus holds these texts).
PANEL_1 = {
    "hypercalcemia": "hypercalcemia: calcium > 1 mg/dL above the ULN or > 11 mg/dL",
    "renal_insufficiency": (
        "renal insufficiency: creatinine clearance < 40 mL/min or creatinine > 2 mg/dL"
    ),
    "anemia": "anemia: hemoglobin > 2 g/dL below the LLN or < 10 g/dL",
    "bone_lesions": "bone lesions: ≥ 1 osteolytic lesion on radiography, CT or PET-CT",
    "bmpc_60": "clonal bone marrow plasma cells ≥ 60%",
    "flc_ratio_100": "involved/uninvolved FLC ratio ≥ 100 with involved FLC ≥ 100 mg/L",
    "mri_focal_lesions": "> 1 focal lesion (≥ 5 mm) on MRI",
}


def test_the_table_has_panel_1_rows_in_order() -> None:
    assert [row.id for row in MDE_TABLE] == list(PANEL_1)
    assert {row.id: row.criterion for row in MDE_TABLE} == PANEL_1


def test_the_criteria_users_see_are_the_rows() -> None:
    result = mde_rule(with_base())
    assert [c.name for c in result.criteria] == list(PANEL_1.values())
    assert EVENT_LABELS["anemia"] == "anemia"
    assert EVENT_LABELS["bmpc_60"] == PANEL_1["bmpc_60"]


def _moved(t: Threshold, value: float) -> Threshold:
    return dataclasses.replace(t, value=value)


@pytest.mark.parametrize(
    ("row_id", "old", "new", "expected"),
    [
        ("hypercalcemia", CALCIUM_ABSOLUTE, 12.0, "or > 12 mg/dL"),
        ("hypercalcemia", CALCIUM_ABOVE_ULN, 1.5, "calcium > 1.5 mg/dL above the ULN"),
        ("renal_insufficiency", CRCL_BELOW, 30.0, "creatinine clearance < 30 mL/min"),
        ("renal_insufficiency", CREATININE_ABOVE, 2.5, "or creatinine > 2.5 mg/dL"),
        ("anemia", HEMOGLOBIN_BELOW, 9.5, "or < 9.5 g/dL"),
        ("anemia", HEMOGLOBIN_BELOW_LLN, 1.5, "hemoglobin > 1.5 g/dL below the LLN"),
        ("bone_lesions", OSTEOLYTIC_LESIONS, 2, "≥ 2 osteolytic lesion"),
        ("bmpc_60", MARROW_60, 50.0, "≥ 50%"),
        ("flc_ratio_100", FLC_RATIO_100, 80.0, "ratio ≥ 80 with"),
        ("flc_ratio_100", INVOLVED_FLC_100, 90.0, "involved FLC ≥ 90 mg/L"),
        ("mri_focal_lesions", MRI_FOCAL_LESIONS, 2, "> 2 focal lesion"),
    ],
)
def test_each_label_is_printed_from_its_constant(
    row_id: str, old: Threshold, new: float, expected: str
) -> None:
    """Moving one constant moves the text a user reads: no label is typed beside it."""
    (row,) = [r for r in MDE_TABLE if r.id == row_id]
    criteria = row.criteria
    if isinstance(criteria, AnyOf | AllOf):
        parts = tuple(_moved(c, new) if c == old else c for c in criteria.criteria)
        moved = dataclasses.replace(criteria, criteria=parts)
    else:
        assert criteria == old
        moved = _moved(old, new)
    assert moved != criteria
    text = dataclasses.replace(row, criteria=moved).criterion
    assert expected in text
    assert text != row.criterion


def _event(row_id: str, **fields: object) -> tuple[object, list[str]]:
    (ev,) = [ev for ev in myeloma_defining_events(with_base(**fields)) if ev.name == row_id]
    return ev.met, ev.needs


# Removing each input of a row in turn, from a snapshot with no event: the row is undecided
# and names that input. (The bone row is read with a biopsied bone plasmacytoma and 5% clonal
# marrow plasma cells, so that both its marrow and its lesion count are read.)
ROW_INPUTS = [
    (row.id, name)
    for row in MDE_TABLE
    for name in row.needs
    if name != "biopsy_proven_plasmacytoma"  # not recorded means none (the interchange)
]


@pytest.mark.parametrize(("row_id", "name"), ROW_INPUTS)
def test_each_needed_input_comes_from_the_row(row_id: str, name: str) -> None:
    assert name in NO_MDE
    extra = {"biopsy_proven_plasmacytoma": "bone"} if row_id == "bone_lesions" else {}
    met, needs = _event(row_id, **extra)
    assert (met, needs) == (False, [])
    met, needs = _event(row_id, **extra, **{name: None})
    assert met is None
    assert name in needs


def test_the_row_needs_are_those_of_its_criteria() -> None:
    needs = {row.id: row.needs for row in MDE_TABLE}
    assert needs["hypercalcemia"] == ("calcium", "calcium_upper_limit")
    assert needs["renal_insufficiency"] == ("creatinine", "creatinine_clearance")
    assert needs["flc_ratio_100"] == ("free_kappa", "free_lambda")
    assert needs["bone_lesions"] == (
        "biopsy_proven_plasmacytoma",
        "bone_marrow_plasma_cells_percent",
        "lytic_lesions",
    )


def test_a_value_is_asked_for_before_its_laboratory_limit() -> None:
    """With calcium and its ULN both missing, calcium alone is asked for: above 11 mg/dL it
    settles hypercalcemia without the ULN."""
    assert _event("hypercalcemia", calcium=None, calcium_upper_limit=None) == (None, ["calcium"])
    assert _event("hypercalcemia", calcium_upper_limit=None) == (None, ["calcium_upper_limit"])
    assert _event("hypercalcemia", calcium=(11.5, "mg/dL"), calcium_upper_limit=None) == (True, [])
    assert _event("anemia", hemoglobin=None, hemoglobin_lower_limit=None) == (None, ["hemoglobin"])
    assert _event("renal_insufficiency", creatinine=None, creatinine_clearance=None) == (
        None,
        ["creatinine", "creatinine_clearance"],
    )
