"""The human display name of a trial (one function for screens, reports and the vocabulary).

    from myeloma_desk.evidence.names import trial_display_name
    trial_display_name(trial)   # "MAIA"; or "Randomized trial: I-VRd vs VRd alone (446 patients)"

A trial the PDQ names keeps that name. An unnamed one is described by its design, its arms (or
the regimens it studies) and its size, never by its NCT id or an internal id. Pure Python.
"""

from __future__ import annotations

import re

from myeloma_desk.evidence.loader import Evidence, load
from myeloma_desk.evidence.schema import Trial

_SECTION_WORDS = {
    "general": "general information",
    "staging": "staging",
    "overview": "treatment overview",
    "amyloidosis": "amyloidosis",
    "mgus": "MGUS",
    "waldenstrom": "Waldenström macroglobulinemia",
    "plasmacytoma-bone": "plasmacytoma of bone",
    "extramedullary": "extramedullary plasmacytoma",
    "myeloma": "multiple myeloma",
    "relapsed": "relapsed or refractory myeloma",
}


_RELAPSED = re.compile(r"relaps|refractory|previously treated|prior (?:lines|therap)", re.I)


def _design(trial: Trial) -> str:
    d = (trial.design or "").lower()
    if "meta-analysis" in d:
        return "Meta-analysis"
    if "phase" in d:
        m = re.search(r"phase [IV/]+B?", trial.design or "")
        return f"{m.group(0).replace('phase', 'Phase')} study" if m else "Study"
    if "nonrandomized" in d:
        return "Nonrandomized study"
    if "randomized" in d:
        return "Randomized trial"
    if "retrospective" in d:
        return "Retrospective study"
    return "Study"


def trial_display_name(trial: Trial, evidence: Evidence | None = None) -> str:
    """The name to show for ``trial`` (never an NCT id or an internal id)."""
    if trial.name:
        return trial.name
    ev = evidence or load()
    what = ""
    if len(trial.arms) >= 2:
        what = " vs ".join(trial.arms[:2])
    else:
        abbrs = [
            ev.regimens[r].abbreviation
            for r in [*trial.regimens, *trial.comparator_regimens]
            if r in ev.regimens
        ]
        what = " vs ".join(abbrs) if len(abbrs) > 1 else (abbrs[0] if abbrs else "")
    size = f"{trial.n_patients} patients" if trial.n_patients else ""
    where = _SECTION_WORDS.get(trial.section, "")
    if trial.section == "relapsed" and not _RELAPSED.search(
        " ".join([*trial.description, trial.population or ""])
    ):
        # described under relapsed disease but not a study of it (TOURMALINE-MM2 enrolled newly
        # diagnosed patients, the MPT meta-analysis previously untreated ones)
        where = "multiple myeloma"
    detail = ", ".join(x for x in (size, where) if x)
    text = _design(trial) + (f": {what}" if what else "") + (f" ({detail})" if detail else "")
    return re.sub(r"\bNCT\d{8}\b", "", text).strip()
