"""IMWG 2014 myeloma-defining events (Rajkumar 2014 Lancet Oncol, Panel 1), one by one.

CRAB (hypercalcemia, renal insufficiency, anemia, bone lesions) and the SLiM biomarkers (clonal
BMPC ≥ 60%, involved/uninvolved FLC ratio ≥ 100 with involved FLC ≥ 100 mg/L, > 1 focal lesion
on MRI). Thresholds: ../shared/reference/criteria-summary.md, "Diagnosis — IMWG 2014". The PDQ's
own list differs in places; the rule shows it beside (``detail.pdq_wording`` / ``pdq_difference``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from myeloma_desk.domain.criteria.diagnosis.common import BMPC_MYELOMA, crcl, val
from myeloma_desk.domain.criteria.diagnosis.sources import COCKCROFT_GAULT_1976, RAJKUMAR_2014
from myeloma_desk.domain.display import field_label
from myeloma_desk.domain.flc import flc, ratio_ge
from myeloma_desk.domain.logic import Tri
from myeloma_desk.domain.results import PDQ, Explanation, RuleResult
from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.domain.thresholds import RelativeThreshold, Threshold
from myeloma_desk.domain.units import fmt, ge, gt, lt, sub

# --- Myeloma-defining events (Rajkumar 2014, Panel 1) -------------------------------------
# Limits published in both unit systems are compared in the unit the value was entered in
# (domain/thresholds.py): 2.75 mmol/L and 177 µmol/L exactly do not meet them.
HYPERCALCEMIA_ABOVE_ULN = 1.0  # calcium > 1 mg/dL (0.25 mmol/L) above the ULN
HYPERCALCEMIA_ABOVE_ULN_MMOL = 0.25
HYPERCALCEMIA_ABSOLUTE = 11.0  # or calcium > 11 mg/dL (2.75 mmol/L)
HYPERCALCEMIA_ABSOLUTE_MMOL = 2.75
RENAL_CRCL = 40.0  # creatinine clearance < 40 mL/min
RENAL_CREATININE = 2.0  # or serum creatinine > 2 mg/dL (177 µmol/L)
RENAL_CREATININE_UMOL = 177.0
CALCIUM_ABSOLUTE = Threshold(
    "calcium",
    "calcium",
    ">",
    HYPERCALCEMIA_ABSOLUTE,
    "mg/dL",
    {"mmol/L": HYPERCALCEMIA_ABSOLUTE_MMOL},
)
CALCIUM_ABOVE_ULN = RelativeThreshold(
    "calcium",
    "calcium_upper_limit",
    "ULN",
    "calcium",
    ">",
    HYPERCALCEMIA_ABOVE_ULN,
    "mg/dL",
    "above",
    {"mmol/L": HYPERCALCEMIA_ABOVE_ULN_MMOL},
)
CREATININE_ABOVE = Threshold(
    "creatinine", "creatinine", ">", RENAL_CREATININE, "mg/dL", {"µmol/L": RENAL_CREATININE_UMOL}
)
ANEMIA_BELOW_LLN = 2.0  # hemoglobin > 2 g/dL below the LLN
ANEMIA_ABSOLUTE = 10.0  # or hemoglobin < 10 g/dL
BONE_LESIONS_MIN = 1  # ≥ 1 osteolytic lesion on radiography, CT or PET-CT
BMPC_SLIM = 60.0  # clonal BMPC ≥ 60%
FLC_RATIO_SLIM = 100.0  # involved/uninvolved FLC ratio ≥ 100 ...
FLC_INVOLVED_SLIM = 100.0  # ... with the involved FLC ≥ 100 mg/L
MRI_LESIONS_SLIM = 1  # > 1 focal lesion (≥ 5 mm) on MRI
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


@dataclass
class Event:
    """One myeloma-defining event: met / unmet / unknown, the value used and the inputs needed."""

    name: str
    criterion: str
    met: Tri
    value: str | None
    needs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The event in words, the head of its criterion ("renal insufficiency")."""
        return self.criterion.partition(": ")[0]


