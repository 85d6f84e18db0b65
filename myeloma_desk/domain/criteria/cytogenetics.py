"""Cytogenetic risk: the PDQ's Table 3 groups and the IMS/IMWG 2025 high-risk definition.

Thresholds: ../shared/reference/criteria-summary.md, "Cytogenetic risk". FISH absent
(``snapshot.fish is None``) means not done; ``[]`` means done with none of the listed findings.
"""

from __future__ import annotations

from myeloma_desk.domain.criteria.diagnosis import val
from myeloma_desk.domain.criteria.diagnosis.pcl import PCL_CIRCULATING, PCL_LIKE_CIRCULATING
from myeloma_desk.domain.criteria.diagnosis.sources import FERNANDEZ_DE_LARREA_2021
from myeloma_desk.domain.display import choice_words, mid_sentence
from myeloma_desk.domain.engine import rule
from myeloma_desk.domain.logic import Tri
from myeloma_desk.domain.results import PDQ, Explanation, RuleResult, source
from myeloma_desk.domain.snapshot import Fish, Snapshot
from myeloma_desk.domain.units import fmt, ge, gt, lt

AVET_LOISEAU_2025 = source(
    "Avet-Loiseau 2025 J Clin Oncol",
    "Avet-Loiseau H, Davies FE, Samur MK, et al. International Myeloma Society/International "
    "Myeloma Working Group Consensus Recommendations on the Definition of High-Risk Multiple "
    "Myeloma. J Clin Oncol. 2025;43(24):2739-2751.",
)

GROUP_ORDER = ("good", "intermediate", "high", "ultra_high")

# The PDQ's Table 3 ("Risk Groups for Multiple Myeloma"), as printed.
PDQ_ULTRA_HIGH = (Fish.AMP1Q,)  # "1 q amp (4 copies, ultra-high risk)"
PDQ_HIGH = (
    Fish.DEL17P,
    Fish.T_14_16,
    Fish.T_4_14,
    Fish.T_14_20,
    Fish.DEL13,
    Fish.GAIN1Q,
    Fish.DEL1P32_MONO,
    Fish.DEL1P32_BI,
)
PDQ_INTERMEDIATE = (Fish.T_4_14, Fish.T_14_16)  # "formerly deleterious ... abrogated"
PDQ_GOOD = (Fish.HYPERDIPLOIDY, Fish.T_11_14, Fish.T_6_14)
PDQ_MEDIAN_SURVIVAL_YEARS = {
    "good": "10–12",
    "intermediate": "5–10",
    "high": "<5",
    "ultra_high": "<3",
}
PDQ_TABLE_3_WORDING = {
    "title": "Table 3. Risk Groups for Multiple Myeloma",
    "good": "No adverse FISH or cytogenetics; hyperdiploidy; t(11;14) by FISH; t(6;14) by FISH",
    "intermediate": "Has one of the following formerly deleterious criteria that have been "
    "abrogated by standard triplet or quadruplet regimens: t(4;14), t(14;16)",
    "high": "del 17p by FISH; t(14;16) by FISH; t(4;14); t(14;20); del 13; biallelic del TP53 "
    "(ultra-high risk); 1q gain (3 copies), 1 q amp (4 copies, ultra-high risk), monoallelic "
    "del (1p32), biallelic del (1p32); plasma cell leukemia",
    "note": "The otherwise favorable prognosis of hyperploidy is trumped by coexistent adverse "
    "cytogenetics.",
}
TWO_READINGS = (
    "The PDQ's Table 3 lists t(4;14) and t(14;16) twice: under Intermediate risk, as 'formerly "
    "deleterious criteria that have been abrogated by standard triplet or quadruplet regimens', "
    "and in the High-risk list. Myeloma Desk reports the high-risk reading (the table's own list "
    "of high-risk findings, and the safer reading when treatment is not yet known) and shows the "
    "intermediate reading beside it, which applies once the patient receives a standard triplet "
    "or quadruplet regimen."
)
NOT_IN_VOCABULARY = (
    "Biallelic TP53 deletion (ultra-high risk in Table 3) cannot be entered as such: del(17p) "
    "with a TP53 mutation is biallelic TP53 inactivation, which Table 3 does not list; it is "
    "reported as high risk via del(17p). A TP53 mutation alone is not in Table 3."
)

