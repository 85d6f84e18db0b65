"""Venous thromboembolism risk on myeloma therapy: the IMPEDE VTE score (Sanfilippo 2019) and the
PDQ's aspirin rule for immunomodulatory drugs.

Points: ../shared/reference/criteria-summary.md, "Fitness and thrombosis" (marked *verify*).
What was checked (search tool, 2026-11-26): the abstract (PubMed 31379000, Am J Hematol
2019;94:1176-1184) names the nine variables; two published tables reproduce the points. Both
agree with the summary on every item (IMiD +4, BMI ≥25 +1, pelvic/hip/femur fracture +4, ESA +1,
dexamethasone high >160 mg/month +4 / low +2, doxorubicin +3, Asian/Pacific Islander −3, VTE
history +5, tunneled line/CVC +2, prophylactic LMWH or aspirin −3; low ≤3, intermediate 4–7,
high ≥8) except existing *therapeutic* LMWH or warfarin: a Blood review table gives −4 (as the
summary does), an ASH-SAP table gives −5. −4 is used; when therapeutic anticoagulation is
recorded the result says whether −5 would change the category.
"""

from __future__ import annotations

from typing import NamedTuple

from myeloma_desk.domain.criteria._course import current_line, line_has_class
from myeloma_desk.domain.drugs import DrugClass
from myeloma_desk.domain.engine import rule
from myeloma_desk.domain.results import PDQ, Criterion, Explanation, RuleResult, source
from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.domain.units import fmt, ge

SANFILIPPO_2019 = source(
    "Sanfilippo 2019 Am J Hematol",
    "Sanfilippo KM, Luo S, Wang TF, et al. Predicting venous thromboembolism in multiple "
    "myeloma: development and validation of the IMPEDE VTE score. Am J Hematol. "
    "2019;94(11):1176-1184.",
    note="Points cross-checked against two published tables; therapeutic anticoagulation is "
    "printed as −4 in one and −5 in the other (−4 used).",
)

# IMPEDE VTE points (Sanfilippo 2019).
IMPEDE_POINTS = {
    "immunomodulatory_drug": 4,
    "bmi_25": 1,
    "pelvic_hip_femur_fracture": 4,
    "erythropoiesis_stimulating_agent": 1,
    "dexamethasone_high": 4,  # > 160 mg per month
    "dexamethasone_low": 2,
    "doxorubicin": 3,
    "asian_pacific_islander": -3,
    "history_of_vte": 5,
    "tunneled_line_or_cvc": 2,
    "therapeutic_lmwh_or_warfarin": -4,
    "prophylactic_lmwh_or_aspirin": -3,
}
THERAPEUTIC_ALTERNATIVE = -5  # the ASH-SAP table's value
IMPEDE_BMI = 25.0
IMPEDE_LOW_MAX = 3  # ≤ 3 low
IMPEDE_HIGH_MIN = 8  # ≥ 8 high; 4–7 intermediate
IMPEDE_VTE_6_MONTHS = {"low": "3.3%", "intermediate": "8.3%", "high": "15.2%"}

PDQ_ASPIRIN = (
    "For patients without extra risk factors for DVT, aspirin (81 mg daily) suffices, but "
    "stronger anticoagulants should be considered for patients with multiple risk factors who "
    "receive lenalidomide (or other similar immunomodulating agents such as pomalidomide or "
    "thalidomide)."
)

PDQ_LOW_DOSE_DEX = (
    "Patients in the low-dose dexamethasone arm with lenalidomide experienced less than 5% DVT "
    "with aspirin alone."
)


def _category(points: int) -> str:
    if points <= IMPEDE_LOW_MAX:
        return "low"
    if points >= IMPEDE_HIGH_MIN:
        return "high"
    return "intermediate"


_CATEGORIES = ("low", "intermediate", "high")  # in the order of the points


def _categories(low: int, high: int) -> list[str]:
    """The categories of every total from ``low`` to ``high``, sorted by name. The category
    rises with the points and every category spans at least one total, so they are those from
    the category of ``low`` to that of ``high`` (not one lookup per total: issue 18)."""
    first = _CATEGORIES.index(_category(low))
    last = _CATEGORIES.index(_category(high))
    return sorted(_CATEGORIES[first : last + 1])


def bmi(s: Snapshot) -> tuple[float | None, str]:
    """BMI as recorded, else from weight and height."""
    if s.bmi is not None:
        return s.get("bmi"), s.shown("bmi")
    if s.weight is None or s.height is None:
        return None, "not recorded"
    weight, height = s.get("weight"), s.get("height")
    assert weight is not None and height is not None  # both recorded
    value = weight / (height / 100) ** 2
    return value, f"{value:.1f} kg/m² (from weight and height)"


