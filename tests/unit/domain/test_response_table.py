"""The IMWG response categories as one table (Kumar 2016): each criterion's text is printed from
its constant, and the inputs an undecided category needs come from its row."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from myeloma_desk.domain.criteria import response
from myeloma_desk.domain.criteria.response import (
    DFLC_50,
    DFLC_90,
    MARROW_50,
    MARROW_BASELINE_30,
    MARROW_BELOW_5,
    PROGRESSION,
    RESPONSE_TABLE,
    SERUM_25,
    SERUM_50,
    SERUM_90,
    URINE_50,
    URINE_90_OR_200,
    URINE_BELOW_100,
    Check,
    response_imwg,
)
from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.domain.thresholds import AnyOf, Threshold


def q(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit}


# Serum-measurable disease (3 g/dL at baseline, urine 100 mg/24 h not measurable), now with no
# M-protein, both immunofixations negative, no plasmacytoma, 2% marrow plasma cells, a normal
# FLC ratio and no clonal marrow cells: a stringent complete response with every input given.
BASELINE: dict[str, Any] = {
    "date": "2024-01-01",
    "serum_m_protein": q(3.0, "g/dL"),
    "urine_m_protein_24h": q(100, "mg/24h"),
}
SCR: dict[str, Any] = {
    "date": "2025-01-01",
    "serum_m_protein": q(0, "g/dL"),
    "urine_m_protein_24h": q(0, "mg/24h"),
    "serum_immunofixation": "negative",
    "urine_immunofixation": "negative",
    "soft_tissue_plasmacytomas": "none",
    "bone_marrow_plasma_cells_percent": 2,
    "free_kappa": q(10.0, "mg/L"),
    "free_lambda": q(12.0, "mg/L"),
    "marrow_clonal_cells_absent": True,
}


def assessed(current: dict[str, Any], baseline: dict[str, Any] = BASELINE) -> Any:
    return response_imwg(parse_snapshot({**current, "history": [baseline]}))


def test_the_table_has_the_papers_rows_from_the_deepest() -> None:
    assert [row.name for row in RESPONSE_TABLE] == ["sCR", "CR", "VGPR", "PR", "MR"]


def test_the_criteria_users_see_are_the_tables() -> None:
    result = assessed(SCR)
    assert (result.status, result.result) == ("determined", "sCR")
    labels = {check.label for row in RESPONSE_TABLE for k in row.criteria.values() for check in k}
    # After measurability and progression, the categories' criteria: PR and MR, VGPR, CR, sCR.
    assert [c.name for c in result.criteria if c.name in labels] == [
        "serum M-protein reduced ≥ 50% from baseline",
        "serum M-protein reduced ≥ 25% from baseline",
        "urine M-protein < 100 mg/24 h",
        "serum M-protein reduced ≥ 90% from baseline",
        "serum immunofixation negative",
        "urine immunofixation negative",
        "no soft-tissue plasmacytomas",
        "marrow plasma cells < 5%",
        "normal FLC ratio (0.26–1.65)",
        "no clonal marrow cells by IHC/flow",
    ]
    assert all(c.met for c in result.criteria if c.name in labels)


def _moved(check: Check, part: int, value: float) -> Check:
    test = check.test
    if isinstance(test, AnyOf):
        parts = list(test.criteria)
        old = parts[part]
        assert isinstance(old, Threshold)
        parts[part] = dataclasses.replace(old, value=value)
        return dataclasses.replace(check, test=dataclasses.replace(test, criteria=tuple(parts)))
    assert isinstance(test, Threshold)
    return dataclasses.replace(check, test=dataclasses.replace(test, value=value))


@pytest.mark.parametrize(
    ("check", "part", "value", "expected"),
    [
        (SERUM_90, 0, 80.0, "serum M-protein reduced ≥ 80% from baseline"),
        (SERUM_50, 0, 40.0, "serum M-protein reduced ≥ 40% from baseline"),
        (SERUM_25, 0, 20.0, "serum M-protein reduced ≥ 20% from baseline"),
        (URINE_50, 0, 60.0, "urine M-protein reduced ≥ 60% from baseline"),
        (URINE_BELOW_100, 0, 150.0, "urine M-protein < 150 mg/24 h"),
        (URINE_90_OR_200, 0, 80.0, "urine M-protein ≥ 80% lower or < 200 mg/24 h"),
        (URINE_90_OR_200, 1, 250.0, "urine M-protein ≥ 90% lower or < 250 mg/24 h"),
        (DFLC_90, 0, 95.0, "dFLC (involved − uninvolved) reduced > 95% from baseline"),
        (DFLC_50, 0, 60.0, "dFLC (involved − uninvolved) reduced ≥ 60% from baseline"),
        (
            MARROW_BASELINE_30,
            0,
            20.0,
            "baseline marrow plasma cells ≥ 20% (needed for a marrow PR)",
        ),
        (MARROW_50, 0, 40.0, "marrow plasma cells reduced ≥ 40% from baseline"),
        (MARROW_BELOW_5, 0, 4.0, "marrow plasma cells < 4%"),
    ],
)
def test_each_label_is_printed_from_its_constant(
    check: Check, part: int, value: float, expected: str
) -> None:
    """Moving one constant moves the text a user reads: no label is typed beside it."""
    moved = _moved(check, part, value)
    assert moved.label == expected
    assert moved.label != check.label


def test_every_input_given_decides_every_category() -> None:
    result = assessed(SCR)
    assert "not_assessed" not in result.detail
    assert result.missing == []


# Removing each input the CR and sCR rows read, in turn: the rows name it (sCR lists CR's needs
# too, as the paper's "CR plus …"); the FLC ratio needs both chains, so both are named.
@pytest.mark.parametrize(
    ("name", "expected", "not_assessed"),
    [
        (
            "serum_immunofixation",
            "VGPR",
            {"sCR": ["serum_immunofixation"], "CR": ["serum_immunofixation"]},
        ),
        (
            "urine_immunofixation",
            "VGPR",
            {"sCR": ["urine_immunofixation"], "CR": ["urine_immunofixation"]},
        ),
        (
            "soft_tissue_plasmacytomas",
            "VGPR",
            {"sCR": ["soft_tissue_plasmacytomas"], "CR": ["soft_tissue_plasmacytomas"]},
        ),
        (
            "bone_marrow_plasma_cells_percent",
            "VGPR",
            {
                "sCR": ["bone_marrow_plasma_cells_percent"],
                "CR": ["bone_marrow_plasma_cells_percent"],
            },
        ),
        ("free_kappa", "CR", {"sCR": ["free_kappa", "free_lambda"]}),
        ("free_lambda", "CR", {"sCR": ["free_kappa", "free_lambda"]}),
        ("marrow_clonal_cells_absent", "CR", {"sCR": ["marrow_clonal_cells_absent"]}),
    ],
)
def test_each_needed_input_comes_from_the_table(
    name: str, expected: str, not_assessed: dict[str, list[str]]
) -> None:
    current = {k: v for k, v in SCR.items() if k != name}
    result = assessed(current)
    assert (result.status, result.result) == ("determined", expected)
    assert result.detail["not_assessed"] == not_assessed
    assert name in result.missing


def test_vgpr_names_the_urine_it_needs() -> None:
    """Serum 90% lower with the urine not measured now: VGPR needs the urine, PR does not."""
    current = {"date": "2025-01-01", "serum_m_protein": q(0.3, "g/dL")}
    result = assessed(current)
    assert (result.status, result.result) == ("determined", "PR")
    assert result.detail["not_assessed"]["VGPR"] == ["urine_m_protein_24h"]


def test_pr_names_the_plasmacytoma_category_it_needs() -> None:
    """A plasmacytoma at baseline, its category not recorded now: PR cannot be decided."""
    baseline = {**BASELINE, "soft_tissue_plasmacytomas": "present"}
    current = {
        "date": "2025-01-01",
        "serum_m_protein": q(1.0, "g/dL"),
        "urine_m_protein_24h": q(50, "mg/24h"),
    }
    result = assessed(current, baseline)
    assert result.status == "cannot_determine"
    assert result.detail["not_assessed"]["PR"] == ["soft_tissue_plasmacytomas"]
    assert "soft_tissue_plasmacytomas" in result.missing


def test_the_pd_rows_are_the_papers() -> None:
    assert [(r.measure, r.absolute, r.unit, r.strict) for r in PROGRESSION] == [
        ("serum_m_protein", 0.5, "g/dL", False),
        ("urine_m_protein_24h", 200.0, "mg/24h", False),
        ("dflc", 100.0, "mg/L", True),
        ("bone_marrow_plasma_cells_percent", 10.0, "percentage points", False),
    ]
    assert PROGRESSION[0].high_nadir == (5.0, 1.0)


def _rising(nadir: float, now: float, baseline: float = 3.0) -> Any:
    """Serum-measurable disease: ``baseline`` g/dL, ``nadir`` later, ``now`` today."""
    first = {**BASELINE, "serum_m_protein": q(baseline, "g/dL")}
    history = [first, {"date": "2024-06-01", "serum_m_protein": q(nadir, "g/dL")}]
    current = {"date": "2025-01-01", "serum_m_protein": q(now, "g/dL")}
    return response_imwg(parse_snapshot({**current, "history": history}))


def test_each_pd_label_is_printed_from_its_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rise of 0.6 g/dL (+60%) from a 1 g/dL nadir is PD at the paper's 0.5 g/dL; moving the
    row's constant to 0.7 g/dL moves the criterion a user reads and the category with it."""
    result = _rising(1.0, 1.6)
    assert result.result == "PD"
    names = [c.name for c in result.criteria]
    assert "serum M-protein: ≥ 25% increase from nadir" in names
    assert "serum M-protein: absolute increase ≥ 0.5 g/dL" in names
    moved = (dataclasses.replace(PROGRESSION[0], absolute=0.7), *PROGRESSION[1:])
    monkeypatch.setattr(response, "PROGRESSION", moved)
    result = _rising(1.0, 1.6)
    assert result.result != "PD"
    assert "serum M-protein: absolute increase ≥ 0.7 g/dL" in [c.name for c in result.criteria]


def test_a_high_nadir_reads_its_own_limit() -> None:
    result = _rising(5.0, 6.0, baseline=8.0)  # +1 g/dL from a 5 g/dL nadir: +20%, PD alone
    assert result.result == "PD"
    assert "serum M-protein: increase ≥ 1 g/dL from a nadir ≥ 5 g/dL" in [
        c.name for c in result.criteria
    ]
