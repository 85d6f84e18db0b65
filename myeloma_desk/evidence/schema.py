"""Pydantic models of the treatment-evidence database (the schema of resources/evidence/).

Every record that quotes the PDQ keeps the exact sentence(s) it came from (``sentences``), and
numbers are stored *as stated* (strings such as ``"0.42"``, ``"< .001"``, ``"47.5 months"``) so
that a test can check that each number appears in its sentence. Where the PDQ text is wrong or
ambiguous the record carries a visible ``errata`` note (../shared/reference/pdq-errata.md).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from myeloma_desk.domain.drugs import DrugClass


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Setting(StrEnum):
    """Clinical settings as the PDQ organises them."""

    GENERAL = "general"
    MGUS = "mgus"
    SMOLDERING = "smoldering_myeloma"
    PLASMACYTOMA_BONE = "isolated_plasmacytoma_of_bone"
    EXTRAMEDULLARY = "extramedullary_plasmacytoma"
    AL_AMYLOIDOSIS = "al_amyloidosis"
    POEMS = "poems_syndrome"
    NEWLY_DIAGNOSED_FIT = "newly_diagnosed_fit"
    NEWLY_DIAGNOSED_LESS_FIT = "newly_diagnosed_less_fit"
    CONSOLIDATION_TRANSPLANT = "consolidation_and_transplant"
    MAINTENANCE = "maintenance"
    BONE_DISEASE = "bone_disease"
    RELAPSED_REFRACTORY = "relapsed_or_refractory"


Curation = Literal["draft", "reviewed"]


class Section(_Model):
    """A top-level PDQ section and the settings it covers."""

    id: str
    title: str
    settings: list[Setting] = Field(default_factory=list)


class Quote(_Model):
    """A sentence (or a few) quoted verbatim from the PDQ, with where it sits."""

    text: str
    section: str
    path: list[str] = Field(default_factory=list)
    references: list[int] = Field(default_factory=list)


class DrugToxicity(_Model):
    """A toxicity or precaution of a drug with its numbers as stated (each in the quote)."""

    effect: str
    values: list[str] = Field(default_factory=list)
    quote: Quote


class DrugRecord(_Model):
    """A drug: canonical name and class from myeloma_desk.domain.drugs, plus what the PDQ says."""

    name: str
    drug_class: DrugClass
    synonyms: list[str] = Field(default_factory=list)
    route: str | None = None
    notes: list[Quote] = Field(default_factory=list)  # toxicities and precautions the PDQ names
    toxicity: list[DrugToxicity] = Field(default_factory=list)  # with their numbers
    route_quote: Quote | None = None  # the sentence that states the route


ArmRole = Literal["favoured", "comparator", "no_difference", "mixed", "single_arm"]

ARM_ROLE_LABELS: dict[str, str] = {
    "favoured": "the arm the trial favoured",
    "comparator": "the comparator arm the trial result went against",
    "no_difference": "one of two arms with no significant difference",
    "mixed": "mixed result (one end point favoured this arm, another the comparator)",
    "single_arm": "single-arm study",
}


class RegimenEvidence(_Model):
    """A trial behind a regimen, by the role this regimen's arm played in it."""

    trial: str  # Trial.id
    role: ArmRole
    note: str | None = None  # why, in words (e.g. which end point went which way)


class Regimen(_Model):
    """A regimen abbreviation (or named combination) as the PDQ uses it."""

    id: str
    abbreviation: str
    name: str  # the expansion as the PDQ gives it (or the components joined)
    components: list[str]  # canonical drug names
    settings: list[Setting] = Field(default_factory=list)
    synonyms: list[str] = Field(default_factory=list)
    route_notes: list[str] = Field(default_factory=list)
    renal_notes: list[str] = Field(default_factory=list)
    definition: Quote | None = None  # the sentence where the PDQ spells it out, if it does
    note: str | None = None
    # The population the PDQ describes the regimen for, in its words (e.g. "relapsed or
    # refractory myeloma ... at least four prior systemic treatments"), and the prior-line
    # bounds that wording states (None: not stated).
    # PDQ settings a regimen is described for but deliberately not offered as an option
    # (not in ``settings``); empty in the bundled data.
    described_settings: list[Setting] = Field(default_factory=list)
    population: str | None = None
    min_prior_lines: int | None = None
    max_prior_lines: int | None = None
    # Trials by arm role: a trial supports the arm it favoured and appears as "comparator"
    # under the arm that lost (MAIA under DRd as favoured, under Rd as comparator).
    evidence: list[RegimenEvidence] = Field(default_factory=list)


