"""Options described in the PDQ for an assessed patient (a pure function; never a recommendation).

:func:`options_for` takes the engine's :class:`~myeloma_desk.domain.engine.Assessment` and the
:class:`~myeloma_desk.domain.snapshot.Snapshot`, works out the PDQ setting(s) from the rule
results (``diagnosis``, ``frailty_imwg``, ``crcl_cockcroft_gault``, ``cytogenetic_risk_pdq``,
``refractoriness``, ``lenalidomide_renal_dose``, ``cilta_cel_eligibility``,
``ide_cel_eligibility`` as fixed in assessment-interchange.md) and the therapy history, and lists
the regimens and studies the PDQ describes for those settings with their levels of evidence and
flags. Absent or ``cannot_determine`` results are reported as unknown, never as normal.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from myeloma_desk.domain.criteria.renal import CYBORD_CRCL, LEN_HIGH, LEN_LOW
from myeloma_desk.domain.display import field_label, refractoriness_words, setting_label
from myeloma_desk.domain.drugs import DrugClass, drug_class, resolve_drug
from myeloma_desk.domain.engine import Assessment
from myeloma_desk.domain.lines import current_line, group_lines, prior_lines, started_entries
from myeloma_desk.domain.results import RuleResult
from myeloma_desk.domain.snapshot import Fish, Snapshot
from myeloma_desk.domain.units import le, lt
from myeloma_desk.domain.vocabulary import COURSE_RESULT_LABELS, diagnosis_label
from myeloma_desk.evidence.loader import Evidence, load
from myeloma_desk.evidence.names import trial_display_name
from myeloma_desk.evidence.schema import Regimen, Setting, Trial

HEADING = "Options described in the PDQ"
DISCLAIMER = (
    "These are the options the PDQ summary describes for this setting, with the evidence it "
    "reports. They are not recommendations; treatment decisions rest with the clinician."
)

DIAGNOSIS_SETTINGS: dict[str, list[Setting]] = {
    "smoldering_multiple_myeloma": [Setting.SMOLDERING],
    "non_igm_mgus": [Setting.MGUS],
    "igm_mgus": [Setting.MGUS],
    "light_chain_mgus": [Setting.MGUS],
    "solitary_plasmacytoma": [Setting.PLASMACYTOMA_BONE],
    "solitary_plasmacytoma_minimal_marrow": [Setting.PLASMACYTOMA_BONE],
    "extramedullary_plasmacytoma": [Setting.EXTRAMEDULLARY],
    "al_amyloidosis": [Setting.AL_AMYLOIDOSIS],
    "poems_syndrome": [Setting.POEMS],
}
MYELOMA_DIAGNOSES = ("active_multiple_myeloma", "plasma_cell_leukemia")

# The lenalidomide renal bands (PDQ: "creatinine clearance, 30–50: 10 mg every day; creatinine
# clearance, <30: 15 mg every other day; dialysis, 15 mg on day after dialysis") have ONE home:
# the ``lenalidomide_renal_dose`` rule (domain/criteria/renal.py, LEN_LOW / LEN_HIGH), and the
# dose words come from the evidence data's dose statement ``lenalidomide-renal`` (doses.yaml),
# never typed again here. The CyBorD threshold (PDQ: "preferred in the presence of significant
# renal dysfunction (creatinine clearance less than 45 cc/min)") is renal.CYBORD_CRCL.
LENALIDOMIDE_DOSE_ID = "lenalidomide-renal"
# Which band of the dose statement each result of the lenalidomide_renal_dose rule stands for
# (assessment-interchange.md): the band is the text before the statement's ":" or ",".
LENALIDOMIDE_RESULT_BANDS = {
    "15_mg_after_dialysis": "dialysis",
    "15_mg_every_other_day": f"<{LEN_LOW:g}",
    "10_mg_daily": f"{LEN_LOW:g}–{LEN_HIGH:g}",
}
# Where a creatinine clearance came from, in words.
CRCL_SOURCE_WORDS = {
    "crcl_cockcroft_gault": "Cockcroft–Gault",
    "entered": "as entered",
}


# Refractoriness in words, from the one display vocabulary (domain/display.py).
REFRACTORY_WORDS = {
    value: refractoriness_words(value) for value in COURSE_RESULT_LABELS["refractoriness"]
}
ELIGIBILITY_WORDS = {"meets": "met", "does_not_meet": "not met", "unknown": "unknown"}


class Flag(BaseModel):
    """Something the clinician should see next to an option (a PDQ statement, not advice)."""

    model_config = ConfigDict(frozen=True)

    code: Literal[
        "renal_dose",
        "renal_unknown",
        "renal_preferred",
        "refractory_component",
        "exposed_component",
        "t11_14",
        "car_t_criteria",
        "high_risk",
        "unknown_input",
    ]
    message: str
    source: str | None = None  # a dose/regimen/trial id in the evidence database


class StudyRef(BaseModel):
    """A trial or study with the levels of evidence of its findings."""

    model_config = ConfigDict(frozen=True)

    trial: str
    name: str | None  # the PDQ's name (body or reference title); None when it gives none
    nct_ids: list[str]
    levels: list[str]
    findings: list[str]
    # what a screen or report prints: the name, or the design, arms and size when unnamed
    # (evidence.names.trial_display_name; never a bare NCT number or an internal id)
    label: str = ""


class Option(BaseModel):
    """A regimen (or single agent) the PDQ describes in a setting."""

    model_config = ConfigDict(frozen=True)

    id: str
    label: str
    components: list[str]
    settings: list[Setting]
    studies: list[StudyRef]
    flags: list[Flag] = Field(default_factory=list)
    # who the PDQ describes the regimen for, in its words (Regimen.population); None: not stated
    population: str | None = None


class Approach(BaseModel):
    """A treatment approach the PDQ describes for a setting that is not a drug regimen
    (watchful waiting, radiation therapy, surgery …), with the PDQ's own sentence."""

    model_config = ConfigDict(frozen=True)

    label: str
    quote: str  # verbatim from the PDQ (a test checks every quote against the bundled text)
    section: str  # the PDQ section the quote is in
    finding: str | None = None  # a finding id in the evidence database carrying a level
    # who it is for, or the caution the PDQ states about eligibility (verbatim, tested)
    eligibility: str | None = None


