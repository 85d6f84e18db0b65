"""AL amyloidosis: cardiac stages (Mayo 2004/European, Mayo 2012, Boston University), renal stage
and hematologic response.

Thresholds: ../shared/reference/criteria-summary.md, "AL amyloidosis".

When the rules apply: a snapshot with AL amyloidosis recorded (``amyloidosis.biopsy_proven``)
or with any amyloid marker entered (NT-proBNP, BNP, troponin T/I, proteinuria) is staged; missing
markers then make the stage ``cannot_determine`` with ``missing``. A snapshot with neither is
``not_applicable`` (staging an AL stage for a patient with no amyloidosis would be meaningless),
and so is one whose biopsy was recorded as negative for amyloid. Markers entered without a
biopsy-proven AL diagnosis are staged with an assumption saying so.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from myeloma_desk.domain.criteria._course import (
    all3,
    dflc,
    involved_chain,
    involved_flc,
    line_has_class,
    pct,
    percent_change,
    percent_reduction,
)
from myeloma_desk.domain.criteria._course import ratio_normal as _ratio_normal
from myeloma_desk.domain.display import shown_in, value_in
from myeloma_desk.domain.drugs import DrugClass
from myeloma_desk.domain.engine import ExplainedFunction, RuleFunction, rule
from myeloma_desk.domain.results import Explanation, RuleResult, Source, source
from myeloma_desk.domain.snapshot import HistoryEntry, Snapshot, _Measured
from myeloma_desk.domain.units import Dim, fmt, ge, gt, lt, sub, unit_label

DISPENZIERI_2004 = source(
    "Dispenzieri 2004 J Clin Oncol",
    "Dispenzieri A, Gertz MA, Kyle RA, et al. Serum cardiac troponins and N-terminal pro-brain "
    "natriuretic peptide: a staging system for primary systemic amyloidosis. J Clin Oncol. "
    "2004;22(18):3751-3757.",
)
WECHALEKAR_2013 = source(
    "Wechalekar 2013 Blood",
    "Wechalekar AD, Schonland SO, Kastritis E, et al. A European collaborative study of "
    "treatment outcomes in 346 patients with cardiac stage III AL amyloidosis. Blood. "
    "2013;121(17):3420-3427.",
)
KUMAR_2012 = source(
    "Kumar 2012 J Clin Oncol",
    "Kumar S, Dispenzieri A, Lacy MQ, et al. Revised prognostic staging system for light chain "
    "amyloidosis incorporating cardiac biomarkers and serum free light chain measurements. "
    "J Clin Oncol. 2012;30(9):989-995.",
)
LILLENESS_2019 = source(
    "Lilleness 2019 Blood",
    "Lilleness B, Ruberg FL, Mussinelli R, Doros G, Sanchorawala V. Development and validation "
    "of a survival staging system incorporating BNP in patients with light chain amyloidosis. "
    "Blood. 2019;133(3):215-223.",
)
MUCHTAR_2019 = source(
    "Muchtar 2019 Blood",
    "Muchtar E, Kumar SK, Gertz MA, et al. Staging systems use for risk stratification of "
    "systemic amyloidosis in the era of high-sensitivity troponin T assay. Blood. "
    "2019;133(7):763-766.",
)
PALLADINI_2014 = source(
    "Palladini 2014 Blood",
    "Palladini G, Hegenbart U, Milani P, et al. A staging system for renal outcome and early "
    "markers of renal response to chemotherapy in AL amyloidosis. Blood. 2014;124(15):2325-2332.",
)
DITTRICH_2017 = source(
    "Dittrich 2017 Blood",
    "Dittrich T, Bochtler T, Kimmich C, et al. AL amyloidosis patients with low amyloidogenic "
    "free light chain levels at first diagnosis have an excellent prognosis. Blood. "
    "2017;130(5):632-642.",
)
MILANI_2017 = source(
    "Milani 2017 Blood",
    "Milani P, Basset M, Russo F, Foli A, Merlini G, Palladini G. Patients with light-chain "
    "amyloidosis and low free light-chain burden have distinct clinical features and outcome. "
    "Blood. 2017;130(5):625-631.",
)
COMENZO_2012 = source(
    "Comenzo 2012 Leukemia",
    "Comenzo RL, Reece D, Palladini G, et al. Consensus guidelines for the conduct and reporting "
    "of clinical trials in systemic light-chain amyloidosis. Leukemia. 2012;26(11):2317-2325.",
)
GERTZ_2005 = source(
    "Gertz 2005 Am J Hematol",
    "Gertz MA, Comenzo R, Falk RH, et al. Definition of organ involvement and treatment response "
    "in immunoglobulin light chain amyloidosis (AL): a consensus opinion from the 10th "
    "International Symposium on Amyloid and Amyloidosis. Am J Hematol. 2005;79(4):319-328.",
)
PALLADINI_2012 = source(
    "Palladini 2012 J Clin Oncol",
    "Palladini G, Dispenzieri A, Gertz MA, et al. New criteria for response to treatment in "
    "immunoglobulin light chain amyloidosis based on free light chain measurement and cardiac "
    "biomarkers: impact on survival outcomes. J Clin Oncol. 2012;30(36):4541-4549.",
)

# Mayo 2004 (Dispenzieri): cTnT ≥ 0.035 µg/L (= ng/mL), NT-proBNP ≥ 332 ng/L.
MAYO2004_TNT = 0.035
MAYO2004_NTPROBNP = 332.0
# European modification (Wechalekar 2013): stage III split at NT-proBNP > 8,500 ng/L.
EUROPEAN_IIIB_NTPROBNP = 8500.0
# Mayo 2012 (Kumar): TnT ≥ 0.025 ng/mL, NT-proBNP ≥ 1,800 pg/mL, dFLC ≥ 18 mg/dL (= 180 mg/L).
MAYO2012_TNT = 0.025
MAYO2012_NTPROBNP = 1800.0
MAYO2012_DFLC = 180.0
# High-sensitivity troponin T (Muchtar 2019): hs-cTnT ≥ 50 ng/L replaces cTnT ≥ 0.035 µg/L in
# Mayo 2004, and hs-cTnT ≥ 40 ng/L replaces TnT ≥ 0.025 ng/mL in Mayo 2012 (checked 2026-12-03
# against the table of a 2024 review, JACC CardioOncol 2024;6:1, that cites it). In ng/mL:
HS_MAYO2004_TNT = 0.050
HS_MAYO2012_TNT = 0.040
MAYO2012_MEDIAN_OS_MONTHS = {"I": 94.1, "II": 40.3, "III": 14.0, "IV": 5.8}
# Boston University (Lilleness 2019): BNP > 81 pg/mL, troponin I > 0.1 ng/mL; IIIb: both and
# BNP > 700 pg/mL.
BU_BNP = 81.0
BU_TNI = 0.1
BU_IIIB_BNP = 700.0
# Renal stage (Palladini 2014): eGFR < 50 mL/min/1.73 m², proteinuria > 5 g/24 h.
RENAL_EGFR = 50.0
RENAL_PROTEINURIA = 5.0
# Hematologic response (Palladini 2012): VGPR dFLC < 4 mg/dL (= 40 mg/L); PR dFLC fall > 50%.
HEME_VGPR_DFLC = 40.0
HEME_PR_REDUCTION = 50.0
# Evaluability (Palladini 2012; Milani 2017: "patients with a dFLC < 50 mg/L cannot be assessed
# for response"): the VGPR and PR criteria need a baseline dFLC ≥ 50 mg/L (checked 2026-12-03
# against the Milani 2017 abstract).
HEME_EVALUABLE_DFLC = 50.0
# Low-dFLC disease (Dittrich 2017; Milani 2017): with a baseline dFLC of 20–50 mg/L, a fall of
# the dFLC to < 10 mg/L is the "low-dFLC partial response" (Milani: "a reduction in dFLC after
# therapy of < 10 mg/L ... in patients with at least a dFLC > 20 mg/L baseline"; Dittrich gives
# 20–50 mg/L). Below 20 mg/L no published criterion other than CR applies.
LOW_DFLC_BASELINE = 20.0
LOW_DFLC_PR_BELOW = 10.0
# Organ response (Palladini 2012; Comenzo 2012 consensus): cardiac response is an NT-proBNP fall
# of > 30% and > 300 ng/L when the baseline is ≥ 650 ng/L; cardiac progression a rise of > 30%
# and > 300 ng/L. Renal (Palladini 2014): response is a proteinuria fall of ≥ 30% or to below
# 0.5 g/24 h without renal progression; renal progression an eGFR fall of ≥ 25%.
CARDIAC_BASELINE_NTPROBNP = 650.0
CARDIAC_CHANGE_PERCENT = 30.0
CARDIAC_CHANGE_ABSOLUTE = 300.0
RENAL_RESPONSE_PERCENT = 30.0
RENAL_RESPONSE_BELOW = 0.5
RENAL_PROGRESSION_EGFR_PERCENT = 25.0

# Hematologic progression (the AL consensus criteria: Gertz 2005; Comenzo 2012, kept with the
# Palladini 2012 response criteria). Checked with the search tool 2026-12-03 against the CIBMTR
# forms manual's reproduction of the criteria (the papers' own text was not available):
# "If progressing from CR, any detectable monoclonal protein or abnormal free light chain ratio
# (light chain must double)"; "If progressive from PR or SD, ≥ 50% increase in the serum M protein
# to > 0.5 g/dL, or ≥ 50% increase in urine M protein to > 200mg/day with visible peak present";
# "Serum free light chain increase of ≥ 50% to > 10 mg/dL (100 mg/L)".
PROGRESSION_INCREASE = 50.0  # ≥ 50% increase (serum, urine, free light chain)
PROGRESSION_SERUM_ABOVE = 0.5  # ... to > 0.5 g/dL
PROGRESSION_URINE_ABOVE = 200.0  # ... to > 200 mg/24 h
PROGRESSION_FLC_ABOVE = 100.0  # ... to > 100 mg/L (10 mg/dL), the involved free light chain
PROGRESSION_FROM_CR_FACTOR = 2.0  # from CR: "light chain must double"
PROGRESSION_VERIFIED = (
    "Criteria of the AL consensus (Gertz 2005; Comenzo 2012) as reproduced in the CIBMTR forms "
    "manual; the papers' own text could not be read. The source says “increase” without naming "
    "the reference value: the lowest value since the first recorded visit (the nadir) is used, as "
    "in the myeloma criteria, and from CR “light chain must double” is read as the involved free "
    "light chain at least twice its lowest value since the complete response."
)

AL_MARKERS = ("nt_probnp", "bnp", "troponin_t", "troponin_i", "proteinuria_24h")
STAGES_0_2 = ("I", "II", "III")


# Why the AL rules do or do not apply, and the assumption made (_applicability).
NOT_BIOPSY_PROVEN = "amyloid was not shown on biopsy (recorded as not biopsy-proven)"
NOT_TYPED = "amyloid not typed as light chain (AL) in the record: staged as AL"
FROM_MARKERS = (
    "no biopsy-proven AL amyloidosis recorded: staged from the markers entered, assuming AL "
    "amyloidosis"
)
NO_AMYLOIDOSIS = (
    "no AL amyloidosis recorded and no amyloid markers (NT-proBNP, BNP, troponin, proteinuria) "
    "entered"
)


def _applicability(s: Snapshot) -> tuple[str | None, str | None]:
    """(the reason AL staging does not apply or None, the assumption made when it does), decided
    once per snapshot for the AL rules (``amyloidosis.applies``)."""
    amyloid = s.amyloidosis
    if amyloid is not None:
        if amyloid.biopsy_proven is False:
            return NOT_BIOPSY_PROVEN, None
        if amyloid.biopsy_proven:
            if amyloid.light_chain_typed is not True:
                return None, NOT_TYPED
            return None, None
    for marker in AL_MARKERS:  # a plain loop (issue 18: cheaper than any() over a generator)
        if getattr(s, marker) is not None:
            return None, FROM_MARKERS
    return NO_AMYLOIDOSIS, None


def al_rule(
    rule_id: str, title: str, sources: tuple[Source, ...]
) -> Callable[[ExplainedFunction], RuleFunction]:
    """Register an AL amyloidosis rule (family "al"): not_applicable, with the reason, unless AL
    staging applies to the snapshot (:func:`_applicability`); the assumption made when it
    applies is recorded."""

    def register(function: ExplainedFunction) -> RuleFunction:
        @functools.wraps(function)
        def applied(s: Snapshot, e: Explanation) -> RuleResult:
            why_not, assumption = s.derived("amyloidosis.applies", _applicability)
            if assumption is not None:
                e.assume(assumption)
            if why_not:
                return e.not_applicable(why_not)
            return function(s, e)

        return rule(rule_id, title, "al", sources=sources)(applied)

    return register


def _not_over_time(e: Explanation, s: Snapshot, why_history: str) -> RuleResult | None:
    """The not_applicable result of a rule that follows AL amyloidosis over time when there is no
    earlier snapshot (``why_history`` says what it would give); None when there is one."""
    if not s.history:
        return e.not_applicable(f"No earlier visit is recorded; {why_history}.")
    return None


def _involved_chain(e: Explanation, s: Snapshot, baseline: _Measured | None = None) -> Any:
    """The involved light chain (recorded, else from an abnormal ratio), noted in the detail."""
    chain, how = involved_chain(s, baseline)
    e.detail["involved_light_chain"] = chain
    e.detail["involved_light_chain_from"] = how
    return chain


def _marker(
    e: Explanation,
    s: Snapshot,
    field: str,
    label: str,
    above: Callable[[float, float], bool],
    limit: float,
    unit: str,
) -> bool | None:
    """One staging marker: met when ``above(value, limit)``; unknown (and needed) if absent.
    The value is shown in ``unit``, the threshold's, the entered value after it when it was
    entered in another unit."""
    value = s.get(field)
    met = None if value is None else above(value, limit)
    e.criterion(label, met, shown_in(s, field, unit))
    if value is None:
        e.need(field)
    return met


def _troponin_t(e: Explanation, s: Snapshot, conventional: float, high: float) -> bool | None:
    """The troponin T marker at the threshold published for the assay recorded."""
    if s.troponin_t_assay == "high_sensitivity":
        e.sources.append(MUCHTAR_2019.label)
        label = f"high-sensitivity troponin T ≥ {fmt(high * 1000, 'ng/L')} (Muchtar 2019)"
        return _marker(e, s, "troponin_t", label, ge, high, "ng/L")
    if s.troponin_t_assay is None and s.troponin_t is not None:
        e.assume(
            "troponin T assay not recorded: read as a conventional assay; for a high-sensitivity "
            f"assay the published threshold is {fmt(high * 1000, 'ng/L')} (Muchtar 2019)"
        )
    label = f"troponin T ≥ {fmt(conventional, 'ng/mL')} ({fmt(conventional, 'µg/L')})"
    # The threshold is printed in both units: a value entered in either is shown as entered.
    entered = s.troponin_t.unit if s.troponin_t is not None else "ng/mL"
    unit = entered if unit_label(entered) in ("ng/mL", "µg/L") else "ng/mL"
    return _marker(e, s, "troponin_t", label, ge, conventional, unit)


def _count_stage(known: list[bool | None], stages: tuple[str, ...]) -> tuple[str | None, list[str]]:
    """Stage from the number of markers met; (None, possible stages) if an unknown one matters."""
    met = sum(1 for v in known if v)
    unknown = sum(1 for v in known if v is None)
    possible = [stages[n] for n in range(met, met + unknown + 1)]
    return (possible[0] if len(possible) == 1 else None), possible


def _split_stage(
    e: Explanation,
    s: Snapshot,
    markers: list[bool | None],
    split: tuple[str, str, float, str],
    names: tuple[str, str],
) -> RuleResult:
    """Stage I, II or III by the number of ``markers`` met, stage III split in two by
    ``split`` (field, criterion label, limit, its unit): ``names[1]`` above the limit,
    ``names[0]`` not."""
    stage, possible = _count_stage(markers, STAGES_0_2)
    if stage is None:
        return e.cannot_determine(possible=possible)
    if stage != "III":
        return e.determined(stage)
    field, label, limit, unit = split
    value = s.get(field)
    assert value is not None  # a met marker was recorded
    above = gt(value, limit)
    e.criterion(label, above, shown_in(s, field, unit))
    return e.determined(names[1] if above else names[0])


@al_rule(
    "al_stage_mayo_2004_european",
    "AL amyloidosis: Mayo 2004 stage (European IIIa/IIIb)",
    (DISPENZIERI_2004, WECHALEKAR_2013),
)
def al_stage_mayo_2004_european(s: Snapshot, e: Explanation) -> RuleResult:
    """I/II/III by cTnT ≥ 0.035 µg/L and NT-proBNP ≥ 332 ng/L; III split at NT-proBNP > 8,500."""
    tnt_met = _troponin_t(e, s, MAYO2004_TNT, HS_MAYO2004_TNT)
    ntp_met = _marker(e, s, "nt_probnp", "NT-proBNP ≥ 332 ng/L", ge, MAYO2004_NTPROBNP, "ng/L")
    return _split_stage(
        e,
        s,
        [tnt_met, ntp_met],
        ("nt_probnp", "NT-proBNP > 8,500 ng/L (stage IIIb)", EUROPEAN_IIIB_NTPROBNP, "ng/L"),
        ("IIIa", "IIIb"),
    )


@al_rule("al_stage_mayo_2012", "AL amyloidosis: Mayo 2012 stage", (KUMAR_2012,))
def al_stage_mayo_2012(s: Snapshot, e: Explanation) -> RuleResult:
    """One point each for TnT ≥ 0.025 ng/mL, NT-proBNP ≥ 1,800 pg/mL, dFLC ≥ 18 mg/dL."""
    chain = _involved_chain(e, s)
    diff = dflc(s, chain)
    tnt_met = _troponin_t(e, s, MAYO2012_TNT, HS_MAYO2012_TNT)
    ntp_met = _marker(e, s, "nt_probnp", "NT-proBNP ≥ 1,800 pg/mL", ge, MAYO2012_NTPROBNP, "pg/mL")
    dflc_met = None if diff is None else ge(diff, MAYO2012_DFLC)
    e.criterion(
        "dFLC (involved − uninvolved) ≥ 18 mg/dL",
        dflc_met,
        "not known" if diff is None else value_in(diff, Dim.FREE_LIGHT_CHAIN, "mg/dL"),
    )
    if diff is None:
        e.need("free_kappa", "free_lambda")
        if chain is None:
            e.need("m_protein_light_chain")
    e.detail["dflc_mg_per_l"] = diff
    stage, possible = _count_stage([tnt_met, ntp_met, dflc_met], ("I", "II", "III", "IV"))
    if stage is None:
        return e.cannot_determine(possible=possible)
    points = [tnt_met, ntp_met, dflc_met].count(True)
    return e.determined(stage, points=points, median_os_months=MAYO2012_MEDIAN_OS_MONTHS[stage])


@al_rule(
    "al_stage_boston_university", "AL amyloidosis: Boston University stage (BNP)", (LILLENESS_2019,)
)
def al_stage_boston_university(s: Snapshot, e: Explanation) -> RuleResult:
    """I/II/III by BNP > 81 pg/mL and troponin I > 0.1 ng/mL; IIIb when both and BNP > 700."""
    bnp_met = _marker(e, s, "bnp", "BNP > 81 pg/mL", gt, BU_BNP, "pg/mL")
    tni_met = _marker(e, s, "troponin_i", "troponin I > 0.1 ng/mL", gt, BU_TNI, "ng/mL")
    return _split_stage(
        e,
        s,
        [bnp_met, tni_met],
        ("bnp", "BNP > 700 pg/mL (stage IIIb)", BU_IIIB_BNP, "pg/mL"),
        ("III", "IIIb"),
    )


@al_rule("al_renal_stage", "AL amyloidosis: renal stage", (PALLADINI_2014,))
def al_renal_stage(s: Snapshot, e: Explanation) -> RuleResult:
    """One point each for eGFR < 50 mL/min/1.73 m² and proteinuria > 5 g/24 h."""
    egfr = s.get("egfr")
    egfr_shown = s.shown("egfr")
    if egfr is None:
        # Derived by CKD-EPI 2021 when creatinine, age and sex are known (the renal module).
        from myeloma_desk.domain.criteria.renal import ckd_epi_2021

        derived = ckd_epi_2021(s)
        if derived is not None:
            egfr = derived
            egfr_shown = f"{derived:.1f} mL/min/1.73 m² (CKD-EPI 2021 from creatinine)"
            e.assume(
                "eGFR not entered: computed by CKD-EPI 2021 (Palladini 2014 used the laboratory "
                "eGFR of its time)"
            )
    proteinuria = s.get("proteinuria_24h")
    egfr_met = None if egfr is None else lt(egfr, RENAL_EGFR)
    prot_met = None if proteinuria is None else gt(proteinuria, RENAL_PROTEINURIA)
    e.criterion("eGFR < 50 mL/min/1.73 m²", egfr_met, egfr_shown)
    e.criterion("proteinuria > 5 g/24 h", prot_met, shown_in(s, "proteinuria_24h", "g/24h"))
    if egfr is None:
        e.need("egfr")
    if proteinuria is None:
        e.need("proteinuria_24h")
    stage, possible = _count_stage([egfr_met, prot_met], STAGES_0_2)
    if stage is None:
        return e.cannot_determine(possible=possible)
    return e.determined(stage)


@al_rule(
    "al_hematologic_response",
    "AL amyloidosis: hematologic response",
    (PALLADINI_2012, MILANI_2017, DITTRICH_2017),
)
def al_hematologic_response(s: Snapshot, e: Explanation) -> RuleResult:
    """CR (negative IFE, normal ratio), VGPR (dFLC < 4 mg/dL), PR (dFLC fall > 50%), else NR."""
    stop = _not_over_time(e, s, "the response is judged against the dFLC of an earlier visit")
    if stop:
        return stop
    base = s.history[0]
    chain = _involved_chain(e, s, base)
    e.detail["baseline_date"] = base.date.isoformat()
    before, now = dflc(base, chain), dflc(s, chain)
    e.detail["baseline_dflc_mg_per_l"] = before
    e.detail["current_dflc_mg_per_l"] = now
    # CR: negative serum and urine immunofixation and a normal FLC ratio.
    ife_s = None if s.serum_immunofixation is None else s.serum_immunofixation == "negative"
    ife_u = None if s.urine_immunofixation is None else s.urine_immunofixation == "negative"
    normal = _ratio_normal(s)
    e.criterion("serum immunofixation negative", ife_s, s.serum_immunofixation or "not recorded")
    e.criterion("urine immunofixation negative", ife_u, s.urine_immunofixation or "not recorded")
    e.criterion(
        "normal FLC ratio (0.26–1.65)",
        normal,
        "not known" if normal is None else ("normal" if normal else "abnormal"),
    )
    cr = all3([ife_s, ife_u, normal])
    if cr:
        return e.determined("CR")
    evaluable = None if before is None else ge(before, HEME_EVALUABLE_DFLC)
    e.criterion(
        f"baseline dFLC ≥ {fmt(HEME_EVALUABLE_DFLC, 'mg/L')} (evaluable for VGPR and PR)",
        evaluable,
        "not known" if before is None else fmt(before, "mg/L"),
    )
    if evaluable is False:
        assert before is not None
        return _low_dflc(e, s, before, now, cr)
    e.detail["criteria_used"] = "Palladini 2012 (baseline dFLC ≥ 50 mg/L)"
    vgpr = None if now is None else lt(now, HEME_VGPR_DFLC)
    e.criterion(
        "dFLC < 4 mg/dL",
        vgpr,
        "not known" if now is None else value_in(now, Dim.FREE_LIGHT_CHAIN, "mg/dL"),
    )
    reduction = (
        percent_reduction(before, now)
        if before is not None and now is not None and before > 0
        else None
    )
    e.detail["dflc_percent_reduction"] = reduction
    pr = None if reduction is None else gt(reduction, HEME_PR_REDUCTION)
    e.criterion("dFLC fall > 50% from baseline", pr, pct(reduction))
    if now is None or before is None:
        e.need("free_kappa", "free_lambda")
        if chain is None:
            e.need("m_protein_light_chain")
    if cr is None:
        for field, value in (
            ("serum_immunofixation", s.serum_immunofixation),
            ("urine_immunofixation", s.urine_immunofixation),
        ):
            if value is None:
                e.need(field)
        if vgpr or pr:
            e.detail["not_assessed"] = {"CR": list(e.missing)}
        else:
            return e.cannot_determine()
    if vgpr:
        return e.determined("VGPR")
    if pr:
        return e.determined("PR")
    if vgpr is None or pr is None:
        return e.cannot_determine()
    return e.determined("NR")


def _hematologic_cr(entry: _Measured) -> bool | None:
    """Hematologic CR (Palladini 2012): serum and urine immunofixation negative, normal ratio."""
    ife_s = None if entry.serum_immunofixation is None else entry.serum_immunofixation == "negative"
    ife_u = None if entry.urine_immunofixation is None else entry.urine_immunofixation == "negative"
    return all3([ife_s, ife_u, _ratio_normal(entry)])


def _lowest(entries: list[HistoryEntry], value: Callable[[HistoryEntry], float | None]) -> Any:
    """(lowest value, its date) among ``entries``, or None when none has the value."""
    found: tuple[float, str] | None = None
    for entry in entries:
        v = value(entry)
        if v is not None and (found is None or lt(v, found[0])):
            found = (v, entry.date.isoformat())
    return found


def _risen(
    e: Explanation,
    label: str,
    low: tuple[float, str] | None,
    now: float | None,
    above: float,
    unit: str,
) -> bool | None:
    """A ≥ 50% increase over the lowest value to above ``above`` (from 0 any rise counts)."""
    name = f"{label}: ≥ {fmt(PROGRESSION_INCREASE)}% increase from the lowest value to > " + fmt(
        above, unit
    )
    if low is None or now is None:
        e.criterion(name, None, "not recorded now and earlier")
        return None
    change = percent_change(low[0], now) if gt(low[0], 0) else None
    relative = gt(now, low[0]) if change is None else ge(change, PROGRESSION_INCREASE)
    met = relative and gt(now, above)
    e.criterion(
        name,
        met,
        f"lowest {fmt(low[0], unit)} on {low[1]} → {fmt(now, unit)} "
        f"({pct(change) if change is not None else 'from a lowest value of 0'})",
    )
    return met


@al_rule(
    "al_hematologic_progression",
    "AL amyloidosis: hematologic progression",
    (GERTZ_2005, COMENZO_2012, PALLADINI_2012),
)
def al_hematologic_progression(s: Snapshot, e: Explanation) -> RuleResult:
    """From CR: monoclonal protein back or an abnormal ratio with the light chain doubled; from
    PR or no response: serum, urine or free light chain ≥ 50% up to above its limit."""
    stop = _not_over_time(e, s, "progression is judged from the lowest value of earlier visits")
    if stop:
        return stop
    e.detail["verification"] = PROGRESSION_VERIFIED
    history = list(s.history)
    chain = _involved_chain(e, s, history[0])
    first_cr = next((i for i, entry in enumerate(history) if _hematologic_cr(entry)), None)
    if first_cr is not None:
        return _progression_from_cr(e, s, history[first_cr:], chain)
    e.detail["from"] = "partial response, very good partial response or no response"
    found = [
        _risen(
            e,
            "serum M-protein",
            _lowest(history, lambda x: x.get("serum_m_protein")),
            s.get("serum_m_protein"),
            PROGRESSION_SERUM_ABOVE,
            "g/dL",
        ),
        _risen(
            e,
            "urine M-protein",
            _lowest(history, lambda x: x.get("urine_m_protein_24h")),
            s.get("urine_m_protein_24h"),
            PROGRESSION_URINE_ABOVE,
            "mg/24h",
        ),
        _risen(
            e,
            "involved free light chain",
            _lowest(history, lambda x: involved_flc(x, chain)),
            involved_flc(s, chain),
            PROGRESSION_FLC_ABOVE,
            "mg/L",
        ),
    ]
    if found[1]:
        e.assume("the urine M-protein entered is read as a visible peak, as the criteria require")
    if any(v is True for v in found):
        return e.determined("progression")
    if any(v is None for v in found):
        for field, value in (
            ("serum_m_protein", s.serum_m_protein),
            ("urine_m_protein_24h", s.urine_m_protein_24h),
        ):
            if value is None:
                e.need(field)
        if involved_flc(s, chain) is None:
            e.need("free_kappa", "free_lambda")
            if chain is None:
                e.need("m_protein_light_chain")
        if all(v is None for v in found):
            return e.cannot_determine(reason="no serum, urine or free light chain value to compare")
        e.detail["not_assessed"] = [
            name
            for name, v in zip(
                ("serum M-protein", "urine M-protein", "free light chain"), found, strict=True
            )
            if v is None
        ]
    return e.determined("no_progression")


def _progression_from_cr(
    e: Explanation, s: Snapshot, since: list[HistoryEntry], chain: Any
) -> RuleResult:
    """From CR: detectable monoclonal protein, or an abnormal ratio with the light chain doubled."""
    e.detail["from"] = "complete response"
    e.detail["complete_response_date"] = since[0].date.isoformat()
    signs: list[bool | None] = []
    for name, value in (
        ("serum immunofixation", s.serum_immunofixation),
        ("urine immunofixation", s.urine_immunofixation),
    ):
        met = None if value is None else value == "positive"
        e.criterion(f"monoclonal protein detectable: {name} positive", met, value or "not recorded")
        signs.append(met)
    m_spike = s.get("serum_m_protein")
    if m_spike is not None:
        signs.append(
            e.criterion(
                "serum M-protein on electrophoresis", gt(m_spike, 0), s.shown("serum_m_protein")
            )
        )
    normal = _ratio_normal(s)
    low = _lowest(since, lambda x: involved_flc(x, chain))
    now = involved_flc(s, chain)
    doubled = (
        None
        if low is None or now is None
        else ge(now, low[0] * PROGRESSION_FROM_CR_FACTOR) and gt(now, low[0])
    )
    flc = all3([None if normal is None else not normal, doubled])
    e.criterion(
        "abnormal FLC ratio with the involved light chain at least doubled from its lowest "
        "value since the complete response",
        flc,
        (
            "ratio "
            + ("not known" if normal is None else ("normal" if normal else "abnormal"))
            + (
                f"; involved {fmt(low[0], 'mg/L')} on {low[1]} → {fmt(now, 'mg/L')}"
                if low is not None and now is not None
                else "; involved free light chain not recorded now and since the response"
            )
        ),
    )
    signs.append(flc)
    if any(v is True for v in signs):
        return e.determined("progression")
    if any(v is None for v in signs):
        for field, value in (
            ("serum_immunofixation", s.serum_immunofixation),
            ("urine_immunofixation", s.urine_immunofixation),
        ):
            if value is None:
                e.need(field)
        if normal is None or now is None:
            e.need("free_kappa", "free_lambda")
        return e.cannot_determine(reason="progression from complete response cannot be excluded")
    return e.determined("no_progression")


def _low_dflc(
    e: Explanation, s: Snapshot, before: float, now: float | None, cr: bool | None
) -> RuleResult:
    """Baseline dFLC < 50 mg/L: the low-dFLC criteria (20–50 mg/L) or CR only (< 20 mg/L)."""
    low = ge(before, LOW_DFLC_BASELINE)
    e.criterion(
        f"baseline dFLC {fmt(LOW_DFLC_BASELINE)}–{fmt(HEME_EVALUABLE_DFLC, 'mg/L')} "
        "(low-dFLC criteria apply)",
        low,
        fmt(before, "mg/L"),
    )
    for field, value in (
        ("serum_immunofixation", s.serum_immunofixation),
        ("urine_immunofixation", s.urine_immunofixation),
    ):
        if value is None:
            e.need(field)
    if not low:
        if cr is None:
            return e.cannot_determine(
                reason="baseline dFLC below 20 mg/L: only complete response can be assessed, "
                "and it needs immunofixation and the FLC ratio"
            )
        return e.not_applicable(
            "baseline dFLC below 20 mg/L: not evaluable by the published dFLC criteria; only a "
            "complete response can be assessed, and it is not met"
        )
    e.detail["criteria_used"] = (
        "low-dFLC criteria (Dittrich 2017; Milani 2017), baseline 20–50 mg/L"
    )
    met = None if now is None else lt(now, LOW_DFLC_PR_BELOW)
    e.criterion(
        f"dFLC < {fmt(LOW_DFLC_PR_BELOW, 'mg/L')} (low-dFLC partial response)",
        met,
        "not known" if now is None else fmt(now, "mg/L"),
    )
    if met is None:
        e.need("free_kappa", "free_lambda")
        return e.cannot_determine()
    if cr is None:
        e.detail["not_assessed"] = {"CR": list(e.missing)}
    # Reported as PR (the interchange vocabulary) with ``detail.low_dflc`` saying which criteria.
    return e.determined("PR" if met else "NR", low_dflc=True)


def _organ_baseline(e: Explanation, s: Snapshot, field: str) -> tuple[float, str] | None:
    """The baseline value of ``field``: its value at ``history[0]`` (with the date), or None."""
    if not s.history:
        return None
    base = s.history[0]
    value = base.get(field)
    e.detail["baseline_date"] = base.date.isoformat()
    if value is None:
        return None
    return value, base.date.isoformat()


def _change(before: float, now: float) -> tuple[float, float | None]:
    """(absolute change, percent change) from ``before`` to ``now``."""
    return sub(now, before), percent_change(before, now)


@al_rule(
    "al_cardiac_response",
    "AL amyloidosis: cardiac response (NT-proBNP)",
    (PALLADINI_2012, COMENZO_2012),
)
def al_cardiac_response(s: Snapshot, e: Explanation) -> RuleResult:
    """Response: NT-proBNP > 30% and > 300 ng/L lower (baseline ≥ 650 ng/L); progression: higher."""
    stop = _not_over_time(
        e, s, "the cardiac response is judged against the NT-proBNP of an earlier visit"
    )
    if stop:
        return stop
    e.detail["caveat"] = (
        "Immunomodulatory drugs and a falling glomerular filtration rate raise NT-proBNP: the "
        "cardiac response cannot be assessed by NT-proBNP in those settings."
    )
    base = _organ_baseline(e, s, "nt_probnp")
    now = s.get("nt_probnp")
    if base is None or now is None:
        if base is None:
            e.criterion("baseline NT-proBNP recorded", None, "not recorded")
        e.need("nt_probnp")
        return e.cannot_determine(
            reason="NT-proBNP at baseline (the first recorded visit) and now are both needed"
        )
    before = base[0]
    change, percent = _change(before, now)
    shown = f"{fmt(before, 'ng/L')} on {base[1]} → {fmt(now, 'ng/L')} ({pct(percent)})"
    e.detail["baseline_nt_probnp_ng_per_l"] = before
    e.detail["current_nt_probnp_ng_per_l"] = now
    e.detail["percent_change"] = percent
    rise = (
        percent is not None
        and gt(percent, CARDIAC_CHANGE_PERCENT)
        and gt(change, CARDIAC_CHANGE_ABSOLUTE)
    )
    e.criterion(
        f"NT-proBNP > {fmt(CARDIAC_CHANGE_PERCENT)}% and > {fmt(CARDIAC_CHANGE_ABSOLUTE, 'ng/L')} "
        "higher than baseline (cardiac progression)",
        rise,
        shown,
    )
    if s.therapy_lines and any(
        line_has_class(line, DrugClass.IMMUNOMODULATORY) for line in s.therapy_lines
    ):
        e.assume(
            "an immunomodulatory drug is recorded: a rise in NT-proBNP may be caused by the drug"
        )
    if rise:
        return e.determined("progression")
    evaluable = ge(before, CARDIAC_BASELINE_NTPROBNP)
    e.criterion(
        f"baseline NT-proBNP ≥ {fmt(CARDIAC_BASELINE_NTPROBNP, 'ng/L')} (evaluable for response)",
        evaluable,
        fmt(before, "ng/L"),
    )
    if not evaluable:
        return e.not_applicable(
            "baseline NT-proBNP below 650 ng/L: a cardiac response by NT-proBNP is not "
            "evaluable (no progression either)"
        )
    fall = (
        percent is not None
        and gt(-percent, CARDIAC_CHANGE_PERCENT)
        and gt(-change, CARDIAC_CHANGE_ABSOLUTE)
    )
    e.criterion(
        f"NT-proBNP > {fmt(CARDIAC_CHANGE_PERCENT)}% and > {fmt(CARDIAC_CHANGE_ABSOLUTE, 'ng/L')} "
        "lower than baseline (cardiac response)",
        fall,
        shown,
    )
    return e.determined("response" if fall else "no_response")


@al_rule("al_renal_response", "AL amyloidosis: renal response", (PALLADINI_2014,))
def al_renal_response(s: Snapshot, e: Explanation) -> RuleResult:
    """Response: proteinuria ≥ 30% lower or < 0.5 g/24 h without an eGFR fall of ≥ 25%."""
    stop = _not_over_time(
        e, s, "the renal response is judged against the proteinuria and eGFR of an earlier visit"
    )
    if stop:
        return stop
    base_egfr = _organ_baseline(e, s, "egfr")
    now_egfr = s.get("egfr")
    progression: bool | None = None
    if base_egfr is not None and now_egfr is not None:
        _, percent = _change(base_egfr[0], now_egfr)
        progression = percent is not None and ge(-percent, RENAL_PROGRESSION_EGFR_PERCENT)
        e.criterion(
            f"eGFR ≥ {fmt(RENAL_PROGRESSION_EGFR_PERCENT)}% lower than baseline (renal "
            "progression)",
            progression,
            f"{fmt(base_egfr[0], 'mL/min/1.73m2')} on {base_egfr[1]} → "
            f"{fmt(now_egfr, 'mL/min/1.73m2')} ({pct(percent)})",
        )
    else:
        e.criterion("eGFR ≥ 25% lower than baseline (renal progression)", None, "not recorded")
        e.need("egfr")
    if progression:
        return e.determined("progression")
    base_prot = _organ_baseline(e, s, "proteinuria_24h")
    now_prot = s.get("proteinuria_24h")
    if base_prot is None or now_prot is None:
        e.need("proteinuria_24h")
        return e.cannot_determine(
            reason="proteinuria at baseline (the first recorded visit) and now are needed"
        )
    _, percent = _change(base_prot[0], now_prot)
    fall = (percent is not None and ge(-percent, RENAL_RESPONSE_PERCENT)) or lt(
        now_prot, RENAL_RESPONSE_BELOW
    )
    e.criterion(
        f"proteinuria ≥ {fmt(RENAL_RESPONSE_PERCENT)}% lower than baseline or below "
        f"{fmt(RENAL_RESPONSE_BELOW, 'g/24 h')}",
        fall,
        f"{fmt(base_prot[0], 'g/24 h')} on {base_prot[1]} → {fmt(now_prot, 'g/24 h')} "
        f"({pct(percent)})",
    )
    if fall and progression is None:
        return e.cannot_determine(
            reason="proteinuria fell, but a renal response also needs no renal progression: "
            "eGFR at baseline and now are needed"
        )
    return e.determined("response" if fall else "no_response")
