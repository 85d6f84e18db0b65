"""Myeloma-defining events (IMWG 2014, Rajkumar 2014 Lancet Oncol Panel 1): each threshold
below, at and above, each input missing, and the value that met each event."""

from __future__ import annotations

import pytest
from engine1_build import NO_MDE, with_base

from myeloma_desk.domain.criteria.diagnosis import mde_rule


def events(**fields: object) -> list[str]:
    result = mde_rule(with_base(**fields))
    assert result.status == "determined", result
    assert isinstance(result.result, list)
    return result.result


def test_none_met_when_all_known() -> None:
    result = mde_rule(with_base())
    assert (result.status, result.result) == ("determined", [])
    assert result.detail["complete"] is True
    assert len(result.criteria) == 7
    assert all(c.met is False for c in result.criteria)


@pytest.mark.parametrize(
    ("calcium", "uln", "met"),
    [
        ((11.0, "mg/dL"), (11.5, "mg/dL"), False),  # exactly 11 is not > 11; 0 above a high ULN
        ((11.01, "mg/dL"), (11.5, "mg/dL"), True),  # just above the absolute limit
        ((10.5, "mg/dL"), (9.5, "mg/dL"), False),  # exactly 1.0 above the ULN: not > 1
        ((10.51, "mg/dL"), (9.5, "mg/dL"), True),
        ((10.19, "mg/dL"), (9.2, "mg/dL"), False),  # 0.99 above the ULN
        ((10.21, "mg/dL"), (9.2, "mg/dL"), True),  # 1.01 above a low ULN, below 11
        ((10.8, "mg/dL"), (9.8, "mg/dL"), False),  # float trap: 10.8 − 9.8 is exactly 1.0
    ],
)
def test_hypercalcemia(calcium: tuple, uln: tuple, met: bool) -> None:
    found = events(calcium=calcium, calcium_upper_limit=uln)
    assert ("hypercalcemia" in found) is met


def test_hypercalcemia_in_mmol() -> None:
    # 2.8 mmol/L = 11.22 mg/dL > 11
    assert "hypercalcemia" in events(calcium=(2.8, "mmol/L"), calcium_upper_limit=(2.6, "mmol/L"))
    assert "hypercalcemia" not in events(
        calcium=(2.5, "mmol/L"), calcium_upper_limit=(2.6, "mmol/L")
    )


def test_hypercalcemia_needs_uln_below_the_absolute_limit() -> None:
    result = mde_rule(with_base(calcium=(10.5, "mg/dL"), calcium_upper_limit=None))
    assert result.status == "cannot_determine"
    assert result.missing == ["calcium_upper_limit"]
    # above 11 mg/dL the ULN is not needed
    high = mde_rule(with_base(calcium=(11.5, "mg/dL"), calcium_upper_limit=None))
    assert high.status == "determined"
    assert high.result == ["hypercalcemia"]


@pytest.mark.parametrize(
    ("creatinine", "crcl", "met"),
    [
        (2.0, 60, False),  # exactly 2 is not > 2
        (2.01, 60, True),
        (1.99, 60, False),
        (1.0, 40, False),  # exactly 40 is not < 40
        (1.0, 39.9, True),
        (1.0, 40.1, False),
    ],
)
def test_renal(creatinine: float, crcl: float, met: bool) -> None:
    found = events(creatinine=(creatinine, "mg/dL"), creatinine_clearance=(crcl, "mL/min"))
    assert ("renal_insufficiency" in found) is met


def test_renal_in_umol() -> None:
    # 177 µmol/L = 2.0018 mg/dL > 2 (IMWG writes "> 177 µmol/L" beside "> 2 mg/dL")
    assert "renal_insufficiency" in events(creatinine=(178, "µmol/L"))
    assert "renal_insufficiency" not in events(creatinine=(176.84, "umol/L"))  # exactly 2 mg/dL


# IMWG 2014 (Rajkumar 2014, Panel 1) publishes these limits in both unit systems; a value is
# compared with the limit published in the unit it was entered in (domain/thresholds.py).
@pytest.mark.parametrize(
    ("calcium", "met"),
    [
        ((2.74, "mmol/L"), False),
        ((2.75, "mmol/L"), False),  # 2.75 mmol/L is 11.02 mg/dL, but not > 2.75 mmol/L
        ((2.76, "mmol/L"), True),
        ((10.99, "mg/dL"), False),
        ((11.0, "mg/dL"), False),
        ((11.01, "mg/dL"), True),
    ],
)
def test_absolute_hypercalcemia_in_the_unit_entered(calcium: tuple, met: bool) -> None:
    # a ULN far above the value: only the absolute limit can be met
    uln = (2.9, "mmol/L") if calcium[1] == "mmol/L" else (11.6, "mg/dL")
    assert ("hypercalcemia" in events(calcium=calcium, calcium_upper_limit=uln)) is met