# The PDQ on smoldering myeloma at high risk of progression (three or four of its four factors,
# the ``smm_risk_pdq_four_factor`` rule's "high"): verbatim, shown as an approach and a flag.
SMOLDERING_HIGH_RISK = (
    "Clinical trials evaluating smoldering myeloma need to exclude patients at high risk of "
    "progression to myeloma because those patients should consider induction therapy for "
    "symptomatic patients."
)
SMM_RISK_WORDS = {
    "low": "low (no factor)",
    "low_intermediate": "low-intermediate (one factor)",
    "intermediate": "intermediate (two factors)",
    "high": "high (three or four factors)",
}

# The PDQ's "Treatment options for … include:" lists for the settings where the options are not
# regimens, each with a sentence of the PDQ that states it (quoted verbatim).
APPROACHES: dict[Setting, tuple[Approach, ...]] = {
    Setting.MGUS: (
        Approach(
            label="Watchful waiting",
            quote="All patients with MGUS are generally observed to detect increases in "
            "monoclonal (M) protein levels and development of a plasma cell dyscrasia.",
            section="Treatment of Monoclonal Gammopathy of Undetermined Significance",
        ),
    ),
    Setting.SMOLDERING: (
        Approach(
            label="Watchful waiting",
            eligibility="Asymptomatic patients with multiple myeloma who have no lytic bone "
            "lesions and normal renal function may be initially observed safely outside the "
            "context of a clinical trial.",
            quote="Patients with MGUS or asymptomatic smoldering myeloma do not require "
            "immediate treatment but must be followed carefully for signs of disease "
            "progression.",
            section="Treatment Option Overview for Plasma Cell Neoplasms",
        ),
        Approach(
            label="Daratumumab for high-risk smoldering myeloma (randomized trial)",
            quote="These patients received daratumumab (the anti-CD38 monoclonal antibody) or "
            "no therapy.",
            section="Treatment Option Overview for Plasma Cell Neoplasms",
            finding="overview-001",
            eligibility="In a prospective randomized trial of 390 patients with smoldering "
            "myeloma, patients were eligible if the marrow plasmacytosis was 10% to 49% and one "
            "of the following criteria was met:",
        ),
        Approach(
            label="Induction therapy as for symptomatic myeloma, for patients at high risk of "
            "progression",
            quote=SMOLDERING_HIGH_RISK,
            section="Treatment Option Overview for Plasma Cell Neoplasms",
            eligibility="The presence of three or four of the following adverse factors predicts "
            "a greater than 50% chance of progression to myeloma within 2 years:",
        ),
    ),
    Setting.PLASMACYTOMA_BONE: (
        Approach(
            label="Radiation therapy to the lesion",
            quote="Generally, this disappears after adequate radiation therapy to the lytic "
            "lesion.",
            section="Treatment of Isolated Plasmacytoma of Bone",
        ),
        Approach(
            label="Chemotherapy if the M protein increases and symptomatic myeloma occurs",
            quote="Most patients eventually develop disseminated disease and require chemotherapy.",
            section="Treatment of Isolated Plasmacytoma of Bone",
        ),
    ),
    Setting.EXTRAMEDULLARY: (
        Approach(
            label="Radiation therapy to the isolated lesion",
            quote="Radiation therapy to the isolated lesion with fields that cover the regional "
            "lymph nodes, if possible.",
            section="Treatment of Extramedullary Plasmacytoma",
        ),
        Approach(
            label="Surgical resection in some cases, usually followed by radiation therapy",
            quote="In some cases, surgical resection may be considered, but it is usually "
            "followed by radiation therapy.",
            section="Treatment of Extramedullary Plasmacytoma",
        ),
    ),
    # The PDQ's list for amyloidosis: "Induction therapy. Stem cell rescue. Monoclonal antibody
    # targeting of amyloid deposits (under clinical evaluation)." The named regimens
    # (Dara-CyBorD, CyBorD, melphalan plus high-dose dexamethasone) are regimen options.
    Setting.AL_AMYLOIDOSIS: (
        Approach(
            label="Induction with the regimens active in multiple myeloma, including "
            "daratumumab with or without other active agents",
            quote="As is true for all plasma cell dyscrasias, responses have been reported for "
            "patients treated with all the same regimens active in multiple myeloma.",
            section="Treatment of Amyloidosis Associated With Plasma Cell Neoplasms",
            eligibility="Lower doses of lenalidomide or pomalidomide must be used in patients "
            "with renal dysfunction.",
        ),
        Approach(
            label="High-dose melphalan with autologous stem cell transplant (selected patients)",
            quote="Between 2007 and 2012, the International Blood and Marrow Transplant Research "
            "Program identified 800 patients with amyloidosis who underwent autologous stem cell "
            "transplant (SCT); the 5-year OS rate was 77% and the transplant-related mortality "
            "rate was 5%, suggesting better selection of patients for transplant.",
            section="Treatment of Amyloidosis Associated With Plasma Cell Neoplasms",
            finding="amyloidosis-003",
            eligibility="The 24% transplant-related mortality in this series and others "
            "reflects the difficulties involved with high-dose chemotherapy in older patients "
            "with organ dysfunction.",
        ),
        Approach(
            label="Anselamimab, a monoclonal antibody targeting amyloid deposits (under "
            "clinical evaluation)",
            quote="This treatment is not approved by the U.S. Food and Drug Administration and "
            "is under clinical evaluation.",
            section="Treatment of Amyloidosis Associated With Plasma Cell Neoplasms",
            finding="amyloidosis-005",
            eligibility="In a phase I study (NCT02245867), 27 patients with deep hematologic "
            "responses to myeloma therapy, but persistent organ involvement, received "
            "anselamimab.",
        ),
    ),
    Setting.POEMS: (
        Approach(
            label="Myeloma-directed therapy",
            quote="Anecdotal reports suggest remissions have been achieved using "
            "myeloma-directed therapy.",
            section="General Information About Plasma Cell Neoplasms",
        ),
    ),
}


