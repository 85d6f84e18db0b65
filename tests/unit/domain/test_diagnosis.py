"""Diagnosis (IMWG 2014, Rajkumar 2014 Lancet Oncol Panel 2; plasma cell leukemia IMWG 2021;
AL amyloidosis IMWG 2014; POEMS Dispenzieri 2019): every entity, each boundary below, at and
above, missing core inputs and the assumptions made for rarely recorded exclusions."""

from __future__ import annotations

from typing import Any

import pytest
from engine1_build import NO_MDE, with_base

from myeloma_desk.domain.criteria.diagnosis import diagnosis
from myeloma_desk.domain.results import RuleResult

IGG = {"m_protein_heavy_chain": "IgG", "m_protein_light_chain": "kappa"}
AL_ALL = {
    "amyloidosis": {"biopsy_proven": True, "light_chain_typed": True, "organs": ["kidney"]},
}
POEMS_ALL = {
    "poems": {"polyneuropathy": True, "sclerotic_bone_lesions": True, "endocrinopathy": True},
}


def dx(**fields: Any) -> RuleResult:
    return diagnosis(with_base(**fields))


def result_of(**fields: Any) -> str | None:
    r = dx(**fields)
    assert r.status == "determined", (r.status, r.missing, r.detail)
    assert isinstance(r.result, str)
    return r.result


# --- active myeloma and plasma cell leukemia ----------------------------------------------


@pytest.mark.parametrize(
    ("bmpc", "expected"),
    [(9.99, None), (10, "active_multiple_myeloma"), (10.01, "active_multiple_myeloma")],
)
def test_myeloma_needs_bmpc_10_with_an_mde(bmpc: float, expected: str | None) -> None:
    r = dx(
        bone_marrow_plasma_cells_percent=bmpc,
        lytic_lesions=2,
        biopsy_proven_plasmacytoma="none",
        serum_m_protein=(2, "g/dL"),
        **IGG,
    )
    if expected is None:
        assert r.status == "cannot_determine"
        assert "not active myeloma" in r.detail["reason"]
        # without the biopsy field the plasmacytoma route is still open: it is asked for
        open_route = dx(bone_marrow_plasma_cells_percent=bmpc, lytic_lesions=2)
        assert open_route.missing == ["biopsy_proven_plasmacytoma"]
    else:
        assert (r.status, r.result) == ("determined", expected)
        assert r.detail["events"] == ["bone_lesions"]


def test_bmpc_60_alone_is_myeloma() -> None:
    # Rajkumar 2014: clonal BMPC ≥ 60% is itself a myeloma-defining event (SLiM).
    assert result_of(bone_marrow_plasma_cells_percent=60) == "active_multiple_myeloma"
    assert result_of(bone_marrow_plasma_cells_percent=59.9) == "smoldering_multiple_myeloma"


def test_plasmacytoma_with_an_mde_is_myeloma_without_marrow() -> None:
    r = dx(
        biopsy_proven_plasmacytoma="bone",
        bone_marrow_plasma_cells_percent=None,
        hemoglobin=(9.0, "g/dL"),
    )
    assert (r.status, r.result) == ("determined", "active_multiple_myeloma")


@pytest.mark.parametrize(
    ("cpc", "expected"),
    [
        (4.99, "active_multiple_myeloma"),
        (5, "plasma_cell_leukemia"),
        (5.01, "plasma_cell_leukemia"),
    ],
)
def test_plasma_cell_leukemia_imwg_2021(cpc: float, expected: str) -> None:
    r = dx(
        bone_marrow_plasma_cells_percent=40,
        hemoglobin=(8, "g/dL"),
        circulating_plasma_cells_percent=cpc,
    )
    assert r.result == expected
    assert "Fernández de Larrea 2021 Blood Cancer J" in r.sources


def test_pdq_two_percent_note_below_pcl() -> None:
    r = dx(
        bone_marrow_plasma_cells_percent=40,
        hemoglobin=(8, "g/dL"),
        circulating_plasma_cells_percent=3,
    )
    assert r.result == "active_multiple_myeloma"
    assert "2%" in r.detail["pdq_note"]
    assert "Jelinek 2023 J Clin Oncol" in r.sources
    at_two = dx(
        bone_marrow_plasma_cells_percent=40,
        hemoglobin=(8, "g/dL"),
        circulating_plasma_cells_percent=2,
    )
    assert "pdq_note" not in at_two.detail  # "more than 2%"


