"""Active multiple myeloma and plasma cell leukemia (IMWG 2021, Fernández de Larrea 2021 Blood
Cancer J: ≥ 5% circulating plasma cells in a patient meeting myeloma criteria; the PDQ's > 2%,
Jelinek 2023, is noted as plasma cell leukemia-like disease)."""

from __future__ import annotations

from myeloma_desk.domain.criteria.diagnosis.common import val
from myeloma_desk.domain.criteria.diagnosis.context import Walk
from myeloma_desk.domain.criteria.diagnosis.sources import JELINEK_2023
from myeloma_desk.domain.results import RuleResult
from myeloma_desk.domain.units import fmt, ge, gt

PCL_CIRCULATING = 5.0  # IMWG 2021: ≥ 5% circulating plasma cells = plasma cell leukemia
PCL_LIKE_CIRCULATING = 2.0  # the PDQ (Jelinek 2023): > 2% = PCL-like, ultra-high risk


def active_myeloma(w: Walk) -> RuleResult:
    s = w.s
    detail: dict[str, object] = {"events": [ev.name for ev in w.mde_met]}
    cpc = val(s, "circulating_plasma_cells_percent")
    if cpc is None:
        w.e.assume("circulating plasma cells not recorded: plasma cell leukemia not assessed")
        return w.done("active_multiple_myeloma", **detail)
    pcl = w.c(
        PCL_TEXT,
        ge(cpc, PCL_CIRCULATING),
        s.shown("circulating_plasma_cells_percent"),
    )
    if pcl:
        return w.done("plasma_cell_leukemia", **detail)
    if gt(cpc, PCL_LIKE_CIRCULATING):
        w.e.sources.append(JELINEK_2023.label)
        detail["pdq_note"] = (
            "The PDQ: more than 2% circulating tumor plasma cells defines plasma cell "
            "leukemia-like, ultra-high-risk disease (Jelinek 2023); IMWG 2021 keeps 5% for "
            "the diagnosis of plasma cell leukemia."
        )
    return w.done("active_multiple_myeloma", **detail)


# Criterion texts built once from the constants they name (issue 18: not formatted on every
# call).
PCL_TEXT = f"circulating plasma cells ≥ {fmt(PCL_CIRCULATING)}% (plasma cell leukemia, IMWG 2021)"
