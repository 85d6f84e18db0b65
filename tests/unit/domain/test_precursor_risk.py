"""Smoldering myeloma risk (Mayo 20/2/20, Lakshman 2018; IMWG 2020, Mateos 2020; the PDQ's
four-factor version) and MGUS risk (Mayo, Rajkumar 2005; the PDQ's table from Kyle 2002)."""

from __future__ import annotations

from typing import Any

import pytest
from engine1_build import with_base

from myeloma_desk.domain.criteria.precursor_risk import (
    mgus_risk_mayo,
    pdq_mgus_row,
    smm_risk_20_2_20,
    smm_risk_imwg_2020,
    smm_risk_pdq_four_factor,
)

# Smoldering myeloma with no 20/2/20 factor: BMPC 15%, IgG 1.5 g/dL, FLC ratio 2.
SMM: dict[str, Any] = {
    "bone_marrow_plasma_cells_percent": 15,
    "serum_m_protein": (1.5, "g/dL"),
    "m_protein_heavy_chain": "IgG",
    "m_protein_light_chain": "kappa",
    "free_kappa": (40, "mg/L"),
    "free_lambda": (20, "mg/L"),
    "fish": [],
}


def smm(rule: Any, **fields: Any) -> Any:
    return rule(with_base(**{**SMM, **fields}))


@pytest.mark.parametrize(
    ("fields", "group", "factors"),
    [
        ({}, "low", 0),
        ({"bone_marrow_plasma_cells_percent": 20}, "low", 0),  # 20% is not > 20%
        ({"bone_marrow_plasma_cells_percent": 20.1}, "intermediate", 1),
        ({"serum_m_protein": (2.0, "g/dL")}, "low", 0),
        ({"serum_m_protein": (2.01, "g/dL")}, "intermediate", 1),
        ({"free_kappa": (400, "mg/L")}, "low", 0),  # ratio exactly 20
        ({"free_kappa": (401, "mg/L")}, "intermediate", 1),
        ({"free_kappa": (401, "mg/L"), "serum_m_protein": (2.5, "g/dL")}, "high", 2),
        (
            {
                "free_kappa": (401, "mg/L"),
                "serum_m_protein": (2.5, "g/dL"),
                "bone_marrow_plasma_cells_percent": 30,
            },
            "high",
            3,
        ),
    ],
)
def test_20_2_20(fields: dict[str, Any], group: str, factors: int) -> None:
    r = smm(smm_risk_20_2_20, **fields)
    assert (r.status, r.result) == ("determined", group)
    assert r.detail["factors"] == factors
    assert (
        r.detail["two_year_progression_percent"]
        == {"low": 6, "intermediate": 18, "high": 44}[group]
    )


@pytest.mark.parametrize(
    "missing", ["bone_marrow_plasma_cells_percent", "serum_m_protein", "free_kappa"]
)
def test_20_2_20_missing(missing: str) -> None:
    r = smm(smm_risk_20_2_20, **{missing: None})
    assert r.status == "cannot_determine"
    assert missing in r.missing
    if missing != "serum_m_protein":  # without marrow or FLC the diagnosis is open as well
        assert "cannot be determined yet" in r.detail["diagnosis_note"]


@pytest.mark.parametrize(
    "missing", ["bone_marrow_plasma_cells_percent", "serum_m_protein", "free_lambda", "fish"]
)
def test_imwg_2020_and_four_factor_missing(missing: str) -> None:
    four = smm(smm_risk_pdq_four_factor, **{missing: None})
    assert four.status == "cannot_determine"
    assert missing in four.missing
    # IMWG 2020 at 0 known points: a missing factor adds at most 4 (M-protein) or 2 (FISH), so
    # the group stays low and the result is given with a range; FLC or marrow could reach 5–6.
    imwg = smm(smm_risk_imwg_2020, **{missing: None})
    assert missing in imwg.missing
    if missing in ("serum_m_protein", "fish"):
        assert (imwg.status, imwg.result) == ("determined", "low")
        assert imwg.detail["points_range"][0] == 0
    else:
        assert imwg.status == "cannot_determine"


