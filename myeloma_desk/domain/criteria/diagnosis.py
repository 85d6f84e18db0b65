"""Diagnosis of plasma cell neoplasms (IMWG 2014) and the myeloma-defining events one by one.

Thresholds: ../shared/reference/criteria-summary.md, "Diagnosis — IMWG 2014". Plasma cell
leukemia follows IMWG 2021; AL amyloidosis IMWG 2014; POEMS Dispenzieri 2019. The PDQ's own
wording of the smoldering-myeloma criteria differs in places; ``myeloma_defining_events`` shows
it beside the IMWG criteria (``detail.pdq_wording`` / ``detail.pdq_difference``).

Order of precedence when several entities are met (documented in docs/assess.md): plasma cell
leukemia > active multiple myeloma > AL amyloidosis > POEMS syndrome > solitary / extramedullary
plasmacytoma > smoldering myeloma > MGUS > no plasma cell neoplasm. Entities met besides the
reported one are listed in ``detail.also_meets``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Literal, TypeVar

from myeloma_desk.domain.criteria.renal import cockcroft_gault
from myeloma_desk.domain.engine import rule
from myeloma_desk.domain.logic import Tri, tri_all, tri_any
from myeloma_desk.domain.results import PDQ, Explanation, RuleResult, source
from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.domain.thresholds import RelativeThreshold, Threshold
from myeloma_desk.domain.units import fmt, ge, gt, lt, sub

RAJKUMAR_2014 = source(
    "Rajkumar 2014 Lancet Oncol",
    "Rajkumar SV, Dimopoulos MA, Palumbo A, et al. International Myeloma Working Group updated "
    "criteria for the diagnosis of multiple myeloma. Lancet Oncol. 2014;15(12):e538-e548.",
)
FERNANDEZ_DE_LARREA_2021 = source(
    "Fernández de Larrea 2021 Blood Cancer J",
    "Fernández de Larrea C, Kyle R, Rosiñol L, et al. Primary plasma cell leukemia: consensus "
    "definition by the International Myeloma Working Group according to peripheral blood plasma "
    "cell percentage. Blood Cancer J. 2021;11(12):192.",
)
JELINEK_2023 = source(
    "Jelinek 2023 J Clin Oncol",
    "Jelinek T, Bezdekova R, Zihala D, et al. More Than 2% of Circulating Tumor Plasma Cells "
    "Defines Plasma Cell Leukemia-Like Multiple Myeloma. J Clin Oncol. 2023;41(7):1383-1392.",
)
DISPENZIERI_2019 = source(
    "Dispenzieri 2019 Am J Hematol",
    "Dispenzieri A. POEMS syndrome: 2019 Update on diagnosis, risk-stratification, and "
    "management. Am J Hematol. 2019;94(7):812-827 (criteria as in the 2011 update, Am J Hematol "
    "2011;86(7):591-601, which the PDQ cites).",
)
COCKCROFT_GAULT_1976 = source(
    "Cockcroft 1976 Nephron",
    "Cockcroft DW, Gault MH. Prediction of creatinine clearance from serum creatinine. Nephron. "
    "1976;16(1):31-41.",
)

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

# --- Entities (Rajkumar 2014, Panel 2) -----------------------------------------------------
BMPC_MYELOMA = 10.0  # active myeloma and SMM: clonal BMPC ≥ 10%; MGUS and plasmacytoma: < 10%
SMM_SERUM_M = 3.0  # SMM: serum M-protein (IgG or IgA) ≥ 3 g/dL; MGUS: < 3 g/dL
SMM_URINE_M = 500.0  # SMM: urine M-protein ≥ 500 mg/24 h; light-chain MGUS: < 500 mg/24 h
FLC_RATIO_LOW = 0.26  # kappa/lambda ratio < 0.26 is abnormal (light-chain MGUS)
FLC_RATIO_HIGH = 1.65  # kappa/lambda ratio > 1.65 is abnormal
PCL_CIRCULATING = 5.0  # IMWG 2021: ≥ 5% circulating plasma cells = plasma cell leukemia
PCL_LIKE_CIRCULATING = 2.0  # the PDQ (Jelinek 2023): > 2% = PCL-like, ultra-high risk

MDE_ORDER = (
    "hypercalcemia",
    "renal_insufficiency",
    "anemia",
    "bone_lesions",
    "bmpc_60",
    "flc_ratio_100",
    "mri_focal_lesions",
)
CRAB = ("hypercalcemia", "renal_insufficiency", "anemia", "bone_lesions")

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

T = TypeVar("T")


@dataclass
class Event:
    """One myeloma-defining event: met / unmet / unknown, the value used and the inputs needed."""

    name: str
    criterion: str
    met: Tri
    value: str | None
    needs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Flc:
    """Serum free light chains with the involved chain chosen as stated in ``chosen_by``."""

    kappa: float
    lambda_: float
    involved: Literal["kappa", "lambda"]
    chosen_by: str
    ratio: float | None  # involved/uninvolved; math.inf if the uninvolved chain is 0
    kappa_lambda: float | None  # kappa/lambda; math.inf if lambda is 0

    @property
    def involved_value(self) -> float:
        return self.kappa if self.involved == "kappa" else self.lambda_

    @property
    def uninvolved_value(self) -> float:
        return self.lambda_ if self.involved == "kappa" else self.kappa

    def describe(self, s: Snapshot) -> str:
        ratio = "undefined" if self.ratio is None else _fmt_ratio(self.ratio)
        return (
            f"κ {s.shown('free_kappa')}, λ {s.shown('free_lambda')}; involved {self.involved} "
            f"({self.chosen_by}); involved/uninvolved ratio {ratio}"
        )


def _divide(a: float, b: float) -> float | None:
    if b == 0:
        return math.inf if a > 0 else None
    with localcontext() as ctx:
        ctx.prec = 28
        return float(Decimal(repr(a)) / Decimal(repr(b)))


def _fmt_ratio(ratio: float) -> str:
    return "∞ (uninvolved chain 0)" if math.isinf(ratio) else fmt(round(ratio, 4))


def ratio_ge(ratio: float, threshold: float) -> bool:
    """ratio ≥ threshold for a ratio that may be infinite."""
    return math.isinf(ratio) or ge(ratio, threshold)


def ratio_gt(ratio: float, threshold: float) -> bool:
    """ratio > threshold for a ratio that may be infinite."""
    return math.isinf(ratio) or gt(ratio, threshold)


def flc(s: Snapshot) -> Flc | None:
    """FLC facts, or None if kappa or lambda is missing (computed once per snapshot)."""
    return s.derived("diagnosis.flc", _flc)


def _flc(s: Snapshot) -> Flc | None:
    """FLC facts.

    Involved chain: ``m_protein_light_chain`` when given, otherwise the higher of the two chains
    (kappa when they are equal); ``chosen_by`` says which was used.
    """
    kappa = val(s, "free_kappa")
    lam = val(s, "free_lambda")
    if kappa is None or lam is None:
        return None
    involved: Literal["kappa", "lambda"]
    if s.m_protein_light_chain is not None:
        involved = s.m_protein_light_chain
        chosen_by = "from the M-protein light chain"
    else:
        involved = "kappa" if kappa >= lam else "lambda"
        chosen_by = "the higher chain; M-protein light chain not recorded"
    inv, uninv = (kappa, lam) if involved == "kappa" else (lam, kappa)
    return Flc(kappa, lam, involved, chosen_by, _divide(inv, uninv), _divide(kappa, lam))


def flc_ratio_abnormal(f: Flc) -> bool | None:
    """kappa/lambda < 0.26 or > 1.65 (None if both chains are 0)."""
    if f.kappa_lambda is None:
        return None
    return ratio_gt(f.kappa_lambda, FLC_RATIO_HIGH) or lt(f.kappa_lambda, FLC_RATIO_LOW)


def crcl(s: Snapshot) -> tuple[float | None, str, list[str]]:
    """Creatinine clearance in mL/min: given, or Cockcroft–Gault from age, weight, sex, Scr.

    Returns (value, how it was obtained, inputs missing for an estimate).
    """
    given = val(s, "creatinine_clearance")
    if given is not None:
        return given, s.shown("creatinine_clearance"), []
    creatinine = val(s, "creatinine")
    weight = val(s, "weight")
    needs = [
        name
        for name, value in (
            ("age_years", s.age_years),
            ("weight", weight),
            ("sex", s.sex),
            ("creatinine", creatinine),
        )
        if value is None
    ]
    if needs:
        return None, "not recorded", needs
    # One Cockcroft–Gault implementation for the whole engine (criteria/renal.py).
    estimate = cockcroft_gault(s)
    if estimate is None:  # under 18: the formula is for adults
        return None, "not recorded (Cockcroft–Gault applies to adults)", ["creatinine_clearance"]
    value = max(estimate, 0.0)
    return value, f"{fmt(round(value, 1))} mL/min (Cockcroft–Gault estimate)", []


def val(s: Snapshot, name: str) -> float | None:
    """The canonical value of ``name`` (converted once per snapshot by ``Snapshot.get``)."""
    return s.get(name)


def myeloma_defining_events(s: Snapshot) -> list[Event]:
    """Evaluate the seven myeloma-defining events of IMWG 2014, in MDE_ORDER (memoized)."""
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
                + ", ".join(cg_needs)
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


PLASMACYTOMA_AS_BONE_LESION = (
    "the biopsy-proven bone plasmacytoma is itself the osteolytic lesion (clonal BMPC ≥ "
    f"{fmt(BMPC_MYELOMA)}%; with fewer clonal cells a further lesion is needed, Rajkumar 2014)"
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


# --- Diagnosis ------------------------------------------------------------------------------


def _al_amyloidosis(s: Snapshot, monoclonal: Tri) -> tuple[Tri, list[tuple[str, Tri, str]]]:
    """IMWG 2014 AL amyloidosis: all four criteria (None if undecided)."""
    a = s.amyloidosis
    if a is None:
        return None, []  # not recorded: an assumption, no criteria to list
    organs = None if a is None else a.organs
    rows: list[tuple[str, Tri, str]] = [
        (
            "AL amyloidosis: amyloid-related systemic syndrome (organ involvement)",
            None if organs is None else bool(organs),
            "not recorded" if organs is None else (", ".join(organs) or "none"),
        ),
        (
            "AL amyloidosis: amyloid shown by Congo red in any tissue",
            None if a is None else a.biopsy_proven,
            _yes_no(None if a is None else a.biopsy_proven),
        ),
        (
            "AL amyloidosis: light-chain related (mass spectrometry or immunoelectron microscopy)",
            None if a is None else a.light_chain_typed,
            _yes_no(None if a is None else a.light_chain_typed),
        ),
        (
            "AL amyloidosis: evidence of a monoclonal plasma cell disorder",
            monoclonal,
            _yes_no(monoclonal),
        ),
    ]
    return tri_all(r[1] for r in rows), rows


POEMS_MAJOR = ("castleman", "sclerotic_bone_lesions", "vegf_elevated")
POEMS_MINOR = (
    "organomegaly",
    "extravascular_volume_overload",
    "endocrinopathy",
    "skin_changes",
    "papilledema",
    "thrombocytosis_or_polycythemia",
)


def _poems(s: Snapshot, monoclonal: Tri) -> tuple[Tri, list[tuple[str, Tri, str]]]:
    """Dispenzieri: both mandatory criteria, ≥ 1 major and ≥ 1 minor criterion."""
    p = s.poems
    if p is None:
        return None, []  # not recorded: an assumption, no criteria to list
    values = {} if p is None else p.model_dump()
    major = tri_any(values.get(k) for k in POEMS_MAJOR)
    minor = tri_any(values.get(k) for k in POEMS_MINOR)
    rows: list[tuple[str, Tri, str]] = [
        (
            "POEMS mandatory: polyneuropathy",
            values.get("polyneuropathy"),
            _yes_no(values.get("polyneuropathy")),
        ),
        (
            "POEMS mandatory: monoclonal plasma cell disorder (almost always lambda)",
            monoclonal,
            _yes_no(monoclonal) + _lambda_note(s),
        ),
        (
            "POEMS major (≥ 1): Castleman disease, sclerotic bone lesions, elevated VEGF",
            major,
            _listed(values, POEMS_MAJOR),
        ),
        (
            "POEMS minor (≥ 1): organomegaly, extravascular volume overload, endocrinopathy, "
            "skin changes, papilledema, thrombocytosis/polycythemia",
            minor,
            _listed(values, POEMS_MINOR),
        ),
    ]
    return tri_all(r[1] for r in rows), rows


def _lambda_note(s: Snapshot) -> str:
    if s.m_protein_light_chain == "kappa":
        return " (kappa: unusual for POEMS)"
    return ""


def _listed(values: dict[str, object], keys: tuple[str, ...]) -> str:
    present = [k for k in keys if values.get(k) is True]
    unknown = [k for k in keys if values.get(k) is None]
    text = ", ".join(present) if present else "none present"
    if unknown and not present:
        text += f" (not recorded: {', '.join(unknown)})"
    return text


def _yes_no(value: Tri) -> str:
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


TITLE = "Diagnosis (IMWG 2014; plasma cell leukemia IMWG 2021)"


class _Diagnosis:
    """One diagnosis evaluation: gathers facts once, then walks the precedence order."""

    def __init__(self, s: Snapshot) -> None:
        self.s = s
        self.e = Explanation(
            "diagnosis", TITLE, RAJKUMAR_2014, FERNANDEZ_DE_LARREA_2021, DISPENZIERI_2019, PDQ
        )
        self.events = myeloma_defining_events(s)
        self.flc = flc(s)
        self.bmpc = val(s, "bone_marrow_plasma_cells_percent")
        self.monoclonal = monoclonal_evidence(s, self.flc)
        self.al, self.al_rows = _al_amyloidosis(s, self.monoclonal)
        self.poems, self.poems_rows = _poems(s, self.monoclonal)
        self.also: list[str] = []

    # -- helpers
    def c(self, name: str, met: Tri, value: str | None = None) -> Tri:
        return self.e.criterion(name, met, value)

    @property
    def mde_met(self) -> list[Event]:
        return [ev for ev in self.events if ev.met]

    @property
    def mde_unknown(self) -> list[Event]:
        return [ev for ev in self.events if ev.met is None]

    def record_events(self) -> None:
        """One line for the seven events (each is itemised by myeloma_defining_events)."""
        met = self.mde_met
        unknown = self.mde_unknown
        parts = [f"{ev.name} ({ev.value})" for ev in met]
        if unknown:
            parts.append("not assessed: " + ", ".join(ev.name for ev in unknown))
        status: Tri = True if met else (None if unknown else False)
        self.c(
            "≥ 1 myeloma-defining event (CRAB or SLiM; see myeloma_defining_events)",
            status,
            "; ".join(parts) if parts else "none of the seven",
        )

    def need_events(self) -> None:
        for ev in self.mde_unknown:
            self.e.need(*ev.needs)

    def bmpc_shown(self) -> str:
        return self.s.shown("bone_marrow_plasma_cells_percent")

    def done(self, result: str, **detail: object) -> RuleResult:
        if self.also:
            detail["also_meets"] = self.also
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

    # -- the walk
    def run(self) -> RuleResult:
        s = self.s
        self.record_events()
        plasmacytoma = s.biopsy_proven_plasmacytoma
        has_plasmacytoma = plasmacytoma in ("bone", "extramedullary")
        bmpc_10: Tri = None if self.bmpc is None else ge(self.bmpc, BMPC_MYELOMA)
        clonal_basis = self.c(
            f"clonal BMPC ≥ {fmt(BMPC_MYELOMA)}% or biopsy-proven plasmacytoma",
            True if (bmpc_10 or has_plasmacytoma) else _none_if(bmpc_10, plasmacytoma),
            f"BMPC {self.bmpc_shown()}; plasmacytoma {plasmacytoma or 'not recorded'}",
        )
        any_mde = bool(self.mde_met)
        for status, rows in ((self.al, self.al_rows), (self.poems, self.poems_rows)):
            if status is not None:  # undecided exclusions are listed as assumptions instead
                for name, met, value in rows:
                    self.c(name, met, value)
        if self.al:
            self.also.append("al_amyloidosis")
        if self.poems:
            self.also.append("poems_syndrome")

        # 1. Active multiple myeloma (and plasma cell leukemia)
        if any_mde and clonal_basis:
            return self.myeloma()
        # 2. AL amyloidosis, 3. POEMS
        if self.al:
            self.also.remove("al_amyloidosis")
            return self.done("al_amyloidosis")
        if self.poems:
            self.also.remove("poems_syndrome")
            return self.done("poems_syndrome")
        self.exclusions()
        # 4. Solitary / extramedullary plasmacytoma
        if plasmacytoma == "bone" or plasmacytoma == "extramedullary":
            return self.plasmacytoma(plasmacytoma)
        if any_mde:
            # An MDE without the clonal basis for myeloma.
            if clonal_basis is None:
                if self.bmpc is None:
                    self.e.need("bone_marrow_plasma_cells_percent")
                if plasmacytoma is None:
                    self.e.need("biopsy_proven_plasmacytoma")
                return self.undecided(["active_multiple_myeloma", *self._precursors()])
            return self.undecided(
                self._precursors(),
                "A myeloma-defining event is present, but clonal BMPC are below 10% and no "
                "plasmacytoma is biopsy-proven: not active myeloma by IMWG 2014. MGUS and "
                "smoldering myeloma require the event not to be attributable to the plasma "
                "cell disorder (biopsy of a lesion or clinical review needed).",
            )
        if plasmacytoma is None:
            self.e.assume("biopsy-proven plasmacytoma not recorded: assumed none")
        # 5. No plasma cell neoplasm (no M-protein, normal FLC ratio, no clonal marrow cells)
        none_found = self.no_neoplasm()
        if none_found is not None:
            return none_found
        if self.mde_unknown:
            self.need_events()
            if bmpc_10:
                return self.undecided(["active_multiple_myeloma", "smoldering_multiple_myeloma"])
            return self.undecided(["active_multiple_myeloma", *self._precursors()])
        # 6. Smoldering myeloma / MGUS (every MDE known and absent)
        return self.precursor()

    def _precursors(self) -> list[str]:
        return ["smoldering_multiple_myeloma", "non_igm_mgus", "igm_mgus", "light_chain_mgus"]

    def myeloma(self) -> RuleResult:
        s = self.s
        detail: dict[str, object] = {"events": [ev.name for ev in self.mde_met]}
        cpc = val(s, "circulating_plasma_cells_percent")
        if cpc is None:
            self.e.assume(
                "circulating plasma cells not recorded: plasma cell leukemia not assessed"
            )
            return self.done("active_multiple_myeloma", **detail)
        pcl = self.c(
            f"circulating plasma cells ≥ {fmt(PCL_CIRCULATING)}% (plasma cell leukemia, IMWG 2021)",
            ge(cpc, PCL_CIRCULATING),
            s.shown("circulating_plasma_cells_percent"),
        )
        if pcl:
            self.also.append("active_multiple_myeloma")
            return self.done("plasma_cell_leukemia", **detail)
        if gt(cpc, PCL_LIKE_CIRCULATING):
            self.e.sources.append(JELINEK_2023.label)
            detail["pdq_note"] = (
                "The PDQ: more than 2% circulating tumor plasma cells defines plasma cell "
                "leukemia-like, ultra-high-risk disease (Jelinek 2023); IMWG 2021 keeps 5% for "
                "the diagnosis of plasma cell leukemia."
            )
        return self.done("active_multiple_myeloma", **detail)

    def plasmacytoma(self, site: str) -> RuleResult:
        s = self.s
        # MRI may be replaced by CT for the imaging work-up (IMWG 2014), so an unrecorded MRI
        # does not block; every other unknown event could turn this into active myeloma.
        crab_unknown = [ev for ev in self.mde_unknown if ev.name != "mri_focal_lesions"]
        if self.bmpc is None or crab_unknown:
            if self.bmpc is None:
                self.e.need("bone_marrow_plasma_cells_percent")
            for ev in crab_unknown:
                self.e.need(*ev.needs)
            possible = [_plasmacytoma_result(site, 0.0), "solitary_plasmacytoma_minimal_marrow"]
            if crab_unknown:
                possible.append("active_multiple_myeloma")
            return self.undecided(possible)
        if ge(self.bmpc, BMPC_MYELOMA):
            # ≥ 10% clonal cells and no MDE: not solitary; smoldering myeloma criteria apply.
            self.e.detail["plasmacytoma_note"] = (
                f"A {site} plasmacytoma with clonal BMPC ≥ 10% is not solitary (IMWG 2014)."
            )
            return self.precursor()
        mri = val(s, "mri_focal_lesions")
        if mri is None:
            self.e.assume(
                "MRI not recorded: the imaging criterion rests on CT/PET-CT/radiography "
                "(IMWG 2014 accepts MRI or CT of spine and pelvis)"
            )
        elif gt(mri, 0):
            self.c("no lesion on MRI apart from the primary", False, s.shown("mri_focal_lesions"))
            return self.undecided(
                [_plasmacytoma_result(site, self.bmpc), "active_multiple_myeloma"],
                "One further focal lesion on MRI: not solitary, but not a myeloma-defining "
                "event (> 1 is needed). Needs clinical review.",
            )
        self.c(
            "normal skeletal survey and MRI/CT apart from the primary lesion",
            True,
            f"lytic lesions {s.shown('lytic_lesions')}; MRI focal lesions "
            f"{s.shown('mri_focal_lesions')}",
        )
        minimal = gt(self.bmpc, 0)
        self.c(
            "marrow without clonal plasma cells (else minimal involvement: clonal BMPC < 10%)",
            not minimal,
            self.bmpc_shown(),
        )
        return self.done(_plasmacytoma_result(site, self.bmpc), site=site)

    def no_neoplasm(self) -> RuleResult | None:
        """No M-protein, normal FLC ratio and no clonal marrow plasma cells."""
        s = self.s
        serum = val(s, "serum_m_protein")
        urine = val(s, "urine_m_protein_24h")
        f = self.flc
        if serum is None or f is None or serum > 0:
            return None
        if urine is not None and urine > 0:
            return None
        abnormal = flc_ratio_abnormal(f)
        if abnormal is not False:
            return None
        if self.bmpc is not None and self.bmpc > 0:
            return None
        if s.m_protein_heavy_chain is not None or s.m_protein_light_chain is not None:
            return None
        if "positive" in (s.serum_immunofixation, s.urine_immunofixation):
            return None
        self.c("serum M-protein absent", True, s.shown("serum_m_protein"))
        self.c(
            f"FLC ratio (κ/λ) normal, {fmt(FLC_RATIO_LOW)}–{fmt(FLC_RATIO_HIGH)}",
            True,
            f"κ/λ {_fmt_ratio(f.kappa_lambda or 0.0)}",
        )
        if urine is None:
            self.e.assume("urine M-protein not recorded: assumed absent")
        if self.bmpc is None:
            self.e.assume(
                "bone marrow not examined: a non-secretory plasma cell neoplasm is not excluded"
            )
        else:
            self.c("no clonal bone marrow plasma cells", True, self.bmpc_shown())
        return self.done("no_plasma_cell_neoplasm")

    def precursor(self) -> RuleResult:
        """Smoldering myeloma or MGUS; every MDE is known to be absent here."""
        s = self.s
        bmpc = self.bmpc
        assert bmpc is not None  # bmpc_60 is known when every MDE is known
        heavy = s.m_protein_heavy_chain
        serum = val(s, "serum_m_protein")
        urine = val(s, "urine_m_protein_24h")

        if heavy == "IgM":
            return self.igm(serum, bmpc)
        # Smoldering myeloma: serum M (IgG/IgA) ≥ 3 g/dL or urine ≥ 500 mg/24 h, and/or BMPC 10–60%
        bmpc_smm = self.c(
            f"clonal BMPC {fmt(BMPC_MYELOMA)}–{fmt(BMPC_SLIM)}%",
            ge(bmpc, BMPC_MYELOMA),
            self.bmpc_shown(),
        )
        if bmpc_smm:
            return self.done("smoldering_multiple_myeloma")
        serum_smm: Tri = None
        if serum is not None:
            serum_smm = ge(serum, SMM_SERUM_M)
            if serum_smm and heavy is None:
                self.c(
                    f"serum M-protein (IgG or IgA) ≥ {fmt(SMM_SERUM_M)} g/dL",
                    None,
                    f"{s.shown('serum_m_protein')}; heavy chain not recorded",
                )
                self.e.need("m_protein_heavy_chain")
                return self.undecided(
                    ["smoldering_multiple_myeloma"],
                    "IgM ≥ 3 g/dL falls outside these criteria (Waldenström macroglobulinemia).",
                )
            self.c(
                f"serum M-protein (IgG or IgA) ≥ {fmt(SMM_SERUM_M)} g/dL",
                serum_smm,
                f"{s.shown('serum_m_protein')} ({heavy or 'heavy chain not recorded'})",
            )
            if serum_smm:
                if heavy in ("IgD", "IgE"):
                    self.e.detail["isotype_note"] = (
                        f"IMWG 2014 names IgG or IgA; {heavy} is read the same way."
                    )
                return self.done("smoldering_multiple_myeloma")
        urine_smm: Tri = None
        if urine is not None:
            urine_smm = self.c(
                f"urine M-protein ≥ {fmt(SMM_URINE_M)} mg/24 h",
                ge(urine, SMM_URINE_M),
                s.shown("urine_m_protein_24h"),
            )
            if urine_smm:
                return self.done("smoldering_multiple_myeloma")
        # MGUS (clonal BMPC < 10%)
        self.c(f"clonal BMPC < {fmt(BMPC_MYELOMA)}%", True, self.bmpc_shown())
        if heavy == "none":
            return self.light_chain_mgus(urine)
        if serum is None:
            self.e.need("serum_m_protein")
            return self.undecided(["smoldering_multiple_myeloma", "non_igm_mgus", "igm_mgus"])
        if serum > 0:
            if heavy is None:
                self.e.need("m_protein_heavy_chain")
                return self.undecided(["non_igm_mgus", "igm_mgus"])
            if urine is None:
                self.e.assume(
                    "urine M-protein not recorded: smoldering myeloma by the urine criterion "
                    "(≥ 500 mg/24 h) not excluded"
                )
            self.c(f"serum M-protein < {fmt(SMM_SERUM_M)} g/dL", True, s.shown("serum_m_protein"))
            return self.done("non_igm_mgus")
        # No serum M-protein spike.
        if heavy is None:
            if self.flc is None:
                self.e.need("free_kappa", "free_lambda", "m_protein_heavy_chain")
                return self.undecided(["light_chain_mgus", "non_igm_mgus"])
            if flc_ratio_abnormal(self.flc) or (urine is not None and urine > 0):
                self.e.need("m_protein_heavy_chain")
                return self.undecided(
                    ["light_chain_mgus", "non_igm_mgus"],
                    "Light-chain MGUS needs immunofixation without a heavy chain "
                    '(m_protein_heavy_chain "none").',
                )
            return self._clonal_without_m()
        # A heavy chain (not IgM) on immunofixation with no measurable spike is an M-protein.
        if urine is None:
            self.e.assume(
                "urine M-protein not recorded: smoldering myeloma by the urine criterion "
                "(≥ 500 mg/24 h) not excluded"
            )
        return self.done(
            "non_igm_mgus",
            note=f"{heavy} M-protein on immunofixation, not quantifiable by SPEP",
        )

    def _clonal_without_m(self) -> RuleResult:
        if self.flc is None:
            self.e.need("free_kappa", "free_lambda")
            return self.undecided(["light_chain_mgus", "no_plasma_cell_neoplasm"])
        if self.s.m_protein_heavy_chain is None:
            self.e.need("m_protein_heavy_chain")
        return self.undecided(
            ["light_chain_mgus", "no_plasma_cell_neoplasm"],
            "Clonal marrow plasma cells without a detectable M-protein or abnormal FLC ratio: "
            "not classified by IMWG 2014 (non-secretory disease); needs clinical review.",
        )

    def light_chain_mgus(self, urine: float | None) -> RuleResult:
        s = self.s
        f = self.flc
        self.c("no heavy chain on immunofixation", True, "heavy chain: none")
        if f is None:
            self.e.need("free_kappa", "free_lambda")
            return self.undecided(["light_chain_mgus", "no_plasma_cell_neoplasm"])
        abnormal = flc_ratio_abnormal(f)
        self.c(
            f"abnormal FLC ratio (κ/λ < {fmt(FLC_RATIO_LOW)} or > {fmt(FLC_RATIO_HIGH)})",
            abnormal,
            f"κ/λ {_fmt_ratio(f.kappa_lambda) if f.kappa_lambda is not None else 'undefined'}",
        )
        if not abnormal:
            return self.undecided(
                ["light_chain_mgus", "no_plasma_cell_neoplasm"],
                "Light chain only on immunofixation but a normal FLC ratio: light-chain MGUS "
                "needs an abnormal ratio (κ/λ < 0.26 or > 1.65); needs clinical review.",
            )
        if urine is None:
            self.e.need("urine_m_protein_24h")
            return self.undecided(["light_chain_mgus", "smoldering_multiple_myeloma"])
        self.c(
            f"urine M-protein < {fmt(SMM_URINE_M)} mg/24 h", True, s.shown("urine_m_protein_24h")
        )
        kl = f.kappa_lambda
        involved = "kappa" if kl is not None and ratio_gt(kl, FLC_RATIO_HIGH) else "lambda"
        self.e.assume(
            f"involved light chain ({involved}) assumed above its reference range: FLC "
            "reference limits are not part of the input"
        )
        return self.done("light_chain_mgus", involved_light_chain=involved)

    def igm(self, serum: float | None, bmpc: float) -> RuleResult:
        s = self.s
        if serum is None:
            self.e.need("serum_m_protein")
            return self.undecided(["igm_mgus"])
        serum_ok = self.c(
            f"IgM M-protein < {fmt(SMM_SERUM_M)} g/dL",
            lt(serum, SMM_SERUM_M),
            s.shown("serum_m_protein"),
        )
        marrow_ok = self.c(
            f"lymphoplasmacytic marrow infiltration < {fmt(BMPC_MYELOMA)}% (clonal BMPC used)",
            lt(bmpc, BMPC_MYELOMA),
            self.bmpc_shown(),
        )
        self.c("no anemia (IMWG 2014 anemia definition)", True, "anemia event not met")
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
        self.c(
            "no constitutional symptoms, hyperviscosity, lymphadenopathy or hepatosplenomegaly",
            False if present else (None if unknown else True),
            ", ".join(present) or ("not recorded: " + ", ".join(unknown) if unknown else "none"),
        )
        if not (serum_ok and marrow_ok) or present:
            return self.e.not_applicable(
                "IgM monoclonal gammopathy beyond IgM MGUS (M-protein ≥ 3 g/dL, marrow "
                "infiltration ≥ 10% or end-organ features): Waldenström macroglobulinemia "
                "criteria apply, which are outside IMWG 2014 plasma cell criteria (see the PDQ's "
                "Lymphoplasmacytic Lymphoma summary)."
            )
        if unknown:
            self.e.assume(
                "IgM-related findings not recorded (" + ", ".join(unknown) + "): assumed absent"
            )
        return self.done("igm_mgus")


def _none_if(bmpc_10: Tri, plasmacytoma: str | None) -> Tri:
    """False only when both the marrow and the plasmacytoma are known to be negative."""
    if bmpc_10 is False and plasmacytoma == "none":
        return False
    return None


def _plasmacytoma_result(site: str, bmpc: float) -> str:
    if gt(bmpc, 0):
        return "solitary_plasmacytoma_minimal_marrow"
    return "extramedullary_plasmacytoma" if site == "extramedullary" else "solitary_plasmacytoma"


@rule("diagnosis", TITLE, "diagnosis")
def diagnosis(s: Snapshot) -> RuleResult:
    """The IMWG 2014 diagnosis (see the module docstring for the order of precedence).

    Other rules (the SMM and MGUS scores) call this too; it is computed once per snapshot.
    """
    return s.derived("diagnosis.result", _diagnosis_with_treatment_note)


TREATED_NOTE = (
    "lines of therapy are recorded: the IMWG 2014 criteria describe disease before treatment, "
    "and values measured after treatment can understate it; assess the pre-treatment visit "
    "for the diagnosis"
)


def _diagnosis_with_treatment_note(s: Snapshot) -> RuleResult:
    result = _Diagnosis(s).run()
    if not s.therapy_lines:
        return result
    detail = dict(result.detail)
    detail["assumptions"] = [*detail.get("assumptions", []), TREATED_NOTE]
    return result.model_copy(update={"detail": detail})


@rule("myeloma_defining_events", "Myeloma-defining events (IMWG 2014)", "diagnosis")
def mde_rule(s: Snapshot) -> RuleResult:
    """The seven IMWG 2014 myeloma-defining events, each with the value that met it.

    The result is the list of met events. It is determined when every event is known, or when at
    least one is met (then ``detail.not_assessed`` names the events that could not be assessed:
    the list is not complete, but the presence of an MDE is settled).
    """
    e = Explanation(
        "myeloma_defining_events", "Myeloma-defining events (IMWG 2014)", RAJKUMAR_2014, PDQ
    )
    events = myeloma_defining_events(s)
    if any(ev.notes for ev in events):
        e.sources.append(COCKCROFT_GAULT_1976.label)
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
