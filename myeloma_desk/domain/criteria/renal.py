"""Kidney function and the dosing notes that depend on it (CKD-EPI 2021, Cockcroft–Gault, the
PDQ's lenalidomide doses, CyBorD and bone-modifying agents).

Formulas and bands: ../shared/reference/criteria-summary.md, "Kidney and dosing". Which estimate
is used where:
- CKD-EPI 2021 (eGFR, mL/min/1.73 m², normalised to body surface) is the current estimate of
  kidney function for staging kidney disease; the AL renal stage uses an eGFR.
- Cockcroft–Gault (CrCl, mL/min, absolute, from weight) is the estimate drug labels and the PDQ's
  dosing bands were written for, so lenalidomide and CyBorD use a creatinine clearance: the
  recorded ``creatinine_clearance`` if given (measured or estimated by the lab), else
  Cockcroft–Gault computed here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal

from myeloma_desk.domain.engine import rule
from myeloma_desk.domain.results import PDQ, Explanation, RuleResult, source
from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.domain.units import fmt, gt, le, lt

INKER_2021 = source(
    "Inker 2021 N Engl J Med",
    "Inker LA, Eneanya ND, Coresh J, et al. New creatinine- and cystatin C-based equations to "
    "estimate GFR without race. N Engl J Med. 2021;385(19):1737-1749.",
)
COCKCROFT_1976 = source(
    "Cockcroft 1976 Nephron",
    "Cockcroft DW, Gault MH. Prediction of creatinine clearance from serum creatinine. Nephron. "
    "1976;16(1):31-41.",
)
LENALIDOMIDE_LABEL = source(
    "Lenalidomide US prescribing information",
    "REVLIMID (lenalidomide) US prescribing information, Dosage and Administration: dosage "
    "adjustments for renal impairment.",  # its 30–60 mL/min band: LEN_LABEL_HIGH, label_note
)

# CKD-EPI 2021 (Inker 2021): 142 × min(Scr/κ, 1)^α × max(Scr/κ, 1)^−1.200 × 0.9938^age
# × 1.012 if female; κ 0.7 (F) / 0.9 (M); α −0.241 (F) / −0.302 (M). Scr in mg/dL.
CKD_EPI = {
    "female": {"kappa": 0.7, "alpha": -0.241, "factor": 1.012},
    "male": {"kappa": 0.9, "alpha": -0.302, "factor": 1.0},
}
CKD_EPI_CONSTANT = 142.0
CKD_EPI_HIGH_EXPONENT = -1.200
CKD_EPI_AGE_BASE = 0.9938
ADULT_AGE = 18  # both equations were derived in adults
# Cockcroft–Gault: (140 − age) × weight kg / (72 × Scr mg/dL), × 0.85 if female.
CG_AGE = 140
CG_DIVISOR = 72
CG_FEMALE = 0.85

# Lenalidomide (the PDQ): CrCl 30–50: 10 mg every day; < 30: 15 mg every other day;
# dialysis: 15 mg on the day after dialysis. The US label's 10 mg band is 30–60 mL/min.
LEN_LOW = 30.0
LEN_HIGH = 50.0
LEN_LABEL_HIGH = 60.0
PDQ_LENALIDOMIDE = (
    "As a result of  predominant renal clearance, lenalidomide doses need to be reduced for "
    "patients with impaired renal function (creatinine clearance, 30–50: 10 mg every day; "
    "creatinine clearance, <30: 15 mg every other day; dialysis, 15 mg on day after dialysis)."
)
PDQ_LENALIDOMIDE_LOWER = (
    "Lower doses of lenalidomide must be used for patients with renal dysfunction."
)
# CyBorD (the PDQ): preferred with creatinine clearance < 45 "cc/min" (= mL/min).
CYBORD_CRCL = 45.0
PDQ_CYBORD = (
    "This regimen is preferred in the presence of significant renal dysfunction (creatinine "
    "clearance less than 45 cc/min). If the renal function recovers rapidly, some clinicians "
    "switch to VRd."
)
CYBORD_NOTE = (
    "The PDQ's threshold for CyBorD (CrCl < 45 mL/min; the PDQ writes cc/min) differs from "
    "its myeloma-defining renal insufficiency (CrCl < 40 mL/min); each is applied where the "
    "PDQ gives it."
)
# Bone-modifying agents (the PDQ). The PDQ gives no level of renal function that precludes
# bisphosphonates; the note is raised with the PDQ's own definition of myeloma renal
# insufficiency (creatinine > 2 mg/dL or CrCl < 40 mL/min), and says so.
RENAL_DYSFUNCTION_CRCL = 40.0
RENAL_DYSFUNCTION_CREATININE = 2.0
PDQ_BONE_AGENTS = (
    "The bisphosphonates pamidronate and zoledronate are used most often, via IV infusion, but "
    "the RANKL monoclonal antibody inhibitor denosumab, given subcutaneously, is also effective, "
    "especially when renal dysfunction precludes the use of bisphosphonates."
)
PDQ_RENAL_DYSFUNCTION = (
    "Creatinine greater than 2 mg/dL or creatinine clearance less than 40 mL/min."
)
BONE_AGENTS_NOTE = (
    "The PDQ does not say at what renal function bisphosphonates are precluded. Myeloma Desk "
    "raises the denosumab note when the PDQ's own definition of myeloma renal "
    "insufficiency is met (creatinine > 2 mg/dL or CrCl < 40 mL/min); the choice is the "
    "clinician's."
)


def _d(x: float) -> Decimal:
    return Decimal(repr(float(x)))


# Cockcroft–Gault is worked out in decimal (28 significant digits, rounding half to even), in one
# context object, so that a clearance needs no context manager per call (issue 18).
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
_CG_AGE = Decimal(CG_AGE)
_CG_DIVISOR = Decimal(CG_DIVISOR)
_CG_FEMALE = _d(CG_FEMALE)

# What the two estimates print (issue 18: made once at import, not on every call).
CKD_EPI_UNIT = "mL/min/1.73m2"
CKD_EPI_TEXT = "142 × min(Scr/κ,1)^α × max(Scr/κ,1)^−1.200 × 0.9938^age × 1.012 [female]"
CKD_EPI_WHY = (
    "CKD-EPI 2021 (race-free) estimates GFR normalised to 1.73 m² body surface: the measure "
    "for staging kidney function and for the AL renal stage. Drug doses in the PDQ are given "
    "by creatinine clearance (see Creatinine clearance, Cockcroft–Gault)."
)
CG_UNIT = "mL/min"
CG_TEXT = "(140 − age) × weight kg / (72 × Scr mg/dL) × 0.85 [female]"
CG_WHY = (
    "Cockcroft–Gault estimates creatinine clearance in mL/min (not normalised to body "
    "surface): the measure drug labels and the PDQ's lenalidomide and CyBorD statements use."
)
CG_ASSUMPTION = "actual body weight as recorded (no ideal or adjusted weight)"
NOT_ADULT = f"age under {ADULT_AGE}: the equation was derived in adults"


def ckd_epi_2021(s: Snapshot) -> float | None:
    """eGFR by CKD-EPI 2021 in mL/min/1.73 m² (unrounded), or None if an input is missing."""
    return _ckd_epi(s.get("creatinine"), s.age_years, s.sex)


def _ckd_epi(scr: float | None, age: float | None, sex: str | None) -> float | None:
    if scr is None or age is None or sex is None or age < ADULT_AGE:
        return None
    k = CKD_EPI[sex]
    ratio = scr / k["kappa"]
    value: float = (
        CKD_EPI_CONSTANT
        * min(ratio, 1.0) ** k["alpha"]
        * max(ratio, 1.0) ** CKD_EPI_HIGH_EXPONENT
        * CKD_EPI_AGE_BASE**age
        * k["factor"]
    )
    return value


def cockcroft_gault(s: Snapshot) -> float | None:
    """CrCl by Cockcroft–Gault in mL/min (actual body weight), or None if an input is missing.

    Several rules use it: computed once per snapshot.
    """
    return s.derived("renal.cockcroft_gault", _cockcroft_gault)


def _cockcroft_gault(s: Snapshot) -> float | None:
    scr, age, sex, weight = s.get("creatinine"), s.age_years, s.sex, s.get("weight")
    if scr is None or age is None or sex is None or weight is None or age < ADULT_AGE:
        return None
    c = _CONTEXT
    # (140 − age) × weight / (72 × Scr), × 0.85 if female
    crcl = c.divide(
        c.multiply(c.subtract(_CG_AGE, _d(age)), _d(weight)), c.multiply(_CG_DIVISOR, _d(scr))
    )
    if sex == "female":
        crcl = c.multiply(crcl, _CG_FEMALE)
    return float(crcl)


def crcl_for_dosing(s: Snapshot) -> tuple[float | None, str, str]:
    """The creatinine clearance a dose is chosen by, where it came from, and as it is shown
    ("42.5 mL/min"; "not known" without one), once per snapshot."""
    return s.derived("renal.crcl_for_dosing", _crcl_for_dosing)


def _crcl_for_dosing(s: Snapshot) -> tuple[float | None, str, str]:
    recorded = s.get("creatinine_clearance")
    if recorded is not None:
        return recorded, "creatinine clearance as recorded", fmt(recorded, CG_UNIT)
    computed = cockcroft_gault(s)
    if computed is not None:
        crcl = round(computed, 1)
        return crcl, "Cockcroft–Gault from creatinine, age, sex and weight", fmt(crcl, CG_UNIT)
    return None, "not known", "not known"


def _need_crcl(e: Explanation, s: Snapshot) -> None:
    e.need("creatinine_clearance")
    if s.creatinine is None:
        e.need("creatinine")
    if s.age_years is None:
        e.need("age_years")
    if s.sex is None:
        e.need("sex")
    if s.weight is None:
        e.need("weight")


@rule("egfr_ckd_epi_2021", "eGFR (CKD-EPI 2021)", "renal", sources=(INKER_2021,))
def egfr_ckd_epi_2021(s: Snapshot, e: Explanation) -> RuleResult:
    """eGFR in mL/min/1.73 m², one decimal; each missing input needed; the values as entered
    (creatinine in the unit entered) in ``detail.inputs``, a recorded eGFR beside it."""
    e.detail["why"] = CKD_EPI_WHY
    age, sex = s.age_years, s.sex
    if age is not None and age < ADULT_AGE:
        return e.not_applicable(NOT_ADULT)
    scr = s.get("creatinine")
    if scr is None:
        e.need("creatinine")
    if age is None:
        e.need("age_years")
    if sex is None:
        e.need("sex")
    value = _ckd_epi(scr, age, sex)
    if value is None:
        return e.cannot_determine()
    e.detail["inputs"] = {"creatinine": s.shown("creatinine"), "age_years": age, "sex": sex}
    if s.egfr is not None:
        e.detail["egfr_recorded"] = s.shown("egfr")
    return e.determined(round(value, 1), unit=CKD_EPI_UNIT, formula=CKD_EPI_TEXT)


@rule(
    "crcl_cockcroft_gault",
    "Creatinine clearance (Cockcroft–Gault)",
    "renal",
    sources=(COCKCROFT_1976,),
)
def crcl_cockcroft_gault(s: Snapshot, e: Explanation) -> RuleResult:
    """CrCl in mL/min, one decimal, with actual body weight; each missing input needed; the
    values as entered in ``detail.inputs``, a recorded clearance beside it."""
    e.detail["why"] = CG_WHY
    age = s.age_years
    if age is not None and age < ADULT_AGE:
        return e.not_applicable(NOT_ADULT)
    sex = s.sex
    if s.creatinine is None:
        e.need("creatinine")
    if age is None:
        e.need("age_years")
    if sex is None:
        e.need("sex")
    if s.weight is None:
        e.need("weight")
    value = cockcroft_gault(s)
    if value is None:
        return e.cannot_determine()
    e.assume(CG_ASSUMPTION)
    e.detail["inputs"] = {
        "creatinine": s.shown("creatinine"),
        "age_years": age,
        "sex": sex,
        "weight": s.shown("weight"),
    }
    if s.creatinine_clearance is not None:
        e.detail["crcl_recorded"] = s.shown("creatinine_clearance")
    return e.determined(round(value, 1), unit=CG_UNIT, formula=CG_TEXT)


@rule(
    "lenalidomide_renal_dose",
    "Lenalidomide dose for renal function (PDQ)",
    "renal",
    sources=(PDQ, LENALIDOMIDE_LABEL, COCKCROFT_1976),
)
def lenalidomide_renal_dose(s: Snapshot, e: Explanation) -> RuleResult:
    """The PDQ's bands: dialysis, CrCl < 30, 30–50, > 50 (standard)."""
    e.detail["text"] = PDQ_LENALIDOMIDE
    e.detail["pdq_also"] = PDQ_LENALIDOMIDE_LOWER
    dialysis = s.dialysis
    if dialysis:
        e.criterion("on dialysis", True, "dialysis")
        return e.determined("15_mg_after_dialysis", dose="15 mg on the day after dialysis")
    crcl, how, shown = crcl_for_dosing(s)
    e.detail["crcl_from"] = how
    if crcl is None:
        _need_crcl(e, s)
        if dialysis is None:
            e.need("dialysis")
        return e.cannot_determine()
    e.detail["crcl_ml_per_min"] = crcl
    e.criterion("on dialysis", dialysis, "not recorded" if dialysis is None else "no")
    below = lt(crcl, LEN_LOW)
    e.criterion("creatinine clearance < 30", below, shown)
    if below:
        if dialysis is None:
            e.need("dialysis")
            e.assume(
                "dialysis not recorded: if on dialysis, the PDQ's dose is 15 mg on the day "
                "after dialysis"
            )
        return e.determined("15_mg_every_other_day", dose="15 mg every other day")
    band = le(crcl, LEN_HIGH)
    e.criterion("creatinine clearance 30–50", band, shown)
    label_band = lt(crcl, LEN_LABEL_HIGH)
    if not band and label_band:
        e.detail["label_note"] = (
            f"CrCl {shown} is above the PDQ's 30–50 band (standard dose) but inside the US "
            "label's 30–60 mL/min band, where the label gives 10 mg daily."
        )
    else:
        e.detail["label_note"] = (
            "The US label's 10 mg daily band is 30–60 mL/min; the PDQ's is 30–50."
        )
    if band:
        return e.determined("10_mg_daily", dose="10 mg every day")
    return e.determined("standard", dose="standard dose (no renal reduction)")


