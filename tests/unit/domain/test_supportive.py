"""Supportive-care prompts: each is triggered by its input, says when inputs are missing, and
every quoted PDQ sentence is really in the bundled PDQ text (as are the other engine II quotes)."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import pytest

from myeloma_desk.domain.criteria import fitness, renal, supportive, therapy, thrombosis
from myeloma_desk.domain.criteria.supportive import supportive_care_pdq
from myeloma_desk.domain.snapshot import parse_snapshot


def current(drugs: list[str], **extra: Any):
    lines = [{"regimen": "current", "drugs": drugs, "end": None}]
    return parse_snapshot({"therapy_lines": lines, **extra})


def ids(result: Any) -> list[str]:
    return [p["id"] for p in result.detail["prompts"]]


def test_proteasome_inhibitor_zoster() -> None:
    result = supportive_care_pdq(current(["bortezomib", "dexamethasone"]))
    assert "zoster_prophylaxis" in ids(result)
    assert "infection_prevention" in ids(result)
    assert "thromboprophylaxis_imid" not in ids(result)
    carfilzomib = supportive_care_pdq(current(["carfilzomib"]))
    prompt = next(p for p in carfilzomib.detail["prompts"] if p["id"] == "zoster_prophylaxis")
    assert "names bortezomib" in prompt["trigger"]


def test_imid_thromboprophylaxis() -> None:
    result = supportive_care_pdq(current(["pomalidomide", "dexamethasone"]))
    assert "thromboprophylaxis_imid" in result.result


def test_bispecific_immunoglobulin() -> None:
    tec = supportive_care_pdq(current(["teclistamab"]))
    prompt = next(
        p for p in tec.detail["prompts"] if p["id"] == "immunoglobulin_replacement_bispecific"
    )
    assert "teclistamab can be given replacement immunoglobulin G" in prompt["text"]
    tal = supportive_care_pdq(current(["talquetamab"]))
    prompt = next(
        p for p in tal.detail["prompts"] if p["id"] == "immunoglobulin_replacement_bispecific"
    )
    assert "other bispecific antibodies" in prompt["text"]
    assert "immunoglobulin_replacement_bispecific" not in ids(
        supportive_care_pdq(current(["lenalidomide"]))
    )


def test_bone_spine_hyperviscosity() -> None:
    result = supportive_care_pdq(
        parse_snapshot(
            {
                "lytic_lesions": 3,
                "spinal_lesions": {"lytic_spine_lesion": True, "cord_compression": True},
                "hyperviscosity": "symptomatic",
            }
        )
    )
    assert {"bone_modifying_agent", "spinal_radiation", "plasma_exchange_hyperviscosity"} <= set(
        result.result or []
    )
    asymptomatic = supportive_care_pdq(parse_snapshot({"hyperviscosity": "asymptomatic"}))
    assert "plasma_exchange_hyperviscosity" not in (asymptomatic.result or [])


@pytest.mark.parametrize(
    ("spine", "expected"),
    [
        ({"lytic_spine_lesion": False}, False),
        (
            {
                "lytic_spine_lesion": True,
                "paraspinal_plasmacytoma": False,
                "painful_vertebral_destruction": False,
                "cord_compression": False,
            },
            False,
        ),
        ({"lytic_spine_lesion": True, "painful_vertebral_destruction": True}, True),
    ],
)
def test_spinal_radiation(spine: dict[str, Any], expected: bool) -> None:
    result = supportive_care_pdq(parse_snapshot({"spinal_lesions": spine}))
    assert ("spinal_radiation" in (result.result or [])) is expected


def test_missing_inputs_said() -> None:
    result = supportive_care_pdq(parse_snapshot({}))
    assert result.status == "cannot_determine"
    assert "therapy_lines" in result.missing
    partial = supportive_care_pdq(parse_snapshot({"hyperviscosity": "none"}))
    assert partial.status == "determined"
    assert partial.result == []
    assert "zoster_prophylaxis" in partial.detail["not_assessed"]


# --- every quoted sentence is in the PDQ ----------------------------------------------------


def _pdq() -> str:
    text = (
        resources.files("myeloma_desk.resources")
        .joinpath("reference/pdq-plasma-cell-neoplasms-hp-2025-04-25.txt")
        .read_text(encoding="utf-8")
    )
    return re.sub(r"\s+", " ", text)


QUOTES = {
    name: getattr(module, name)
    for module in (fitness, renal, supportive, therapy, thrombosis)
    for name in dir(module)
    if name.startswith("PDQ_") and isinstance(getattr(module, name), str)
}


@pytest.mark.parametrize("name", sorted(QUOTES))
def test_quote_is_in_the_pdq(name: str) -> None:
    assert re.sub(r"\s+", " ", QUOTES[name]) in _pdq()


def test_lenalidomide_quote_is_verbatim() -> None:
    raw = (
        resources.files("myeloma_desk.resources")
        .joinpath("reference/pdq-plasma-cell-neoplasms-hp-2025-04-25.txt")
        .read_text(encoding="utf-8")
    )
    assert renal.PDQ_LENALIDOMIDE in raw  # not even whitespace changed


def test_no_therapy_in_progress_is_not_missing() -> None:
    ended = [{"regimen": "VRd", "drugs": ["bortezomib"], "end": "2024-01-01"}]
    result = supportive_care_pdq(parse_snapshot({"therapy_lines": ended, "lytic_lesions": 0}))
    assert "zoster_prophylaxis" not in result.detail["not_assessed"]
    assert "therapy_lines" not in result.missing
    assert "zoster_prophylaxis" not in (result.result or [])


def test_nothing_assessable_is_cannot_determine_by_the_named_rule() -> None:
    # No therapy lines, no lesions, no spine or hyperviscosity data: every prompt is unassessed.
    result = supportive_care_pdq(parse_snapshot({}))
    assert result.status == "cannot_determine"
    assert set(result.detail["not_assessed"]) == set(supportive.PROMPTS)
    # one prompt assessable (no hyperviscosity) and the rule answers
    partial = supportive_care_pdq(parse_snapshot({"hyperviscosity": "none"}))
    assert partial.status == "determined"
    assert partial.result == []
