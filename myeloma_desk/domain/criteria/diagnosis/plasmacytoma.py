"""Solitary plasmacytoma of bone, extramedullary plasmacytoma and solitary plasmacytoma with
minimal marrow involvement (IMWG 2014, Rajkumar 2014 Lancet Oncol, Panel 2)."""

from __future__ import annotations

from myeloma_desk.domain.criteria.diagnosis.common import BMPC_MYELOMA, val
from myeloma_desk.domain.criteria.diagnosis.context import Walk
from myeloma_desk.domain.criteria.diagnosis.events import PLASMACYTOMA_AS_BONE_LESION
from myeloma_desk.domain.criteria.diagnosis.imwg2014 import precursor
from myeloma_desk.domain.logic import Tri
from myeloma_desk.domain.results import RuleResult
from myeloma_desk.domain.units import ge, gt


def plasmacytoma(w: Walk, site: str) -> RuleResult:
    s = w.s
    # MRI may be replaced by CT for the imaging work-up (IMWG 2014), so an unrecorded MRI
    # does not block; every other unknown event could turn this into active myeloma.
    crab_unknown = [ev for ev in w.mde_unknown if ev.name != "mri_focal_lesions"]
    if w.bmpc is None or crab_unknown:
        if w.bmpc is None:
            w.e.need("bone_marrow_plasma_cells_percent")
        for ev in crab_unknown:
            w.e.need(*ev.needs)
        possible = [plasmacytoma_result(site, 0.0), "solitary_plasmacytoma_minimal_marrow"]
        if crab_unknown:
            possible.append("active_multiple_myeloma")
        return w.undecided(possible)
    if ge(w.bmpc, BMPC_MYELOMA):
        # ≥ 10% clonal cells and no MDE: not solitary; smoldering myeloma criteria apply.
        w.e.detail["plasmacytoma_note"] = (
            f"A {site} plasmacytoma with clonal BMPC ≥ 10% is not solitary (IMWG 2014)."
        )
        return precursor(w)
    mri = val(s, "mri_focal_lesions")
    if mri is None:
        w.e.assume(
            "MRI not recorded: the imaging criterion rests on CT/PET-CT/radiography "
            "(IMWG 2014 accepts MRI or CT of spine and pelvis)"
        )
    elif gt(mri, 0):
        w.c("no lesion on MRI apart from the primary", False, s.shown("mri_focal_lesions"))
        return w.undecided(
            [plasmacytoma_result(site, w.bmpc), "active_multiple_myeloma"],
            "One further focal lesion on MRI: not solitary, but not a myeloma-defining "
            "event (> 1 is needed). Needs clinical review.",
        )
    w.c(
        "normal skeletal survey and MRI/CT apart from the primary lesion",
        True,
        f"lytic lesions {s.shown('lytic_lesions')}; MRI focal lesions "
        f"{s.shown('mri_focal_lesions')}",
    )
    minimal = gt(w.bmpc, 0)
    w.c(
        "marrow without clonal plasma cells (else minimal involvement: clonal BMPC < 10%)",
        not minimal,
        w.bmpc_shown(),
    )
    return w.done(plasmacytoma_result(site, w.bmpc), site=site)


def note_bone_lesion(w: Walk) -> None:
    """When active myeloma rests on the bone plasmacytoma counted as the osteolytic lesion, the
    diagnosis says so, with the IMWG 2014 wording and what could not be verified."""
    for ev in w.mde_met:
        if PLASMACYTOMA_AS_BONE_LESION in ev.notes:
            w.e.detail["plasmacytoma_note"] = ACTIVE_MYELOMA_BONE_NOTE
            return


ACTIVE_MYELOMA_BONE_NOTE = "Active myeloma: " + PLASMACYTOMA_AS_BONE_LESION + "."


def none_if(bmpc_10: Tri, plasmacytoma: str | None) -> Tri:
    """False only when both the marrow and the plasmacytoma are known to be negative."""
    if bmpc_10 is False and plasmacytoma == "none":
        return False
    return None


def plasmacytoma_result(site: str, bmpc: float) -> str:
    if gt(bmpc, 0):
        return "solitary_plasmacytoma_minimal_marrow"
    return "extramedullary_plasmacytoma" if site == "extramedullary" else "solitary_plasmacytoma"
