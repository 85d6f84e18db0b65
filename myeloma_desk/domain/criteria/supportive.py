"""Supportive-care prompts from the PDQ, triggered by the snapshot's therapy and findings.

One rule, ``supportive_care_pdq``: the result is the list of prompt ids that apply; each prompt
in ``detail.prompts`` quotes the PDQ sentence it comes from and says what triggered it. Prompts
whose inputs are missing are listed in ``detail.not_assessed`` with the inputs they need. The
current therapy is the last line of ``therapy_lines`` when it has no end date.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from myeloma_desk.domain.criteria._course import current_line, line_drugs
from myeloma_desk.domain.criteria.renal import PDQ_BONE_AGENTS
from myeloma_desk.domain.criteria.thrombosis import PDQ_ASPIRIN
from myeloma_desk.domain.display import field_label, mid_sentence
from myeloma_desk.domain.drugs import DrugClass
from myeloma_desk.domain.engine import rule
from myeloma_desk.domain.results import PDQ, Explanation, RuleResult
from myeloma_desk.domain.snapshot import Snapshot
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
BISPECIFIC = (DrugClass.BCMA_BISPECIFIC, DrugClass.GPRC5D_BISPECIFIC)


@rule("supportive_care_pdq", "Supportive care prompts (PDQ)", "supportive", sources=(PDQ,))
def supportive_care_pdq(s: Snapshot, e: Explanation) -> RuleResult:
    """The PDQ's supportive-care statements that apply to this snapshot."""
    prompts: list[dict[str, Any]] = []
    not_assessed: dict[str, list[str]] = {}

    def prompt(pid: str, trigger: str, *texts: str) -> None:
        prompts.append({"id": pid, "trigger": trigger, "text": " ".join(texts)})
        e.criterion(_name(pid), True, trigger)

    def unknown(pid: str, *needs: str) -> None:
        not_assessed[pid] = list(needs)
        e.criterion(_name(pid), None, _needs_text(needs))

    line = current_line(s)
    classes: set[DrugClass] = set()
    names: list[str] = []
    if line is not None:
        known, _ = line_drugs(line)
        classes = {drug.drug_class for drug in known}
        names = [drug.name for drug in known]
    therapy_known = line is not None and bool(line.drugs)
    on_therapy = f"current line {line.regimen}" if line is not None else ""

    # Therapy-triggered prompts.
    if therapy_known:
        assert line is not None
        pis = [n for n in names if n in ("bortezomib", "carfilzomib", "ixazomib")]
        if DrugClass.PROTEASOME_INHIBITOR in classes:
            note = (
                ""
                if "bortezomib" in pis
                else (
                    " (the PDQ's sentence names bortezomib; shown for "
                    + ", ".join(pis)
                    + " as a proteasome inhibitor)"
                )
            )
            prompt("zoster_prophylaxis", on_therapy + note, PDQ_ZOSTER)
        if DrugClass.IMMUNOMODULATORY in classes:
            prompt(
                "thromboprophylaxis_imid",
                on_therapy,
                PDQ_IMID_THROMBOSIS,
                PDQ_ASPIRIN,
                "See vte_prophylaxis_pdq and impede_vte.",
            )
        if classes & set(BISPECIFIC):
            texts = [PDQ_IMMUNOGLOBULIN] if "teclistamab" in names else []
            prompt(
                "immunoglobulin_replacement_bispecific",
                on_therapy,
                *texts,
                PDQ_IMMUNOGLOBULIN_OTHERS,
            )
        prompt("infection_prevention", on_therapy, PDQ_INFECTION)
    elif s.therapy_lines and line is None:
        # Every recorded line has ended: no therapy in progress to prompt for.
        e.criterion("therapy in progress", False, "every recorded line has an end date")
    else:
        needs = (
            ["therapy_lines"]
            if line is None
            else [f"therapy_lines[{len(s.therapy_lines) - 1}].drugs"]
        )
        for pid in THERAPY_PROMPTS:
            unknown(pid, *needs)

    # Bone-modifying agents: bone disease recorded or therapy under way.
    lesions = s.get("lytic_lesions")
    if lesions is not None and lesions >= 1:
        prompt(
            "bone_modifying_agent",
            f"{fmt(lesions)} lytic lesion(s)",
            PDQ_BONE_MOST,
            PDQ_BONE_AGENTS,
            "See bone_agent_renal_pdq for renal function.",
        )
    elif therapy_known:
        prompt(
            "bone_modifying_agent",
            on_therapy,
            PDQ_BONE_MOST,
            PDQ_BONE_AGENTS,
            "See bone_agent_renal_pdq for renal function.",
        )
    elif lesions is None:
        unknown("bone_modifying_agent", "lytic_lesions")
    else:
        e.criterion("bone modifying agent", False, "no lytic lesions and no therapy in progress")

    _spinal_radiation(s, e, prompt, unknown)
    _plasma_exchange(s, e, prompt, unknown)

    e.detail["prompts"] = prompts
    e.detail["not_assessed"] = not_assessed
    for needs in not_assessed.values():
        e.need(*needs)
    if not prompts and set(not_assessed) == set(PROMPTS):  # nothing could be assessed
        return e.cannot_determine()
    return e.determined([p["id"] for p in prompts])


Prompt = Callable[..., None]


@functools.cache
def _name(pid: str) -> str:
    """A prompt's criterion name (built once per prompt, issue 18)."""
    return pid.replace("_", " ")


@functools.cache
def _needs_text(needs: tuple[str, ...]) -> str:
    """'needs lytic lesions, …' for a prompt that could not be assessed (built once per set of
    needs; the sets are the fixed ones of this module and one per recorded line)."""
    # Each input by its one label, mid-sentence ("osteolytic lesions", "line 3: Drugs",
    # acronyms kept: "FISH / genomic findings").
    return "needs " + ", ".join(mid_sentence(field_label(n)) for n in needs)


def _spinal_radiation(s: Snapshot, e: Explanation, prompt: Prompt, unknown: Prompt) -> None:
    """Radiation for lytic lesions of the spine (the PDQ's three findings)."""
    # Radiation for lytic lesions of the spine.
    spine = s.spinal_lesions
    if spine is None:
        unknown("spinal_radiation", "spinal_lesions")
    else:
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
            prompt("spinal_radiation", ", ".join(reasons), PDQ_SPINE)
        elif None in (
            spine.lytic_spine_lesion,
            spine.paraspinal_plasmacytoma,
            spine.painful_vertebral_destruction,
            spine.cord_compression,
        ):
            unknown("spinal_radiation", "spinal_lesions")
        else:
            e.criterion("spinal radiation", False, "none of the PDQ's three findings")


def _plasma_exchange(s: Snapshot, e: Explanation, prompt: Prompt, unknown: Prompt) -> None:
    """Plasma exchange for symptomatic hyperviscosity."""
    # Plasma exchange for symptomatic hyperviscosity.
    if s.hyperviscosity is None:
        unknown("plasma_exchange_hyperviscosity", "hyperviscosity")
    elif s.hyperviscosity == "symptomatic":
        prompt("plasma_exchange_hyperviscosity", "symptomatic hyperviscosity", PDQ_HYPERVISCOSITY)
    elif s.hyperviscosity == "asymptomatic":
        e.criterion(
            "plasma exchange hyperviscosity",
            False,
            "asymptomatic: the PDQ says these patients usually respond to myeloma therapy",
        )
    else:
        e.criterion("plasma exchange hyperviscosity", False, "no hyperviscosity")