# IMS/IMWG 2025 (Avet-Loiseau 2025). Citation checked against PubMed (2025 Aug 20;43(24):
# 2739-2751, doi 10.1200/JCO-24-01893); the four criteria below match a published summary of
# the consensus (the Limbic, 2026: '> 20% clonal fraction and/or TP53 mutation', 'β2M
# ≥ 5.5 mg/L with normal creatinine (< 1.2 mg/dL)').
DEL17P_FRACTION = 20.0  # del(17p) in > 20% clonal fraction
IMS_B2M = 5.5  # β2-microglobulin ≥ 5.5 mg/L ...
IMS_NORMAL_CREATININE = 1.2  # ... with normal creatinine (< 1.2 mg/dL)
IGH_TRANSLOCATIONS = (Fish.T_4_14, Fish.T_14_16, Fish.T_14_20)
ONE_Q = (Fish.GAIN1Q, Fish.AMP1Q)
# Every finding, once: iterating the enum class itself costs microseconds on each call.
ALL_FISH = tuple(Fish)
# Each finding's interchange text (an enum member's .value is a Python-level property: read
# once here, not on every call).
# Each finding in the words of the PDQ and IMWG papers ("del(17p)", "biallelic del(1p32)").
FISH_TEXT: dict[Fish, str] = {f: mid_sentence(choice_words(f.value)) for f in ALL_FISH}

# Criterion texts built once from the constants above (issue 18).
PCL_TEXT = f"plasma cell leukemia (circulating plasma cells ≥ {fmt(PCL_CIRCULATING)}%, IMWG 2021)"
DEL17P_TEXT = f"del(17p) in > {fmt(DEL17P_FRACTION)}% clonal fraction and/or TP53 mutation"
B2M_TEXT = (
    f"β2-microglobulin ≥ {fmt(IMS_B2M)} mg/L with normal creatinine "
    f"(< {fmt(IMS_NORMAL_CREATININE)} mg/dL)"
)


# The Table 3 group each finding reaches, as sets for the one pass over the findings.
_PDQ_ULTRA_HIGH = frozenset(PDQ_ULTRA_HIGH)
_PDQ_HIGH = frozenset(PDQ_HIGH)
_PDQ_GOOD = frozenset(PDQ_GOOD)
_PDQ_INTERMEDIATE = frozenset(PDQ_INTERMEDIATE)
# Criterion texts and details that depend only on the constants above, made once.
PDQ_ULTRA_HIGH_TEXT = "ultra-high risk finding: 1q amplification (≥ 4 copies)"
PDQ_HIGH_TEXT = (
    "high-risk finding: del(17p), t(14;16), t(4;14), t(14;20), del 13, 1q gain, "
    "del(1p32), or plasma cell leukemia"
)
PDQ_GOOD_TEXT = "good-risk finding: hyperdiploidy, t(11;14), t(6;14)"
PDQ_READINGS = {
    "high": "Table 3 high-risk list (reported)",
    "intermediate": "Table 3 intermediate risk: abrogated by standard triplet or "
    "quadruplet regimens",
}
PCL_NOT_ASSESSED = "circulating plasma cells not recorded: plasma cell leukemia not assessed"
_FISH_NOT_DONE_TEXT = "FISH not done"


