"""Supportive-care prompts from the PDQ, triggered by the snapshot's therapy and findings.

One rule, ``supportive_care_pdq``: the result is the list of prompt ids that apply; each prompt
in ``detail.prompts`` quotes the PDQ sentence it comes from and says what triggered it. Prompts
whose inputs are missing are listed in ``detail.not_assessed`` with the inputs they need. The
current therapy is the last line of ``therapy_lines`` when it has no end date.
"""

from __future__ import annotations

import functools
from itertools import chain
from typing import Any

from myeloma_desk.domain.criteria._course import current_line, line_drugs
from myeloma_desk.domain.criteria.renal import PDQ_BONE_AGENTS
from myeloma_desk.domain.criteria.thrombosis import PDQ_ASPIRIN
from myeloma_desk.domain.display import field_label, mid_sentence
from myeloma_desk.domain.drugs import DrugClass
from myeloma_desk.domain.engine import rule
from myeloma_desk.domain.results import PDQ, Criterion, Explanation, RuleResult
from myeloma_desk.domain.snapshot import Snapshot, TherapyLine
from myeloma_desk.domain.units import fmt

PDQ_ZOSTER = (
    "Patients receiving a bortezomib-containing regimen need prophylaxis for herpes zoster "
    "(usually with valacyclovir or acyclovir)."
)
PDQ_IMID_THROMBOSIS = (
    "Lenalidomide is given orally and can cause an increased risk of deep venous thrombosis "
    "(DVT) or pulmonary embolism, requiring additional prophylactic medication."
)
PDQ_IMMUNOGLOBULIN = (
    "Patients receiving teclistamab can be given replacement immunoglobulin G IV or "
    "subcutaneously every 2 to 4 weeks to reduce the risk of infection."
)
PDQ_IMMUNOGLOBULIN_OTHERS = (
    "Replacement of immunoglobulin G may be applicable for patients receiving other bispecific "
    "antibodies."
)
PDQ_BONE_MOST = (
    "Most patients also receive a bisphosphonate or RANKL inhibitor to prevent skeletal-related "
    "complications."
)
PDQ_SPINE = (
    "Lytic lesions of the spine generally require radiation if any of the following are true: "
    "They are associated with an extramedullary (paraspinal) plasmacytoma. A painful "
    "destruction of a vertebral body occurred. CT or MRI scans present evidence of spinal cord "
    "compression."
)
PDQ_HYPERVISCOSITY = (
    "Presence of hyperviscosity. Asymptomatic patients usually respond to myeloma therapy; "
    "plasma exchange is indicated with hemorrhagic or central nervous system manifestations."
)
PDQ_INFECTION = (
    "Infection prevention, which includes vaccination, antimicrobial prophylaxis, and "
    "immunoglobulin replacement (in a small subset of patients), per consensus guidelines from "
    "the IMWG."
)

THERAPY_PROMPTS = (
    "zoster_prophylaxis",
    "thromboprophylaxis_imid",
    "immunoglobulin_replacement_bispecific",
    "infection_prevention",
)
# Every prompt this rule can give; when none of them could be assessed, the rule cannot say.
PROMPTS = (
    *THERAPY_PROMPTS,
    "bone_modifying_agent",
    "spinal_radiation",
    "plasma_exchange_hyperviscosity",
)
BISPECIFIC = frozenset({DrugClass.BCMA_BISPECIFIC, DrugClass.GPRC5D_BISPECIFIC})
PROTEASOME_INHIBITORS = ("bortezomib", "carfilzomib", "ixazomib")
# Each prompt's criterion name ("zoster prophylaxis") and the texts it quotes, made once at
# import (issue 18).
PROMPT_NAMES = {pid: pid.replace("_", " ") for pid in PROMPTS}
TEXT_THROMBOPROPHYLAXIS = " ".join(
    (PDQ_IMID_THROMBOSIS, PDQ_ASPIRIN, "See vte_prophylaxis_pdq and impede_vte.")
)
TEXT_IMMUNOGLOBULIN_TECLISTAMAB = " ".join((PDQ_IMMUNOGLOBULIN, PDQ_IMMUNOGLOBULIN_OTHERS))
TEXT_BONE = " ".join(
    (PDQ_BONE_MOST, PDQ_BONE_AGENTS, "See bone_agent_renal_pdq for renal function.")
)
Prompts = list[dict[str, Any]]
NotAssessed = dict[str, list[str]]