def on_imid(s: Snapshot) -> tuple[bool | None, str]:
    """Whether an immunomodulatory drug is part of current therapy, and how that is known."""
    vte = s.vte_risk_factors
    if vte is not None and vte.immunomodulatory_drug is not None:
        return vte.immunomodulatory_drug, "as recorded"
    line = current_line(s)
    if line is not None:
        return line_has_class(line, DrugClass.IMMUNOMODULATORY), f"current line {line.regimen}"
    return None, "not recorded"


Factor = tuple[bool | None, str]  # an IMPEDE item: True/False/None, and how it is shown

# The items recorded as yes/no on the VTE risk form, in the order they are shown.
YES_NO_ITEMS = (
    "pelvic_hip_femur_fracture",
    "erythropoiesis_stimulating_agent",
    "doxorubicin",
    "asian_pacific_islander",
    "history_of_vte",
    "tunneled_line_or_cvc",
)
NOT_RECORDED = "not recorded"
_UNKNOWN: Factor = (None, NOT_RECORDED)
# Without the VTE risk form every item it records is unknown (made once: issue 18).
_FORM_NOT_RECORDED: dict[str, Factor] = dict.fromkeys(
    (
        *YES_NO_ITEMS,
        "dexamethasone_high",
        "dexamethasone_low",
        "therapeutic_lmwh_or_warfarin",
        "prophylactic_lmwh_or_aspirin",
    ),
    _UNKNOWN,
)


def _factors(s: Snapshot) -> dict[str, Factor]:
    """IMPEDE items (True/False/None) with how each is shown, in the order they are shown (read
    once per snapshot: both rules of this module use them; callers do not modify them). An
    item not recorded is shown as "not recorded"."""
    return s.derived("thrombosis.factors", _read_factors)


def _read_factors(s: Snapshot) -> dict[str, Factor]:
    vte = s.vte_risk_factors
    bmi_value, bmi_how = bmi(s)
    factors: dict[str, Factor] = {
        "immunomodulatory_drug": on_imid(s),
        "bmi_25": (None if bmi_value is None else ge(bmi_value, IMPEDE_BMI), bmi_how),
    }
    if vte is None:
        factors.update(_FORM_NOT_RECORDED)
        return factors
    for name in YES_NO_ITEMS:
        value = getattr(vte, name)
        factors[name] = _UNKNOWN if value is None else (value, "yes" if value else "no")
    dex = vte.dexamethasone
    if dex is None:
        factors["dexamethasone_high"] = factors["dexamethasone_low"] = _UNKNOWN
    else:
        factors["dexamethasone_high"] = (dex == "high", dex)
        factors["dexamethasone_low"] = (dex == "low", dex)
    proph = vte.thromboprophylaxis
    if proph is None:
        factors["therapeutic_lmwh_or_warfarin"] = _UNKNOWN
        factors["prophylactic_lmwh_or_aspirin"] = _UNKNOWN
    else:
        factors["therapeutic_lmwh_or_warfarin"] = (proph == "therapeutic_lmwh_or_warfarin", proph)
        factors["prophylactic_lmwh_or_aspirin"] = (proph == "prophylactic_lmwh_or_aspirin", proph)
    return factors


FIELD_OF = {
    "immunomodulatory_drug": "vte_risk_factors.immunomodulatory_drug",
    "bmi_25": "bmi",
    "dexamethasone_high": "vte_risk_factors.dexamethasone",
    "dexamethasone_low": "vte_risk_factors.dexamethasone",
    "therapeutic_lmwh_or_warfarin": "vte_risk_factors.thromboprophylaxis",
    "prophylactic_lmwh_or_aspirin": "vte_risk_factors.thromboprophylaxis",
}


