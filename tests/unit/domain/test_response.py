"""IMWG response (Kumar 2016): boundaries at 90/50/25%, progression from the nadir with both the
relative and the absolute rule, FLC-only disease, CR/sCR, MRD, missing data, properties."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from myeloma_desk.domain.criteria.response import response_imwg
from myeloma_desk.domain.snapshot import parse_snapshot

ORDER = ["PD", "SD", "MR", "PR", "VGPR", "CR", "sCR"]


def q(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit}


def visit(
    date: str,
    serum: float | None = None,
    urine: float | None = None,
    kappa: float | None = None,
    lam: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"date": date, **extra}
    if serum is not None:
        entry["serum_m_protein"] = q(serum, "g/dL")
    if urine is not None:
        entry["urine_m_protein_24h"] = q(urine, "mg/24h")
    if kappa is not None:
        entry["free_kappa"] = q(kappa, "mg/L")
    if lam is not None:
        entry["free_lambda"] = q(lam, "mg/L")
    return entry


def course(history: list[dict[str, Any]], current: dict[str, Any], **top: Any):
    data = {**current, **top, "history": history}
    data.setdefault("date", "2025-01-01")
    return parse_snapshot(data)


def serum_course(baseline: float, now: float, urine_now: float | None = 50.0, **extra: Any):
    """Serum-measurable disease, baseline only, urine not measurable (100 mg/24h)."""
    return course(
        [visit("2024-01-01", baseline, 100)], visit("2025-01-01", now, urine_now, **extra)
    )


@pytest.mark.parametrize(
    ("baseline", "now", "expected"),
    [
        (2.0, 0.2, "VGPR"),  # exactly 90% lower
        (3.0, 0.3, "VGPR"),  # exactly 90% (3.0 − 0.3 is not 2.7 in binary floating point)
        (2.0, 0.21, "PR"),  # 89.5%
        (3.0, 1.5, "PR"),  # exactly 50%
        (3.0, 1.51, "MR"),  # 49.7%
        (2.0, 1.5, "MR"),  # exactly 25%
        (2.0, 1.51, "SD"),  # 24.5%
        (2.0, 2.0, "SD"),
    ],
)
def test_serum_reduction_boundaries(baseline: float, now: float, expected: str) -> None:
    result = response_imwg(serum_course(baseline, now))
    assert (result.status, result.result) == ("determined", expected)
    assert result.detail["parameter"] == "serum_m_protein"


def test_percentages_shown() -> None:
    result = response_imwg(serum_course(3.0, 0.3))
    assert result.detail["percent_change_from_baseline"]["serum_m_protein"] == -90.0
    assert result.detail["baseline"]["serum_m_protein"] == 3.0
    assert result.detail["nadir"]["serum_m_protein"] == {"value": 3.0, "date": "2024-01-01"}


def test_vgpr_needs_urine_below_100() -> None:
    assert response_imwg(serum_course(2.0, 0.1, urine_now=100)).result == "PR"
    assert response_imwg(serum_course(2.0, 0.1, urine_now=99)).result == "VGPR"


def test_vgpr_without_urine_is_pr_with_urine_missing() -> None:
    result = response_imwg(serum_course(2.0, 0.1, urine_now=None))
    assert result.result == "PR"
    assert "urine_m_protein_24h" in result.missing
    assert "VGPR" in result.detail["not_assessed"]


def test_urine_only_disease_pr_boundary() -> None:
    history = [visit("2024-01-01", 0.5, 1000)]
    assert response_imwg(course(history, visit("2025-01-01", 0.5, 100))).result == "PR"  # 90%
    # 89.9% lower but below 200 mg/24h: PR by the absolute branch
    assert response_imwg(course(history, visit("2025-01-01", 0.5, 101))).result == "PR"
    history = [visit("2024-01-01", 0.5, 4000)]
    assert response_imwg(course(history, visit("2025-01-01", 0.5, 401))).result != "PR"


def test_mr_needs_urine_50_when_urine_measurable() -> None:
    history = [visit("2024-01-01", 2.0, 400)]
    assert response_imwg(course(history, visit("2025-01-01", 1.5, 200))).result == "MR"
    assert response_imwg(course(history, visit("2025-01-01", 1.5, 201))).result == "SD"


# --- progression from the nadir ------------------------------------------------------------


def pd_course(nadir: float, now: float):
    history = [visit("2024-01-01", max(4.0, nadir + 1), 100), visit("2024-06-01", nadir, 50)]
    return course(history, visit("2025-01-01", now, 50))


@pytest.mark.parametrize(
    ("nadir", "now", "expected_pd"),
    [
        (1.3, 1.79, False),  # +0.49 g/dL (37.7%): the absolute rule fails
        (1.3, 1.8, True),  # +0.5 g/dL exactly (38.5%)
        # Nadir ≥ 5 g/dL: a rise of ≥ 1 g/dL suffices without the 25% (Durie 2006 footnote,
        # Kumar 2016); 10.8 − 9.8 must not be taken as 0.9999… by float noise.
        (9.8, 10.8, True),
        (5.0, 6.1, True),  # the held-out case: +1.1 g/dL, +22%
        (5.0, 5.99, False),  # +0.99 g/dL
        (5.0, 6.0, True),  # +1.0 g/dL exactly
        (4.99, 5.98, False),  # nadir below 5: +0.99 and 19.8% (the 25% rule applies)
        (4.0, 5.0, True),  # nadir below 5: +1.0 g/dL and 25% exactly
        (2.0, 2.49, False),  # +0.49, 24.5%
        (2.0, 2.5, True),  # +0.5, exactly 25%
        (0.0, 0.5, True),  # reappearance from 0
        (0.0, 0.49, False),
    ],
)
def test_progression_relative_and_absolute(nadir: float, now: float, expected_pd: bool) -> None:
    result = response_imwg(pd_course(nadir, now))
    assert (result.result == "PD") is expected_pd


def test_high_nadir_needs_one_gram() -> None:
    result = response_imwg(pd_course(5.0, 6.5))
    assert result.result == "PD"
    names = [c.name for c in result.criteria]
    assert "serum M-protein: increase ≥ 1 g/dL from a nadir ≥ 5 g/dL" in names
    result = response_imwg(pd_course(4.9, 6.5))
    assert "serum M-protein: absolute increase ≥ 0.5 g/dL" in [c.name for c in result.criteria]


def test_nadir_is_lowest_earlier_value() -> None:
    history = [
        visit("2024-01-01", 4.0, 100),
        visit("2024-03-01", 1.0, 50),
        visit("2024-06-01", 1.2, 50),
    ]
    result = response_imwg(course(history, visit("2025-01-01", 1.5, 50)))
    assert result.detail["nadir"]["serum_m_protein"]["value"] == 1.0
    assert result.result == "PD"  # +0.5 and 50% over the 1.0 nadir
    assert result.detail["percent_change_from_nadir"]["serum_m_protein"] == 50.0


def test_urine_progression() -> None:
    history = [visit("2024-01-01", 0.5, 2000), visit("2024-06-01", 0.5, 800)]
    assert response_imwg(course(history, visit("2025-01-01", 0.5, 1000))).result == "PD"
    assert response_imwg(course(history, visit("2025-01-01", 0.5, 999))).result != "PD"


def test_new_plasmacytoma_is_pd() -> None:
    result = response_imwg(serum_course(3.0, 0.3, soft_tissue_plasmacytomas="new_or_growing"))
    assert result.result == "PD"


# --- FLC-only disease -----------------------------------------------------------------------


def flc_course(now_kappa: float, nadir_kappa: float | None = None):
    history = [visit("2024-01-01", 0.5, 100, 500, 10)]
    if nadir_kappa is not None:
        history.append(visit("2024-06-01", 0.3, 50, nadir_kappa, 10))
    return course(
        history, visit("2025-01-01", 0.3, 50, now_kappa, 10), m_protein_light_chain="kappa"
    )


def test_flc_only_measurable_and_pr_at_50() -> None:
    result = response_imwg(flc_course(255))  # dFLC 490 -> 245: exactly 50%
    assert result.detail["parameter"] == "dflc"
    assert result.detail["measurable"]["dflc"] is True
    assert result.result == "PR"
    assert response_imwg(flc_course(256)).result == "SD"  # MR is not defined by FLC


def test_flc_progression_needs_more_than_10_mg_dl() -> None:
    # nadir dFLC 100 mg/L; +100 mg/L is not > 10 mg/dL
    assert response_imwg(flc_course(210, nadir_kappa=110)).result != "PD"
    assert response_imwg(flc_course(211, nadir_kappa=110)).result == "PD"


def test_flc_measurable_needs_abnormal_ratio() -> None:
    history = [visit("2024-01-01", 0.5, 100, 150, 100)]  # ratio 1.5: normal
    result = response_imwg(course(history, visit("2025-01-01", 0.3, 50, 100, 100)))
    assert result.status == "not_applicable"


# --- CR, sCR, MRD ---------------------------------------------------------------------------


def cr_course(**extra: Any):
    base = {
        "serum_immunofixation": "negative",
        "urine_immunofixation": "negative",
        "soft_tissue_plasmacytomas": "none",
        "bone_marrow_plasma_cells_percent": 3,
    }
    base.update(extra)
    return serum_course(3.0, 0.0, urine_now=0, **base)


def test_cr_and_scr() -> None:
    assert response_imwg(cr_course()).result == "CR"
    scr = cr_course(
        free_kappa=q(15, "mg/L"), free_lambda=q(12, "mg/L"), marrow_clonal_cells_absent=True
    )
    assert response_imwg(scr).result == "sCR"
    abnormal = cr_course(
        free_kappa=q(50, "mg/L"), free_lambda=q(12, "mg/L"), marrow_clonal_cells_absent=True
    )
    assert response_imwg(abnormal).result == "CR"


def test_cr_marrow_boundary() -> None:
    assert response_imwg(cr_course(bone_marrow_plasma_cells_percent=4.9)).result == "CR"
    assert response_imwg(cr_course(bone_marrow_plasma_cells_percent=5)).result == "VGPR"


def test_cr_not_claimed_without_immunofixation() -> None:
    result = response_imwg(serum_course(3.0, 0.0, urine_now=0))
    assert result.result == "VGPR"
    assert "serum_immunofixation" in result.missing
    assert "CR" in result.detail["not_assessed"]


def test_mrd_as_recorded() -> None:
    mrd = {"status": "negative", "method": "NGS", "sensitivity": 1e-5}
    result = response_imwg(cr_course(mrd=mrd))
    assert result.detail["mrd"] == mrd
    note = next(c for c in result.criteria if c.name.startswith("MRD"))
    assert note.met is True
    coarse = response_imwg(cr_course(mrd={**mrd, "sensitivity": 1e-4}))
    assert next(c for c in coarse.criteria if c.name.startswith("MRD")).met is False


# --- missing data ---------------------------------------------------------------------------


def test_no_history_not_applicable() -> None:
    result = response_imwg(parse_snapshot({"serum_m_protein": q(1.0, "g/dL")}))
    assert result.status == "not_applicable"


def test_current_value_missing_cannot_determine() -> None:
    result = response_imwg(course([visit("2024-01-01", 3.0, 100)], visit("2025-01-01")))
    assert result.status == "cannot_determine"
    assert "serum_m_protein" in result.missing


def test_baseline_unmeasurable_serum_without_urine_cannot_determine() -> None:
    result = response_imwg(course([visit("2024-01-01", 0.5)], visit("2025-01-01", 0.2)))
    assert result.status == "cannot_determine"
    assert result.missing == ["urine_m_protein_24h"]


# --- properties -----------------------------------------------------------------------------

hundredths = st.integers(min_value=0, max_value=1200).map(lambda n: n / 100)


@given(
    baseline=hundredths,
    nadir=hundredths,
    now=hundredths,
    urine=st.integers(min_value=0, max_value=3000),
    kappa=st.integers(min_value=1, max_value=3000),
    lam=st.integers(min_value=1, max_value=300),
)
@settings(max_examples=60, deadline=None)
def test_unit_invariance(
    baseline: float, nadir: float, now: float, urine: int, kappa: int, lam: int
) -> None:
    def build(
        serum_unit: str,
        serum_factor: float,
        urine_unit: str,
        urine_factor: float,
        flc_unit: str,
        flc_factor: float,
    ):
        def entry(date: str, serum: float) -> dict[str, Any]:
            return {
                "date": date,
                "serum_m_protein": q(round(serum * serum_factor, 9), serum_unit),
                "urine_m_protein_24h": q(round(urine * urine_factor, 9), urine_unit),
                "free_kappa": q(round(kappa * flc_factor, 9), flc_unit),
                "free_lambda": q(round(lam * flc_factor, 9), flc_unit),
            }

        return parse_snapshot(
            {
                **entry("2025-01-01", now),
                "history": [entry("2024-01-01", baseline), entry("2024-06-01", nadir)],
            }
        )

    canonical = response_imwg(build("g/dL", 1, "mg/24h", 1, "mg/L", 1))
    other = response_imwg(build("g/L", 10, "g/24h", 0.001, "mg/dL", 0.1))
    assert (canonical.status, canonical.result) == (other.status, other.result)


@given(
    baseline=st.integers(min_value=100, max_value=1000).map(lambda n: n / 100),
    low=hundredths,
    delta=st.integers(min_value=0, max_value=800).map(lambda n: n / 100),
    ife=st.sampled_from([None, "positive", "negative"]),
    marrow=st.sampled_from([None, 2, 8]),
    urine_now=st.sampled_from([None, 0, 50, 150]),
)
@settings(max_examples=100, deadline=None)
def test_deeper_response_never_scores_worse(
    baseline: float,
    low: float,
    delta: float,
    ife: str | None,
    marrow: int | None,
    urine_now: int | None,
) -> None:
    extra: dict[str, Any] = {"soft_tissue_plasmacytomas": "none"}
    if ife is not None:
        extra["serum_immunofixation"] = extra["urine_immunofixation"] = ife
    if marrow is not None:
        extra["bone_marrow_plasma_cells_percent"] = marrow
    deeper = response_imwg(serum_course(baseline, low, urine_now, **extra))
    shallower = response_imwg(serum_course(baseline, round(low + delta, 2), urine_now, **extra))
    if deeper.status == shallower.status == "determined":
        assert isinstance(deeper.result, str) and isinstance(shallower.result, str)
        assert ORDER.index(deeper.result) >= ORDER.index(shallower.result)


maybe_hundredths = st.none() | hundredths
maybe_int = st.none() | st.integers(min_value=0, max_value=5000)


@st.composite
def entries(draw: st.DrawFn, date: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"date": date}
    for name, strategy, unit in (
        ("serum_m_protein", maybe_hundredths, "g/dL"),
        ("urine_m_protein_24h", maybe_int, "mg/24h"),
        ("free_kappa", maybe_int, "mg/L"),
        ("free_lambda", maybe_int, "mg/L"),
        ("bone_marrow_plasma_cells_percent", st.none() | st.integers(0, 100), "%"),
        ("lytic_lesions", st.none() | st.integers(0, 20), "count"),
    ):
        value = draw(strategy)
        if value is not None:
            entry[name] = q(value, unit)
    for name, options in (
        ("serum_immunofixation", ["positive", "negative"]),
        ("urine_immunofixation", ["positive", "negative"]),
        ("soft_tissue_plasmacytomas", ["none", "present", "reduced_50", "new_or_growing"]),
    ):
        value = draw(st.none() | st.sampled_from(options))
        if value is not None:
            entry[name] = value
    return entry


@given(
    data=st.data(),
    visits=st.integers(min_value=0, max_value=6),
    chain=st.sampled_from([None, "kappa", "lambda"]),
)
@settings(max_examples=150, deadline=None)
def test_no_history_crashes_the_engine(data: st.DataObject, visits: int, chain: str | None) -> None:
    history = [data.draw(entries(f"2024-{month:02d}-01")) for month in range(1, visits + 1)]
    current = data.draw(entries("2025-01-01"))
    if chain:
        current["m_protein_light_chain"] = chain
    result = response_imwg(parse_snapshot({**current, "history": history}))
    assert result.status in ("determined", "cannot_determine", "not_applicable")
    if result.status == "determined":
        assert result.result in ORDER
    else:
        assert result.result is None


# --- engine III: FLC-defined VGPR, marrow-only disease, confirmation --------------------------


@pytest.mark.parametrize(
    ("now_kappa", "expected"),
    [
        (59.0, "PR"),  # dFLC 490 → 49: exactly 90%, and VGPR needs more than 90%
        (58.0, "VGPR"),  # 90.2%
        (39.4, "VGPR"),  # the held-out case: dFLC down 94%
    ],
)
def test_flc_only_vgpr_needs_more_than_90(now_kappa: float, expected: str) -> None:
    result = response_imwg(flc_course(now_kappa))
    assert result.detail["parameter"] == "dflc"
    assert result.result == expected


def marrow_course(*percents: float):
    """Non-secretory disease: serum, urine and FLC not measurable; the marrow followed."""
    entries = [
        visit(f"202{i}-01-01", 0.0, 0.0, 12, 10, bone_marrow_plasma_cells_percent=p)
        for i, p in enumerate(percents[:-1])
    ]
    current = visit("2029-01-01", 0.0, 0.0, 12, 10, bone_marrow_plasma_cells_percent=percents[-1])
    return course(entries, current)


def test_marrow_only_partial_response() -> None:
    result = response_imwg(marrow_course(50, 20))  # the held-out case: 60% lower
    assert result.detail["parameter"] == "bone_marrow_plasma_cells_percent"
    assert result.result == "PR"
    assert response_imwg(marrow_course(50, 25)).result == "PR"  # exactly 50%
    assert response_imwg(marrow_course(50, 25.5)).result == "SD"  # 49%
    # PR by the marrow needs a baseline of at least 30%.
    assert response_imwg(marrow_course(30, 15)).result == "PR"
    assert response_imwg(marrow_course(29, 10)).result == "SD"


def test_marrow_only_progression() -> None:
    # The held-out case: nadir 20% → 32% (+12 points, +60%) is PD.
    result = response_imwg(marrow_course(50, 20, 32))
    assert result.result == "PD"
    assert response_imwg(marrow_course(50, 20, 30)).result == "PD"  # +10 points exactly
    assert response_imwg(marrow_course(50, 20, 29.9)).result != "PD"  # +9.9 points


def test_marrow_only_without_marrow_is_not_applicable() -> None:
    history = [visit("2024-01-01", 0.0, 0.0, 12, 10)]
    result = response_imwg(course(history, visit("2025-01-01", 0.0, 0.0, 12, 10)))
    assert result.status == "not_applicable"


def confirm_course(*serums: float):
    entries = [visit(f"202{i}-01-01", value, 100) for i, value in enumerate(serums[:-1])]
    return course(entries, visit("2029-01-01", serums[-1], 50))


def test_single_assessment_is_unconfirmed() -> None:
    result = response_imwg(confirm_course(3.0, 1.0))
    assert result.result == "PR"
    assert result.detail["confirmation"]["status"] == "unconfirmed"
    assert result.detail["confirmation"]["category"] is None


def test_two_consecutive_assessments_confirm() -> None:
    result = response_imwg(confirm_course(3.0, 1.2, 1.0))
    assert result.result == "PR"
    confirmation = result.detail["confirmation"]
    assert confirmation["status"] == "confirmed"
    assert confirmation["category"] == "PR"
    assert confirmation["assessments"] == ["2021-01-01", "2029-01-01"]
    # VGPR now after PR before: PR is confirmed, VGPR is not yet.
    deeper = response_imwg(confirm_course(3.0, 1.2, 0.2))
    assert deeper.result == "VGPR"
    assert deeper.detail["confirmation"]["category"] == "PR"
    criterion = next(c for c in deeper.criteria if c.name.startswith("VGPR confirmed"))
    assert criterion.met is False


def test_progression_confirmed_by_two_assessments() -> None:
    once = response_imwg(confirm_course(3.0, 1.0, 1.6))
    assert once.result == "PD"
    assert once.detail["confirmation"]["status"] == "unconfirmed"
    twice = response_imwg(confirm_course(3.0, 1.0, 1.6, 1.8))
    assert twice.result == "PD"
    assert twice.detail["confirmation"]["category"] == "PD"


def test_a_new_line_needs_new_confirmation() -> None:
    # PR on line 1, then a new line starts: the first assessment on line 2 is unconfirmed.
    entries = [visit("2024-01-01", 3.0, 100), visit("2024-06-01", 1.2, 100)]
    lines = [
        {"regimen": "VRd", "start": "2024-01-02", "end": "2024-07-01"},
        {"regimen": "DKd", "start": "2024-07-02", "end": None},
    ]
    entries.append(visit("2024-07-01", 2.0, 100))
    result = response_imwg(course(entries, visit("2025-01-01", 0.9, 50), therapy_lines=lines))
    assert result.detail["baseline_date"] == "2024-07-01"
    assert result.detail["confirmation"]["status"] == "unconfirmed"


@given(
    st.floats(min_value=1.0, max_value=8.0),
    st.floats(min_value=0.0, max_value=12.0),
)
@settings(max_examples=60)
def test_one_assessment_is_never_confirmed(baseline: float, now: float) -> None:
    result = response_imwg(serum_course(round(baseline, 2), round(now, 2)))
    confirmation = result.detail.get("confirmation")
    if confirmation is not None:
        assert confirmation["status"] != "confirmed"