@rule(
    "cytogenetic_risk_pdq",
    "Cytogenetic risk groups (the PDQ's Table 3)",
    "cytogenetics",
    sources=(PDQ, FERNANDEZ_DE_LARREA_2021),
)
def cytogenetic_risk_pdq(s: Snapshot, e: Explanation) -> RuleResult:
    """Highest group any finding reaches; hyperdiploidy never offsets an adverse finding."""
    e.detail["pdq_wording"] = PDQ_TABLE_3_WORDING
    cpc = val(s, "circulating_plasma_cells_percent")
    pcl: Tri = None if cpc is None else ge(cpc, PCL_CIRCULATING)
    cpc_shown = s.shown("circulating_plasma_cells_percent")
    e.criterion(PCL_TEXT, pcl, cpc_shown)
    if cpc is not None and not pcl and gt(cpc, PCL_LIKE_CIRCULATING):
        e.detail["circulating_note"] = (
            "The PDQ writes '>2%–5% circulating plasma cells' for plasma cell leukemia; "
            f"{cpc_shown} is above 2% but below the IMWG 2021 threshold of 5% and is not counted."
        )
    fish = s.fish
    if fish is None:
        e.criterion("FISH findings", None, _FISH_NOT_DONE_TEXT)
        e.need("fish")
        possible = ["high", "ultra_high"] if pcl else list(GROUP_ORDER)
        return e.cannot_determine(possible=possible)
    # One pass over the findings, in their recorded order: each finding's text under the
    # Table 3 group it reaches.
    ultra: list[str] = []
    high: list[str] = []
    good: list[str] = []
    findings: list[str] = []
    only_translocations = True  # every high-risk finding is t(4;14) or t(14;16)
    for f in fish:
        text = FISH_TEXT[f]
        findings.append(text)
        if f in _PDQ_HIGH:
            high.append(text)
            if f not in _PDQ_INTERMEDIATE:
                only_translocations = False
        elif f in _PDQ_ULTRA_HIGH:
            ultra.append(text)
        elif f in _PDQ_GOOD:
            good.append(text)
    e.criterion(PDQ_ULTRA_HIGH_TEXT, bool(ultra), _j(ultra))
    e.criterion(
        PDQ_HIGH_TEXT,
        bool(high) or bool(pcl),
        _j([*high, "plasma cell leukemia"] if pcl else high),
    )
    e.criterion(PDQ_GOOD_TEXT, bool(good), _j(good))
    if Fish.TP53_MUTATION in fish:
        e.detail["tp53_note"] = NOT_IN_VOCABULARY
    if ultra:
        group = "ultra_high"
    elif high or pcl:
        group = "high"
    else:
        group = "good"
        if pcl is None:
            e.assume(PCL_NOT_ASSESSED)
        if good and not high:
            e.detail["hyperdiploidy_note"] = PDQ_TABLE_3_WORDING["note"]
    detail: dict[str, object] = {
        "median_survival_years": PDQ_MEDIAN_SURVIVAL_YEARS[group],
        "findings": findings,
    }
    if group == "high" and high and only_translocations and not pcl:
        detail["readings"] = PDQ_READINGS
        detail["alternative_result"] = "intermediate"
        detail["two_readings"] = TWO_READINGS
    return e.determined(group, **detail)


def _j(items: list[str]) -> str:
    return ", ".join(items) if items else "none"


# The findings each IMS/IMWG 2025 criterion shows, with their texts, in the criterion's order.
_DEL17P_SHOWN = tuple((f, FISH_TEXT[f]) for f in (Fish.DEL17P, Fish.TP53_MUTATION))
_IGH_SHOWN = tuple(
    (f, FISH_TEXT[f]) for f in (*IGH_TRANSLOCATIONS, *ONE_Q, Fish.DEL1P32_MONO, Fish.DEL1P32_BI)
)
_DEL1P_SHOWN = tuple((f, FISH_TEXT[f]) for f in (Fish.DEL1P32_MONO, Fish.DEL1P32_BI, *ONE_Q))
IGH_TEXT = "t(4;14), t(14;16) or t(14;20) with 1q gain/amplification and/or del(1p32)"
DEL1P32_TEXT = "monoallelic del(1p32) with 1q gain/amplification, or biallelic del(1p32)"
IMS_CRITERIA = ("del17p_or_tp53", "igh_translocation_with_1q_or_del1p", "del1p32", "b2m")
_IGH = frozenset(IGH_TRANSLOCATIONS)
_ONE_Q = frozenset(ONE_Q)