class OptionsReport(BaseModel):
    """Everything :func:`options_for` found, ready for the CLI, the UI and reports."""

    model_config = ConfigDict(frozen=True)

    heading: str = HEADING
    disclaimer: str = DISCLAIMER
    evidence_version: str
    pdq_date: str
    settings: list[Setting]
    setting_basis: list[str]
    options: list[Option]
    studies: list[StudyRef]
    flags: list[Flag]
    unknown: list[str]
    approaches: list[Approach] = Field(default_factory=list)

    def is_empty(self) -> bool:
        """True when the PDQ describes nothing for the setting(s) found."""
        return not (self.options or self.approaches)


def _result(assessment: Assessment, rule_id: str) -> RuleResult | None:
    try:
        res = assessment.get(rule_id)
    except KeyError:
        return None
    return res if res.status == "determined" else None


def _crcl(assessment: Assessment, snapshot: Snapshot) -> tuple[float | None, str]:
    res = _result(assessment, "crcl_cockcroft_gault")
    if res is not None and isinstance(res.result, int | float):
        return float(res.result), "crcl_cockcroft_gault"
    value = snapshot.get("creatinine_clearance")
    if value is not None:
        return value, "entered"
    return None, ""


def _settings(
    assessment: Assessment,
    snapshot: Snapshot,
    unknown: list[str],
    diagnosis: str | None = None,
) -> tuple[list[Setting], list[str]]:
    """The PDQ settings for the patient: from the established diagnosis (the course model's)
    when given, else from this snapshot's ``diagnosis`` result, and the lines of therapy."""
    basis: list[str] = []
    if diagnosis is not None:
        value = diagnosis
        basis.append(f"Diagnosis: {diagnosis_label(value)} (established)")
    else:
        diag = _result(assessment, "diagnosis")
        if diag is None:
            unknown.append("Diagnosis not determined at this visit: no setting can be chosen")
            return [], basis
        value = str(diag.result)
        basis.append(f"Diagnosis: {diagnosis_label(value)}")
    if value in DIAGNOSIS_SETTINGS:
        return list(DIAGNOSIS_SETTINGS[value]), basis
    if value not in MYELOMA_DIAGNOSES:
        return [], basis
    if snapshot.therapy_lines:
        prior = prior_lines(snapshot.therapy_lines, snapshot.date)
        ongoing = current_line(snapshot.therapy_lines, snapshot.date)
        # The part under way, or between two planned parts the one to come (after transplant
        # with maintenance planned: the maintenance setting).
        part = (
            (ongoing.next_part(snapshot.date) or ongoing.part_on(snapshot.date))
            if ongoing
            else None
        )
        if ongoing is not None:
            basis.append(
                f"{prior} prior line{'s' if prior != 1 else ''} of therapy; line "
                f"{ongoing.number} ({ongoing.regimen}) in progress"
            )
        else:
            basis.append(f"{prior} prior line{'s' if prior != 1 else ''} of therapy")
        if prior == 0 and ongoing is not None:
            if part is not None and part.phase == "maintenance":
                basis.append("first line, in maintenance")
                return [Setting.MAINTENANCE, Setting.BONE_DISEASE], basis
            basis.append("first line in progress: the newly diagnosed setting")
            return _newly_diagnosed(assessment, unknown, basis)
        basis.append("relapsed or refractory disease")
        refr = _result(assessment, "refractoriness")
        if refr is not None:
            basis.append(REFRACTORY_WORDS.get(str(refr.result), str(refr.result)))
        return [Setting.RELAPSED_REFRACTORY], basis
    basis.append("No prior therapy recorded: newly diagnosed")
    return _newly_diagnosed(assessment, unknown, basis)