@pytest.mark.parametrize(
    ("calcium", "uln", "met"),
    [
        ((2.74, "mmol/L"), (2.5, "mmol/L"), False),  # 0.24 above the ULN, below 2.75
        ((2.85, "mmol/L"), (2.6, "mmol/L"), True),  # > 2.75 absolute
        ((2.49, "mmol/L"), (2.25, "mmol/L"), False),  # 0.24 mmol/L above
        ((2.50, "mmol/L"), (2.25, "mmol/L"), False),  # exactly 0.25 mmol/L (1.002 mg/dL)
        ((2.51, "mmol/L"), (2.25, "mmol/L"), True),  # 0.26 mmol/L above
    ],
)
def test_hypercalcemia_above_uln_in_mmol(calcium: tuple, uln: tuple, met: bool) -> None:
    found = mde_rule(with_base(calcium=calcium, calcium_upper_limit=uln))
    assert ("hypercalcemia" in (found.result or [])) is met
    criterion = next(c for c in found.criteria if c.name.startswith("hypercalcemia"))
    assert "mmol/L" in str(criterion.value)


@pytest.mark.parametrize(
    ("creatinine", "met"),
    [
        ((176.9, "µmol/L"), False),
        ((177, "µmol/L"), False),  # 177 µmol/L is 2.0018 mg/dL, but not > 177 µmol/L
        ((177, "umol/L"), False),
        ((177.1, "µmol/L"), True),
        ((1.99, "mg/dL"), False),
        ((2.0, "mg/dL"), False),
        ((2.01, "mg/dL"), True),
    ],
)
def test_creatinine_in_the_unit_entered(creatinine: tuple, met: bool) -> None:
    found = events(creatinine=creatinine, creatinine_clearance=(60, "mL/min"))
    assert ("renal_insufficiency" in found) is met


def test_renal_cockcroft_gault_when_no_clearance() -> None:
    # (140 − 80) × 50 / (72 × 1.0) × 0.85 = 35.4 mL/min < 40
    result = mde_rule(
        with_base(
            creatinine_clearance=None,
            creatinine=(1.0, "mg/dL"),
            age_years=80,
            weight=(50, "kg"),
            sex="female",
        )
    )
    assert result.result == ["renal_insufficiency"]
    assert any("Cockcroft" in n for n in result.detail["notes"])
    assert "Cockcroft 1976 Nephron" in result.sources


def test_renal_missing_clearance_cannot_determine() -> None:
    result = mde_rule(with_base(creatinine_clearance=None))
    assert result.status == "cannot_determine"
    assert result.missing == ["creatinine_clearance"]
    assert result.detail["not_assessed"] == ["renal_insufficiency"]


@pytest.mark.parametrize(
    ("hb", "lln", "met"),
    [
        (10.0, 12.0, False),  # 10 is not < 10 and 2.0 below the LLN is not > 2
        (9.99, 12.0, True),
        (10.0, 12.01, True),  # 2.01 below the LLN
        (10.5, 12.5, False),  # exactly 2 below
        (10.49, 12.5, True),
    ],
)
def test_anemia(hb: float, lln: float, met: bool) -> None:
    found = events(hemoglobin=(hb, "g/dL"), hemoglobin_lower_limit=(lln, "g/dL"))
    assert ("anemia" in found) is met


def test_anemia_in_g_per_l() -> None:
    assert "anemia" in events(hemoglobin=(99, "g/L"))
    assert "anemia" not in events(hemoglobin=(100, "g/L"), hemoglobin_lower_limit=(120, "g/L"))


@pytest.mark.parametrize(("lesions", "met"), [(0, False), (1, True), (2, True)])
def test_bone_lesions(lesions: int, met: bool) -> None:
    assert ("bone_lesions" in events(lytic_lesions=lesions)) is met


@pytest.mark.parametrize(("bmpc", "met"), [(59.9, False), (60, True), (60.1, True)])
def test_bmpc_60(bmpc: float, met: bool) -> None:
    assert ("bmpc_60" in events(bone_marrow_plasma_cells_percent=bmpc)) is met