# Each IMPEDE item as Sanfilippo 2019 names it (Immunomodulatory drug; BMI ≥ 25 kg/m²; Pelvic,
# hip or femur fracture; Erythropoiesis-stimulating agent; Dexamethasone and doxorubicin;
# Ethnicity: Asian/Pacific Islander; history of VTE; tunneled line or central venous catheter;
# existing thromboprophylaxis).
FACTOR_NAMES = {
    "immunomodulatory_drug": "immunomodulatory drug",
    "bmi_25": f"BMI ≥ {fmt(IMPEDE_BMI)} kg/m²",
    "pelvic_hip_femur_fracture": "pelvic, hip or femur fracture",
    "erythropoiesis_stimulating_agent": "erythropoiesis-stimulating agent",
    "dexamethasone_high": "dexamethasone, high dose (> 160 mg per month)",
    "dexamethasone_low": "dexamethasone, low dose",
    "doxorubicin": "doxorubicin",
    "asian_pacific_islander": "Asian or Pacific Islander",
    "history_of_vte": "history of VTE",
    "tunneled_line_or_cvc": "tunneled line or central venous catheter",
    "therapeutic_lmwh_or_warfarin": "therapeutic LMWH or warfarin",
    "prophylactic_lmwh_or_aspirin": "prophylactic LMWH or aspirin",
}
# The criterion text ("history of VTE (+5)") and the input each item needs, built once from the
# points above (issue 18: constant label text is not formatted on every call).
IMPEDE_LABELS = {
    name: f"{FACTOR_NAMES[name]} ({'+' if points > 0 else '−'}{abs(points)})"
    for name, points in IMPEDE_POINTS.items()
}
NEEDS_OF = {name: FIELD_OF.get(name, f"vte_risk_factors.{name}") for name in IMPEDE_POINTS}


class _Item(NamedTuple):
    """One IMPEDE item as the score reads it, made once from the tables above."""

    name: str
    points: int
    label: str  # the criterion ("history of VTE (+5)")
    needs: str  # the input it needs while not recorded
    # What it can add to the lowest and the highest total while not recorded: its points on the
    # side they move the total to. The dose of dexamethasone and the kind of anticoagulation
    # are each one input with two exclusive items, so an unknown one adds its full range once,
    # through the item of the larger points (high dose +4, therapeutic −4); the other item of
    # the pair adds nothing.
    unknown_low: int
    unknown_high: int
    not_recorded: Criterion  # its criterion while not recorded


_COUNTED_WITH_PAIR = ("dexamethasone_low", "prophylactic_lmwh_or_aspirin")
# In the order the items are shown (that of _read_factors).
IMPEDE_ITEMS = tuple(
    _Item(
        name,
        IMPEDE_POINTS[name],
        IMPEDE_LABELS[name],
        NEEDS_OF[name],
        0 if name in _COUNTED_WITH_PAIR else min(IMPEDE_POINTS[name], 0),
        0 if name in _COUNTED_WITH_PAIR else max(IMPEDE_POINTS[name], 0),
        Criterion(IMPEDE_LABELS[name], None, NOT_RECORDED),
    )
    for name in ("immunomodulatory_drug", "bmi_25", *_FORM_NOT_RECORDED)
)
# The items of the VTE risk form, and what they give together while the form is not recorded
# (every one of them unknown): their criteria, the inputs they need, the range they add.
_DRUG_AND_BMI_ITEMS, _FORM_ITEMS = IMPEDE_ITEMS[:2], IMPEDE_ITEMS[2:]
_FORM_UNKNOWN_CRITERIA = tuple(item.not_recorded for item in _FORM_ITEMS)
_FORM_UNKNOWN_NEEDS = tuple(dict.fromkeys(item.needs for item in _FORM_ITEMS))
_FORM_UNKNOWN_LOW = sum(item.unknown_low for item in _FORM_ITEMS)
_FORM_UNKNOWN_HIGH = sum(item.unknown_high for item in _FORM_ITEMS)


@rule("impede_vte", "IMPEDE VTE score", "thrombosis", sources=(SANFILIPPO_2019,))
def impede_vte(s: Snapshot, e: Explanation) -> RuleResult:
    """Sum of points: ≤ 3 low, 4–7 intermediate, ≥ 8 high."""
    e.detail["verification"] = SANFILIPPO_2019.note
    factors = _factors(s)
    form_recorded = s.vte_risk_factors is not None
    criteria = e.criteria
    needs: list[str] = []
    low = high = 0
    for name, points, label, need, unknown_low, unknown_high, not_recorded in (
        IMPEDE_ITEMS if form_recorded else _DRUG_AND_BMI_ITEMS
    ):
        value, shown = factors[name]
        if value is None:
            criteria.append(not_recorded)
            needs.append(need)
            low += unknown_low
            high += unknown_high
        else:
            e.criterion(label, value, shown)
            if value:
                low += points
                high += points
    if not form_recorded:
        criteria.extend(_FORM_UNKNOWN_CRITERIA)
        needs.extend(_FORM_UNKNOWN_NEEDS)
        low += _FORM_UNKNOWN_LOW
        high += _FORM_UNKNOWN_HIGH
    # Explanation.need, inlined: the score's missing inputs are only these, each listed once.
    e.missing.extend(dict.fromkeys(needs))
    e.detail["points"] = low if low == high else None
    e.detail["points_range"] = [low, high]
    first, last = _category(low), _category(high)
    if first != last:
        return e.cannot_determine(possible=_categories(low, high))
    if factors["therapeutic_lmwh_or_warfarin"][0]:
        alt = _category(
            low + THERAPEUTIC_ALTERNATIVE - IMPEDE_POINTS["therapeutic_lmwh_or_warfarin"]
        )
        e.detail["alternative_reading"] = (
            f"with −5 for therapeutic anticoagulation (ASH-SAP table) the category would be {alt}"
        )
    return e.determined(first, vte_6_month_incidence=IMPEDE_VTE_6_MONTHS[first])