def _newly_diagnosed(
    assessment: Assessment, unknown: list[str], basis: list[str]
) -> tuple[list[Setting], list[str]]:
    """Newly diagnosed settings by fitness (IMWG frailty), then maintenance and bone disease."""
    frailty = _result(assessment, "frailty_imwg")
    if frailty is None:
        unknown.append(
            "Fitness (IMWG frailty) not determined: options for fit and less-fit patients are "
            "both listed"
        )
        settings = [Setting.NEWLY_DIAGNOSED_FIT, Setting.NEWLY_DIAGNOSED_LESS_FIT]
    elif frailty.result == "fit":
        basis.append("IMWG frailty: fit")
        settings = [Setting.NEWLY_DIAGNOSED_FIT, Setting.CONSOLIDATION_TRANSPLANT]
    else:
        basis.append(f"IMWG frailty: {frailty.result}")
        settings = [Setting.NEWLY_DIAGNOSED_LESS_FIT]
    return [*settings, Setting.MAINTENANCE, Setting.BONE_DISEASE], basis


def _studies(ev: Evidence, trials: list[Trial]) -> list[StudyRef]:
    out: list[StudyRef] = []
    for t in trials:
        fs = ev.findings_of_trial(t.id)
        levels = sorted({f.level_of_evidence for f in fs if f.level_of_evidence})
        out.append(
            StudyRef(
                trial=t.id,
                name=t.name,
                nct_ids=t.nct_ids,
                levels=levels,
                findings=[f.id for f in fs],
                label=trial_display_name(t, ev),
            )
        )
    return out