def _prompt(e: Explanation, prompts: Prompts, pid: str, trigger: str, text: str) -> None:
    """A prompt that applies: its id, what triggered it and the PDQ text it quotes."""
    prompts.append({"id": pid, "trigger": trigger, "text": text})
    e.criterion(PROMPT_NAMES[pid], True, trigger)


# A prompt that could not be assessed: its id, the inputs it needs and its criterion.
Unassessed = tuple[str, tuple[str, ...], Criterion]


def _unknown(e: Explanation, not_assessed: NotAssessed, *unassessed: Unassessed) -> None:
    """Prompts that could not be assessed, with the inputs they need (``missing`` lists them
    when the rule is done)."""
    for pid, needs, criterion in unassessed:
        not_assessed[pid] = list(needs)
        e.criteria.append(criterion)


@rule("supportive_care_pdq", "Supportive care prompts (PDQ)", "supportive", sources=(PDQ,))
def supportive_care_pdq(s: Snapshot, e: Explanation) -> RuleResult:
    """The PDQ's supportive-care statements that apply to this snapshot."""
    prompts: Prompts = []
    not_assessed: NotAssessed = {}
    line = current_line(s)
    therapy_known = line is not None and bool(line.drugs)
    if therapy_known:
        assert line is not None
        _therapy_prompts(e, prompts, line)
    elif s.therapy_lines and line is None:
        # Every recorded line has ended: no therapy in progress to prompt for.
        e.criterion("therapy in progress", False, "every recorded line has an end date")
    else:
        unassessed = (
            NO_THERAPY_RECORDED
            if line is None
            else [
                _unassessed(pid, (f"therapy_lines[{len(s.therapy_lines) - 1}].drugs",))
                for pid in THERAPY_PROMPTS
            ]
        )
        _unknown(e, not_assessed, *unassessed)

    # Bone-modifying agents: bone disease recorded or therapy under way.
    lesions = s.get("lytic_lesions")
    if lesions is not None and lesions >= 1:
        _prompt(e, prompts, "bone_modifying_agent", f"{fmt(lesions)} lytic lesion(s)", TEXT_BONE)
    elif therapy_known:
        assert line is not None
        _prompt(e, prompts, "bone_modifying_agent", f"current line {line.regimen}", TEXT_BONE)
    elif lesions is None:
        _unknown(e, not_assessed, LYTIC_LESIONS_NOT_RECORDED)
    else:
        e.criterion("bone modifying agent", False, "no lytic lesions and no therapy in progress")

    _spinal_radiation(s, e, prompts, not_assessed)
    _plasma_exchange(s, e, prompts, not_assessed)

    e.detail["prompts"] = prompts
    e.detail["not_assessed"] = not_assessed
    # Explanation.need, inlined: the rule's missing inputs are only these, each listed once.
    e.missing.extend(dict.fromkeys(chain.from_iterable(not_assessed.values())))
    if not prompts and len(not_assessed) == len(PROMPTS):  # nothing could be assessed
        return e.cannot_determine()
    return e.determined([p["id"] for p in prompts])


def _therapy_prompts(e: Explanation, prompts: Prompts, line: TherapyLine) -> None:
    """The prompts of the therapy in progress (its drugs recorded)."""
    known, _ = line_drugs(line)
    classes = {drug.drug_class for drug in known}
    names = [drug.name for drug in known]
    on_therapy = f"current line {line.regimen}"
    if DrugClass.PROTEASOME_INHIBITOR in classes:
        pis = [n for n in names if n in PROTEASOME_INHIBITORS]
        note = (
            ""
            if "bortezomib" in pis
            else (
                " (the PDQ's sentence names bortezomib; shown for "
                + ", ".join(pis)
                + " as a proteasome inhibitor)"
            )
        )
        _prompt(e, prompts, "zoster_prophylaxis", on_therapy + note, PDQ_ZOSTER)
    if DrugClass.IMMUNOMODULATORY in classes:
        _prompt(e, prompts, "thromboprophylaxis_imid", on_therapy, TEXT_THROMBOPROPHYLAXIS)
    if classes & BISPECIFIC:
        _prompt(
            e,
            prompts,
            "immunoglobulin_replacement_bispecific",
            on_therapy,
            TEXT_IMMUNOGLOBULIN_TECLISTAMAB
            if "teclistamab" in names
            else PDQ_IMMUNOGLOBULIN_OTHERS,
        )
    _prompt(e, prompts, "infection_prevention", on_therapy, PDQ_INFECTION)


