"""The diagnosis: the order of precedence over the criteria sets (IMWG 2014; IMWG 2021 PCL).

Order of precedence when several entities are met (documented in docs/assess.md): plasma cell
leukemia > active multiple myeloma > AL amyloidosis > POEMS syndrome > solitary / extramedullary
plasmacytoma > smoldering myeloma > MGUS > no plasma cell neoplasm. Entities met besides the
reported one are listed in ``detail.also_meets``.
"""

from __future__ import annotations

from myeloma_desk.domain.criteria.diagnosis.common import BMPC_MYELOMA
from myeloma_desk.domain.criteria.diagnosis.context import PRECURSORS, Walk
from myeloma_desk.domain.criteria.diagnosis.imwg2014 import no_neoplasm, precursor
from myeloma_desk.domain.criteria.diagnosis.pcl import active_myeloma
from myeloma_desk.domain.criteria.diagnosis.plasmacytoma import (
    none_if,
    note_bone_lesion,
    plasmacytoma,
)
from myeloma_desk.domain.logic import Tri
from myeloma_desk.domain.results import Explanation, RuleResult
from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.domain.units import fmt, ge

# Criterion texts built once from the constants they name (issue 18: not formatted on every
# call).
CLONAL_BASIS_TEXT = f"clonal BMPC ≥ {fmt(BMPC_MYELOMA)}% or biopsy-proven plasmacytoma"


def run(w: Walk) -> RuleResult:
    """Walk the order of precedence (module docstring) over the facts gathered in ``w``."""
    s = w.s
    w.record_events()
    site = s.biopsy_proven_plasmacytoma
    has_plasmacytoma = site in ("bone", "extramedullary")
    bmpc_10: Tri = None if w.bmpc is None else ge(w.bmpc, BMPC_MYELOMA)
    clonal_basis = w.c(
        CLONAL_BASIS_TEXT,
        True if (bmpc_10 or has_plasmacytoma) else none_if(bmpc_10, site),
        f"BMPC {w.bmpc_shown()}; plasmacytoma {site or 'not recorded'}",
    )
    any_mde = bool(w.mde_met)
    for status, rows in ((w.al, w.al_rows), (w.poems, w.poems_rows)):
        if status is not None:  # undecided exclusions are listed as assumptions instead
            for name, met, value in rows:
                w.c(name, met, value)

    # 1. Active multiple myeloma (and plasma cell leukemia)
    if any_mde and clonal_basis:
        note_bone_lesion(w)
        return active_myeloma(w)
    # 2. AL amyloidosis, 3. POEMS
    if w.al:
        return w.done("al_amyloidosis")
    if w.poems:
        return w.done("poems_syndrome")
    w.exclusions()
    # 4. Solitary / extramedullary plasmacytoma
    if site == "bone" or site == "extramedullary":
        return plasmacytoma(w, site)
    if any_mde:
        # An MDE without the clonal basis for myeloma.
        if clonal_basis is None:
            if w.bmpc is None:
                w.e.need("bone_marrow_plasma_cells_percent")
            if site is None:
                w.e.need("biopsy_proven_plasmacytoma")
            return w.undecided(["active_multiple_myeloma", *PRECURSORS])
        return w.undecided(
            list(PRECURSORS),
            "A myeloma-defining event is present, but clonal BMPC are below 10% and no "
            "plasmacytoma is biopsy-proven: not active myeloma by IMWG 2014. MGUS and "
            "smoldering myeloma require the event not to be attributable to the plasma "
            "cell disorder (biopsy of a lesion or clinical review needed).",
        )
    if site is None:
        w.e.assume("biopsy-proven plasmacytoma not recorded: assumed none")
    # 5. No plasma cell neoplasm (no M-protein, normal FLC ratio, no clonal marrow cells)
    none_found = no_neoplasm(w)
    if none_found is not None:
        return none_found
    if w.mde_unknown:
        w.need_events()
        if bmpc_10:
            return w.undecided(["active_multiple_myeloma", "smoldering_multiple_myeloma"])
        return w.undecided(["active_multiple_myeloma", *PRECURSORS])
    # 6. Smoldering myeloma / MGUS (every MDE known and absent)
    return precursor(w)


TREATED_NOTE = (
    "lines of therapy are recorded: the IMWG 2014 criteria describe disease before treatment, "
    "and values measured after treatment can understate it; assess the pre-treatment visit "
    "for the diagnosis"
)


def evaluate(s: Snapshot, e: Explanation) -> RuleResult:
    """The diagnosis, with a note when lines of therapy are recorded."""
    result = run(Walk(s, e))
    if not s.therapy_lines:
        return result
    detail = dict(result.detail)
    detail["assumptions"] = [*detail.get("assumptions", []), TREATED_NOTE]
    return result._replace(detail=detail)