def test_circulating_cells_not_recorded_is_an_assumption() -> None:
    r = dx(bone_marrow_plasma_cells_percent=40, hemoglobin=(8, "g/dL"))
    assert r.result == "active_multiple_myeloma"
    assert any("plasma cell leukemia not assessed" in a for a in r.detail["assumptions"])


def test_mde_without_marrow_cannot_determine() -> None:
    r = dx(bone_marrow_plasma_cells_percent=None, lytic_lesions=3)
    assert r.status == "cannot_determine"
    assert "bone_marrow_plasma_cells_percent" in r.missing
    assert "biopsy_proven_plasmacytoma" in r.missing


# --- smoldering myeloma and MGUS ------------------------------------------------------------


@pytest.mark.parametrize(
    ("serum", "expected"),
    [
        (2.99, "non_igm_mgus"),
        (3.0, "smoldering_multiple_myeloma"),
        (3.01, "smoldering_multiple_myeloma"),
    ],
)
def test_serum_m_protein_3(serum: float, expected: str) -> None:
    assert (
        result_of(serum_m_protein=(serum, "g/dL"), urine_m_protein_24h=(0, "mg/24h"), **IGG)
        == expected
    )


def test_pdq_smm_worked_example_30_g_per_l_iga() -> None:
    # The PDQ (Treatment Option Overview, citing Rajkumar 2014): "Serum monoclonal protein
    # immunoglobulin (Ig) G or IgA of at least 30 g/L" with no myeloma-defining event is SMM.
    r = dx(
        serum_m_protein=(30, "g/L"), m_protein_heavy_chain="IgA", bone_marrow_plasma_cells_percent=8
    )
    assert (r.status, r.result) == ("determined", "smoldering_multiple_myeloma")


@pytest.mark.parametrize(
    ("urine", "expected"),
    [
        (499, "non_igm_mgus"),
        (500, "smoldering_multiple_myeloma"),
        (501, "smoldering_multiple_myeloma"),
    ],
)
def test_urine_500(urine: float, expected: str) -> None:
    assert (
        result_of(serum_m_protein=(1, "g/dL"), urine_m_protein_24h=(urine, "mg/24h"), **IGG)
        == expected
    )
    # the same in g/24h
    assert (
        result_of(serum_m_protein=(1, "g/dL"), urine_m_protein_24h=(urine / 1000, "g/24h"), **IGG)
        == expected
    )


@pytest.mark.parametrize(
    ("bmpc", "expected"),
    [
        (9.99, "non_igm_mgus"),
        (10, "smoldering_multiple_myeloma"),
        (10.01, "smoldering_multiple_myeloma"),
    ],
)
def test_bmpc_10(bmpc: float, expected: str) -> None:
    assert (
        result_of(bone_marrow_plasma_cells_percent=bmpc, serum_m_protein=(1, "g/dL"), **IGG)
        == expected
    )


def test_mgus_lists_its_assumptions() -> None:
    r = dx(serum_m_protein=(1.2, "g/dL"), **IGG)
    assert r.result == "non_igm_mgus"
    assumptions = " | ".join(r.detail["assumptions"])
    assert "amyloidosis not recorded" in assumptions
    assert "POEMS" in assumptions
    assert "urine M-protein not recorded" in assumptions


def test_serum_three_without_heavy_chain_cannot_determine() -> None:
    r = dx(serum_m_protein=(3.5, "g/dL"))
    assert r.status == "cannot_determine"
    assert r.missing == ["m_protein_heavy_chain"]


def test_mgus_without_heavy_chain_cannot_tell_igm() -> None:
    r = dx(serum_m_protein=(1.0, "g/dL"))
    assert r.status == "cannot_determine"
    assert r.detail["possible"] == ["non_igm_mgus", "igm_mgus"]


@pytest.mark.parametrize(
    ("serum", "status", "expected"),
    [(2.99, "determined", "igm_mgus"), (3.0, "not_applicable", None)],
)
def test_igm_mgus(serum: float, status: str, expected: str | None) -> None:
    r = dx(serum_m_protein=(serum, "g/dL"), m_protein_heavy_chain="IgM")
    assert (r.status, r.result) == (status, expected)


