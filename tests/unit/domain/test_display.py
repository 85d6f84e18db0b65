"""The one display vocabulary: labels and words a user reads, never internal identifiers."""

from __future__ import annotations

import re

import pytest

from myeloma_desk.domain.display import (
    SETTING_LABELS,
    choice_words,
    detail_label,
    entry_prefix,
    field_label,
    field_labels,
    field_unit,
    inline_words,
    line_words,
    mid_sentence,
    part_label,
    phase_words,
    refractoriness_words,
    result_label,
    setting_label,
    status_label,
    value_words,
    words,
)
from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.vocabulary import DIAGNOSES, RESPONSE_ORDER
from myeloma_desk.evidence.schema import Setting

SNAKE = re.compile(r"[a-z0-9]_[a-z0-9]")


def test_every_measured_field_has_its_one_label() -> None:
    for name, spec in MEASURED_FIELDS.items():
        assert field_label(name) == spec.label
        assert not SNAKE.search(field_label(name))


def test_age_has_one_label_and_its_unit_apart() -> None:
    # The form shows "years" beside the field and print after the value: the label says it once.
    assert field_label("age_years") == "Age"
    assert field_unit("age_years") == "years"
    assert field_label("age_years", with_unit=True) == "Age (years)"
    assert field_label("sex", with_unit=True) == "Sex"  # no plain unit, nothing added


def test_nested_fields_read_as_their_record_then_their_words() -> None:
    assert field_label("vte_risk_factors.asian_pacific_islander") == (
        "VTE risk factors: Asian or Pacific Islander"
    )
    assert field_label("vte_risk_factors.history_of_vte") == "VTE risk factors: history of VTE"
    assert field_label("poems.castleman") == "POEMS features: Castleman disease"
    assert field_label("castleman") == "Castleman disease"  # as the POEMS rule lists it
    assert field_label("mrd.status") == "MRD status"
    # list entries: the index is passed over, the prefix ("Baseline: ") is the caller's
    assert field_label("history.0.albumin") == "Albumin"
    assert field_label("therapy_lines.1.regimen") == "Regimen"
    assert field_unit("mrd.sensitivity") == "fraction"
    # a line's field as the engine names it among missing inputs: with its line (IMWG numbers)
    assert field_label("therapy_lines[2].drugs") == "Line 3: Drugs"
    assert field_label("history[0].albumin") == "Baseline: Albumin"
    assert entry_prefix("history", 2) == "Earlier (2): "
    # inside the record's own row (the report's inputs): without the record's name
    assert part_label("vte_risk_factors.asian_pacific_islander") == "Asian or Pacific Islander"
    assert part_label("vte_risk_factors.doxorubicin") == "doxorubicin"
    assert part_label("mrd.status") == "MRD status"
    assert part_label("amyloidosis.biopsy_proven") == "amyloid on biopsy (Congo red)"


def test_a_list_of_fields_groups_a_record_once() -> None:
    names = [
        "vte_risk_factors.immunomodulatory_drug",
        "bmi",
        "vte_risk_factors.pelvic_hip_femur_fracture",
        "therapy_lines",
        "mrd.status",  # a field with a label of its own stays on its own
        "bmi",  # each once
    ]
    assert field_labels(names) == [
        "VTE risk factors (immunomodulatory drug, pelvic/hip/femur fracture)",
        "BMI",
        "Lines of therapy",
        "MRD status",
    ]
    assert field_labels([]) == []


def test_identifier_words_keep_acronyms() -> None:
    assert words("not_refractory") == "Not refractory"
    assert words("prophylactic_lmwh_or_aspirin") == "Prophylactic LMWH or aspirin"
    assert words("dflc") == "dFLC"  # an acronym that starts in lower case is not capitalised
    assert words("anti_cd38_antibody") == "Anti CD38 antibody"
    for text in ("g/dL", "t(4;14)", "VGPR", "IIIa"):  # not identifiers: kept as written
        assert words(text) == text
    assert mid_sentence("Free kappa") == "free kappa"
    assert mid_sentence("LDH upper limit of normal") == "LDH upper limit of normal"
    assert mid_sentence("β2-microglobulin") == "β2-microglobulin"


def test_result_values_as_screens_and_the_cli_show_them() -> None:
    assert value_words("non_igm_mgus", "diagnosis") == "Non-IgM MGUS"
    assert value_words("triple_class", "refractoriness") == "Triple-class refractory"
    assert value_words("response", "al_cardiac_response") == "Cardiac response"
    assert value_words("VGPR", "response_imwg") == "VGPR"  # abbreviated where room is short
    assert value_words("II", "iss") == "II"
    assert value_words(["anemia", "bone_lesions"]) == "Anemia, Bone lesions"
    assert value_words([]) == "none"


