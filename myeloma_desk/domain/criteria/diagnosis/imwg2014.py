"""IMWG 2014 precursor states and their exclusion (Rajkumar 2014 Lancet Oncol, Panel 2):
smoldering multiple myeloma, non-IgM, IgM and light-chain MGUS, and no plasma cell neoplasm.

Reached by the walk (walk.py) only when every myeloma-defining event is known to be absent."""

from __future__ import annotations

from myeloma_desk.domain.criteria.diagnosis.common import (
    BMPC_MYELOMA,
    SMM_SERUM_M,
    SMM_URINE_M,
    val,
)
from myeloma_desk.domain.criteria.diagnosis.context import Walk
from myeloma_desk.domain.criteria.diagnosis.events import MARROW_60
from myeloma_desk.domain.flc import (
    FLC_RATIO_HIGH,
    FLC_RATIO_LOW,
    flc_ratio_abnormal,
    fmt_ratio,
    ratio_gt,
)
from myeloma_desk.domain.logic import Tri
from myeloma_desk.domain.results import RuleResult
from myeloma_desk.domain.units import fmt, ge, lt

# Criterion texts built once from the constants they name (issue 18: not formatted on every
# call).
FLC_NORMAL_TEXT = f"FLC ratio (κ/λ) normal, {fmt(FLC_RATIO_LOW)}–{fmt(FLC_RATIO_HIGH)}"
BMPC_SMM_TEXT = f"clonal BMPC {fmt(BMPC_MYELOMA)}–{fmt(MARROW_60.value)}%"
SERUM_SMM_TEXT = f"serum M-protein (IgG or IgA) ≥ {fmt(SMM_SERUM_M)} g/dL"
URINE_SMM_TEXT = f"urine M-protein ≥ {fmt(SMM_URINE_M)} mg/24 h"
BMPC_MGUS_TEXT = f"clonal BMPC < {fmt(BMPC_MYELOMA)}%"
SERUM_MGUS_TEXT = f"serum M-protein < {fmt(SMM_SERUM_M)} g/dL"
FLC_ABNORMAL_TEXT = f"abnormal FLC ratio (κ/λ < {fmt(FLC_RATIO_LOW)} or > {fmt(FLC_RATIO_HIGH)})"
URINE_MGUS_TEXT = f"urine M-protein < {fmt(SMM_URINE_M)} mg/24 h"
IGM_SERUM_TEXT = f"IgM M-protein < {fmt(SMM_SERUM_M)} g/dL"
IGM_MARROW_TEXT = f"lymphoplasmacytic marrow infiltration < {fmt(BMPC_MYELOMA)}% (clonal BMPC used)"


def no_neoplasm(w: Walk) -> RuleResult | None:
    """No M-protein, normal FLC ratio and no clonal marrow plasma cells."""
    s = w.s
    serum = val(s, "serum_m_protein")
    urine = val(s, "urine_m_protein_24h")
    f = w.flc
    if serum is None or f is None or serum > 0:
        return None
    if urine is not None and urine > 0:
        return None
    abnormal = flc_ratio_abnormal(f)
    if abnormal is not False:
        return None
    if w.bmpc is not None and w.bmpc > 0:
        return None
    if s.m_protein_heavy_chain is not None or s.m_protein_light_chain is not None:
        return None
    if "positive" in (s.serum_immunofixation, s.urine_immunofixation):
        return None
    w.c("serum M-protein absent", True, s.shown("serum_m_protein"))
    w.c(
        FLC_NORMAL_TEXT,
        True,
        f"κ/λ {fmt_ratio(f.kappa_lambda or 0.0)}",
    )
    if urine is None:
        w.e.assume("urine M-protein not recorded: assumed absent")
    if w.bmpc is None:
        w.e.assume("bone marrow not examined: a non-secretory plasma cell neoplasm is not excluded")
    else:
        w.c("no clonal bone marrow plasma cells", True, w.bmpc_shown())
    return w.done("no_plasma_cell_neoplasm")


