"""Therapy lines and refractoriness (Rajkumar 2015) and the PDQ's eligibility statements: each
rule meets / does_not_meet / unknown."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from myeloma_desk.domain.criteria.therapy import (
    braf_mek_eligibility,
    cilta_cel_eligibility,
    elranatamab_eligibility,
    ide_cel_eligibility,
    refractoriness,
    selinexor_eligibility,
    talquetamab_eligibility,
    teclistamab_eligibility,
    venetoclax_eligibility,
)
from myeloma_desk.domain.snapshot import parse_snapshot


def line(
    regimen: str, drugs: list[str], refractory: bool | None, end: str | None = "2024-01-01"
) -> dict[str, Any]:
    return {
        "regimen": regimen,
        "drugs": drugs,
        "start": "2023-01-01",
        "end": end,
        "refractory": refractory,
    }


VRD_REFRACTORY = line("VRd", ["bortezomib", "lenalidomide", "dexamethasone"], True)
VRD_SENSITIVE = line("VRd", ["Velcade", "Revlimid", "dex"], False)
DPD = line("DPd", ["daratumumab", "pomalidomide", "dexamethasone"], True)
KD = line("Kd", ["carfilzomib", "dexamethasone"], True)
ISA_KD = line("Isa-Kd", ["isatuximab", "carfilzomib", "dexamethasone"], False)


def snap(*lines: dict[str, Any], **extra: Any):
    return parse_snapshot({"therapy_lines": list(lines), **extra})


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ((VRD_SENSITIVE,), "not_refractory"),
        ((line("Vd", ["bortezomib", "dexamethasone"], True),), "single_class"),
        ((VRD_REFRACTORY,), "double_class"),
        ((VRD_REFRACTORY, DPD), "triple_class"),
        ((VRD_REFRACTORY, DPD, KD), "penta_refractory"),
        ((VRD_REFRACTORY, DPD, ISA_KD), "triple_class"),  # carfilzomib not refractory
    ],
)
def test_refractoriness(lines: tuple[dict[str, Any], ...], expected: str) -> None:
    result = refractoriness(snap(*lines))
    assert (result.status, result.result) == ("determined", expected)
    assert result.detail["line_count"] == len(lines)


def test_refractoriness_detail() -> None:
    result = refractoriness(snap(VRD_SENSITIVE, DPD))
    assert result.detail["exposed_classes"] == [
        "anti_cd38_antibody",
        "corticosteroid",
        "immunomodulatory_drug",
        "proteasome_inhibitor",
    ]
    assert result.detail["refractory_drugs"] == ["daratumumab", "dexamethasone", "pomalidomide"]
    assert result.detail["triple_class_exposed"] is True
    assert result.result == "double_class"


def test_refractoriness_class_criteria_read_as_a_clinician_writes_them() -> None:
    result = refractoriness(snap(VRD_SENSITIVE, DPD))
    assert [(c.name, c.met, c.value) for c in result.criteria[:3]] == [
        ("refractory to a proteasome inhibitor", False, "no"),
        ("refractory to an immunomodulatory drug", True, "pomalidomide"),
        ("refractory to an anti-CD38 antibody", True, "daratumumab"),
    ]


def test_a_refractory_line_without_its_drugs_leaves_every_drug_unknown() -> None:
    result = refractoriness(snap(line("unknown regimen", [], True)))
    assert result.status == "cannot_determine"
    assert {c.name: c.met for c in result.criteria}["refractory to lenalidomide"] is None
    assert "therapy_lines[0].drugs" in result.missing
    # With the drugs listed it is known.
    known = refractoriness(snap(line("Vd", ["bortezomib", "dexamethasone"], True)))
    assert {c.name: c.met for c in known.criteria}["refractory to lenalidomide"] is False


def test_refractoriness_unknown_flag_that_matters() -> None:
    result = refractoriness(
        snap(
            line("Vd", ["bortezomib", "dexamethasone"], None),
            line("Rd", ["lenalidomide", "dexamethasone"], True),
        )
    )
    assert result.status == "cannot_determine"
    assert result.detail["at_least"] == "single_class"
    assert result.missing == ["therapy_lines[0].refractory"]


def test_current_line_in_progress_read_as_not_refractory() -> None:
    result = refractoriness(snap(VRD_REFRACTORY, line("DPd", ["daratumumab"], None, end=None)))
    assert result.result == "double_class"
    assert result.detail["assumptions"]


def test_refractoriness_not_applicable_without_lines() -> None:
    assert refractoriness(snap()).status == "not_applicable"


def test_unknown_drug_names_listed() -> None:
    result = refractoriness(snap(line("X", ["bortezomib", "mysterymab"], True)))
    assert result.detail["unknown_drugs"] == ["mysterymab (line 1)"]


# --- eligibility ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ((VRD_REFRACTORY,), "meets"),  # 1 line with a PI and an IMiD, lenalidomide-refractory
        ((VRD_SENSITIVE,), "does_not_meet"),  # not lenalidomide-refractory
        ((line("Rd", ["lenalidomide", "dexamethasone"], True),), "does_not_meet"),  # no PI
        ((line("VRd", ["bortezomib", "lenalidomide"], None),), "unknown"),
        ((), "unknown"),
    ],
)
def test_cilta_cel(lines: tuple[dict[str, Any], ...], expected: str) -> None:
    result = cilta_cel_eligibility(snap(*lines))
    assert (result.status, result.result) == ("determined", expected)
    assert "lenalidomide-refractory disease" in result.detail["text"]
    if expected == "unknown":
        assert result.missing


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ((VRD_SENSITIVE, line("Rd", ["lenalidomide", "dexamethasone"], True)), "meets"),
        ((VRD_REFRACTORY,), "does_not_meet"),  # only one line
        ((VRD_SENSITIVE, DPD), "does_not_meet"),  # not lenalidomide-refractory
        ((VRD_SENSITIVE, line("Rd", ["lenalidomide"], None)), "unknown"),
    ],
)
def test_ide_cel(lines: tuple[dict[str, Any], ...], expected: str) -> None:
    assert ide_cel_eligibility(snap(*lines)).result == expected


@pytest.mark.parametrize(
    "evaluate", [teclistamab_eligibility, elranatamab_eligibility, talquetamab_eligibility]
)
def test_bispecifics_four_prior_lines(evaluate: Any) -> None:
    three = (VRD_SENSITIVE, DPD, KD)
    assert evaluate(snap(*three)).result == "does_not_meet"
    assert evaluate(snap(*three, ISA_KD)).result == "meets"
    assert evaluate(snap()).result == "unknown"


def test_selinexor_populations() -> None:
    result = selinexor_eligibility(snap(VRD_REFRACTORY, DPD))
    assert result.result == "meets"
    assert result.detail["populations"]["Sd (PI-, IMiD- and daratumumab-refractory)"] == "meets"
    isa = line("IsaPd", ["isatuximab", "pomalidomide"], True)
    only_svd = selinexor_eligibility(snap(VRD_REFRACTORY, isa))
    assert only_svd.result == "meets"  # relapsed: the SVd population
    assert only_svd.detail["populations"]["Sd (PI-, IMiD- and daratumumab-refractory)"] == (
        "does_not_meet"
    )
    assert selinexor_eligibility(snap()).result == "unknown"


@pytest.mark.parametrize(
    ("fish", "lines", "expected"),
    [
        (["t(11;14)"], (VRD_SENSITIVE,), "meets"),
        ([], (VRD_SENSITIVE,), "does_not_meet"),
        (None, (VRD_SENSITIVE,), "unknown"),
        (["t(11;14)"], (), "unknown"),
    ],
)
def test_venetoclax(
    fish: list[str] | None, lines: tuple[dict[str, Any], ...], expected: str
) -> None:
    extra = {} if fish is None else {"fish": fish}
    result = venetoclax_eligibility(snap(*lines, **extra))
    assert result.result == expected
    if fish is None:
        assert "fish" in result.missing


@pytest.mark.parametrize(
    ("braf", "expected"), [(True, "meets"), (False, "does_not_meet"), (None, "unknown")]
)
def test_braf(braf: bool | None, expected: str) -> None:
    extra = {} if braf is None else {"braf_v600e": braf}
    assert braf_mek_eligibility(snap(VRD_SENSITIVE, **extra)).result == expected


flags = st.sampled_from([True, False, None])
drug_sets = st.sampled_from(
    [
        ["bortezomib", "dexamethasone"],
        ["lenalidomide"],
        ["daratumumab"],
        ["carfilzomib"],
        ["pomalidomide"],
        ["isatuximab", "pomalidomide"],
        ["bortezomib", "lenalidomide"],
    ]
)


@given(st.lists(st.tuples(drug_sets, flags), min_size=1, max_size=6), drug_sets)
@settings(max_examples=80, deadline=None)
def test_another_refractory_line_never_lowers_refractoriness(
    lines: list[tuple[list[str], bool | None]], extra: list[str]
) -> None:
    rank = ["not_refractory", "single_class", "double_class", "triple_class", "penta_refractory"]
    before = refractoriness(snap(*[line("x", d, f) for d, f in lines]))
    after = refractoriness(snap(*[line("x", d, f) for d, f in lines], line("y", extra, True)))
    if before.status == after.status == "determined":
        assert isinstance(before.result, str) and isinstance(after.result, str)
        assert rank.index(after.result) >= rank.index(before.result)