@rule(
    "cybord_renal_pdq",
    "CyBorD with renal dysfunction (PDQ)",
    "renal",
    sources=(PDQ, COCKCROFT_1976),
)
def cybord_renal_pdq(s: Snapshot, e: Explanation) -> RuleResult:
    """`applies` when CrCl < 45 mL/min (the PDQ prefers CyBorD), else `does_not_apply`."""
    e.detail["text"] = PDQ_CYBORD
    e.detail["note"] = CYBORD_NOTE
    if s.dialysis:
        e.criterion("on dialysis", True, "dialysis")
        return e.determined("applies")
    crcl, how, shown = crcl_for_dosing(s)
    e.detail["crcl_from"] = how
    if crcl is None:
        _need_crcl(e, s)
        return e.cannot_determine()
    below = lt(crcl, CYBORD_CRCL)
    e.criterion("creatinine clearance < 45 mL/min", below, shown)
    return e.determined("applies" if below else "does_not_apply")


@rule(
    "bone_agent_renal_pdq", "Bone-modifying agent and renal function (PDQ)", "renal", sources=(PDQ,)
)
def bone_agent_renal_pdq(s: Snapshot, e: Explanation) -> RuleResult:
    """`denosumab_noted` with renal dysfunction, else `bisphosphonate_or_denosumab`."""
    e.detail["text"] = PDQ_BONE_AGENTS
    e.detail["renal_dysfunction_definition"] = PDQ_RENAL_DYSFUNCTION
    e.detail["note"] = BONE_AGENTS_NOTE
    crcl, how, shown = crcl_for_dosing(s)
    scr = s.get("creatinine")
    crcl_low = None if crcl is None else lt(crcl, RENAL_DYSFUNCTION_CRCL)
    scr_high = None if scr is None else gt(scr, RENAL_DYSFUNCTION_CREATININE)
    e.criterion(
        "creatinine clearance < 40 mL/min",
        crcl_low,
        "not known" if crcl is None else f"{shown} ({how})",
    )
    e.criterion("creatinine > 2 mg/dL", scr_high, s.shown("creatinine"))
    if s.dialysis or crcl_low or scr_high:
        return e.determined("denosumab_noted")
    if crcl_low is None or scr_high is None:
        # Either value alone can show renal dysfunction: both are needed to rule it out.
        if crcl_low is None:
            _need_crcl(e, s)
        if scr_high is None:
            e.need("creatinine")
        return e.cannot_determine()
    return e.determined("bisphosphonate_or_denosumab")