@functools.cache
def _needs_text(needs: tuple[str, ...]) -> str:
    """'needs lytic lesions, …' for a prompt that could not be assessed (built once per set of
    needs; the sets are the fixed ones of this module and one per recorded line)."""
    # Each input by its one label, mid-sentence ("osteolytic lesions", "line 3: Drugs",
    # acronyms kept: "FISH / genomic findings").
    return "needs " + ", ".join(mid_sentence(field_label(n)) for n in needs)


def _unassessed(pid: str, needs: tuple[str, ...]) -> Unassessed:
    return pid, needs, Criterion(PROMPT_NAMES[pid], None, _needs_text(needs))


# The prompts that cannot be assessed for want of an input always asked for the same ones
# (made once, at import).
NO_THERAPY_RECORDED = tuple(_unassessed(pid, ("therapy_lines",)) for pid in THERAPY_PROMPTS)
LYTIC_LESIONS_NOT_RECORDED = _unassessed("bone_modifying_agent", ("lytic_lesions",))
SPINE_NOT_RECORDED = _unassessed("spinal_radiation", ("spinal_lesions",))
HYPERVISCOSITY_NOT_RECORDED = _unassessed("plasma_exchange_hyperviscosity", ("hyperviscosity",))


def _spinal_radiation(
    s: Snapshot, e: Explanation, prompts: Prompts, not_assessed: NotAssessed
) -> None:
    """Radiation for lytic lesions of the spine (the PDQ's three findings)."""
    spine = s.spinal_lesions
    if spine is None:
        _unknown(e, not_assessed, SPINE_NOT_RECORDED)
        return
    reasons = [
        label
        for label, value in (
            ("paraspinal plasmacytoma", spine.paraspinal_plasmacytoma),
            ("painful vertebral destruction", spine.painful_vertebral_destruction),
            ("spinal cord compression", spine.cord_compression),
        )
        if value
    ]
    if spine.lytic_spine_lesion is False:
        e.criterion("spinal radiation", False, "no lytic spine lesion")
    elif reasons:
        _prompt(e, prompts, "spinal_radiation", ", ".join(reasons), PDQ_SPINE)
    elif None in (
        spine.lytic_spine_lesion,
        spine.paraspinal_plasmacytoma,
        spine.painful_vertebral_destruction,
        spine.cord_compression,
    ):
        _unknown(e, not_assessed, SPINE_NOT_RECORDED)
    else:
        e.criterion("spinal radiation", False, "none of the PDQ's three findings")


def _plasma_exchange(
    s: Snapshot, e: Explanation, prompts: Prompts, not_assessed: NotAssessed
) -> None:
    """Plasma exchange for symptomatic hyperviscosity."""
    hyperviscosity = s.hyperviscosity
    if hyperviscosity is None:
        _unknown(e, not_assessed, HYPERVISCOSITY_NOT_RECORDED)
    elif hyperviscosity == "symptomatic":
        _prompt(
            e,
            prompts,
            "plasma_exchange_hyperviscosity",
            "symptomatic hyperviscosity",
            PDQ_HYPERVISCOSITY,
        )
    elif hyperviscosity == "asymptomatic":
        e.criterion(
            "plasma exchange hyperviscosity",
            False,
            "asymptomatic: the PDQ says these patients usually respond to myeloma therapy",
        )
    else:
        e.criterion("plasma exchange hyperviscosity", False, "no hyperviscosity")