def test_igm_marrow_10_and_findings_are_not_igm_mgus() -> None:
    r = dx(
        serum_m_protein=(1, "g/dL"),
        m_protein_heavy_chain="IgM",
        bone_marrow_plasma_cells_percent=10,
    )
    assert r.status == "not_applicable"
    assert "Waldenström" in r.detail["reason"]
    r = dx(
        serum_m_protein=(1, "g/dL"),
        m_protein_heavy_chain="IgM",
        igm_related_findings={"hyperviscosity": True},
    )
    assert r.status == "not_applicable"


def test_igm_findings_not_recorded_is_an_assumption() -> None:
    r = dx(serum_m_protein=(1, "g/dL"), m_protein_heavy_chain="IgM")
    assert any("IgM-related findings not recorded" in a for a in r.detail["assumptions"])
    recorded = dx(
        serum_m_protein=(1, "g/dL"),
        m_protein_heavy_chain="IgM",
        igm_related_findings={
            "constitutional_symptoms": False,
            "hyperviscosity": False,
            "lymphadenopathy": False,
            "hepatosplenomegaly": False,
        },
    )
    assert recorded.result == "igm_mgus"
    assert not any("IgM" in a for a in recorded.detail["assumptions"])


LC = {
    "m_protein_heavy_chain": "none",
    "serum_m_protein": (0, "g/dL"),
    "urine_m_protein_24h": (100, "mg/24h"),
}


@pytest.mark.parametrize(
    ("kappa", "lam", "expected"),
    [
        (16.5, 10, None),  # κ/λ exactly 1.65: normal
        (16.6, 10, "light_chain_mgus"),  # 1.66
        (2.6, 10, None),  # exactly 0.26: normal
        (2.5, 10, "light_chain_mgus"),  # 0.25
    ],
)
def test_light_chain_mgus_ratio(kappa: float, lam: float, expected: str | None) -> None:
    r = dx(free_kappa=(kappa, "mg/L"), free_lambda=(lam, "mg/L"), **LC)
    if expected is None:
        assert r.status == "cannot_determine"
        assert "normal FLC ratio" in r.detail["reason"]
    else:
        assert (r.status, r.result) == ("determined", expected)
        assert any("reference range" in a for a in r.detail["assumptions"])


def test_light_chain_urine_500_is_smoldering() -> None:
    fields = {**LC, "urine_m_protein_24h": (500, "mg/24h")}
    assert result_of(free_kappa=(80, "mg/L"), free_lambda=(10, "mg/L"), **fields) == (
        "smoldering_multiple_myeloma"
    )


def test_light_chain_mgus_needs_urine() -> None:
    fields = {**LC, "urine_m_protein_24h": None}
    r = dx(free_kappa=(80, "mg/L"), free_lambda=(10, "mg/L"), **fields)
    assert r.status == "cannot_determine"
    assert r.missing == ["urine_m_protein_24h"]


# --- plasmacytoma ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "bmpc", "expected"),
    [
        ("bone", 0, "solitary_plasmacytoma"),
        ("extramedullary", 0, "extramedullary_plasmacytoma"),
        ("bone", 0.5, "solitary_plasmacytoma_minimal_marrow"),
        ("extramedullary", 9.99, "solitary_plasmacytoma_minimal_marrow"),
        ("extramedullary", 10, "smoldering_multiple_myeloma"),  # not solitary with ≥ 10%
    ],
)
def test_plasmacytoma(site: str, bmpc: float, expected: str) -> None:
    assert (
        result_of(biopsy_proven_plasmacytoma=site, bone_marrow_plasma_cells_percent=bmpc)
        == expected
    )


@pytest.mark.parametrize(
    ("bmpc", "expected"),
    [
        (9.99, "solitary_plasmacytoma_minimal_marrow"),
        (10, "active_multiple_myeloma"),
        (12, "active_multiple_myeloma"),
    ],
)
def test_bone_plasmacytoma_with_clonal_bmpc_10_is_myeloma(bmpc: float, expected: str) -> None:
    # Rajkumar 2014 (IMWG), Panel 1: clonal BMPC ≥ 10% or a biopsy-proven bony plasmacytoma,
    # and ≥ 1 MDE; the bone-lesion MDE is ≥ 1 osteolytic lesion. With ≥ 10% clonal cells the
    # bone plasmacytoma is that lesion; lytic_lesions does not count it (interchange spec).
    r = dx(
        biopsy_proven_plasmacytoma="bone",
        bone_marrow_plasma_cells_percent=bmpc,
        lytic_lesions=0,
        serum_m_protein=(1.2, "g/dL"),
        **IGG,
    )
    assert (r.status, r.result) == ("determined", expected)
    if expected == "active_multiple_myeloma":
        assert r.detail["events"] == ["bone_lesions"]
        mde = next(c for c in r.criteria if c.name.startswith("≥ 1 myeloma-defining event"))
        assert "bone plasmacytoma" in str(mde.value)


