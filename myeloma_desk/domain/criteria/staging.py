"""Staging of multiple myeloma: ISS (Greipp 2005); R-ISS and R2-ISS are added beside it.

Thresholds: ../shared/reference/criteria-summary.md, "Staging". The PDQ's Table 2 is titled ISS
but mixes ISS and R-ISS (../shared/reference/pdq-errata.md); its wording is shown beside the
published system in ``detail.pdq_wording`` and ``detail.pdq_difference``.
"""

from __future__ import annotations

from myeloma_desk.domain.engine import rule
from myeloma_desk.domain.results import PDQ, Explanation, RuleResult, source
from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.domain.units import fmt, ge, lt

GREIPP_2005 = source(
    "Greipp 2005 J Clin Oncol",
    "Greipp PR, San Miguel J, Durie BG, et al. International staging system for multiple "
    "myeloma. J Clin Oncol. 2005;23(15):3412-3420.",
)

# ISS thresholds (Greipp 2005): beta-2-microglobulin in mg/L, albumin in g/dL.
ISS_B2M_LOW = 3.5  # stage I needs B2M < 3.5 mg/L
ISS_B2M_HIGH = 5.5  # stage III: B2M >= 5.5 mg/L
ISS_ALBUMIN = 3.5  # stage I needs albumin >= 3.5 g/dL
ISS_MEDIAN_OS_MONTHS = {"I": 62, "II": 44, "III": 29}

PDQ_TABLE_2 = {
    "title": "Table 2. The International Staging System (ISS) for Multiple Myeloma",
    "I": "Beta-2-microglobulin <3.5 mg/L and albumin ≥3.5 g/dL (median survival: not reached)",
    "II": "Not R-ISS I or III (median survival: 83 months)",
    "III": (
        "Beta-2-microglobulin ≥5.5 mg/L and either high LDH or high-risk chromosomal "
        "abnormalities by I-FISH (defined as presence of del(17p) and/or translocation t(4;14) "
        "and/or translocation t(14;16)) (median survival: 43 months)"
    ),
}
PDQ_TABLE_2_DIFFERENCE = (
    "The PDQ's Table 2 is titled ISS and cites the ISS paper, but its stage II and III rows and "
    "its median survivals (not reached, 83, 43 months) are those of the R-ISS (Palumbo 2015); "
    "its stage I omits the R-ISS conditions on LDH and FISH. Myeloma Desk computes the published "
    "ISS and R-ISS separately."
)


@rule("iss", "International Staging System (ISS)", "staging")
def iss(s: Snapshot) -> RuleResult:
    """ISS I: B2M < 3.5 mg/L and albumin ≥ 3.5 g/dL; III: B2M ≥ 5.5 mg/L; II: neither."""
    e = Explanation("iss", "International Staging System (ISS)", GREIPP_2005, PDQ)
    e.detail["pdq_wording"] = PDQ_TABLE_2
    e.detail["pdq_difference"] = PDQ_TABLE_2_DIFFERENCE
    b2m = s.get("beta2_microglobulin")
    albumin = s.get("albumin")
    if b2m is None:
        e.need("beta2_microglobulin")
        if albumin is None:
            e.need("albumin")
        return e.cannot_determine()

    shown_b2m = s.shown("beta2_microglobulin")
    if ge(b2m, ISS_B2M_HIGH):
        e.criterion(f"β2-microglobulin ≥ {fmt(ISS_B2M_HIGH)} mg/L (stage III)", True, shown_b2m)
        if albumin is None:
            e.need("albumin")
        return _iss_result(e, "III")
    e.criterion(f"β2-microglobulin ≥ {fmt(ISS_B2M_HIGH)} mg/L (stage III)", False, shown_b2m)
    low_b2m = lt(b2m, ISS_B2M_LOW)
    e.criterion(f"β2-microglobulin < {fmt(ISS_B2M_LOW)} mg/L (stage I)", low_b2m, shown_b2m)
    if not low_b2m:
        if albumin is None:
            e.need("albumin")
        return _iss_result(e, "II")
    if albumin is None:
        e.criterion(f"albumin ≥ {fmt(ISS_ALBUMIN)} g/dL (stage I)", None)
        e.need("albumin")
        return e.cannot_determine(possible=["I", "II"])
    albumin_ok = ge(albumin, ISS_ALBUMIN)
    e.criterion(f"albumin ≥ {fmt(ISS_ALBUMIN)} g/dL (stage I)", albumin_ok, s.shown("albumin"))
    return _iss_result(e, "I" if albumin_ok else "II")


def _iss_result(e: Explanation, stage: str) -> RuleResult:
    return e.determined(stage, median_os_months=ISS_MEDIAN_OS_MONTHS[stage])
