"""One display vocabulary for screens and printed reports (pure; no Qt).

Everything a user reads in place of an internal value comes from here: field labels (one label
per field, from :mod:`myeloma_desk.domain.fields`), rule statuses, result values as words
(diagnoses and IMWG responses from :mod:`myeloma_desk.domain.vocabulary`), and the PDQ's
treatment settings. The UI and the reports call these functions rather than keeping their own
tables, so the same value reads the same way everywhere.
"""

from __future__ import annotations

from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.vocabulary import (
    COURSE_RESULT_LABELS,
    COURSE_VALUE_LABELS,
    DIAGNOSIS_LABELS,
    RESPONSE_LABELS,
)

# Fields of a snapshot that are not measured quantities, with the label a clinician reads.
OTHER_FIELD_LABELS: dict[str, str] = {
    "age": "Age (years)",
    "age_years": "Age (years)",
    "sex": "Sex",
    "date": "Visit date",
    "ecog": "ECOG performance status",
    "dialysis": "On dialysis",
    "fish": "FISH",
    "m_protein_type": "M-protein type",
    "light_chain": "Light chain",
    "therapy_lines": "Lines of therapy",
    # POEMS features (Dispenzieri 2019), as the criteria name them
    "polyneuropathy": "polyneuropathy",
    "castleman": "Castleman disease",
    "sclerotic_bone_lesions": "sclerotic bone lesions",
    "vegf_elevated": "elevated VEGF",
    "organomegaly": "organomegaly",
    "extravascular_volume_overload": "extravascular volume overload",
    "endocrinopathy": "endocrinopathy",
    "skin_changes": "skin changes",
    "papilledema": "papilledema",
    "thrombocytosis_or_polycythemia": "thrombocytosis or polycythemia",
}

# Rule statuses (assessment-interchange.md) in words.
STATUS_WORDS: dict[str, str] = {
    "determined": "Determined",
    "cannot_determine": "Cannot be determined",
    "not_applicable": "Not applicable",
}

# The PDQ's treatment settings (evidence/schema.py ``Setting`` values) in words.
SETTING_LABELS: dict[str, str] = {
    "general": "General",
    "mgus": "MGUS",
    "smoldering_myeloma": "Smoldering myeloma",
    "isolated_plasmacytoma_of_bone": "Isolated plasmacytoma of bone",
    "extramedullary_plasmacytoma": "Extramedullary plasmacytoma",
    "al_amyloidosis": "AL amyloidosis",
    "poems_syndrome": "POEMS syndrome",
    "newly_diagnosed_fit": "Newly diagnosed, fit",
    "newly_diagnosed_less_fit": "Newly diagnosed, less fit",
    "consolidation_and_transplant": "Consolidation and transplant",
    "maintenance": "Maintenance",
    "bone_disease": "Bone disease",
    "relapsed_or_refractory": "Relapsed or refractory",
}


def words(value: str) -> str:
    """A last resort for an identifier with no entry: "not_refractory" → "Not refractory"."""
    text = value.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def field_label(name: str) -> str:
    """The one label of a snapshot field ("Age (years)", "Serum M-protein")."""
    spec = MEASURED_FIELDS.get(name)
    if spec is not None:
        return spec.label
    return OTHER_FIELD_LABELS.get(name, words(name))


def status_label(status: str) -> str:
    """A rule status in words ("Cannot be determined")."""
    return STATUS_WORDS.get(status, words(status))


def setting_label(setting: str) -> str:
    """A PDQ treatment setting in words ("Relapsed or refractory")."""
    return SETTING_LABELS.get(setting, words(setting))


def result_label(value: object, rule: str | None = None) -> str:
    """A rule's result value in words: diagnoses, IMWG responses and the course results by their
    names (in the words of ``rule`` when given: "response" of the cardiac rule is "Cardiac
    response"), lists joined ("None" when empty), booleans as Yes/No, numbers as written, other
    identifiers with their underscores turned into spaces."""
    if value is None:
        return "Cannot be determined"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return "; ".join(result_label(v, rule) for v in value) if value else "None"
    text = str(value)
    own = COURSE_RESULT_LABELS.get(rule or "", {})
    if text in own:
        return own[text]
    if text in DIAGNOSIS_LABELS:
        return DIAGNOSIS_LABELS[text]
    if text in RESPONSE_LABELS:
        return RESPONSE_LABELS[text]
    if text in COURSE_VALUE_LABELS:
        return COURSE_VALUE_LABELS[text]
    if text in STATUS_WORDS:
        return STATUS_WORDS[text]
    return words(text)


