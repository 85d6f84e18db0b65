"""IMWG 2014 myeloma-defining events (Rajkumar 2014 Lancet Oncol, Panel 1), as one table.

CRAB (hypercalcemia, renal insufficiency, anemia, bone lesions) and the SLiM biomarkers (clonal
BMPC ≥ 60%, involved/uninvolved FLC ratio ≥ 100 with involved FLC ≥ 100 mg/L, > 1 focal lesion
on MRI). Thresholds: ../shared/reference/criteria-summary.md, "Diagnosis — IMWG 2014". The PDQ's
own list differs in places; the rule shows it beside (``detail.pdq_wording`` / ``pdq_difference``).

:data:`MDE_TABLE` holds the seven events in the order of Panel 1, one :class:`EventRow` each,
made of the threshold objects of domain/thresholds.py: the criterion text a user reads
("hypercalcemia: calcium > 1 mg/dL above the ULN or > 11 mg/dL") is printed from the row's
constants, and the inputs an undecided event needs are read from its criteria. What is clinical
and particular to an event is said in its row: the values derived from others (the creatinine
clearance, given or estimated by Cockcroft–Gault; the FLC ratio and involved chain), the bone
plasmacytoma counted as the osteolytic lesion (``also``), and how the value used is shown.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from myeloma_desk.domain.criteria.diagnosis.common import BMPC_MYELOMA, crcl, val
from myeloma_desk.domain.criteria.diagnosis.sources import COCKCROFT_GAULT_1976, RAJKUMAR_2014
from myeloma_desk.domain.display import field_label
from myeloma_desk.domain.flc import flc
from myeloma_desk.domain.logic import Tri
from myeloma_desk.domain.results import PDQ, Explanation, RuleResult
from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.domain.thresholds import (
    AllOf,
    AnyOf,
    Finding,
    RelativeThreshold,
    RowCriterion,
    Threshold,
    missing,
)
from myeloma_desk.domain.units import fmt

# --- The thresholds of Panel 1 (Rajkumar 2014) ----------------------------------------------
# Limits published in both unit systems are compared in the unit the value was entered in
# (domain/thresholds.py): 2.75 mmol/L and 177 µmol/L exactly do not meet them.
MARROW = "bone_marrow_plasma_cells_percent"
# Hypercalcemia: calcium > 1 mg/dL (0.25 mmol/L) higher than the ULN, or > 11 mg/dL (2.75 mmol/L).
CALCIUM_ABOVE_ULN = RelativeThreshold(
    "calcium", "calcium_upper_limit", "ULN", "calcium", ">", 1.0, "mg/dL", "above", {"mmol/L": 0.25}
)
CALCIUM_ABSOLUTE = Threshold("calcium", "calcium", ">", 11.0, "mg/dL", {"mmol/L": 2.75})
# Renal insufficiency: creatinine clearance < 40 mL/min, or serum creatinine > 2 mg/dL
# (177 µmol/L). The clearance is the one given, else estimated by Cockcroft–Gault (common.crcl).
CRCL_BELOW = Threshold("creatinine_clearance", "creatinine clearance", "<", 40.0, "mL/min")
CREATININE_ABOVE = Threshold("creatinine", "creatinine", ">", 2.0, "mg/dL", {"µmol/L": 177.0})
# Anemia: hemoglobin > 2 g/dL below the LLN, or hemoglobin < 10 g/dL.
HEMOGLOBIN_BELOW_LLN = RelativeThreshold(
    "hemoglobin", "hemoglobin_lower_limit", "LLN", "hemoglobin", ">", 2.0, "g/dL", "below"
)
HEMOGLOBIN_BELOW = Threshold("hemoglobin", "hemoglobin", "<", 10.0, "g/dL")
# Bone lesions: one or more osteolytic lesions on skeletal radiography, CT or PET-CT.
OSTEOLYTIC_LESIONS = Threshold(
    "lytic_lesions", "osteolytic lesion on radiography, CT or PET-CT", "≥", 1, "", counted=True
)
# SLiM: clonal BMPC ≥ 60%; involved/uninvolved FLC ratio ≥ 100 with the involved FLC ≥ 100 mg/L;
# > 1 focal lesion (each ≥ 5 mm) on MRI.
MARROW_60 = Threshold(MARROW, "clonal bone marrow plasma cells", "≥", 60.0, "%")
FLC_INPUTS = ("free_kappa", "free_lambda")
FLC_RATIO_100 = Threshold(
    "flc_ratio", "involved/uninvolved FLC ratio", "≥", 100.0, "", inputs=FLC_INPUTS
)
INVOLVED_FLC_100 = Threshold("involved_flc", "involved FLC", "≥", 100.0, "mg/L", inputs=FLC_INPUTS)
MRI_LESION_MM = 5  # a focal lesion counts from 5 mm
MRI_FOCAL_LESIONS = Threshold(
    "mri_focal_lesions",
    f"focal lesion (≥ {fmt(MRI_LESION_MM)} mm) on MRI",
    ">",
    1,
    "",
    counted=True,
)
# The footnote on bone lesions (see PLASMACYTOMA_AS_BONE_LESION): a biopsy-proven bone
# plasmacytoma is the lesion when the marrow has ≥ 10% clonal plasma cells.
BONE_PLASMACYTOMA = Finding(
    "bone_plasmacytoma", "biopsy-proven bone plasmacytoma", ("biopsy_proven_plasmacytoma",)
)
PLASMACYTOMA_WITH_MARROW = AllOf(
    (
        BONE_PLASMACYTOMA,
        Threshold(MARROW, "clonal bone marrow plasma cells", "≥", BMPC_MYELOMA, "%"),
    )
)
PDQ_SMM_WORDING = {
    "title": "Asymptomatic Plasma Cell Neoplasms (Smoldering Multiple Myeloma)",
    "criteria": [
        "Serum monoclonal protein immunoglobulin (Ig) G or IgA of at least 30 g/L or urinary "
        "monoclonal protein of at least 500 mg per 24 hours.",
        "Clonal bone marrow plasma cells 10% to 60% (>60% represents overt myeloma).",
        "Absence of amyloidosis or myeloma-defining events as follows: hypercalcemia greater "
        "than 1 mg/dL higher than reference range; creatinine greater than 2 mg/dL or "
        "creatinine clearance less than 40 mL/min; anemia with hemoglobin less than 10.0 g/dL; "
        "bone lesions (one or more) on skeletal radiography, CT or PET-CT; clonal plasma cell "
        "percentage in marrow at 60% or more; involved:uninvolved serum FLC ratio of 100 or "
        "more; more than one focal lesion of at least 5 mm on MRI of the spine.",
    ],
}
PDQ_MDE_DIFFERENCE = (
    "The PDQ's list is shorter than IMWG 2014 (Rajkumar 2014), which Myeloma Desk applies: the "
    "PDQ omits the absolute hypercalcemia limit (> 11 mg/dL), the anemia limit relative to the "
    "lower limit of normal (> 2 g/dL below it), and the condition that the involved FLC be "
    "≥ 100 mg/L; it restricts MRI to the spine; and it writes both '10% to 60%' and '60% or "
    "more' for the marrow (IMWG: ≥ 60% is a myeloma-defining event)."
)


class Event(NamedTuple):
    """One myeloma-defining event: met / unmet / unknown, the value used and the inputs needed.

    An immutable named tuple built without its Python-level ``__new__`` (issue 18: seven per
    assessment); ``label`` is the event in words, the head of its criterion ("renal
    insufficiency"), made once per row (:attr:`EventRow.label`).
    """

    name: str
    criterion: str
    met: Tri
    value: str | None
    needs: list[str]
    notes: list[str]
    label: str


_tuple_new = tuple.__new__


Derived = Mapping[str, float | None]
Shown = tuple[str | None, list[str]]  # the value shown, the notes
# How a row shows the value it used, and its notes: (row, snapshot, met, found), ``found``
# holding each criterion's result in the order checked, up to the first one met.
Describe = Callable[["EventRow", Snapshot, Tri, list[Tri]], Shown]
_NO_VALUES: Derived = {}


@dataclass(frozen=True)
class EventRow:
    """One row of Panel 1: the event's id (the interchange value), its name, its criteria.

    ``criteria`` is printed as the paper prints it (:attr:`criterion`). An 'or' is checked
    from its last criterion to its first: Panel 1 names the limit relative to the laboratory's
    range (or the clearance) first and the absolute limit, read from one value, last; checking
    that first means the one value is the first input asked for. ``also``: a further way to meet
    the event, from the paper's footnote, checked before the criteria and not printed.
    ``derive`` computes the values that are not snapshot fields (by field name); ``describe``
    shows the value used.
    """

    id: str
    name: str  # "" for a SLiM biomarker: its criterion names it
    criteria: RowCriterion
    describe: Describe
    derive: Callable[[Snapshot], Derived] | None = None
    also: RowCriterion | None = None

    @functools.cached_property
    def criterion(self) -> str:
        """The event as the user reads it: 'anemia: hemoglobin > 2 g/dL below the LLN or …'."""
        text = self.criteria.phrase()
        return f"{self.name}: {text}" if self.name else text

    @functools.cached_property
    def checked(self) -> tuple[RowCriterion, ...]:
        """The criteria in the order they are checked (any one met meets the event)."""
        first = () if self.also is None else (self.also,)
        if isinstance(self.criteria, AnyOf):
            return (*first, *reversed(self.criteria.criteria))
        return (*first, self.criteria)

    @functools.cached_property
    def shown_field(self) -> str:
        """The input whose value is shown: the first of the criterion checked last."""
        return self.checked[-1].needs[0]

    @functools.cached_property
    def needs(self) -> tuple[str, ...]:
        """Every input the row reads."""
        return tuple(dict.fromkeys(n for c in self.checked for n in c.needs))

    @functools.cached_property
    def label(self) -> str:
        """The event in words, the head of its criterion ("renal insufficiency")."""
        return self.criterion.partition(": ")[0]

    def evaluate(self, s: Snapshot) -> Event:
        """The event for ``s``: met when one criterion is (three-valued OR, in the order
        checked; the criteria have no side effects, so the first one met settles it)."""
        derive = self.derive
        derived = _NO_VALUES if derive is None else derive(s)
        found: list[Tri] = []
        met: Tri = False
        for c in self.checked:
            v = c.assess(s, derived)
            found.append(v)
            if v is True:
                met = True
                break
            if v is None:
                met = None
        needs: list[str] = []
        if met is None:
            for c, v in zip(self.checked, found, strict=True):
                if v is None:
                    for n in missing(c, s, derived):
                        if n not in needs:
                            needs.append(n)
        value, notes = self.describe(self, s, met, found)
        return _tuple_new(Event, (self.id, self.criterion, met, value, needs, notes, self.label))


# When the relative limit is needed: the value does not meet the absolute limit.
_NEEDED = {">": "below {}", "<": "at {} or more", "≥": "below {}", "≤": "above {}"}


def _against_lab_limit(row: EventRow, s: Snapshot, met: Tri, found: list[Tri]) -> Shown:
    """Hypercalcemia, anemia: an absolute limit, or a difference from the laboratory's limit."""
    # The row's 'or' as checked: the absolute limit, then the relative one (MDE_TABLE's rows).
    absolute: Threshold = row.checked[0]  # type: ignore[assignment]
    relative: RelativeThreshold = row.checked[1]  # type: ignore[assignment]
    if found[0] is None:  # the value itself is not recorded
        return None, []
    shown = s.shown(absolute.field)
    if found[0]:
        # The limit in the unit the value was entered in, if the paper gives it there.
        quantity = getattr(s, absolute.field)
        return f"{shown} ({absolute.limit_text_in(quantity.unit)})", []
    if found[1] is None:  # the value is, so its laboratory limit is not
        needed = _NEEDED[absolute.op].format(fmt(absolute.value, absolute.unit))
        return f"{shown}; {relative.limit_name} not recorded (needed {needed})", []
    difference = relative.difference(s)  # the one its criterion computed
    assert difference is not None
    limit = f"{relative.limit_name} {s.shown(relative.limit_field)}"
    return f"{shown}, {limit}: {relative.relation(*difference)}", []


def _clearance(s: Snapshot) -> tuple[float | None, str, list[str]]:
    return s.derived("diagnosis.events.crcl", crcl)


def _renal_values(s: Snapshot) -> Derived:
    return {CRCL_BELOW.field: _clearance(s)[0]}


def _renal(row: EventRow, s: Snapshot, met: Tri, found: list[Tri]) -> Shown:
    """The creatinine and the clearance used, and how the clearance was obtained."""
    clearance, clearance_shown, cg_needs = _clearance(s)
    creatinine = val(s, CREATININE_ABOVE.field)
    parts = []
    if creatinine is not None:
        parts.append(f"creatinine {s.shown('creatinine')}")
    if clearance is not None:
        parts.append(f"CrCl {clearance_shown}")
    notes = []
    if s.creatinine_clearance is None and clearance is not None:
        notes.append("creatinine clearance estimated by Cockcroft–Gault (none was given)")
    if met is None and clearance is None and creatinine is not None:
        notes.append(
            "creatinine clearance not given and not estimable (Cockcroft–Gault needs "
            + ", ".join(field_label(n, with_unit=True).lower() for n in cg_needs)
            + ")"
        )
    return "; ".join(parts) or None, notes


# Rajkumar 2014 (IMWG), the definition of multiple myeloma, quoted as published reprints of the
# criteria table give it (checked with the search tool 2026-12-03: AAFP 2017 table; PMC5678219
# table 1): "Clonal bone marrow plasma cells ≥ 10% or biopsy-proven bony or extramedullary
# plasmacytoma" and any myeloma-defining event, the bone event being "one or more osteolytic
# lesions on skeletal radiography, CT, or PET-CT". The footnote read for clonal BMPC < 10% (more
# than one bone lesion needed, else solitary plasmacytoma with minimal marrow involvement) was
# not found in any source the search tool holds: the note says so.
PLASMACYTOMA_AS_BONE_LESION = (
    "the biopsy-proven bone plasmacytoma is counted as the osteolytic lesion. IMWG 2014 "
    "(Rajkumar 2014) defines multiple myeloma as “clonal bone marrow plasma cells ≥ 10% or "
    "biopsy-proven bony or extramedullary plasmacytoma” with a myeloma-defining event, the bone "
    "event being “one or more osteolytic lesions on skeletal radiography, CT, or PET-CT” (wording "
    "checked against published copies of the criteria table). With clonal marrow plasma cells "
    f"below {fmt(BMPC_MYELOMA)}% a further lesion is required here (solitary plasmacytoma with "
    "minimal marrow involvement otherwise): that footnote could not be verified against the "
    "paper's text"
)


def _plasmacytoma_values(s: Snapshot) -> Derived:
    return {BONE_PLASMACYTOMA.field: s.biopsy_proven_plasmacytoma == "bone"}


def _bone_lesions(row: EventRow, s: Snapshot, met: Tri, found: list[Tri]) -> Shown:
    """≥ 1 osteolytic lesion (Rajkumar 2014, Panel 1), counting a biopsied bone plasmacytoma.

    ``lytic_lesions`` never counts the biopsied plasmacytoma (assessment-interchange.md). IMWG
    2014 (Rajkumar 2014 Lancet Oncol, Panel 1 and its footnote on bone lesions): active myeloma
    is clonal BMPC ≥ 10% *or a biopsy-proven bony plasmacytoma* with ≥ 1 myeloma-defining event,
    the bone-lesion event being ≥ 1 osteolytic lesion; when the marrow has < 10% clonal plasma
    cells, more than one bone lesion is needed to tell myeloma from a solitary plasmacytoma with
    minimal marrow involvement. So with clonal BMPC ≥ 10% the bone plasmacytoma is the lesion
    (the row's ``also``); below 10% one further lesion (``lytic_lesions`` ≥ 1) is needed, as
    without the plasmacytoma.
    """
    counts = found[0]  # the plasmacytoma with ≥ 10% clonal marrow plasma cells (``also``)
    if counts or (counts is None and met is None):  # the plasmacytoma decides, or may
        lesions = val(s, OSTEOLYTIC_LESIONS.field)
        further = (
            "further lesions not recorded"
            if lesions is None
            else f"{s.shown('lytic_lesions')} further lesions"
        )
        value = f"bone plasmacytoma and {further}"
        return (value if counts else f"{value}; marrow not recorded"), [PLASMACYTOMA_AS_BONE_LESION]
    return _lesions(row, s, met, found)


def _counted(things: str) -> Describe:
    """A count shown with what it counts: '3 focal lesions'."""

    def describe(row: EventRow, s: Snapshot, met: Tri, found: list[Tri]) -> Shown:
        return (None if found[-1] is None else f"{s.shown(row.shown_field)} {things}"), []

    return describe


_lesions = _counted("lesions")


def _shown(row: EventRow, s: Snapshot, met: Tri, found: list[Tri]) -> Shown:
    return (None if found[-1] is None else s.shown(row.shown_field)), []


def _flc_values(s: Snapshot) -> Derived:
    f = flc(s)
    if f is None:
        return {FLC_RATIO_100.field: None, INVOLVED_FLC_100.field: None}
    # Both chains 0: no ratio, and no ratio of 100 (0 stands for it: it meets no ≥ limit).
    ratio = 0.0 if f.ratio is None else f.ratio
    return {FLC_RATIO_100.field: ratio, INVOLVED_FLC_100.field: f.involved_value}


def _flc(row: EventRow, s: Snapshot, met: Tri, found: list[Tri]) -> Shown:
    f = flc(s)
    if f is None:
        return None, []
    if f.ratio is None:
        return f"{f.describe(s)} (both chains 0)", []
    return f"{f.describe(s)}; involved {fmt(f.involved_value, INVOLVED_FLC_100.unit)}", []


# Panel 1 of Rajkumar 2014, row by row, in its order.
MDE_TABLE: tuple[EventRow, ...] = (
    EventRow(
        "hypercalcemia",
        "hypercalcemia",
        AnyOf((CALCIUM_ABOVE_ULN, CALCIUM_ABSOLUTE)),
        _against_lab_limit,
    ),
    EventRow(
        "renal_insufficiency",
        "renal insufficiency",
        AnyOf((CRCL_BELOW, CREATININE_ABOVE)),
        _renal,
        derive=_renal_values,
    ),
    EventRow(
        "anemia",
        "anemia",
        AnyOf((HEMOGLOBIN_BELOW_LLN, HEMOGLOBIN_BELOW)),
        _against_lab_limit,
    ),
    EventRow(
        "bone_lesions",
        "bone lesions",
        OSTEOLYTIC_LESIONS,
        _bone_lesions,
        derive=_plasmacytoma_values,
        also=PLASMACYTOMA_WITH_MARROW,
    ),
    EventRow("bmpc_60", "", MARROW_60, _shown),
    EventRow(
        "flc_ratio_100",
        "",
        AllOf((FLC_RATIO_100, INVOLVED_FLC_100), joiner=" with "),
        _flc,
        derive=_flc_values,
    ),
    EventRow("mri_focal_lesions", "", MRI_FOCAL_LESIONS, _counted("focal lesions")),
)

# Each event's id (the interchange value) and its name in words, the head of its criterion.
EVENT_LABELS: dict[str, str] = {row.id: row.name or row.criterion for row in MDE_TABLE}


def myeloma_defining_events(s: Snapshot) -> list[Event]:
    """The seven myeloma-defining events of IMWG 2014, in the order of Panel 1 (memoized)."""
    return s.derived("diagnosis.events", _evaluate_events)


def _evaluate_events(s: Snapshot) -> list[Event]:
    return [row.evaluate(s) for row in MDE_TABLE]


MDE_SOURCES = (RAJKUMAR_2014, PDQ)


def mde_result(s: Snapshot, e: Explanation) -> RuleResult:
    """The seven IMWG 2014 myeloma-defining events, each with the value that met it.

    The result is the list of met events. It is determined when every event is known, or when at
    least one is met (then ``detail.not_assessed`` names the events that could not be assessed:
    the list is not complete, but the presence of an MDE is settled). ``e`` is the rule's
    explanation (its registration's sources: :data:`MDE_SOURCES`).
    """
    events = myeloma_defining_events(s)
    met: list[str] = []
    unknown: list[str] = []
    values: dict[str, str | None] = {}
    notes: list[str] = []
    criterion = e.criterion
    for ev in events:
        criterion(ev.criterion, ev.met, ev.value)
        if ev.met:
            met.append(ev.name)
            values[ev.name] = ev.value
        elif ev.met is None:
            unknown.append(ev.name)
            e.need(*ev.needs)
        if ev.notes:
            if ev.name == "renal_insufficiency":  # the renal notes are about Cockcroft–Gault
                e.sources.append(COCKCROFT_GAULT_1976.label)
            notes.extend(ev.notes)
    # Written straight into the rule's (fresh, empty) detail, in the order the result prints it.
    detail = e.detail
    undetermined = bool(unknown) and not met
    if undetermined:
        detail["not_assessed"] = unknown
    detail["values"] = values
    detail["pdq_wording"] = PDQ_SMM_WORDING
    detail["pdq_difference"] = PDQ_MDE_DIFFERENCE
    detail["note"] = ATTRIBUTION_NOTE
    if notes:
        detail["notes"] = notes
    if undetermined:
        return e.cannot_determine()
    if unknown:
        detail["not_assessed"] = unknown
        detail["complete"] = False
    else:
        detail["complete"] = True
    return e.determined(met)


ATTRIBUTION_NOTE = (
    "CRAB events count only when attributable to the plasma cell disorder; "
    "Myeloma Desk cannot judge attribution: that is the clinician's judgement."
)