class Trial(_Model):
    """A trial (or study) the PDQ reports."""

    id: str
    name: str | None = None
    # "body": the PDQ names it in the text; "reference_title": the name appears only in the
    # title of a cited reference (see name_note); None: unnamed.
    name_source: Literal["body", "reference_title"] | None = None
    name_note: str | None = None
    # For a "reference_title" name: the number (in this section's list) of the reference whose
    # title gives it (the provenance test checks the name is in that title).
    name_reference: int | None = None
    nct_ids: list[str] = Field(default_factory=list)
    section: str
    setting: Setting | None = None
    n_patients: str | None = None
    design: str | None = None
    population: str | None = None
    arms: list[str] = Field(default_factory=list)
    regimens: list[str] = Field(default_factory=list)  # regimen ids the trial supports
    # Regimen ids of the arm(s) the result went against (the losing comparator).
    comparator_regimens: list[str] = Field(default_factory=list)
    description: list[str] = Field(default_factory=list)  # exact sentences
    references: list[int] = Field(default_factory=list)
    errata: list[str] = Field(default_factory=list)
    curation: Curation = "draft"


class ConfidenceInterval(_Model):
    """A confidence interval as stated; ``level`` may be ``None`` when the PDQ gives no label."""

    level: str | None  # "95%", "98.5%", "95.4%", "99%" ... exactly as stated
    low: str
    high: str


class Ratio(_Model):
    """An effect measure other than a hazard ratio (odds ratio, relative risk), as stated."""

    measure: str
    value: str


class ArmValue(_Model):
    """The value of the endpoint in one arm, as stated (with its own interval if given)."""

    arm: str
    value: str
    ci: ConfidenceInterval | None = None


class Estimate(_Model):
    """One effect estimate of a sentence that reports several (PFS HR then OS HR ...)."""

    endpoint: str | None
    measure: str  # "hazard ratio", "odds ratio", "relative risk"
    value: str
    ci: ConfidenceInterval | None = None
    p: str | None = None


class EndPointResult(_Model):
    """A further end point the same finding reports (response rates beside PFS ...)."""

    endpoint: str
    values: list[ArmValue]
    landmark: str | None = None  # "5-year", "12-month" ... as stated


# efficacy / toxicity / quality of life of a treatment; natural_history: the course of the disease
# without a compared treatment (MGUS progression, plasmacytoma M protein); study_population: a
# characteristic of the patients studied or the treatment they went on to receive.
ResultKind = Literal[
    "efficacy", "toxicity", "quality_of_life", "natural_history", "study_population"
]


class Finding(_Model):
    """One reported result, anchored on its PDQ "Level of evidence" marker when it has one.

    A result sentence with no marker of its own is a finding too: ``level_of_evidence`` and
    ``marker`` are None (shown as "no level of evidence stated") and it is linked to its trial.
    """

    id: str
    section: str
    path: list[str]
    setting: Setting | None = None
    trial: str | None = None  # Trial.id
    level_of_evidence: str | None = None  # "A1", "B3" ... as bracketed in the text
    marker: str | None = None  # the bracket exactly as in the text, "[Level of evidence A1]"
    sentences: list[str]  # the exact sentence(s), the last one carries the marker
    n_patients: str | None = None
    population: str | None = None
    design: str | None = None
    arms: list[str] = Field(default_factory=list)
    median_follow_up: str | None = None
    endpoint: str | None = None
    values: list[ArmValue] = Field(default_factory=list)
    hr: str | None = None
    ratio: Ratio | None = None
    ci: ConfidenceInterval | None = None
    p: str | None = None
    estimates: list[Estimate] = Field(default_factory=list)  # all of them when more than one
    references: list[int] = Field(default_factory=list)
    regimens: list[str] = Field(default_factory=list)
    errata: list[str] = Field(default_factory=list)
    curation: Curation = "draft"
    other_end_points: list[EndPointResult] = Field(default_factory=list)
    landmark: str | None = None  # the landmark time of ``values`` ("60-month" ...), as stated
    kind: ResultKind | None = None  # set where curated; None: not classified


class Reference(_Model):
    """A numbered reference of one PDQ section, with its full citation."""

    section: str
    number: int
    citation: str


class KeyReference(_Model):
    """One of the PDQ's Key References and the sections it is cited in (as the PDQ lists them)."""

    citation: str
    cited_in: list[str]
    # (section, number) pairs where the same citation is found in a section's reference list.
    found_in: list[tuple[str, int]] = Field(default_factory=list)
    note: str | None = None


DoseTopic = Literal[
    "lenalidomide_renal",
    "aspirin",
    "thalidomide",
    "dexamethasone",
    "maintenance",
    "bisphosphonate",
    "route",
    "schedule",
    "duration",
    "renal",
    "supportive_care",
    "other",
]