def test_20_2_20_decided_with_two_known_factors() -> None:
    # BMPC > 20% and M > 2 g/dL: high whatever the FLC ratio
    r = smm(
        smm_risk_20_2_20,
        bone_marrow_plasma_cells_percent=30,
        serum_m_protein=(2.5, "g/dL"),
        free_kappa=None,
        free_lambda=None,
    )
    assert (r.status, r.result) == ("determined", "high")
    assert r.detail["factors_range"] == [2, 3]
    assert "free_kappa" in r.missing


def test_not_applicable_outside_smm() -> None:
    r = smm(smm_risk_20_2_20, bone_marrow_plasma_cells_percent=5)  # MGUS
    assert r.status == "not_applicable"
    assert "non_igm_mgus" in r.detail["reason"]
    r = smm(smm_risk_imwg_2020, hemoglobin=(8, "g/dL"))  # active myeloma
    assert r.status == "not_applicable"


@pytest.mark.parametrize(
    ("fields", "group"),
    [
        ({}, "low"),
        ({"fish": ["t(4;14)"]}, "low_intermediate"),
        ({"fish": ["del13"], "bone_marrow_plasma_cells_percent": 25}, "intermediate"),
        (
            {
                "fish": ["gain1q"],
                "bone_marrow_plasma_cells_percent": 25,
                "serum_m_protein": (2.5, "g/dL"),
            },
            "high",
        ),
        ({"fish": ["hyperdiploidy", "t(11;14)"]}, "low"),  # not among the four
    ],
)
def test_pdq_four_factor(fields: dict[str, Any], group: str) -> None:
    r = smm(smm_risk_pdq_four_factor, **fields)
    assert (r.status, r.result) == ("determined", group)
    assert "greater than 50%" in r.detail["pdq_wording"]


def test_pdq_four_factor_fish_missing() -> None:
    r = smm(smm_risk_pdq_four_factor, fish=None)
    assert r.status == "cannot_determine"
    assert r.detail["possible"] == ["low", "low_intermediate"]
    assert r.missing == ["fish"]


# IMWG 2020: each band boundary below/at/above (Mateos 2020 Table).
@pytest.mark.parametrize(
    ("kappa", "points"),
    [(200, 0), (201, 2), (500, 2), (501, 3), (800, 3), (801, 5)],  # lambda 20: ratios 10…40.05
)
def test_imwg_2020_flc_points(kappa: float, points: int) -> None:
    base = smm(smm_risk_imwg_2020, free_kappa=(40, "mg/L"))
    r = smm(smm_risk_imwg_2020, free_kappa=(kappa, "mg/L"))
    assert r.detail["points"] - base.detail["points"] == points


@pytest.mark.parametrize(("m", "points"), [(1.5, 0), (1.51, 3), (3.0, 3), (3.01, 4)])
def test_imwg_2020_m_protein_points(m: float, points: int) -> None:
    # keep BMPC ≥ 10% so the diagnosis stays SMM at every M-protein level
    r = smm(smm_risk_imwg_2020, serum_m_protein=(m, "g/dL"), bone_marrow_plasma_cells_percent=12)
    assert r.detail["points"] == points


@pytest.mark.parametrize(
    ("bmpc", "points"),
    [(15, 0), (15.1, 2), (20, 2), (20.1, 3), (30, 3), (30.1, 5), (40, 5), (40.1, 6)],
)
def test_imwg_2020_bmpc_points(bmpc: float, points: int) -> None:
    r = smm(smm_risk_imwg_2020, bone_marrow_plasma_cells_percent=bmpc)
    assert r.detail["points"] == points