def _refractory_and_exposed(snapshot: Snapshot) -> tuple[dict[str, str], dict[str, str]]:
    refractory: dict[str, str] = {}
    exposed: dict[str, str] = {}
    number_of = {
        entry: imwg.number for imwg in group_lines(snapshot.therapy_lines) for entry in imwg.entries
    }
    for index in started_entries(snapshot.therapy_lines, snapshot.date):  # not planned parts
        line = snapshot.therapy_lines[index]
        for drug in line.drugs:
            known = resolve_drug(drug)  # canonical name for synonyms ("len", "Revlimid")
            name = known.name if known else drug.strip().lower()
            # IMWG line numbers, as the course counts them (maintenance inside its line)
            where = f"line {number_of.get(index, index + 1)} ({line.regimen})"
            exposed.setdefault(name, where)
            if line.refractory:
                refractory.setdefault(name, where)
    return refractory, exposed


def lenalidomide_doses(ev: Evidence) -> dict[str, str]:
    """The PDQ's lenalidomide renal doses from the evidence data, keyed by the rule's result
    values ("10_mg_daily" → "10 mg every day"); empty if the dose statement is missing."""
    dose = ev.doses.get(LENALIDOMIDE_DOSE_ID)
    if dose is None:
        return {}
    by_band: dict[str, str] = {}
    for value in dose.values:
        cut = min((i for i in (value.find(":"), value.find(",")) if i > 0), default=-1)
        if cut > 0:
            by_band[value[:cut].strip()] = value[cut + 1 :].strip()
    return {
        result: by_band[band]
        for result, band in LENALIDOMIDE_RESULT_BANDS.items()
        if band in by_band
    }


def _lenalidomide_band(crcl: float, dialysis: bool | None) -> str:
    """The rule's result for a creatinine clearance (same bands and comparisons as the rule)."""
    if dialysis:
        return "15_mg_after_dialysis"
    if lt(crcl, LEN_LOW):
        return "15_mg_every_other_day"
    if le(crcl, LEN_HIGH):
        return "10_mg_daily"
    return "standard"


def _renal_flags(
    ev: Evidence,
    reg: Regimen,
    crcl: float | None,
    crcl_src: str,
    dialysis: bool | None,
    len_rule: RuleResult | None,
) -> list[Flag]:
    flags: list[Flag] = []
    if "lenalidomide" in reg.components:
        doses = lenalidomide_doses(ev)
        src = CRCL_SOURCE_WORDS.get(crcl_src, crcl_src)
        if len_rule is not None:
            band = str(len_rule.result)
            why = "the lenalidomide dose rule for this visit"
        elif dialysis:
            band, why = "15_mg_after_dialysis", "on dialysis"
        elif crcl is not None:
            band = _lenalidomide_band(crcl, dialysis)
            why = f"creatinine clearance {crcl:g} mL/min ({src})"
        else:
            band, why = "", ""
        if band == "standard":
            pass
        elif band:
            phrase = doses.get(band)
            flags.append(
                Flag(
                    code="renal_dose",
                    source=LENALIDOMIDE_DOSE_ID,
                    message=(
                        f"Lenalidomide renal dose ({why}): the PDQ gives {phrase}."
                        if phrase
                        else f"Lenalidomide renal dose ({why}): the PDQ's dose for this band "
                        "is missing from the evidence data; check the PDQ text."
                    ),
                )
            )
        else:
            stated = "; ".join(ev.doses[LENALIDOMIDE_DOSE_ID].values) if doses else ""
            flags.append(
                Flag(
                    code="renal_unknown",
                    source=LENALIDOMIDE_DOSE_ID,
                    message="Creatinine clearance not known: the PDQ's lenalidomide dose "
                    f"depends on it ({stated or 'see the PDQ text'}).",
                )
            )
    if "pomalidomide" in reg.components and (dialysis or (crcl is not None and crcl < 50)):
        flags.append(
            Flag(
                code="renal_dose",
                source="lenalidomide-pomalidomide-renal-amyloidosis",
                message="Renal dysfunction: the PDQ says lower doses of lenalidomide "
                "or pomalidomide must be used (no pomalidomide dose given).",
            )
        )
    if reg.id == "cybord" and crcl is not None and crcl < CYBORD_CRCL:
        flags.append(
            Flag(
                code="renal_preferred",
                source="cybord-renal",
                message=f"CrCl {crcl:g} mL/min: the PDQ says CyBorD is preferred in "
                "significant renal dysfunction (creatinine clearance less than "
                "45 cc/min).",
            )
        )
    return flags