class DoseStatement(_Model):
    """An explicit dose or schedule in the PDQ, quoted with its values as stated."""

    id: str
    topic: DoseTopic
    drugs: list[str]
    quote: Quote
    values: list[str]  # each appears verbatim in quote.text
    summary: str
    note: str | None = None
    # A statement about one regimen ("This regimen is preferred …" of CyBorD, VRd's cycles
    # around transplant): shown only under these regimen ids. Empty: under every regimen whose
    # components include all the statement's drugs.
    regimens: list[str] = Field(default_factory=list)


class Erratum(_Model):
    """A known mistake or ambiguity of the PDQ text, with the sentence it concerns."""

    id: str
    note: str
    quote: Quote
    findings: list[str] = Field(default_factory=list)  # Finding ids carrying this note
    trials: list[str] = Field(default_factory=list)
    table: str | None = None  # "Table 2": the note covers that whole PDQ table


class LevelOfEvidence(_Model):
    """A level-of-evidence code of NCI's PDQ scheme, with NCI's meaning.

    The letter is a tier, not the design alone (A1 and B1 are both randomized trials; A2 is a
    meta-analysis), so ``design`` and ``end_point`` hold the words of NCI's definition.
    """

    code: str  # "A1"
    design: str  # the study design(s) the code stands for, in words
    end_point: str  # the end point(s) the code stands for, in words
    definition: str | None  # NCI's meaning (None only if it could not be verified)
    count_in_text: int  # markers with this code in the bundled PDQ text


class LevelsScheme(_Model):
    """The PDQ levels-of-evidence scheme and where it is defined (NCI)."""

    title: str
    source_url: str
    summary: str
    verified: str
    levels: list[LevelOfEvidence]
    source: str | None = None  # who defines the scheme (NCI)
    revised: str | None = None  # the scheme's latest revision date, ISO


class EvidenceDB(_Model):
    """The whole database."""

    evidence_version: str
    pdq_date: str
    pdq_title: str
    sections: list[Section]
    levels: LevelsScheme
    drugs: list[DrugRecord]
    regimens: list[Regimen]
    trials: list[Trial]
    findings: list[Finding]
    references: list[Reference]
    key_references: list[KeyReference]
    doses: list[DoseStatement]
    errata: list[Erratum]

    @model_validator(mode="after")
    def _links_resolve(self) -> EvidenceDB:
        """Every id a record names exists, ids are unique, and every record note is listed.

        The YAML is edited by hand: a typo in a trial or regimen id must fail loading with the
        record that carries it, not show an empty link on a screen.
        """
        problems = _link_problems(self)
        if problems:
            raise ValueError("; ".join(problems[:20]))
        return self


def _duplicates(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({i for i in ids if i in seen or seen.add(i)})  # type: ignore[func-returns-value]


def _link_problems(db: EvidenceDB) -> list[str]:
    out: list[str] = []
    tables = {
        "finding": [f.id for f in db.findings],
        "trial": [t.id for t in db.trials],
        "regimen": [r.id for r in db.regimens],
        "dose statement": [d.id for d in db.doses],
        "erratum": [e.id for e in db.errata],
        "drug": [d.name for d in db.drugs],
    }
    for kind, ids in tables.items():
        out += [f"duplicate {kind} id {i}" for i in _duplicates(ids)]
    trials, regimens = set(tables["trial"]), set(tables["regimen"])
    findings, drugs = set(tables["finding"]), set(tables["drug"])
    sections = {s.id for s in db.sections}
    notes = {e.note for e in db.errata}
    for f in db.findings:
        if f.trial is not None and f.trial not in trials:
            out.append(f"finding {f.id} names unknown trial {f.trial}")
        out += [
            f"finding {f.id} names unknown regimen {r}" for r in f.regimens if r not in regimens
        ]
        out += [
            f"finding {f.id}: note not in the errata list: {n}" for n in f.errata if n not in notes
        ]
        if f.section not in sections:
            out.append(f"finding {f.id} names unknown section {f.section}")
    for t in db.trials:
        for r in [*t.regimens, *t.comparator_regimens]:
            if r not in regimens:
                out.append(f"trial {t.id} names unknown regimen {r}")
        out += [
            f"trial {t.id}: note not in the errata list: {n}" for n in t.errata if n not in notes
        ]
    for reg in db.regimens:
        out += [
            f"regimen {reg.id} names unknown drug {d}" for d in reg.components if d not in drugs
        ]
        out += [
            f"regimen {reg.id} names unknown trial {e.trial}"
            for e in reg.evidence
            if e.trial not in trials
        ]
    for d in db.doses:
        out += [f"dose statement {d.id} names unknown drug {x}" for x in d.drugs if x not in drugs]
        out += [
            f"dose statement {d.id} names unknown regimen {r}"
            for r in d.regimens
            if r not in regimens
        ]
    for e in db.errata:
        out += [
            f"erratum {e.id} names unknown finding {x}" for x in e.findings if x not in findings
        ]
        out += [f"erratum {e.id} names unknown trial {x}" for x in e.trials if x not in trials]
    return out
