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
from myeloma_desk.domain.logic import Tri, tri_all, tri_any
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
# The findings all unknown (FISH not done), shared: rules only read it.
_FISH_NOT_DONE: dict[Fish, Tri] = dict.fromkeys(ALL_FISH)

# Criterion texts built once from the constants above (issue 18).
PCL_TEXT = f"plasma cell leukemia (circulating plasma cells ≥ {fmt(PCL_CIRCULATING)}%, IMWG 2021)"
DEL17P_TEXT = f"del(17p) in > {fmt(DEL17P_FRACTION)}% clonal fraction and/or TP53 mutation"
B2M_TEXT = (
    f"β2-microglobulin ≥ {fmt(IMS_B2M)} mg/L with normal creatinine "
    f"(< {fmt(IMS_NORMAL_CREATININE)} mg/dL)"
)


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
    e.criterion(PCL_TEXT, pcl, s.shown("circulating_plasma_cells_percent"))
    if cpc is not None and gt(cpc, PCL_LIKE_CIRCULATING) and not pcl:
        e.detail["circulating_note"] = (
            "The PDQ writes '>2%–5% circulating plasma cells' for plasma cell leukemia; "
            f"{s.shown('circulating_plasma_cells_percent')} is above 2% but below the IMWG 2021 "
            "threshold of 5% and is not counted."
        )
    if s.fish is None:
        e.criterion("FISH findings", None, "FISH not done")
        e.need("fish")
        possible = ["high", "ultra_high"] if pcl else list(GROUP_ORDER)
        return e.cannot_determine(possible=possible)
    found = list(s.fish)
    ultra = [FISH_TEXT[f] for f in found if f in PDQ_ULTRA_HIGH]
    high = [FISH_TEXT[f] for f in found if f in PDQ_HIGH]
    good = [FISH_TEXT[f] for f in found if f in PDQ_GOOD]
    e.criterion("ultra-high risk finding: 1q amplification (≥ 4 copies)", bool(ultra), _j(ultra))
    e.criterion(
        "high-risk finding: del(17p), t(14;16), t(4;14), t(14;20), del 13, 1q gain, "
        "del(1p32), or plasma cell leukemia",
        bool(high) or bool(pcl),
        _j(high + (["plasma cell leukemia"] if pcl else [])),
    )
    e.criterion("good-risk finding: hyperdiploidy, t(11;14), t(6;14)", bool(good), _j(good))
    if Fish.TP53_MUTATION in found:
        e.detail["tp53_note"] = NOT_IN_VOCABULARY
    if ultra:
        group = "ultra_high"
    elif high or pcl:
        group = "high"
    else:
        group = "good"
    if group == "good" and pcl is None:
        e.assume("circulating plasma cells not recorded: plasma cell leukemia not assessed")
    if group == "good" and good and not high:
        e.detail["hyperdiploidy_note"] = PDQ_TABLE_3_WORDING["note"]
    detail: dict[str, object] = {
        "median_survival_years": PDQ_MEDIAN_SURVIVAL_YEARS[group],
        "findings": [FISH_TEXT[f] for f in found],
    }
    high_found = [f for f in found if f in PDQ_HIGH]
    only_translocations = high and all(f in PDQ_INTERMEDIATE for f in high_found) and not pcl
    if group == "high" and only_translocations:
        detail["readings"] = {
            "high": "Table 3 high-risk list (reported)",
            "intermediate": "Table 3 intermediate risk: abrogated by standard triplet or "
            "quadruplet regimens",
        }
        detail["alternative_result"] = "intermediate"
        detail["two_readings"] = TWO_READINGS
    return e.determined(group, **detail)


def _j(items: list[str]) -> str:
    return ", ".join(items) if items else "none"


@rule(
    "high_risk_ims_imwg",
    "High-risk myeloma (IMS/IMWG 2025 consensus)",
    "cytogenetics",
    sources=(AVET_LOISEAU_2025,),
)
def high_risk_ims_imwg(s: Snapshot, e: Explanation) -> RuleResult:
    """High risk if any of four criteria (Avet-Loiseau 2025); otherwise standard risk."""
    found = None if s.fish is None else set(s.fish)
    has: dict[Fish, Tri] = _FISH_NOT_DONE if found is None else {f: f in found for f in ALL_FISH}
    fraction = val(s, "del17p_clonal_fraction_percent")
    big_clone: Tri = None if fraction is None else gt(fraction, DEL17P_FRACTION)
    a = tri_any([tri_all([has[Fish.DEL17P], big_clone]), has[Fish.TP53_MUTATION]])
    e.criterion(
        DEL17P_TEXT,
        a,
        _fish_text(s, (Fish.DEL17P, Fish.TP53_MUTATION))
        + (
            f"; del(17p) fraction {s.shown('del17p_clonal_fraction_percent')}"
            if fraction is not None
            else ""
        ),
    )
    one_q = tri_any([has[f] for f in ONE_Q])
    del1p = tri_any([has[Fish.DEL1P32_MONO], has[Fish.DEL1P32_BI]])
    b = tri_all([tri_any([has[f] for f in IGH_TRANSLOCATIONS]), tri_any([one_q, del1p])])
    e.criterion(
        "t(4;14), t(14;16) or t(14;20) with 1q gain/amplification and/or del(1p32)",
        b,
        _fish_text(s, (*IGH_TRANSLOCATIONS, *ONE_Q, Fish.DEL1P32_MONO, Fish.DEL1P32_BI)),
    )
    c = tri_any([tri_all([has[Fish.DEL1P32_MONO], one_q]), has[Fish.DEL1P32_BI]])
    e.criterion(
        "monoallelic del(1p32) with 1q gain/amplification, or biallelic del(1p32)",
        c,
        _fish_text(s, (Fish.DEL1P32_MONO, Fish.DEL1P32_BI, *ONE_Q)),
    )
    b2m = val(s, "beta2_microglobulin")
    creatinine = val(s, "creatinine")
    d = tri_all(
        [
            None if b2m is None else ge(b2m, IMS_B2M),
            None if creatinine is None else lt(creatinine, IMS_NORMAL_CREATININE),
        ]
    )
    e.criterion(
        B2M_TEXT,
        d,
        f"β2M {s.shown('beta2_microglobulin')}; creatinine {s.shown('creatinine')}",
    )
    high = tri_any([a, b, c, d])
    if s.fish is None:
        e.need("fish")
    if has[Fish.DEL17P] and fraction is None and a is None:
        e.need("del17p_clonal_fraction_percent")
    if d is None:
        e.need(
            *[n for n, v in (("beta2_microglobulin", b2m), ("creatinine", creatinine)) if v is None]
        )
    if high is None:
        return e.cannot_determine(possible=["standard_risk", "high_risk"])
    names = ("del17p_or_tp53", "igh_translocation_with_1q_or_del1p", "del1p32", "b2m")
    met = [name for name, v in zip(names, (a, b, c, d), strict=True) if v]
    return e.determined("high_risk" if high else "standard_risk", criteria_met=met)


def _fish_text(s: Snapshot, findings: tuple[Fish, ...]) -> str:
    if s.fish is None:
        return "FISH not done"
    present = [FISH_TEXT[f] for f in findings if f in s.fish]
    return "present: " + ", ".join(present) if present else "none present"
