"""AL amyloidosis (IMWG 2014, Rajkumar 2014 Lancet Oncol): all four criteria must be met."""

from __future__ import annotations

from myeloma_desk.domain.criteria.diagnosis.common import yes_no
from myeloma_desk.domain.logic import Tri, tri_all
from myeloma_desk.domain.snapshot import Snapshot


def al_amyloidosis(s: Snapshot, monoclonal: Tri) -> tuple[Tri, list[tuple[str, Tri, str]]]:
    """IMWG 2014 AL amyloidosis: all four criteria (None if undecided)."""
    a = s.amyloidosis
    if a is None:
        return None, []  # not recorded: an assumption, no criteria to list
    organs = a.organs
    rows: list[tuple[str, Tri, str]] = [
        (
            "AL amyloidosis: amyloid-related systemic syndrome (organ involvement)",
            None if organs is None else bool(organs),
            "not recorded" if organs is None else (", ".join(organs) or "none"),
        ),
        (
            "AL amyloidosis: amyloid shown by Congo red in any tissue",
            a.biopsy_proven,
            yes_no(a.biopsy_proven),
        ),
        (
            "AL amyloidosis: light-chain related (mass spectrometry or immunoelectron microscopy)",
            a.light_chain_typed,
            yes_no(a.light_chain_typed),
        ),
        (
            "AL amyloidosis: evidence of a monoclonal plasma cell disorder",
            monoclonal,
            yes_no(monoclonal),
        ),
    ]
    return tri_all(r[1] for r in rows), rows