def response_words(category: str | None, confirmed: str | None) -> str:
    """An IMWG response with its confirmation: "PR (confirmed)", "VGPR (unconfirmed; PR
    confirmed)", "PD (unconfirmed)"; stable disease needs no confirmation ("SD")."""
    if category is None:
        return "Not assessed"
    if confirmed == category:
        return f"{category} (confirmed)"
    if category == "SD":
        return "SD"
    if confirmed:
        return f"{category} (unconfirmed; {confirmed} confirmed)"
    return f"{category} (unconfirmed)"


# The parts of a planned IMWG line (Rajkumar 2015; docs/engine-course.md): induction, then a
# transplant, consolidation or maintenance that continues the same line.
PHASE_LABELS: dict[str, str] = {
    "induction": "induction",
    "transplant": "transplant",
    "consolidation": "consolidation",
    "maintenance": "maintenance",
}


def phase_words(phase: str | None, next_phase: str | None = None) -> str:
    """The part of a line in words ("maintenance"); with ``next_phase`` the time between two
    planned parts of one line: "between induction and maintenance", "after transplant, before
    maintenance" (still the same line: a planned sequence is one line)."""
    done = PHASE_LABELS.get(phase or "", phase or "")
    if next_phase is None:
        return done
    after = PHASE_LABELS.get(next_phase, next_phase)
    if phase == "transplant":
        return f"after transplant, before {after}"
    return f"between {done or 'induction'} and {after}"


def off_therapy_words(prior_lines: int) -> str:
    """Time off therapy in words: "Off therapy after 1 line", "… after 3 lines"."""
    return f"Off therapy after {prior_lines} line{'s' if prior_lines != 1 else ''}"


def line_words(
    state: str,
    line: int | None,
    phase: str | None,
    prior_lines: int,
    regimen: str | None = None,
) -> str:
    """Where a patient stands in their lines of therapy (IMWG line numbers: maintenance counts
    inside its line). ``phase`` is a recorded phase or :func:`phase_words`' text. Without a
    regimen, as the patient list shows it: "Line 2 (maintenance)"; with one, as the course
    shows it: "Line 2, maintenance (Isa-Pd)". "Off therapy after 2 lines", "Not on therapy"
    (``state`` "not_on_therapy"), a first line still to start ("Line 1 from 2024-11-04"), "No
    therapy recorded"; empty without visits."""
    if state == "on_therapy" and line is not None:
        shown = PHASE_LABELS.get(phase or "", phase or "")
        if regimen is None:
            return f"Line {line}" + (f" ({shown})" if shown else "")
        return f"Line {line}" + (f", {shown}" if shown else "") + f" ({regimen})"
    if state == "off_therapy" or (line is None and prior_lines > 0):
        return off_therapy_words(prior_lines)
    if state == "not_on_therapy":
        return "Not on therapy"
    if state == "newly_diagnosed" and line is not None and phase:
        return f"Line {line} {phase}"  # planned: "Line 1 from 2024-11-04"
    if state in ("precursor", "newly_diagnosed"):
        return "No therapy recorded"
    return ""


def refractoriness_words(value: str | None) -> str:
    """The refractoriness rule's result mid-sentence: "triple-class refractory"; empty when
    not known."""
    if value is None:
        return ""
    label = COURSE_RESULT_LABELS["refractoriness"].get(value)
    return label[:1].lower() + label[1:] if label else words(value).lower()


# Response abbreviations a clinician reads as written (screens show "VGPR", with the full name
# beside it where there is room).
ABBREVIATIONS = frozenset({"sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NR"})


def course_result_text(rule: str, value: object) -> str | None:
    """The words for a course rule's result where its id would otherwise be shown ("MRD negative
    outside a complete response"), lists joined; None when ``rule`` is not a course rule or the
    value is a response abbreviation such as VGPR."""
    if rule not in COURSE_RESULT_LABELS or value is None:
        return None
    if isinstance(value, str) and value in ABBREVIATIONS:
        return None
    return result_label(value, rule)