def myeloma_defining_events(s: Snapshot) -> list[Event]:
    """The seven myeloma-defining events of IMWG 2014, in the order of Panel 1 (memoized)."""
    return s.derived("diagnosis.events", _evaluate_events)


def _evaluate_events(s: Snapshot) -> list[Event]:
    return [
        _hypercalcemia(s),
        _renal(s),
        _anemia(s),
        _bone_lesions(s),
        _bmpc_60(s),
        _flc_ratio_100(s),
        _mri(s),
    ]


HYPERCALCEMIA_TEXT = (
    f"hypercalcemia: calcium > {fmt(HYPERCALCEMIA_ABOVE_ULN)} mg/dL above the ULN or "
    f"> {fmt(HYPERCALCEMIA_ABSOLUTE)} mg/dL"
)
RENAL_TEXT = (
    f"renal insufficiency: creatinine clearance < {fmt(RENAL_CRCL)} mL/min or creatinine "
    f"> {fmt(RENAL_CREATININE)} mg/dL"
)
ANEMIA_TEXT = (
    f"anemia: hemoglobin > {fmt(ANEMIA_BELOW_LLN)} g/dL below the LLN or "
    f"< {fmt(ANEMIA_ABSOLUTE)} g/dL"
)
BONE_TEXT = "bone lesions: ≥ 1 osteolytic lesion on radiography, CT or PET-CT"
BMPC_TEXT = f"clonal bone marrow plasma cells ≥ {fmt(BMPC_SLIM)}%"
FLC_TEXT = (
    f"involved/uninvolved FLC ratio ≥ {fmt(FLC_RATIO_SLIM)} with involved FLC "
    f"≥ {fmt(FLC_INVOLVED_SLIM)} mg/L"
)
MRI_TEXT = "> 1 focal lesion (≥ 5 mm) on MRI"


# Each event's id (the interchange value) and its name in words, the head of its criterion.
EVENT_LABELS: dict[str, str] = {
    "hypercalcemia": "hypercalcemia",
    "renal_insufficiency": "renal insufficiency",
    "anemia": "anemia",
    "bone_lesions": "bone lesions",
    "bmpc_60": BMPC_TEXT,
    "flc_ratio_100": FLC_TEXT,
    "mri_focal_lesions": MRI_TEXT,
}


def _hypercalcemia(s: Snapshot) -> Event:
    text = HYPERCALCEMIA_TEXT
    calcium = val(s, "calcium")
    if calcium is None:
        return Event("hypercalcemia", text, None, None, ["calcium"])
    shown = s.shown("calcium")
    if CALCIUM_ABSOLUTE.met(s):
        assert s.calcium is not None
        limit = CALCIUM_ABSOLUTE.limit_in(s.calcium.unit) or (HYPERCALCEMIA_ABSOLUTE, "mg/dL")
        return Event("hypercalcemia", text, True, f"{shown} (> {fmt(*limit)})")
    uln = val(s, "calcium_upper_limit")
    if uln is None:
        return Event(
            "hypercalcemia",
            text,
            None,
            f"{shown}; ULN not recorded (needed below 11 mg/dL)",
            ["calcium_upper_limit"],
        )
    found = CALCIUM_ABOVE_ULN.difference(s)
    assert found is not None
    above, unit = found
    met = CALCIUM_ABOVE_ULN.met(s)
    value = f"{shown}, ULN {s.shown('calcium_upper_limit')}: {_relative(above, unit, 'ULN')}"
    return Event("hypercalcemia", text, met, value)