def options_for(
    assessment: Assessment,
    snapshot: Snapshot,
    evidence: Evidence | None = None,
    setting: Setting | None = None,
    diagnosis: str | None = None,
) -> OptionsReport:
    """The options the PDQ describes for this patient's setting, with trials, levels and flags.

    ``setting`` overrides the setting derived from the assessment (the clinician names it, for
    example while no ``diagnosis`` result is available); the report says so in its basis.
    ``diagnosis`` is the established diagnosis of the patient's course (course model): at a
    follow-up the snapshot's own ``diagnosis`` result is re-derived from treated labs and must
    not choose the setting.
    """
    ev = evidence or load()
    unknown: list[str] = []
    if setting is not None:
        settings, basis = [setting], [f"Setting chosen by the user: {setting_label(setting.value)}"]
    else:
        settings, basis = _settings(assessment, snapshot, unknown, diagnosis)
    crcl, crcl_src = _crcl(assessment, snapshot)
    len_rule = _result(assessment, "lenalidomide_renal_dose")
    refractory, exposed = _refractory_and_exposed(snapshot)
    general: list[Flag] = []

    options: list[Option] = []
    for reg in ev.db.regimens:
        if not set(reg.settings) & set(settings):
            continue
        trials = [t for t in ev.db.trials if reg.id in t.regimens]
        flags = _renal_flags(ev, reg, crcl, crcl_src, snapshot.dialysis, len_rule)
        for drug in reg.components:
            # Refractoriness is defined for the backbone drugs (Rajkumar 2015; drugs.py), not
            # for the corticosteroid partner that nearly every regimen shares.
            if drug_class(drug) is DrugClass.CORTICOSTEROID:
                continue
            if drug in refractory:
                flags.append(
                    Flag(
                        code="refractory_component",
                        message=f"Refractory to {drug} ({refractory[drug]}).",
                    )
                )
            elif drug in exposed:
                flags.append(
                    Flag(
                        code="exposed_component",
                        message=f"Previously exposed to {drug} ({exposed[drug]}).",
                    )
                )
        options.append(
            Option(
                id=reg.id,
                label=f"{reg.abbreviation}: {reg.name}",
                components=reg.components,
                settings=reg.settings,
                studies=_studies(ev, trials),
                flags=flags,
                population=reg.population,
            )
        )

    setting_trials = [t for t in ev.db.trials if t.setting in settings]
    studies = _studies(ev, setting_trials)

    if Setting.RELAPSED_REFRACTORY in settings:
        general.extend(_relapsed_flags(ev, assessment, snapshot, refractory))
    if Setting.SMOLDERING in settings:
        smm = _result(assessment, "smm_risk_pdq_four_factor")
        if smm is None:
            unknown.append(_smm_risk_unknown(assessment))
        else:
            words = SMM_RISK_WORDS.get(str(smm.result), str(smm.result))
            basis.append(f"Smoldering myeloma risk, the PDQ's four factors: {words}")
            if smm.result == "high":
                general.append(
                    Flag(
                        code="high_risk",
                        message="High risk of progression: the PDQ states "
                        f"“{SMOLDERING_HIGH_RISK}”",
                    )
                )
    if setting is None and _diagnosis_value(assessment, diagnosis) == "plasma_cell_leukemia":
        general.append(_plasma_cell_leukemia_flag(ev))
    if settings and settings[0] in (Setting.NEWLY_DIAGNOSED_FIT, Setting.NEWLY_DIAGNOSED_LESS_FIT):
        risk = _result(assessment, "cytogenetic_risk_pdq")
        if risk is None:
            unknown.append("Cytogenetic risk not determined (FISH results are needed)")
        elif risk.result in ("high", "ultra_high"):
            general.append(
                Flag(
                    code="high_risk",
                    source="nct03188172",
                    message=f"Cytogenetic risk {risk.result}: the PDQ describes more "
                    "aggressive strategies for high-risk disease (tandem transplant, "
                    "allogeneic SCT, lenalidomide plus bortezomib maintenance) and "
                    "the OPTIMUM study of D-CVRd for ultra-high-risk myeloma; it "
                    "notes randomized trials are needed.",
                )
            )
    if (
        settings
        and crcl is None
        and any(f.code == "renal_unknown" for o in options for f in o.flags)
    ):
        unknown.append(
            "Renal function: no creatinine clearance (neither computed by Cockcroft–Gault nor "
            "entered)"
        )
    return OptionsReport(
        evidence_version=ev.version,
        pdq_date=ev.pdq_date,
        settings=settings,
        setting_basis=basis,
        options=options,
        studies=studies,
        flags=general,
        unknown=unknown,
        approaches=[a for st in settings for a in APPROACHES.get(st, ())],
    )


