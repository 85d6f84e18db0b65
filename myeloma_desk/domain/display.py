"""One display vocabulary for screens and printed reports (pure; no Qt).

Everything a user reads in place of an internal value comes from here: field labels (one label
per field, from :mod:`myeloma_desk.domain.fields`), rule statuses, result values as words
(diagnoses and IMWG responses from :mod:`myeloma_desk.domain.vocabulary`), and the PDQ's
treatment settings. The UI and the reports call these functions rather than keeping their own
tables, so the same value reads the same way everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from myeloma_desk.domain.drugs import DrugClass, class_label
from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.units import Dim, fmt, from_canonical, unit_label
from myeloma_desk.domain.vocabulary import (
    COURSE_RESULT_LABELS,
    COURSE_VALUE_LABELS,
    DIAGNOSIS_LABELS,
    RESPONSE_LABELS,
)

if TYPE_CHECKING:
    from myeloma_desk.domain.snapshot import Quantity, _Measured

# Acronyms and initialisms as a clinician writes them: an identifier's words ("history_of_vte",
# "anti_cd38_antibody") keep them ("history of VTE", "anti CD38 antibody") on every screen, in
# print and in CLI text.
ACRONYMS: dict[str, str] = {
    "adl": "ADL",
    "al": "AL",
    "asct": "ASCT",
    "bmi": "BMI",
    "bmpc": "BMPC",
    "braf": "BRAF",
    "cd38": "CD38",
    "crcl": "CrCl",
    "ct": "CT",
    "cvc": "CVC",
    "dflc": "dFLC",
    "ecog": "ECOG",
    "egfr": "eGFR",
    "fish": "FISH",
    "flc": "FLC",
    "gi": "GI",
    "iadl": "IADL",
    "iga": "IgA",
    "igd": "IgD",
    "ige": "IgE",
    "igg": "IgG",
    "igm": "IgM",
    "ihc": "IHC",
    "imid": "IMiD",
    "imwg": "IMWG",
    "iss": "ISS",
    "ldh": "LDH",
    "lmwh": "LMWH",
    "mgus": "MGUS",
    "mri": "MRI",
    "mrd": "MRD",
    "ngf": "NGF",
    "ngs": "NGS",
    "os": "OS",
    "pdq": "PDQ",
    "pet": "PET",
    "pfs": "PFS",
    "poems": "POEMS",
    "tp53": "TP53",
    "uln": "ULN",
    "v600e": "V600E",
    "vegf": "VEGF",
    "vte": "VTE",
}

# The one label of every snapshot field that is not a measured quantity (measured fields take
# theirs from domain/fields.py), by its path in the snapshot JSON. A nested field with no entry
# reads "<record's label>: <its words>" (SUBFIELD_WORDS); the "Baseline: " / "Line 2: " prefixes
# of list entries are added where those entries are built (the form, the report). Where the
# form and the report used to disagree, the clinically clearer words were kept: "Age" with its
# unit "years" beside it (FIELD_UNITS), "FISH / genomic findings" (the list holds a TP53
# mutation, found by sequencing, not by FISH), "Katz ADL score".
OTHER_FIELD_LABELS: dict[str, str] = {
    "date": "Visit date",
    "patient": "Patient",
    "patient.name": "Patient name",
    "patient.identifier": "Patient identifier",
    "patient.birth_date": "Date of birth",
    "age_years": "Age",
    "sex": "Sex",
    "m_protein_heavy_chain": "M-protein heavy chain",
    "m_protein_light_chain": "M-protein light chain",
    "serum_immunofixation": "Serum immunofixation",
    "urine_immunofixation": "Urine immunofixation",
    "soft_tissue_plasmacytomas": "Soft-tissue plasmacytomas",
    "marrow_clonal_cells_absent": "No clonal plasma cells in marrow (IHC/flow)",
    "biopsy_proven_plasmacytoma": "Biopsy-proven plasmacytoma",
    "clonality_proven": "Clonality proven",
    "fish": "FISH / genomic findings",
    "amyloidosis": "Amyloidosis findings",
    "amyloidosis.biopsy_proven": "Amyloid on biopsy (Congo red)",
    "amyloidosis.light_chain_typed": "Amyloid typed as light chain",
    "amyloidosis.organs": "Organs involved by amyloid",
    "poems": "POEMS features",
    "history": "Earlier results",
    "dialysis": "On dialysis",
    "ecog": "ECOG performance status",
    "charlson_comorbidity_index": "Charlson comorbidity index",
    "katz_adl": "Katz ADL score",
    "lawton_iadl": "Lawton IADL score",
    "vte_risk_factors": "VTE risk factors",
    "therapy_lines": "Lines of therapy",
    "therapy_lines.regimen": "Regimen",
    "therapy_lines.drugs": "Drugs",
    "therapy_lines.start": "Start",
    "therapy_lines.end": "End",
    "therapy_lines.best_response": "Best response",
    "therapy_lines.refractory": "Refractory",
    "therapy_lines.phase": "Phase",
    "troponin_t_assay": "Troponin T assay",
    "braf_v600e": "BRAF V600E",
    "hyperviscosity": "Hyperviscosity",
    "spinal_lesions": "Spinal lesions",
    "igm_related_findings": "IgM-related findings",
    "mrd": "MRD",
    "mrd.status": "MRD status",
    "mrd.method": "MRD method",
    "mrd.sensitivity": "MRD sensitivity",
    "mrd.pet_ct_negative": "PET/CT negative (for imaging-plus MRD)",
}

# Words of a nested field after its record's label ("VTE risk factors: Asian or Pacific
# Islander"); the POEMS features (Dispenzieri 2019) as the criteria name them, which the POEMS
# rule also lists on their own; no comma inside an entry, as they are listed with commas.
SUBFIELD_WORDS: dict[str, str] = {
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
    "pelvic_hip_femur_fracture": "pelvic/hip/femur fracture",
    "erythropoiesis_stimulating_agent": "erythropoiesis-stimulating agent",
    "asian_pacific_islander": "Asian or Pacific Islander",
    "tunneled_line_or_cvc": "tunneled line or CVC",
    "dexamethasone": "dexamethasone dose",
}

# The unit of a plain number that is not a measured quantity, shown beside its field in the form
# and after its value in print (so a label never repeats it).
FIELD_UNITS: dict[str, str] = {"age_years": "years", "mrd.sensitivity": "fraction"}

# Choices of a snapshot field in words where an identifier's words would not do.
CHOICE_WORDS: dict[str, str] = {
    "gi": "GI tract",
    "soft_tissue": "Soft tissue",
    "none": "None",
    "other": "Other",
    "reduced_50": "Reduced by at least 50%",
    "new_or_growing": "New or growing",
    "high_sensitivity": "High-sensitivity",
    # FISH / genomic findings (Snapshot.fish) in the words of the PDQ and IMWG papers
    "del17p": "del(17p)",
    "tp53_mutation": "TP53 mutation",
    "gain1q": "1q gain",
    "amp1q": "1q amplification",
    "del1p32_monoallelic": "monoallelic del(1p32)",
    "del1p32_biallelic": "biallelic del(1p32)",
    "del13": "del(13q)",
    "hyperdiploidy": "Hyperdiploidy",
}

# Keys of a rule's detail that an identifier's words would not say well.
DETAIL_LABELS: dict[str, str] = {
    "pdq_difference": "Difference from the PDQ",
    "median_os_months": "Median overall survival in the original series (months)",
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


_IDENTIFIER = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")
# An identifier inside running text ("see myeloma_defining_events", "bmi_25").
_INLINE_IDENTIFIER = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
_DRUG_CLASSES = frozenset(c.value for c in DrugClass)
# A nested field's path ("vte_risk_factors.history_of_vte", "history.0.albumin").
_PATH = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)+")
# A field of one list entry as the engine names it among missing inputs ("therapy_lines[2].drugs").
_ENTRY = re.compile(r"([a-z0-9_]+)\[(\d+)\]\.([a-z0-9_.]+)")


def entry_prefix(name: str, index: int) -> str:
    """The words before a field of a list entry: "Baseline: " (the first earlier result),
    "Earlier (2): ", "Line 3: " (IMWG line numbers count from 1)."""
    if name == "history":
        return "Baseline: " if index == 0 else f"Earlier ({index}): "
    if name == "therapy_lines":
        return f"Line {index + 1}: "
    return ""


def words(value: str) -> str:
    """An identifier in words, acronyms as written: "not_refractory" → "Not refractory",
    "history_of_vte" → "History of VTE", "dflc" → "dFLC". Text that is not an identifier (a
    unit "g/dL", "t(4;14)", "VGPR", "IIIa", a sentence) is kept as written."""
    if not _IDENTIFIER.fullmatch(value):
        return value
    parts = [ACRONYMS.get(part, part) for part in value.split("_")]
    text = " ".join(parts)
    return text if parts[0] in ACRONYMS.values() else text[:1].upper() + text[1:]


def mid_sentence(text: str) -> str:
    """A label inside a sentence: "Free kappa" → "free kappa"; an acronym or symbol at its start
    stays ("LDH upper limit of normal", "β2-microglobulin", "eGFR", "IgM MGUS")."""
    first = re.split(r"[ -]", text, maxsplit=1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        return text[0].lower() + text[1:]
    return text  # "IgM MGUS", "CrCl" keep their capitals


def field_label(name: str, with_unit: bool = False) -> str:
    """The one label of a snapshot field by its path ("Serum M-protein", "Age", "VTE risk
    factors: Asian or Pacific Islander"); the index of a list entry is passed over ("history.0.
    albumin" is "Albumin"; the "Baseline: " prefix is the caller's). ``with_unit`` adds the
    unit of a plain number in parentheses ("Age (years)"), where no value stands beside it.
    A list entry's field as the engine names it among missing inputs reads with its entry:
    "therapy_lines[2].drugs" is "Line 3: Drugs"."""
    entry = _ENTRY.fullmatch(name)
    if entry is not None:
        head, index, rest = entry.groups()
        return entry_prefix(head, int(index)) + field_label(f"{head}.{rest}", with_unit)
    parts = [p for p in name.split(".") if not p.isdigit()] if _PATH.fullmatch(name) else [name]
    leaf = parts[-1]
    spec = MEASURED_FIELDS.get(leaf)
    path = ".".join(parts)
    if spec is not None:
        label = spec.label
    elif path in OTHER_FIELD_LABELS:
        label = OTHER_FIELD_LABELS[path]
    elif len(parts) > 1 and parts[0] in ("history", "therapy_lines"):
        label = field_label(".".join(parts[1:]))
    elif len(parts) > 1:
        head = field_label(".".join(parts[:-1]))
        return f"{head}: {SUBFIELD_WORDS.get(leaf) or mid_sentence(words(leaf))}"
    elif _IDENTIFIER.fullmatch(name):
        label = SUBFIELD_WORDS.get(name) or words(name)
    else:  # a name that is not a snapshot path ("therapy_lines[2].drugs"): its words as written
        label = name.replace("_", " ")
    unit = FIELD_UNITS.get(path)
    return f"{label} ({unit})" if with_unit and unit else label


def part_label(path: str) -> str:
    """A nested field's words inside its record's row, mid-sentence and without the record's
    name: "Asian or Pacific Islander" and "history of VTE" in the "VTE risk factors" row, "MRD
    status" (its own label) in the "MRD" row."""
    parts = [p for p in path.split(".") if not p.isdigit()]
    full = ".".join(parts)
    if full in OTHER_FIELD_LABELS or parts[-1] in MEASURED_FIELDS:
        return mid_sentence(field_label(full))
    return SUBFIELD_WORDS.get(parts[-1]) or mid_sentence(words(parts[-1]))


def field_labels(names: Sequence[str]) -> list[str]:
    """Labels of several fields for a list, each once, a record's fields grouped under its
    label: ["VTE risk factors (history of VTE, doxorubicin)", "Lines of therapy"], so that the
    list's commas never run a record's fields into the next field."""
    groups: dict[str, list[str]] = {}
    for name in names:
        parts = [p for p in name.split(".") if not p.isdigit()] if _PATH.fullmatch(name) else []
        path = ".".join(parts)
        grouped = (
            len(parts) > 1
            and path not in OTHER_FIELD_LABELS
            and parts[-1] not in MEASURED_FIELDS
            and parts[0] not in ("history", "therapy_lines")
        )
        if grouped:
            inside = groups.setdefault(field_label(".".join(parts[:-1])), [])
            if part_label(path) not in inside:
                inside.append(part_label(path))
        else:
            groups.setdefault(field_label(name), [])
    return [f"{head} ({', '.join(inside)})" if inside else head for head, inside in groups.items()]


def field_unit(name: str) -> str:
    """The unit of a plain-number field ("years" for the age); empty for the others (a measured
    field carries its unit with its value)."""
    return FIELD_UNITS.get(".".join(p for p in name.split(".") if not p.isdigit()), "")


def choice_words(value: str) -> str:
    """A choice of a snapshot field in words ("GI tract", "del(17p)", "Prophylactic LMWH or
    aspirin"); values already written as a clinician writes them ("IgG", "NGS") stay."""
    return CHOICE_WORDS.get(value) or words(value)


def detail_label(key: str) -> str:
    """A key of a rule's detail in words ("Difference from the PDQ")."""
    return DETAIL_LABELS.get(key) or field_label(key)


def inline_words(text: str) -> str:
    """Engine free text for a reader: an identifier inside it becomes its words ("see
    myeloma_defining_events" → "see myeloma-defining events (IMWG 2014)"; a myeloma-defining
    event by its criterion's name, a rule by its title, a field by its label, a diagnosis or a
    drug class by its name); the rest is unchanged."""
    return _INLINE_IDENTIFIER.sub(lambda match: _token_words(match.group()), text)


def _token_words(token: str) -> str:
    # Imported here: the criteria modules import this one.
    from myeloma_desk.domain.criteria.diagnosis.events import EVENT_LABELS
    from myeloma_desk.domain.engine import rules

    if token in EVENT_LABELS:
        return EVENT_LABELS[token]
    titles = {r.id: r.title for r in rules()}
    if token in titles:
        return titles[token]
    if token in DIAGNOSIS_LABELS:
        return mid_sentence(DIAGNOSIS_LABELS[token])
    if token in _DRUG_CLASSES:
        return mid_sentence(class_label(DrugClass(token)))
    if token in MEASURED_FIELDS or token in OTHER_FIELD_LABELS:
        return mid_sentence(field_label(token))
    return mid_sentence(words(token))


# Rule statuses (assessment-interchange.md) in words.
STATUS_WORDS: dict[str, str] = {
    "determined": "Determined",
    "cannot_determine": "Cannot be determined",
    "not_applicable": "Not applicable",
}


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


def value_words(value: object, rule: str | None = None) -> str:
    """A determined result's value as the screens, the timeline and the CLI show it: by its
    name, in the words of ``rule`` when given ("Triple-class refractory", "Non-IgM MGUS",
    "Cardiac response"); a response or a stage as written ("VGPR", "II"); a list joined with
    commas ("none" when empty); numbers as written."""
    if isinstance(value, str) and value in ABBREVIATIONS:
        return value
    if isinstance(value, list | tuple):
        return ", ".join(value_words(v, rule) for v in value) if value else "none"
    return result_label(value, rule)


def course_result_text(rule: str, value: object) -> str | None:
    """The words for a course rule's result where its id would otherwise be shown ("MRD negative
    outside a complete response"), lists joined; None when ``rule`` is not a course rule or the
    value is a response abbreviation such as VGPR."""
    if rule not in COURSE_RESULT_LABELS or value is None:
        return None
    if isinstance(value, str) and value in ABBREVIATIONS:
        return None
    return result_label(value, rule)


def value_in(canonical: float | None, dim: Dim, unit: str, entered: Quantity | None = None) -> str:
    """A criterion's value in the unit of the threshold it is compared with, the entered value
    after it when that was in another unit: "1.9 g/dL (19 g/L as entered)" beside "≥ 1 g/dL"
    (issue 14 item 9). ``canonical`` is the value in the canonical unit of ``dim`` (converted
    exactly, domain/units.py); "not recorded" when None."""
    if canonical is None:
        return "not recorded"
    if entered is not None and unit_label(entered.unit) == unit_label(unit):
        return fmt(entered.value, entered.unit)
    text = fmt(from_canonical(canonical, unit, dim), unit)
    if entered is not None:
        text += f" ({fmt(entered.value, entered.unit)} as entered)"
    return text


def shown_in(entry: _Measured, name: str, unit: str) -> str:
    """Measured field ``name`` of a snapshot or history entry in ``unit`` (the threshold's),
    with the entered value after it when it was entered in another unit (:func:`value_in`)."""
    return value_in(entry.get(name), MEASURED_FIELDS[name].dim, unit, getattr(entry, name))