def _renal(s: Snapshot) -> Event:
    text = RENAL_TEXT
    creatinine = val(s, "creatinine")
    clearance, clearance_shown, cg_needs = crcl(s)
    parts = []
    if creatinine is not None:
        parts.append(f"creatinine {s.shown('creatinine')}")
    if clearance is not None:
        parts.append(f"CrCl {clearance_shown}")
    value = "; ".join(parts) or None
    notes = []
    if s.creatinine_clearance is None and clearance is not None:
        notes.append("creatinine clearance estimated by Cockcroft–Gault (none was given)")
    if CREATININE_ABOVE.met(s):
        return Event("renal_insufficiency", text, True, value, notes=notes)
    if clearance is not None and lt(clearance, RENAL_CRCL):
        return Event("renal_insufficiency", text, True, value, notes=notes)
    if creatinine is not None and clearance is not None:
        return Event("renal_insufficiency", text, False, value, notes=notes)
    needs = []
    if creatinine is None:
        needs.append("creatinine")
    if clearance is None:
        needs.append("creatinine_clearance")
        if creatinine is not None:
            notes.append(
                "creatinine clearance not given and not estimable (Cockcroft–Gault needs "
                + ", ".join(field_label(n, with_unit=True).lower() for n in cg_needs)
                + ")"
            )
    return Event("renal_insufficiency", text, None, value, needs, notes)


def _anemia(s: Snapshot) -> Event:
    text = ANEMIA_TEXT
    hb = val(s, "hemoglobin")
    if hb is None:
        return Event("anemia", text, None, None, ["hemoglobin"])
    shown = s.shown("hemoglobin")
    if lt(hb, ANEMIA_ABSOLUTE):
        return Event("anemia", text, True, f"{shown} (< 10 g/dL)")
    lln = val(s, "hemoglobin_lower_limit")
    if lln is None:
        return Event(
            "anemia",
            text,
            None,
            f"{shown}; LLN not recorded (needed at 10 g/dL or more)",
            ["hemoglobin_lower_limit"],
        )
    below = sub(lln, hb)
    met = gt(below, ANEMIA_BELOW_LLN)
    value = f"{shown}, LLN {s.shown('hemoglobin_lower_limit')}: " + _relative(-below, "g/dL", "LLN")
    return Event("anemia", text, met, value)


def _relative(difference: float, unit: str, limit: str) -> str:
    """'1.2 mg/dL above the ULN' / '0.3 g/dL below the LLN' / 'at the ULN'."""
    if difference == 0:
        return f"at the {limit}"
    side = "above" if difference > 0 else "below"
    return f"{fmt(abs(difference))} {unit} {side} the {limit}"


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


def _bone_lesions(s: Snapshot) -> Event:
    """≥ 1 osteolytic lesion (Rajkumar 2014, Panel 1), counting a biopsied bone plasmacytoma.

    ``lytic_lesions`` never counts the biopsied plasmacytoma (assessment-interchange.md). IMWG
    2014 (Rajkumar 2014 Lancet Oncol, Panel 1 and its footnote on bone lesions): active myeloma
    is clonal BMPC ≥ 10% *or a biopsy-proven bony plasmacytoma* with ≥ 1 myeloma-defining event,
    the bone-lesion event being ≥ 1 osteolytic lesion; when the marrow has < 10% clonal plasma
    cells, more than one bone lesion is needed to tell myeloma from a solitary plasmacytoma with
    minimal marrow involvement. So with clonal BMPC ≥ 10% the bone plasmacytoma is the lesion;
    below 10% one further lesion (``lytic_lesions`` ≥ 1) is needed, as without the plasmacytoma.
    """
    text = BONE_TEXT
    lesions = val(s, "lytic_lesions")
    if s.biopsy_proven_plasmacytoma == "bone":
        bmpc = val(s, "bone_marrow_plasma_cells_percent")
        further = None if lesions is None else ge(lesions, BONE_LESIONS_MIN)
        if bmpc is not None and ge(bmpc, BMPC_MYELOMA):
            return Event(
                "bone_lesions",
                text,
                True,
                f"bone plasmacytoma and {_further(s, lesions)}",
                notes=[PLASMACYTOMA_AS_BONE_LESION],
            )
        if bmpc is None and not further:
            # Whether the plasmacytoma counts depends on the marrow.
            needs = ["bone_marrow_plasma_cells_percent"]
            if lesions is None:
                needs.append("lytic_lesions")
            return Event(
                "bone_lesions",
                text,
                None,
                f"bone plasmacytoma and {_further(s, lesions)}; marrow not recorded",
                needs,
                [PLASMACYTOMA_AS_BONE_LESION],
            )
    if lesions is None:
        return Event("bone_lesions", text, None, None, ["lytic_lesions"])
    return Event(
        "bone_lesions", text, ge(lesions, BONE_LESIONS_MIN), f"{s.shown('lytic_lesions')} lesions"
    )