@pytest.mark.parametrize(
    ("fields", "points", "group"),
    [
        ({"fish": ["t(14;16)"], "bone_marrow_plasma_cells_percent": 16}, 4, "low"),
        ({"fish": ["t(14;16)"], "bone_marrow_plasma_cells_percent": 21}, 5, "low_intermediate"),
        (
            {"serum_m_protein": (2.0, "g/dL"), "bone_marrow_plasma_cells_percent": 35},
            8,
            "low_intermediate",
        ),
        (
            {"serum_m_protein": (2.0, "g/dL"), "bone_marrow_plasma_cells_percent": 45},
            9,
            "intermediate",
        ),
        (
            {
                "serum_m_protein": (2.0, "g/dL"),
                "bone_marrow_plasma_cells_percent": 45,
                "free_kappa": (600, "mg/L"),
            },
            12,
            "intermediate",
        ),
        (
            {
                "serum_m_protein": (2.0, "g/dL"),
                "bone_marrow_plasma_cells_percent": 45,
                "free_kappa": (600, "mg/L"),
                "fish": ["del13"],
            },
            14,
            "high",
        ),
    ],
)
def test_imwg_2020_groups(fields: dict[str, Any], points: int, group: str) -> None:
    r = smm(smm_risk_imwg_2020, **fields)
    assert (r.result, r.detail["points"]) == (group, points)
    assert (
        r.detail["two_year_progression_percent"]
        == {"low": 3.8, "low_intermediate": 26, "intermediate": 51, "high": 73}[group]
    )


def test_imwg_2020_missing_fish_gives_a_range() -> None:
    r = smm(smm_risk_imwg_2020, fish=None, bone_marrow_plasma_cells_percent=16)  # 2 points known
    assert r.status == "determined"  # 2 or 4 points: low either way
    assert r.detail["points_range"] == [2, 4]
    r = smm(smm_risk_imwg_2020, fish=None, bone_marrow_plasma_cells_percent=21)  # 3 or 5
    assert r.status == "cannot_determine"
    assert r.detail["possible"] == ["low", "low_intermediate"]


# --- MGUS ---------------------------------------------------------------------------------------

MGUS: dict[str, Any] = {
    "serum_m_protein": (1.0, "g/dL"),
    "m_protein_heavy_chain": "IgG",
    "free_kappa": (20, "mg/L"),
    "free_lambda": (15, "mg/L"),
    "urine_m_protein_24h": (0, "mg/24h"),
}


def mgus(**fields: Any) -> Any:
    return mgus_risk_mayo(with_base(**{**MGUS, **fields}))


@pytest.mark.parametrize(
    ("fields", "group"),
    [
        ({}, "low"),
        ({"serum_m_protein": (1.49, "g/dL")}, "low"),
        ({"serum_m_protein": (1.5, "g/dL")}, "low_intermediate"),
        ({"m_protein_heavy_chain": "IgA"}, "low_intermediate"),
        ({"free_kappa": (24.75, "mg/L")}, "low"),  # κ/λ exactly 1.65 is normal
        ({"free_kappa": (24.9, "mg/L")}, "low_intermediate"),  # 1.66
        ({"free_kappa": (3.9, "mg/L")}, "low"),  # exactly 0.26 is normal
        ({"free_kappa": (3.8, "mg/L")}, "low_intermediate"),  # 0.2533
        ({"serum_m_protein": (1.5, "g/dL"), "m_protein_heavy_chain": "IgA"}, "high_intermediate"),
        (
            {
                "serum_m_protein": (2.0, "g/dL"),
                "m_protein_heavy_chain": "IgA",
                "free_kappa": (40, "mg/L"),
            },
            "high",
        ),
    ],
)
def test_mayo_mgus(fields: dict[str, Any], group: str) -> None:
    r = mgus(**fields)
    assert (r.status, r.result) == ("determined", group)


def test_mayo_mgus_igm_counts_as_non_igg() -> None:
    # Applying the Rajkumar 2005 model: IgM 1.8 g/dL with an abnormal FLC ratio: 3 factors, high,
    # 58% progression at 20 years (27% accounting for competing death).
    r = mgus(m_protein_heavy_chain="IgM", serum_m_protein=(1.8, "g/dL"), free_kappa=(40, "mg/L"))
    assert r.result == "high"
    assert r.detail["progression_20_years_percent"] == 58
    assert r.detail["progression_20_years_competing_risk_percent"] == 27