def _smm_risk_unknown(assessment: Assessment) -> str:
    """Why the PDQ's four-factor smoldering risk is not known at this visit, with what it needs
    and the groups still possible."""
    text = (
        "Smoldering myeloma risk (the PDQ's four factors: M protein, FLC ratio, marrow plasma "
        "cells, cytogenetics) not determined"
    )
    try:
        res = assessment.get("smm_risk_pdq_four_factor")
    except KeyError:
        return text
    if res.missing:
        text += " — needs " + ", ".join(field_label(m) for m in res.missing)
    possible = res.detail.get("possible") if isinstance(res.detail, dict) else None
    if possible:
        text += "; it could be " + " or ".join(SMM_RISK_WORDS.get(str(p), str(p)) for p in possible)
    return text


def _diagnosis_value(assessment: Assessment, diagnosis: str | None) -> str | None:
    if diagnosis is not None:
        return diagnosis
    diag = _result(assessment, "diagnosis")
    return str(diag.result) if diag is not None else None


PCL_PROGNOSIS = "Primary plasma cell leukemia has a particularly poor prognosis."


def _plasma_cell_leukemia_flag(ev: Evidence) -> Flag:
    """Plasma cell leukemia is treated as active myeloma (the PDQ has no separate section);
    what the PDQ says of it: its prognosis, and that OPTIMUM enrolled it (D-CVRd)."""
    optimum = ev.trials.get("nct03188172")
    name = optimum.name if optimum is not None and optimum.name else "a phase II trial"
    return Flag(
        code="high_risk",
        source="nct03188172",
        message=f"Plasma cell leukemia: the PDQ states “{PCL_PROGNOSIS}” It has no separate "
        f"treatment section; the {name} study of D-CVRd induction, autologous SCT, D-VRd "
        "consolidation and Dara-R maintenance enrolled patients with ultra–high-risk myeloma "
        "or plasma cell leukemia.",
    )


def _relapsed_flags(
    ev: Evidence, assessment: Assessment, snapshot: Snapshot, refractory: dict[str, str]
) -> list[Flag]:
    flags: list[Flag] = []
    if snapshot.fish is None:
        flags.append(
            Flag(
                code="unknown_input",
                source="venetoclax",
                message="FISH not recorded: t(11;14) status unknown (the PDQ reports "
                "venetoclax activity particularly with t(11;14)).",
            )
        )
    elif Fish.T_11_14 in snapshot.fish:
        flags.append(
            Flag(
                code="t11_14",
                source="venetoclax",
                message="t(11;14) present: the PDQ describes venetoclax, a BCL2 "
                "inhibitor, as active particularly in myeloma with t(11;14).",
            )
        )
    refr = _result(assessment, "refractoriness")
    if refr is not None:
        flags.append(
            Flag(
                code="refractory_component",
                message=f"Refractoriness: {REFRACTORY_WORDS.get(str(refr.result), refr.result)}.",
            )
        )
    lines = prior_lines(snapshot.therapy_lines, snapshot.date)
    if "lenalidomide" in refractory:
        len_refr = "yes"
    elif any(line.refractory is None for line in snapshot.therapy_lines):
        len_refr = "unknown"
    else:
        len_refr = "no"
    for rule_id, product, trial_id in (
        ("cilta_cel_eligibility", "cilta-cel", "nct04181827"),
        ("ide_cel_eligibility", "ide-cel", "nct03651128"),
    ):
        res = _result(assessment, rule_id)
        status = (
            f"the PDQ's label statement: {ELIGIBILITY_WORDS.get(str(res.result), res.result)}"
            if res is not None
            else "the PDQ's label statement not assessed"
        )
        trial = ev.trials.get(trial_id)
        population = trial.description[0] if trial and trial.description else "not recorded"
        flags.append(
            Flag(
                code="car_t_criteria",
                source=trial_id,
                message=f"CAR-T ({product}): the PDQ's trial — {population} This patient: "
                f"{lines} prior line(s), lenalidomide-refractory: {len_refr}; {status}.",
            )
        )
    return flags