@rule(
    "high_risk_ims_imwg",
    "High-risk myeloma (IMS/IMWG 2025 consensus)",
    "cytogenetics",
    sources=(AVET_LOISEAU_2025,),
)
def high_risk_ims_imwg(s: Snapshot, e: Explanation) -> RuleResult:
    """High risk if any of four criteria (Avet-Loiseau 2025); otherwise standard risk.

    (a) del(17p) in > 20% clonal fraction and/or TP53 mutation; (b) t(4;14), t(14;16) or
    t(14;20) with 1q gain/amplification and/or del(1p32); (c) monoallelic del(1p32) with 1q
    gain/amplification, or biallelic del(1p32); (d) β2-microglobulin ≥ 5.5 mg/L with creatinine
    < 1.2 mg/dL. In three-valued logic: FISH not done leaves (a)–(c) unknown.
    """
    fish = s.fish
    fraction = val(s, "del17p_clonal_fraction_percent")
    del17p = False
    a: Tri
    b: Tri
    c: Tri
    if fish is None:
        a = b = c = None
        a_text = b_text = c_text = _FISH_NOT_DONE_TEXT
    else:
        del17p = Fish.DEL17P in fish
        if Fish.TP53_MUTATION in fish:
            a = True
        elif del17p:
            a = None if fraction is None else gt(fraction, DEL17P_FRACTION)
        else:
            a = False
        found = set(fish)
        mono = Fish.DEL1P32_MONO in found
        bi = Fish.DEL1P32_BI in found
        one_q = not _ONE_Q.isdisjoint(found)
        b = not _IGH.isdisjoint(found) and (one_q or mono or bi)
        c = (mono and one_q) or bi
        a_text = _present(fish, _DEL17P_SHOWN)
        b_text = _present(fish, _IGH_SHOWN)
        c_text = _present(fish, _DEL1P_SHOWN)
    if fraction is not None:
        a_text += "; del(17p) fraction " + s.shown("del17p_clonal_fraction_percent")
    e.criterion(DEL17P_TEXT, a, a_text)
    e.criterion(IGH_TEXT, b, b_text)
    e.criterion(DEL1P32_TEXT, c, c_text)
    b2m = val(s, "beta2_microglobulin")
    creatinine = val(s, "creatinine")
    b2m_high: Tri = None if b2m is None else ge(b2m, IMS_B2M)
    normal_creatinine: Tri = None if creatinine is None else lt(creatinine, IMS_NORMAL_CREATININE)
    d: Tri  # tri_all of the two
    if b2m_high is False or normal_creatinine is False:
        d = False
    elif b2m_high and normal_creatinine:
        d = True
    else:
        d = None
    e.criterion(
        B2M_TEXT,
        d,
        f"β2M {s.shown('beta2_microglobulin')}; creatinine {s.shown('creatinine')}",
    )
    if fish is None:
        e.need("fish")
    if del17p and fraction is None and a is None:
        e.need("del17p_clonal_fraction_percent")
    if d is None:
        if b2m is None:
            e.need("beta2_microglobulin")
        if creatinine is None:
            e.need("creatinine")
    met = [name for name, v in zip(IMS_CRITERIA, (a, b, c, d), strict=True) if v]
    if met:
        return e.determined("high_risk", criteria_met=met)
    if a is None or b is None or c is None or d is None:  # tri_any of the four: unknown
        return e.cannot_determine(possible=["standard_risk", "high_risk"])
    return e.determined("standard_risk", criteria_met=met)


def _present(fish: list[Fish], shown: tuple[tuple[Fish, str], ...]) -> str:
    """The findings of ``shown`` recorded in ``fish``, in the criterion's order."""
    present = [text for f, text in shown if f in fish]
    return "present: " + ", ".join(present) if present else "none present"
