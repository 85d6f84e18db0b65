"""Cytogenetic risk: the PDQ's Table 3 (as printed) and the IMS/IMWG 2025 high-risk definition
(Avet-Loiseau 2025 J Clin Oncol)."""

from __future__ import annotations

from typing import Any

import pytest
from engine1_build import build

from myeloma_desk.domain.criteria.cytogenetics import cytogenetic_risk_pdq, high_risk_ims_imwg


@pytest.mark.parametrize(
    ("fish", "group"),
    [
        ([], "good"),
        (["hyperdiploidy"], "good"),
        (["t(11;14)", "t(6;14)"], "good"),
        (["t(4;14)"], "high"),
        (["t(14;16)"], "high"),
        (["del17p"], "high"),
        (["t(14;20)"], "high"),
        (["del13"], "high"),
        (["gain1q"], "high"),
        (["del1p32_monoallelic"], "high"),
        (["del1p32_biallelic"], "high"),
        (["hyperdiploidy", "del17p"], "high"),  # hyperdiploidy does not offset
        (["amp1q"], "ultra_high"),
        (["amp1q", "hyperdiploidy", "t(4;14)"], "ultra_high"),
    ],
)
def test_pdq_table_3(fish: list[str], group: str) -> None:
    r = cytogenetic_risk_pdq(build(fish=fish, circulating_plasma_cells_percent=0))
    assert (r.status, r.result) == ("determined", group)


def test_t4_14_shows_both_readings() -> None:
    r = cytogenetic_risk_pdq(build(fish=["t(4;14)"], circulating_plasma_cells_percent=0))
    assert r.result == "high"
    assert r.detail["alternative_result"] == "intermediate"
    assert "abrogated" in r.detail["two_readings"]
    # with another high-risk finding there is no intermediate reading
    other = cytogenetic_risk_pdq(
        build(fish=["t(4;14)", "del17p"], circulating_plasma_cells_percent=0)
    )
    assert "alternative_result" not in other.detail


@pytest.mark.parametrize(("cpc", "group"), [(4.99, "good"), (5, "high")])
def test_plasma_cell_leukemia_is_high(cpc: float, group: str) -> None:
    r = cytogenetic_risk_pdq(build(fish=[], circulating_plasma_cells_percent=cpc))
    assert r.result == group


def test_pdq_two_percent_mentioned_not_counted() -> None:
    r = cytogenetic_risk_pdq(build(fish=[], circulating_plasma_cells_percent=3))
    assert r.result == "good"
    assert ">2%–5%" in r.detail["circulating_note"]


def test_fish_not_done_cannot_determine() -> None:
    r = cytogenetic_risk_pdq(build())
    assert r.status == "cannot_determine"
    assert r.missing == ["fish"]
    pcl = cytogenetic_risk_pdq(build(circulating_plasma_cells_percent=10))
    assert pcl.detail["possible"] == ["high", "ultra_high"]


def test_circulating_cells_not_recorded_is_an_assumption() -> None:
    r = cytogenetic_risk_pdq(build(fish=[]))
    assert r.result == "good"
    assert any("plasma cell leukemia not assessed" in a for a in r.detail["assumptions"])


def test_tp53_mutation_note() -> None:
    r = cytogenetic_risk_pdq(build(fish=["tp53_mutation"], circulating_plasma_cells_percent=0))
    assert r.result == "good"
    assert "Biallelic TP53" in r.detail["tp53_note"]


# --- IMS/IMWG 2025 ----------------------------------------------------------------------------

NORMAL_LABS = {"beta2_microglobulin": (3.0, "mg/L"), "creatinine": (1.0, "mg/dL")}


def ims(**fields: Any) -> tuple[str, Any]:
    r = high_risk_ims_imwg(build(**fields))
    return r.status, r.result


@pytest.mark.parametrize(
    ("fish", "fraction", "expected"),
    [
        (["del17p"], 20, "standard_risk"),  # exactly 20% is not > 20%
        (["del17p"], 20.1, "high_risk"),
        (["del17p"], 19.9, "standard_risk"),
        (["tp53_mutation"], None, "high_risk"),
        (["t(4;14)"], None, "standard_risk"),
        (["t(4;14)", "gain1q"], None, "high_risk"),
        (["t(14;16)", "amp1q"], None, "high_risk"),
        (["t(14;20)", "del1p32_monoallelic"], None, "high_risk"),
        (["gain1q"], None, "standard_risk"),
        (["del1p32_monoallelic"], None, "standard_risk"),
        (["del1p32_monoallelic", "gain1q"], None, "high_risk"),
        (["del1p32_biallelic"], None, "high_risk"),
        ([], None, "standard_risk"),
    ],
)
def test_ims_fish(fish: list[str], fraction: float | None, expected: str) -> None:
    fields: dict[str, Any] = {**NORMAL_LABS, "fish": fish}
    if fraction is not None:
        fields["del17p_clonal_fraction_percent"] = fraction
    assert ims(**fields) == ("determined", expected)


@pytest.mark.parametrize(
    ("b2m", "creatinine", "expected"),
    [
        (5.49, 1.0, "standard_risk"),
        (5.5, 1.0, "high_risk"),
        (5.51, 1.19, "high_risk"),
        (5.5, 1.2, "standard_risk"),  # creatinine 1.2 is not normal (< 1.2)
        (5.5, 1.21, "standard_risk"),
    ],
)
def test_ims_b2m_with_normal_creatinine(b2m: float, creatinine: float, expected: str) -> None:
    assert ims(beta2_microglobulin=(b2m, "mg/L"), creatinine=(creatinine, "mg/dL"), fish=[]) == (
        "determined",
        expected,
    )


def test_ims_b2m_decides_without_fish() -> None:
    assert ims(beta2_microglobulin=(6, "mg/L"), creatinine=(1.0, "mg/dL")) == (
        "determined",
        "high_risk",
    )


def test_ims_fish_missing() -> None:
    r = high_risk_ims_imwg(build(**NORMAL_LABS))
    assert r.status == "cannot_determine"
    assert r.missing == ["fish"]


def test_ims_del17p_fraction_missing() -> None:
    r = high_risk_ims_imwg(build(**NORMAL_LABS, fish=["del17p"]))
    assert r.status == "cannot_determine"
    assert r.missing == ["del17p_clonal_fraction_percent"]
    # a TP53 mutation decides it anyway
    assert ims(**NORMAL_LABS, fish=["del17p", "tp53_mutation"]) == ("determined", "high_risk")


@pytest.mark.parametrize("missing", ["beta2_microglobulin", "creatinine"])
def test_ims_labs_missing(missing: str) -> None:
    fields: dict[str, Any] = {
        "beta2_microglobulin": (6.0, "mg/L"),
        "creatinine": (1.0, "mg/dL"),
        "fish": [],
    }
    fields[missing] = None
    r = high_risk_ims_imwg(build(**fields))
    assert r.status == "cannot_determine"
    assert missing in r.missing
    # with high-risk FISH the labs do not matter
    fields["fish"] = ["del1p32_biallelic"]
    assert high_risk_ims_imwg(build(**fields)).result == "high_risk"