def precursor(w: Walk) -> RuleResult:
    """Smoldering myeloma or MGUS; every MDE is known to be absent here."""
    s = w.s
    bmpc = w.bmpc
    assert bmpc is not None  # bmpc_60 is known when every MDE is known
    heavy = s.m_protein_heavy_chain
    serum = val(s, "serum_m_protein")
    urine = val(s, "urine_m_protein_24h")

    if heavy == "IgM":
        return igm(w, serum, bmpc)
    # Smoldering myeloma: serum M (IgG/IgA) ≥ 3 g/dL or urine ≥ 500 mg/24 h, and/or BMPC 10–60%
    bmpc_smm = w.c(
        BMPC_SMM_TEXT,
        ge(bmpc, BMPC_MYELOMA),
        w.bmpc_shown(),
    )
    if bmpc_smm:
        return w.done("smoldering_multiple_myeloma")
    serum_smm: Tri = None
    if serum is not None:
        serum_smm = ge(serum, SMM_SERUM_M)
        if serum_smm and heavy is None:
            w.c(
                SERUM_SMM_TEXT,
                None,
                f"{s.shown('serum_m_protein')}; heavy chain not recorded",
            )
            w.e.need("m_protein_heavy_chain")
            return w.undecided(
                ["smoldering_multiple_myeloma"],
                "IgM ≥ 3 g/dL falls outside these criteria (Waldenström macroglobulinemia).",
            )
        w.c(
            SERUM_SMM_TEXT,
            serum_smm,
            f"{s.shown('serum_m_protein')} ({heavy or 'heavy chain not recorded'})",
        )
        if serum_smm:
            if heavy in ("IgD", "IgE"):
                w.e.detail["isotype_note"] = (
                    f"IMWG 2014 names IgG or IgA; {heavy} is read the same way."
                )
            return w.done("smoldering_multiple_myeloma")
    urine_smm: Tri = None
    if urine is not None:
        urine_smm = w.c(
            URINE_SMM_TEXT,
            ge(urine, SMM_URINE_M),
            s.shown("urine_m_protein_24h"),
        )
        if urine_smm:
            return w.done("smoldering_multiple_myeloma")
    # MGUS (clonal BMPC < 10%)
    w.c(BMPC_MGUS_TEXT, True, w.bmpc_shown())
    if heavy == "none":
        return light_chain_mgus(w, urine)
    if serum is None:
        w.e.need("serum_m_protein")
        return w.undecided(["smoldering_multiple_myeloma", "non_igm_mgus", "igm_mgus"])
    if serum > 0:
        if heavy is None:
            w.e.need("m_protein_heavy_chain")
            return w.undecided(["non_igm_mgus", "igm_mgus"])
        if urine is None:
            w.e.assume(
                "urine M-protein not recorded: smoldering myeloma by the urine criterion "
                "(≥ 500 mg/24 h) not excluded"
            )
        w.c(SERUM_MGUS_TEXT, True, s.shown("serum_m_protein"))
        return w.done("non_igm_mgus")
    # No serum M-protein spike.
    if heavy is None:
        if w.flc is None:
            w.e.need("free_kappa", "free_lambda", "m_protein_heavy_chain")
            return w.undecided(["light_chain_mgus", "non_igm_mgus"])
        if flc_ratio_abnormal(w.flc) or (urine is not None and urine > 0):
            w.e.need("m_protein_heavy_chain")
            return w.undecided(
                ["light_chain_mgus", "non_igm_mgus"],
                "Light-chain MGUS needs immunofixation without a heavy chain "
                '(m_protein_heavy_chain "none").',
            )
        return clonal_without_m(w)
    # A heavy chain (not IgM) on immunofixation with no measurable spike is an M-protein.
    if urine is None:
        w.e.assume(
            "urine M-protein not recorded: smoldering myeloma by the urine criterion "
            "(≥ 500 mg/24 h) not excluded"
        )
    return w.done(
        "non_igm_mgus",
        note=f"{heavy} M-protein on immunofixation, not quantifiable by SPEP",
    )


