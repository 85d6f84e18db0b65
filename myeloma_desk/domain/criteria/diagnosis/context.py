"""The facts of one diagnosis evaluation, gathered once, and the explanation it builds.

Every criteria set (imwg2014.py, plasmacytoma.py, pcl.py) reads the same facts; none of them
keeps state of its own. Which other entities the patient also meets (``detail.also_meets``) is
derived from the facts when the result is built, not accumulated along the way.
"""

from __future__ import annotations

from myeloma_desk.domain.criteria.diagnosis.al import al_amyloidosis
from myeloma_desk.domain.criteria.diagnosis.common import monoclonal_evidence, val
from myeloma_desk.domain.criteria.diagnosis.events import Event, myeloma_defining_events
from myeloma_desk.domain.criteria.diagnosis.poems import poems
from myeloma_desk.domain.criteria.diagnosis.sources import (
    DISPENZIERI_2019,
    FERNANDEZ_DE_LARREA_2021,
    RAJKUMAR_2014,
)
from myeloma_desk.domain.flc import flc
from myeloma_desk.domain.logic import Tri
from myeloma_desk.domain.results import PDQ, Explanation, RuleResult
from myeloma_desk.domain.snapshot import Snapshot

TITLE = "Diagnosis (IMWG 2014; plasma cell leukemia IMWG 2021)"
DIAGNOSIS_SOURCES = (RAJKUMAR_2014, FERNANDEZ_DE_LARREA_2021, DISPENZIERI_2019, PDQ)
# The precursor states still open when myeloma is not established (in this order in results).
PRECURSORS = ("smoldering_multiple_myeloma", "non_igm_mgus", "igm_mgus", "light_chain_mgus")


class Walk:
    """The facts of one snapshot for the diagnosis, and its explanation."""

    def __init__(self, s: Snapshot, e: Explanation) -> None:
        self.s = s
        self.e = e  # the diagnosis rule's explanation (registered with DIAGNOSIS_SOURCES)
        self.events = events = myeloma_defining_events(s)
        # The events met and not assessed, listed once (the walk reads them several times).
        self.mde_met: list[Event] = []
        self.mde_unknown: list[Event] = []
        for ev in events:
            if ev.met:
                self.mde_met.append(ev)
            elif ev.met is None:
                self.mde_unknown.append(ev)
        self.flc = flc(s)
        self.bmpc = val(s, "bone_marrow_plasma_cells_percent")
        # Evidence of a monoclonal disorder is a criterion of AL amyloidosis and of POEMS only:
        # read when either is recorded (neither is assessed otherwise).
        self.monoclonal = (
            None if s.amyloidosis is None and s.poems is None else monoclonal_evidence(s, self.flc)
        )
        self.al, self.al_rows = al_amyloidosis(s, self.monoclonal)
        self.poems, self.poems_rows = poems(s, self.monoclonal)

    def c(self, name: str, met: Tri, value: str | None = None) -> Tri:
        return self.e.criterion(name, met, value)

    def record_events(self) -> None:
        """One line for the seven events (each is itemised by myeloma_defining_events)."""
        met = self.mde_met
        unknown = self.mde_unknown
        parts = [f"{ev.label} ({ev.value})" for ev in met]
        if unknown:
            parts.append("not assessed: " + ", ".join(ev.label for ev in unknown))
        status: Tri = True if met else (None if unknown else False)
        self.c(
            "≥ 1 myeloma-defining event (CRAB or SLiM; see Myeloma-defining events)",
            status,
            "; ".join(parts) if parts else "none of the seven",
        )

    def need_events(self) -> None:
        for ev in self.mde_unknown:
            self.e.need(*ev.needs)

    def bmpc_shown(self) -> str:
        return self.s.shown("bone_marrow_plasma_cells_percent")

    def also_meets(self, result: str) -> list[str]:
        """Entities met besides ``result``: AL amyloidosis and POEMS (reported after myeloma in
        the order of precedence), and active myeloma under plasma cell leukemia."""
        also: list[str] = []
        if self.al and result != "al_amyloidosis":
            also.append("al_amyloidosis")
        if self.poems and result != "poems_syndrome":
            also.append("poems_syndrome")
        if result == "plasma_cell_leukemia":
            also.append("active_multiple_myeloma")
        return also

    def done(self, result: str, **detail: object) -> RuleResult:
        also = self.also_meets(result)
        if also:
            detail["also_meets"] = also
        return self.e.determined(result, **detail)

    def undecided(self, possible: list[str], reason: str | None = None) -> RuleResult:
        detail: dict[str, object] = {"possible": possible}
        if reason:
            detail["reason"] = reason
        return self.e.cannot_determine(**detail)

    def exclusions(self) -> None:
        """Assumptions for rarely recorded exclusions (amyloidosis, POEMS)."""
        if self.al is None:
            self.e.assume(
                "AL amyloidosis criteria not fully recorded: amyloidosis assumed absent"
                if self.s.amyloidosis is not None
                else "amyloidosis not recorded: assumed absent"
            )
        if self.poems is None:
            self.e.assume(
                "POEMS features not fully recorded: POEMS syndrome not assessed"
                if self.s.poems is not None
                else "POEMS features not recorded: POEMS syndrome not assessed"
            )