def _further(s: Snapshot, lesions: float | None) -> str:
    if lesions is None:
        return "further lesions not recorded"
    return f"{s.shown('lytic_lesions')} further lesions"


def _bmpc_60(s: Snapshot) -> Event:
    text = BMPC_TEXT
    bmpc = val(s, "bone_marrow_plasma_cells_percent")
    if bmpc is None:
        return Event("bmpc_60", text, None, None, ["bone_marrow_plasma_cells_percent"])
    return Event("bmpc_60", text, ge(bmpc, BMPC_SLIM), s.shown("bone_marrow_plasma_cells_percent"))


def _flc_ratio_100(s: Snapshot) -> Event:
    text = FLC_TEXT
    f = flc(s)
    if f is None:
        needs = [n for n in ("free_kappa", "free_lambda") if val(s, n) is None]
        return Event("flc_ratio_100", text, None, None, needs)
    if f.ratio is None:
        return Event("flc_ratio_100", text, False, f"{f.describe(s)} (both chains 0)")
    met = ratio_ge(f.ratio, FLC_RATIO_SLIM) and ge(f.involved_value, FLC_INVOLVED_SLIM)
    value = f"{f.describe(s)}; involved {fmt(f.involved_value)} mg/L"
    return Event("flc_ratio_100", text, met, value)


def _mri(s: Snapshot) -> Event:
    text = MRI_TEXT
    lesions = val(s, "mri_focal_lesions")
    if lesions is None:
        return Event("mri_focal_lesions", text, None, None, ["mri_focal_lesions"])
    return Event(
        "mri_focal_lesions",
        text,
        gt(lesions, MRI_LESIONS_SLIM),
        f"{s.shown('mri_focal_lesions')} focal lesions",
    )


MDE_SOURCES = (RAJKUMAR_2014, PDQ)


def mde_result(s: Snapshot, e: Explanation) -> RuleResult:
    """The seven IMWG 2014 myeloma-defining events, each with the value that met it.

    The result is the list of met events. It is determined when every event is known, or when at
    least one is met (then ``detail.not_assessed`` names the events that could not be assessed:
    the list is not complete, but the presence of an MDE is settled). ``e`` is the rule's
    explanation (its registration's sources: :data:`MDE_SOURCES`).
    """
    events = myeloma_defining_events(s)
    if any(ev.notes for ev in events if ev.name == "renal_insufficiency"):
        e.sources.append(COCKCROFT_GAULT_1976.label)  # the renal notes are about Cockcroft–Gault
    for ev in events:
        e.criterion(ev.criterion, ev.met, ev.value)
        if ev.met is None:
            e.need(*ev.needs)
    met = [ev.name for ev in events if ev.met]
    unknown = [ev.name for ev in events if ev.met is None]
    detail: dict[str, object] = {
        "values": {ev.name: ev.value for ev in events if ev.met},
        "pdq_wording": PDQ_SMM_WORDING,
        "pdq_difference": PDQ_MDE_DIFFERENCE,
        "note": "CRAB events count only when attributable to the plasma cell disorder; "
        "the engine cannot judge attribution.",
    }
    notes = [n for ev in events for n in ev.notes]
    if notes:
        detail["notes"] = notes
    if unknown and not met:
        return e.cannot_determine(not_assessed=unknown, **detail)
    if unknown:
        detail["not_assessed"] = unknown
        detail["complete"] = False
    else:
        detail["complete"] = True
    return e.determined(met, **detail)