def test_choices_and_details_in_words() -> None:
    assert choice_words("gi") == "GI tract"
    assert choice_words("del17p") == "del(17p)"
    assert choice_words("tp53_mutation") == "TP53 mutation"
    assert choice_words("IgG") == "IgG"
    assert choice_words("therapeutic_lmwh_or_warfarin") == "Therapeutic LMWH or warfarin"
    assert detail_label("pdq_difference") == "Difference from the PDQ"
    assert detail_label("baseline_date") == "Baseline date"


def test_identifiers_inside_engine_text_read_as_words() -> None:
    assert inline_words("see myeloma_defining_events") == "see Myeloma-defining events (IMWG 2014)"
    assert inline_words("BMI over bmi_25; free_kappa high") == "BMI over BMI 25; free kappa high"
    assert inline_words("a plain sentence, 3.5 g/dL") == "a plain sentence, 3.5 g/dL"
    assert inline_words("refractory to anti_cd38_antibody") == "refractory to anti-CD38 antibody"


def test_statuses_in_words() -> None:
    assert status_label("cannot_determine") == "Cannot be determined"
    assert status_label("not_applicable") == "Not applicable"
    assert status_label("determined") == "Determined"


@pytest.mark.parametrize("value", DIAGNOSES)
def test_every_diagnosis_reads_as_words(value: str) -> None:
    assert not SNAKE.search(result_label(value))


def test_result_words() -> None:
    assert result_label("active_multiple_myeloma") == "Active multiple myeloma"
    assert result_label("VGPR") == "Very good partial response"
    assert result_label(None) == "Cannot be determined"
    assert result_label(True) == "Yes"
    assert result_label(2.5) == "2.5"
    assert result_label("double_class", "refractoriness") == "Double-class refractory"
    assert result_label("double_class") == "Double-class refractory"
    for code in RESPONSE_ORDER:
        assert result_label(code) != code


def test_every_pdq_setting_has_a_label() -> None:
    assert set(SETTING_LABELS) == {s.value for s in Setting}
    assert setting_label("relapsed_or_refractory") == "Relapsed or refractory"


def test_refractoriness_in_words_mid_sentence() -> None:
    assert refractoriness_words("triple_class") == "triple-class refractory"
    assert refractoriness_words("single_class") == "single-class refractory"
    assert refractoriness_words("penta_refractory") == "penta-refractory"
    assert refractoriness_words("not_refractory") == "not refractory"
    assert refractoriness_words(None) == ""


def test_where_a_patient_stands_in_their_lines() -> None:
    # The list (no regimen) and the course (with the regimen) word it from one function.
    assert line_words("on_therapy", 2, "maintenance", 1) == "Line 2 (maintenance)"
    assert line_words("on_therapy", 3, None, 2, regimen="Isa-Pd") == "Line 3 (Isa-Pd)"
    assert line_words("on_therapy", 1, "induction", 0, regimen="VRd") == "Line 1, induction (VRd)"
    assert line_words("off_therapy", None, None, 1) == "Off therapy after 1 line"
    assert line_words("off_therapy", None, None, 2) == "Off therapy after 2 lines"
    assert line_words("not_on_therapy", None, None, 0) == "Not on therapy"
    assert line_words("precursor", None, None, 0) == "No therapy recorded"
    assert line_words("newly_diagnosed", 1, "from 2024-11-04", 0) == "Line 1 from 2024-11-04"
    assert line_words("newly_diagnosed", None, None, 0) == "No therapy recorded"
    assert line_words("no_visits", None, None, 0) == ""


def test_between_two_planned_parts_of_one_line() -> None:
    # Rajkumar 2015: induction → transplant → maintenance is one line.
    between = phase_words("induction", "maintenance")
    assert between == "between induction and maintenance"
    assert phase_words("transplant", "maintenance") == "after transplant, before maintenance"
    assert phase_words(None, "transplant") == "between induction and transplant"
    assert phase_words("maintenance") == "maintenance"
    assert line_words("on_therapy", 1, between, 0) == "Line 1 (between induction and maintenance)"


def test_acronyms_keep_their_capitals_in_results_and_mid_sentence() -> None:
    """A supportive-care prompt reads "IMiD", not "imid"; "IgM MGUS" and "non-IgM MGUS" keep
    their capitals inside a sentence (only a capitalised plain word is lowered)."""
    assert result_label(["thromboprophylaxis_imid"], "supportive_care_pdq") == (
        "Thromboprophylaxis IMiD"
    )
    assert mid_sentence("IgM MGUS") == "IgM MGUS"
    assert mid_sentence("Non-IgM MGUS") == "non-IgM MGUS"
    assert mid_sentence("Free kappa") == "free kappa"
    assert mid_sentence("M-protein") == "M-protein"
    assert inline_words("applies to non_igm_mgus, igm_mgus") == (
        "applies to non-IgM MGUS, IgM MGUS"
    )