def test_bone_plasmacytoma_counts_even_when_further_lesions_unrecorded() -> None:
    r = dx(
        biopsy_proven_plasmacytoma="bone", bone_marrow_plasma_cells_percent=12, lytic_lesions=None
    )
    assert (r.status, r.result) == ("determined", "active_multiple_myeloma")


def test_extramedullary_plasmacytoma_is_not_a_bone_lesion() -> None:
    r = dx(
        biopsy_proven_plasmacytoma="extramedullary",
        bone_marrow_plasma_cells_percent=12,
        lytic_lesions=0,
    )
    assert r.result == "smoldering_multiple_myeloma"


def test_bone_plasmacytoma_without_marrow_could_be_myeloma() -> None:
    r = dx(
        biopsy_proven_plasmacytoma="bone", bone_marrow_plasma_cells_percent=None, lytic_lesions=0
    )
    assert r.status == "cannot_determine"
    assert "active_multiple_myeloma" in r.detail["possible"]
    assert "bone_marrow_plasma_cells_percent" in r.missing


def test_plasmacytoma_with_a_second_bone_lesion_is_myeloma() -> None:
    assert (
        result_of(
            biopsy_proven_plasmacytoma="bone", bone_marrow_plasma_cells_percent=0, lytic_lesions=1
        )
        == "active_multiple_myeloma"
    )


def test_plasmacytoma_one_mri_lesion_needs_review() -> None:
    r = dx(
        biopsy_proven_plasmacytoma="bone", bone_marrow_plasma_cells_percent=0, mri_focal_lesions=1
    )
    assert r.status == "cannot_determine"
    assert "clinical review" in r.detail["reason"]


def test_plasmacytoma_mri_not_recorded_is_an_assumption() -> None:
    r = dx(
        biopsy_proven_plasmacytoma="bone",
        bone_marrow_plasma_cells_percent=0,
        mri_focal_lesions=None,
    )
    assert r.result == "solitary_plasmacytoma"
    assert any("MRI not recorded" in a for a in r.detail["assumptions"])


def test_plasmacytoma_needs_marrow() -> None:
    r = dx(biopsy_proven_plasmacytoma="bone", bone_marrow_plasma_cells_percent=None)
    assert r.status == "cannot_determine"
    assert "bone_marrow_plasma_cells_percent" in r.missing


# --- AL amyloidosis, POEMS, precedence --------------------------------------------------------


def test_al_amyloidosis_all_four() -> None:
    assert result_of(serum_m_protein=(0.8, "g/dL"), **IGG, **AL_ALL) == "al_amyloidosis"


@pytest.mark.parametrize("missing", ["biopsy_proven", "light_chain_typed", "organs"])
def test_al_criterion_missing_is_an_assumption(missing: str) -> None:
    amyloid = {**AL_ALL["amyloidosis"]}
    del amyloid[missing]
    r = dx(serum_m_protein=(0.8, "g/dL"), **IGG, amyloidosis=amyloid)
    assert r.result == "non_igm_mgus"
    assert any("AL amyloidosis criteria not fully recorded" in a for a in r.detail["assumptions"])


def test_al_not_light_chain_is_not_al() -> None:
    amyloid = {**AL_ALL["amyloidosis"], "light_chain_typed": False}
    r = dx(serum_m_protein=(0.8, "g/dL"), **IGG, amyloidosis=amyloid)
    assert r.result == "non_igm_mgus"
    assert not any("amyloid" in a for a in r.detail["assumptions"])


def test_myeloma_with_amyloidosis_reports_both() -> None:
    r = dx(
        bone_marrow_plasma_cells_percent=30,
        lytic_lesions=2,
        **IGG,
        serum_m_protein=(2, "g/dL"),
        **AL_ALL,
    )
    assert r.result == "active_multiple_myeloma"
    assert r.detail["also_meets"] == ["al_amyloidosis"]


def test_poems() -> None:
    assert (
        result_of(
            serum_m_protein=(0.5, "g/dL"),
            m_protein_heavy_chain="IgA",
            m_protein_light_chain="lambda",
            **POEMS_ALL,
        )
        == "poems_syndrome"
    )