@pytest.mark.parametrize("missing", ["m_protein_heavy_chain", "free_kappa", "serum_m_protein"])
def test_mayo_mgus_missing(missing: str) -> None:
    r = mgus(**{missing: None})
    assert r.status == "cannot_determine"
    assert missing in r.missing


def test_mayo_mgus_not_applicable_to_smm_and_light_chain() -> None:
    assert mgus(bone_marrow_plasma_cells_percent=15).status == "not_applicable"
    lc = mgus(
        m_protein_heavy_chain="none",
        serum_m_protein=(0, "g/dL"),
        free_kappa=(80, "mg/L"),
        urine_m_protein_24h=(50, "mg/24h"),
    )
    assert lc.status == "not_applicable"
    assert "light_chain_mgus" in lc.detail["reason"]


@pytest.mark.parametrize(
    ("m", "text"),
    [
        (0.4, "0.5 g/dL or less: 14%"),
        (0.5, "0.5 g/dL or less: 14%"),
        (0.51, "between the PDQ's rows 0.5 g/dL or less (14%) and 1.5 g/dL (25%)"),
        (1.49, "between the PDQ's rows 0.5 g/dL or less (14%) and 1.5 g/dL (25%)"),
        (1.0, "between the PDQ's rows 0.5 g/dL or less (14%) and 1.5 g/dL (25%)"),
        (1.5, "1.5 g/dL: 25%"),
        (1.51, "between the PDQ's rows 1.5 g/dL (25%) and 2.0 g/dL (41%)"),
        (2.0, "2.0 g/dL: 41%"),
        (2.5, "2.5 g/dL: 49%"),
        (2.7, "between the PDQ's rows 2.5 g/dL (49%) and 3.0 g/dL (64%)"),
        (2.99, "between the PDQ's rows 2.5 g/dL (49%) and 3.0 g/dL (64%)"),
        (3.0, "3.0 g/dL: 64%"),
        (3.01, "above the PDQ's highest row"),
        (3.5, "above the PDQ's highest row"),
    ],
)
def test_pdq_mgus_table(m: float, text: str) -> None:
    # The PDQ (MGUS treatment, citing Kyle 2002): 14%, 25%, 41%, 49%, 64% at 20 years.
    assert pdq_mgus_row(m).startswith(text)


def test_pdq_table_in_detail() -> None:
    r = mgus()
    assert [row["progression_20_years_percent"] for row in r.detail["pdq_m_protein_table"]] == [
        14,
        25,
        41,
        49,
        64,
    ]
    assert r.detail["pdq_row"].startswith("between")


def test_precursor_scores_do_not_apply_after_treatment() -> None:
    """A treated patient's current labs must not be scored as untreated SMM or MGUS."""
    from myeloma_desk.domain.criteria.diagnosis import TREATED_NOTE, diagnosis
    from myeloma_desk.domain.criteria.precursor_risk import mgus_risk_mayo, smm_risk_20_2_20
    from myeloma_desk.domain.snapshot import parse_snapshot

    data = {
        "serum_m_protein": {"value": 0.4, "unit": "g/dL"},
        "m_protein_heavy_chain": "IgG",
        "free_kappa": {"value": 45, "unit": "mg/L"},
        "free_lambda": {"value": 12, "unit": "mg/L"},
        "bone_marrow_plasma_cells_percent": 8,
    }
    untreated = parse_snapshot(data)
    treated = parse_snapshot(
        {**data, "therapy_lines": [{"regimen": "VRd", "drugs": ["bortezomib"]}]}
    )
    assert mgus_risk_mayo(untreated).status != "not_applicable"
    for rule in (mgus_risk_mayo, smm_risk_20_2_20):
        result = rule(treated)
        assert result.status == "not_applicable"
        assert "lines of therapy" in result.detail["reason"]
    assert TREATED_NOTE in diagnosis(treated).detail["assumptions"]
    assert TREATED_NOTE not in diagnosis(untreated).detail.get("assumptions", [])