RISK_FACTORS_READ_AS = (
    "The PDQ does not list the 'extra risk factors for DVT'; Myeloma Desk counts the IMPEDE "
    "VTE risk factors other than the immunomodulatory drug itself: BMI ≥ 25, pelvic/hip/femur "
    "fracture, erythropoiesis-stimulating agent, high-dose dexamethasone, doxorubicin, "
    "history of VTE, tunneled line/CVC. Low-dose dexamethasone is not counted: the PDQ "
    "reports that with it and lenalidomide, aspirin alone kept DVT below 5%."
)
# The extra risk factors read from the IMPEDE items (high-dose dexamethasone is shown after
# them with its own wording): the item, its criterion and the input it needs.
EXTRA_RISK_FACTORS = tuple(
    (name, FACTOR_NAMES[name], NEEDS_OF[name])
    for name in (
        "bmi_25",
        "pelvic_hip_femur_fracture",
        "erythropoiesis_stimulating_agent",
        "doxorubicin",
        "history_of_vte",
        "tunneled_line_or_cvc",
    )
)


@rule(
    "vte_prophylaxis_pdq",
    "Thromboprophylaxis on immunomodulatory drugs (PDQ)",
    "thrombosis",
    sources=(PDQ, SANFILIPPO_2019),
)
def vte_prophylaxis_pdq(s: Snapshot, e: Explanation) -> RuleResult:
    """On an IMiD: no extra risk factor → aspirin 81 mg; several → consider stronger agents."""
    e.detail["text"] = PDQ_ASPIRIN
    e.detail["risk_factors_read_as"] = RISK_FACTORS_READ_AS
    e.detail["pdq_low_dose_dexamethasone"] = PDQ_LOW_DOSE_DEX
    factors = _factors(s)
    imid, how = factors["immunomodulatory_drug"]
    e.criterion("receives lenalidomide, pomalidomide or thalidomide", imid, how)
    if imid is False:
        return e.not_applicable("no immunomodulatory drug in current therapy")
    if imid is None:
        e.need("vte_risk_factors.immunomodulatory_drug", "therapy_lines")
        return e.cannot_determine()
    present: list[str] = []
    unknown: list[str] = []
    for name, label, needs in EXTRA_RISK_FACTORS:
        value, shown = factors[name]
        e.criterion(label, value, shown)
        if value:
            present.append(name)
        elif value is None:
            unknown.append(name)
            e.need(needs)
    dex = s.vte_risk_factors.dexamethasone if s.vte_risk_factors else None
    e.criterion(
        "high-dose dexamethasone (> 160 mg/month)",
        None if dex is None else dex == "high",
        dex or "not recorded",
    )
    if dex is None:
        unknown.append("dexamethasone_high")
        e.need("vte_risk_factors.dexamethasone")
    elif dex == "high":
        present.append("dexamethasone_high")
    e.detail["risk_factors_present"] = present
    e.detail["risk_factors_unknown"] = unknown
    count, most = len(present), len(present) + len(unknown)
    e.detail["risk_factor_count"] = count if not unknown else f"{count}–{most}"
    if count >= 2:
        return e.determined("consider_stronger_anticoagulant")
    if most == 0:
        return e.determined("aspirin_81_mg")
    if unknown:
        return e.cannot_determine()
    # Exactly one extra risk factor: the PDQ speaks of none and of multiple only.
    e.detail["reason"] = (
        f"one extra risk factor ({fmt(count)}): the PDQ states aspirin for none and stronger "
        "anticoagulation for multiple risk factors; one factor is left to clinical judgement"
    )
    return e.determined("not_stated_by_pdq")