def clonal_without_m(w: Walk) -> RuleResult:
    if w.flc is None:
        w.e.need("free_kappa", "free_lambda")
        return w.undecided(["light_chain_mgus", "no_plasma_cell_neoplasm"])
    if w.s.m_protein_heavy_chain is None:
        w.e.need("m_protein_heavy_chain")
    return w.undecided(
        ["light_chain_mgus", "no_plasma_cell_neoplasm"],
        "Clonal marrow plasma cells without a detectable M-protein or abnormal FLC ratio: "
        "not classified by IMWG 2014 (non-secretory disease); needs clinical review.",
    )


def light_chain_mgus(w: Walk, urine: float | None) -> RuleResult:
    s = w.s
    f = w.flc
    w.c("no heavy chain on immunofixation", True, "heavy chain: none")
    if f is None:
        w.e.need("free_kappa", "free_lambda")
        return w.undecided(["light_chain_mgus", "no_plasma_cell_neoplasm"])
    abnormal = flc_ratio_abnormal(f)
    w.c(
        FLC_ABNORMAL_TEXT,
        abnormal,
        f"κ/λ {fmt_ratio(f.kappa_lambda) if f.kappa_lambda is not None else 'undefined'}",
    )
    if not abnormal:
        return w.undecided(
            ["light_chain_mgus", "no_plasma_cell_neoplasm"],
            "Light chain only on immunofixation but a normal FLC ratio: light-chain MGUS "
            "needs an abnormal ratio (κ/λ < 0.26 or > 1.65); needs clinical review.",
        )
    if urine is None:
        w.e.need("urine_m_protein_24h")
        return w.undecided(["light_chain_mgus", "smoldering_multiple_myeloma"])
    w.c(URINE_MGUS_TEXT, True, s.shown("urine_m_protein_24h"))
    kl = f.kappa_lambda
    involved = "kappa" if kl is not None and ratio_gt(kl, FLC_RATIO_HIGH) else "lambda"
    w.e.assume(
        f"involved light chain ({involved}) assumed above its reference range: FLC "
        "reference limits are not recorded"
    )
    return w.done("light_chain_mgus", involved_light_chain=involved)


def igm(w: Walk, serum: float | None, bmpc: float) -> RuleResult:
    s = w.s
    if serum is None:
        w.e.need("serum_m_protein")
        return w.undecided(["igm_mgus"])
    serum_ok = w.c(
        IGM_SERUM_TEXT,
        lt(serum, SMM_SERUM_M),
        s.shown("serum_m_protein"),
    )
    marrow_ok = w.c(
        IGM_MARROW_TEXT,
        lt(bmpc, BMPC_MYELOMA),
        w.bmpc_shown(),
    )
    w.c("no anemia (IMWG 2014 anemia definition)", True, "anemia event not met")
    findings = s.igm_related_findings
    values = {} if findings is None else findings.model_dump()
    if values.get("hyperviscosity") is None and s.hyperviscosity is not None:
        # the snapshot's own hyperviscosity field (none / asymptomatic / symptomatic)
        values["hyperviscosity"] = s.hyperviscosity != "none"
    present = [k for k, v in values.items() if v is True]
    unknown = [
        k
        for k in (
            "constitutional_symptoms",
            "hyperviscosity",
            "lymphadenopathy",
            "hepatosplenomegaly",
        )
        if values.get(k) is None
    ]
    w.c(
        "no constitutional symptoms, hyperviscosity, lymphadenopathy or hepatosplenomegaly",
        False if present else (None if unknown else True),
        ", ".join(present) or ("not recorded: " + ", ".join(unknown) if unknown else "none"),
    )
    if not (serum_ok and marrow_ok) or present:
        return w.e.not_applicable(
            "IgM monoclonal gammopathy beyond IgM MGUS (M-protein ≥ 3 g/dL, marrow "
            "infiltration ≥ 10% or end-organ features): Waldenström macroglobulinemia "
            "criteria apply, which are outside IMWG 2014 plasma cell criteria (see the PDQ's "
            "Lymphoplasmacytic Lymphoma summary)."
        )
    if unknown:
        w.e.assume("IgM-related findings not recorded (" + ", ".join(unknown) + "): assumed absent")
    return w.done("igm_mgus")