@pytest.mark.parametrize(
    "change",
    [{"polyneuropathy": False}, {"sclerotic_bone_lesions": False}, {"endocrinopathy": False}],
)
def test_poems_needs_mandatory_major_and_minor(change: dict[str, bool]) -> None:
    poems = {**POEMS_ALL["poems"], **change}
    r = dx(serum_m_protein=(0.5, "g/dL"), m_protein_heavy_chain="IgA", poems=poems)
    assert r.result != "poems_syndrome"


# --- no plasma cell neoplasm ------------------------------------------------------------------


def test_no_plasma_cell_neoplasm() -> None:
    r = dx(serum_m_protein=(0, "g/dL"), bone_marrow_plasma_cells_percent=0)
    assert (r.status, r.result) == ("determined", "no_plasma_cell_neoplasm")


def test_no_neoplasm_without_marrow_says_so() -> None:
    r = dx(serum_m_protein=(0, "g/dL"), bone_marrow_plasma_cells_percent=None)
    assert r.result == "no_plasma_cell_neoplasm"
    assert any("non-secretory" in a for a in r.detail["assumptions"])


def test_abnormal_flc_without_spike_is_not_no_neoplasm() -> None:
    r = dx(serum_m_protein=(0, "g/dL"), free_kappa=(40, "mg/L"), free_lambda=(10, "mg/L"))
    assert r.status == "cannot_determine"
    assert "m_protein_heavy_chain" in r.missing


# --- missing core inputs ----------------------------------------------------------------------


@pytest.mark.parametrize("field", sorted(NO_MDE))
def test_each_core_input_missing(field: str) -> None:
    """MGUS needs every MDE known to be absent: each missing input blocks it."""
    r = dx(serum_m_protein=(1.0, "g/dL"), **IGG, **{field: None})
    assert r.status == "cannot_determine", field
    assert r.result is None
    assert r.missing


def test_empty_snapshot() -> None:
    r = diagnosis(with_base(**{k: None for k in NO_MDE}))
    assert r.status == "cannot_determine"
    assert "bone_marrow_plasma_cells_percent" in r.missing


def test_positive_immunofixation_is_not_no_neoplasm() -> None:
    r = dx(
        serum_m_protein=(0, "g/dL"),
        bone_marrow_plasma_cells_percent=0,
        serum_immunofixation="positive",
    )
    assert r.result != "no_plasma_cell_neoplasm"


def test_igm_uses_the_snapshot_hyperviscosity_field() -> None:
    r = dx(serum_m_protein=(1, "g/dL"), m_protein_heavy_chain="IgM", hyperviscosity="asymptomatic")
    assert r.status == "not_applicable"
    r = dx(serum_m_protein=(1, "g/dL"), m_protein_heavy_chain="IgM", hyperviscosity="none")
    assert r.result == "igm_mgus"
    assert "hyperviscosity" not in " ".join(r.detail["assumptions"])


@pytest.mark.parametrize(("bmpc", "noted"), [(9.99, False), (10, True), (12, True)])
def test_bone_plasmacytoma_as_the_lesion_is_cited_in_the_diagnosis(
    bmpc: float, noted: bool
) -> None:
    # The diagnosis says that the plasmacytoma was counted as the osteolytic lesion, quotes the
    # IMWG 2014 definition (checked against published copies of the table) and says that the
    # footnote for clonal BMPC < 10% could not be verified against the paper.
    r = dx(
        biopsy_proven_plasmacytoma="bone",
        bone_marrow_plasma_cells_percent=bmpc,
        lytic_lesions=0,
        serum_m_protein=(1.2, "g/dL"),
        **IGG,
    )
    note = r.detail.get("plasmacytoma_note")
    assert (note is not None) is noted
    if noted:
        assert (
            "“clonal bone marrow plasma cells ≥ 10% or biopsy-proven bony or extramedullary" in note
        )
        assert "“one or more osteolytic lesions on skeletal radiography, CT, or PET-CT”" in note
        assert "could not be verified" in note


def test_a_second_lesion_is_not_the_plasmacytoma_note() -> None:
    # Myeloma from a further lytic lesion does not rest on the plasmacytoma: no note.
    r = dx(
        biopsy_proven_plasmacytoma="bone",
        bone_marrow_plasma_cells_percent=5,
        lytic_lesions=1,
        serum_m_protein=(1.2, "g/dL"),
        **IGG,
    )
    assert r.result == "active_multiple_myeloma"
    assert "plasmacytoma_note" not in r.detail
