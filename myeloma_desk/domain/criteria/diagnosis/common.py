"""Facts the diagnosis criteria sets share: values, creatinine clearance, monoclonality."""

from __future__ import annotations

from myeloma_desk.domain.criteria.renal import cockcroft_gault
from myeloma_desk.domain.flc import Flc, flc_ratio_abnormal
from myeloma_desk.domain.logic import Tri, tri_any
from myeloma_desk.domain.snapshot import Snapshot, _Measured
from myeloma_desk.domain.units import fmt

# --- Entities (Rajkumar 2014 Lancet Oncol, Panel 2) ---------------------------------------
BMPC_MYELOMA = 10.0  # active myeloma and SMM: clonal BMPC ≥ 10%; MGUS and plasmacytoma: < 10%
SMM_SERUM_M = 3.0  # SMM: serum M-protein (IgG or IgA) ≥ 3 g/dL; MGUS: < 3 g/dL
SMM_URINE_M = 500.0  # SMM: urine M-protein ≥ 500 mg/24 h; light-chain MGUS: < 500 mg/24 h


# val(s, name): the canonical value of ``name`` (converted once per snapshot), Snapshot.get
# itself rather than a function calling it: rules call it tens of times per assessment.
val = _Measured.get


def crcl(s: Snapshot) -> tuple[float | None, str, list[str]]:
    """Creatinine clearance in mL/min: given, or Cockcroft–Gault from age, weight, sex, Scr.

    Returns (value, how it was obtained, inputs missing for an estimate).
    """
    given = val(s, "creatinine_clearance")
    if given is not None:
        return given, s.shown("creatinine_clearance"), []
    creatinine = val(s, "creatinine")
    weight = val(s, "weight")
    age, sex = s.age_years, s.sex
    if age is None or weight is None or sex is None or creatinine is None:
        needs = [
            name
            for name, value in (
                ("age_years", age),
                ("weight", weight),
                ("sex", sex),
                ("creatinine", creatinine),
            )
            if value is None
        ]
        return None, "not recorded", needs
    # One Cockcroft–Gault implementation for the whole engine (criteria/renal.py).
    estimate = cockcroft_gault(s)
    if estimate is None:  # under 18: the formula is for adults
        return None, "not recorded (Cockcroft–Gault applies to adults)", ["creatinine_clearance"]
    value = max(estimate, 0.0)
    return value, f"{fmt(round(value, 1))} mL/min (Cockcroft–Gault estimate)", []


def yes_no(value: Tri) -> str:
    return "not recorded" if value is None else ("yes" if value else "no")


def monoclonal_evidence(s: Snapshot, f: Flc | None) -> Tri:
    """Evidence of a monoclonal disorder: M-protein, abnormal FLC ratio or clonal plasma cells."""
    serum = val(s, "serum_m_protein")
    urine = val(s, "urine_m_protein_24h")
    bmpc = val(s, "bone_marrow_plasma_cells_percent")
    abnormal = None if f is None else flc_ratio_abnormal(f)
    signs: list[Tri] = [
        None if serum is None else serum > 0,
        None if urine is None else urine > 0,
        abnormal,
        None if bmpc is None else bmpc > 0,
        s.clonality_proven,
        True if s.m_protein_heavy_chain not in (None, "none") else None,
    ]
    return tri_any(signs)