@pytest.mark.parametrize(
    ("kappa", "lam", "met"),
    [
        (999, 10, False),  # ratio 99.9
        (1000, 10, True),  # ratio exactly 100, involved 1000 mg/L
        (1001, 10, True),
        (99, 0.99, False),  # ratio 100 but involved 99 mg/L < 100
        (100, 1.0, True),  # ratio 100 and involved exactly 100 mg/L
        (100, 0, True),  # uninvolved 0: ratio infinite
    ],
)
def test_flc_ratio_100(kappa: float, lam: float, met: bool) -> None:
    found = events(free_kappa=(kappa, "mg/L"), free_lambda=(lam, "mg/L"))
    assert ("flc_ratio_100" in found) is met


def test_flc_in_mg_dl_and_involved_chain_from_m_protein() -> None:
    assert "flc_ratio_100" in events(free_kappa=(100, "mg/dL"), free_lambda=(1, "mg/dL"))
    # the M-protein is lambda: lambda/kappa = 0.01, not an MDE even though kappa/lambda is 1000
    found = events(
        free_kappa=(1000, "mg/L"), free_lambda=(1, "mg/L"), m_protein_light_chain="lambda"
    )
    assert "flc_ratio_100" not in found


@pytest.mark.parametrize(("lesions", "met"), [(1, False), (2, True), (3, True)])
def test_mri_focal_lesions(lesions: int, met: bool) -> None:
    assert ("mri_focal_lesions" in events(mri_focal_lesions=lesions)) is met


def test_each_met_event_carries_its_value() -> None:
    result = mde_rule(
        with_base(hemoglobin=(8.5, "g/dL"), lytic_lesions=3, bone_marrow_plasma_cells_percent=70)
    )
    assert result.result == ["anemia", "bone_lesions", "bmpc_60"]
    assert result.detail["values"]["anemia"].startswith("8.5 g/dL")
    assert result.detail["values"]["bmpc_60"] == "70%"
    assert result.detail["values"]["bone_lesions"] == "3 lesions"


@pytest.mark.parametrize("field", sorted(NO_MDE))
def test_each_input_missing(field: str) -> None:
    """Missing never counts as negative: with no event met, a missing input blocks the result."""
    result = mde_rule(with_base(**{field: None}))
    assert result.status == "cannot_determine", field
    assert result.result is None
    expected = {"free_kappa": "free_kappa", "free_lambda": "free_lambda"}.get(field, field)
    assert expected in result.missing


def test_missing_input_does_not_hide_a_met_event() -> None:
    result = mde_rule(with_base(hemoglobin=None, lytic_lesions=2))
    assert result.status == "determined"
    assert result.result == ["bone_lesions"]
    assert result.detail["not_assessed"] == ["anemia"]
    assert result.detail["complete"] is False
    assert result.missing == ["hemoglobin"]


def test_pdq_wording_beside() -> None:
    result = mde_rule(with_base())
    assert "10% to 60%" in result.detail["pdq_wording"]["criteria"][1]
    assert "11 mg/dL" in result.detail["pdq_difference"]


def test_relative_values_are_worded_by_side() -> None:
    result = mde_rule(with_base(hemoglobin=(13.1, "g/dL"), hemoglobin_lower_limit=(12, "g/dL")))
    anemia = next(c for c in result.criteria if c.name.startswith("anemia"))
    assert anemia.value == "13.1 g/dL, LLN 12 g/dL: 1.1 g/dL above the LLN"
    result = mde_rule(with_base(calcium=(10.9, "mg/dL"), calcium_upper_limit=(10.2, "mg/dL")))
    calcium = next(c for c in result.criteria if c.name.startswith("hypercalcemia"))
    assert calcium.value == "10.9 mg/dL, ULN 10.2 mg/dL: 0.7 mg/dL above the ULN"


def test_bone_plasmacytoma_counts_as_the_bone_lesion_with_bmpc_10() -> None:
    # Rajkumar 2014 Panel 1: ≥ 1 osteolytic lesion; lytic_lesions excludes the biopsied lesion
    for bmpc, met in ((9.99, False), (10, True), (10.01, True)):
        result = mde_rule(
            with_base(
                biopsy_proven_plasmacytoma="bone",
                bone_marrow_plasma_cells_percent=bmpc,
                lytic_lesions=0,
            )
        )
        assert ("bone_lesions" in (result.result or [])) is met
        assert "Cockcroft 1976 Nephron" not in result.sources
