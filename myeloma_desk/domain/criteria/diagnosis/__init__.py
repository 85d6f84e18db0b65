"""Diagnosis of plasma cell neoplasms: one module per criteria set, and the walk over them.

- events.py — the IMWG 2014 myeloma-defining events (Rajkumar 2014 Lancet Oncol, Panel 1)
- imwg2014.py — smoldering myeloma, MGUS (non-IgM, IgM, light chain), no neoplasm (Panel 2)
- plasmacytoma.py — solitary / extramedullary plasmacytoma (Panel 2)
- pcl.py — active myeloma and plasma cell leukemia (IMWG 2021)
- al.py — AL amyloidosis (IMWG 2014); poems.py — POEMS syndrome (Dispenzieri 2019)
- walk.py — the order of precedence; context.py — the facts one evaluation shares
- common.py — canonical values, creatinine clearance, monoclonality, the Panel 2 thresholds

Thresholds: ../shared/reference/criteria-summary.md, "Diagnosis — IMWG 2014". The FLC helpers
live in domain/flc.py, the three-valued logic in domain/logic.py. This package registers the
two rules, ``diagnosis`` and ``myeloma_defining_events``, in that order.
"""

from __future__ import annotations

from myeloma_desk.domain.criteria.diagnosis import walk as _walk
from myeloma_desk.domain.criteria.diagnosis.common import (
    BMPC_MYELOMA,
    SMM_SERUM_M,
    SMM_URINE_M,
    crcl,
    monoclonal_evidence,
    val,
)
from myeloma_desk.domain.criteria.diagnosis.context import DIAGNOSIS_SOURCES, TITLE
from myeloma_desk.domain.criteria.diagnosis.events import (
    CALCIUM_ABOVE_ULN,
    CALCIUM_ABSOLUTE,
    CREATININE_ABOVE,
    MARROW_60,
    MDE_SOURCES,
    MDE_TABLE,
    Event,
    mde_result,
    myeloma_defining_events,
)
from myeloma_desk.domain.criteria.diagnosis.sources import RAJKUMAR_2014
from myeloma_desk.domain.criteria.diagnosis.walk import TREATED_NOTE
from myeloma_desk.domain.engine import rule
from myeloma_desk.domain.flc import (
    FLC_RATIO_HIGH,
    FLC_RATIO_LOW,
    Flc,
    flc,
    flc_ratio_abnormal,
    ratio_ge,
    ratio_gt,
)
from myeloma_desk.domain.results import Explanation, RuleResult
from myeloma_desk.domain.snapshot import Snapshot

__all__ = [
    "BMPC_MYELOMA",
    "CALCIUM_ABOVE_ULN",
    "CALCIUM_ABSOLUTE",
    "CREATININE_ABOVE",
    "FLC_RATIO_HIGH",
    "FLC_RATIO_LOW",
    "MARROW_60",
    "MDE_TABLE",
    "RAJKUMAR_2014",
    "SMM_SERUM_M",
    "SMM_URINE_M",
    "TREATED_NOTE",
    "Event",
    "Flc",
    "crcl",
    "diagnosis",
    "diagnosis_result",
    "flc",
    "flc_ratio_abnormal",
    "mde_rule",
    "monoclonal_evidence",
    "myeloma_defining_events",
    "ratio_ge",
    "ratio_gt",
    "val",
]


@rule("diagnosis", TITLE, "diagnosis", sources=DIAGNOSIS_SOURCES)
def diagnosis(s: Snapshot, e: Explanation) -> RuleResult:
    """The IMWG 2014 diagnosis (walk.py gives the order of precedence).

    Other rules (the SMM and MGUS scores) read it too (:func:`diagnosis_result`); it is
    computed once per snapshot.
    """
    return s.derived(_RESULT_KEY, lambda s: _walk.evaluate(s, e))


_RESULT_KEY = "diagnosis.result"
_LABELS = tuple(source.label for source in DIAGNOSIS_SOURCES)


def diagnosis_result(s: Snapshot) -> RuleResult:
    """The diagnosis rule's result for ``s``, computed once per snapshot: what the rules that
    depend on the diagnosis read (issue 18: no explanation made for each of them only to find
    the result already computed)."""
    return s.derived(_RESULT_KEY, _diagnosis_alone)


def _diagnosis_alone(s: Snapshot) -> RuleResult:
    return _walk.evaluate(s, Explanation.for_rule("diagnosis", TITLE, _LABELS))


@rule(
    "myeloma_defining_events",
    "Myeloma-defining events (IMWG 2014)",
    "diagnosis",
    sources=MDE_SOURCES,
)
def mde_rule(s: Snapshot, e: Explanation) -> RuleResult:
    """The seven IMWG 2014 myeloma-defining events, each with the value that met it."""
    return mde_result(s, e)
