"""Report content (pure, no Qt): sections, escaping, missing data, trends, options, references."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from myeloma_desk.domain.engine import Assessment, assess
from myeloma_desk.domain.results import Criterion, RuleResult
from myeloma_desk.domain.snapshot import PatientIdentity, Snapshot, parse_snapshot
from myeloma_desk.reports.build import (
    CHART_RESOURCE,
    DISCLAIMER,
    PDQ_DATE,
    OptionInput,
    ReportDoc,
    build_report,
    to_html,
    visible,
)

DATA = Path(__file__).parent / "data"
SCRIPT_NAME = "<script>alert(1)</script>"


def patient_snapshot() -> Snapshot:
    return parse_snapshot(json.loads((DATA / "patient_snapshot.json").read_text("utf-8")))


def series_of(snap: Snapshot) -> dict[str, Any]:
    """The report's trend series by key (the course's one pipeline, course/trends.py)."""
    return {s.key: s for s in build_report(snap, assess(snap)).trends}


def patient_report(**kwargs: Any) -> ReportDoc:
    snap = patient_snapshot()
    return build_report(snap, assess(snap), **kwargs)


class _Tags(HTMLParser):
    """Collects tag names and attribute values of an HTML string."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html_text: str) -> _Tags:
    parser = _Tags()
    parser.feed(html_text)
    parser.close()
    return parser


# The only tags the report's HTML uses; anything else would have come from user input.
ALLOWED_TAGS = {
    "html", "head", "style", "body", "h1", "h2", "h3", "p", "b", "br", "i", "table", "thead", "tr",
    "th", "td", "ul", "ol", "li", "div", "img",
}  # fmt: skip


SHORT_HEADINGS = (
    "Diagnosis and disease state",
    "Stage and risk at diagnosis",
    "Options described in the PDQ",
    "Trends",
    "Sources",
)
APPENDIX_HEADINGS = (
    "Appendix: inputs and the full criteria of every rule",
    "Inputs",
    "Lines of therapy",
    "Response against baseline",
)


def test_short_report_has_its_sections_and_no_appendix() -> None:
    text = to_html(patient_report(clinician="Dr Grey", institution="St Elsewhere"))
    for heading in SHORT_HEADINGS:
        assert re.search(rf"<h[23]>{re.escape(heading)}</h[23]>", text), heading
    for heading in APPENDIX_HEADINGS:
        assert not re.search(rf"<h[23]>{re.escape(heading)}</h[23]>", text), heading
    assert DISCLAIMER in text


def test_detail_adds_the_appendix_with_every_applicable_rule() -> None:
    doc = patient_report(clinician="Dr Grey", institution="St Elsewhere", detail=True)
    text = to_html(doc)
    for heading in SHORT_HEADINGS + APPENDIX_HEADINGS:
        assert re.search(rf"<h[23]>{re.escape(heading)}</h[23]>", text), heading
    for section in doc.results:
        shown = f"<h3>{html.escape(section.title)}</h3>" in text
        assert shown == (section.status != "not applicable"), section.title
    # not-applicable rules are named once, not printed as blocks
    assert "Not applicable to this patient:" in text
    assert "(not applicable)" not in text and "(determined)" not in text


def test_header_rows_from_patient_and_settings() -> None:
    doc = patient_report(clinician="Dr Grey", institution="St Elsewhere")
    rows = {row.label: row.value for row in doc.header.rows()}
    assert rows["Identifier"] == "MRN-0042"
    assert rows["Date of birth"] == "1956-02-01"
    assert rows["Visit date"] == "2025-03-10"
    assert rows["Clinician"] == "Dr Grey"
    assert rows["Institution"] == "St Elsewhere"
    assert doc.header.running_label.endswith("ID MRN-0042 · visit 2025-03-10")


def test_markup_and_script_in_user_strings_are_shown_literally() -> None:
    snap = patient_snapshot()
    doc = build_report(
        snap,
        assess(snap),
        clinician="<b>Dr</b> Grey",
        institution="<img src='http://evil.example/x.png'> & Co",
        options=[OptionInput(regimen="<script>x()</script>Rd", trials=["<i>NCT0</i>"])],
    )
    text = to_html(doc)
    parsed = parse(text)
    assert parsed.tags <= ALLOWED_TAGS
    assert "script" not in parsed.tags
    # the only attribute values are the report's own (widths, table styling, the chart name)
    sources = [value for name, value in parsed.attrs if name == "src"]
    assert sources == [CHART_RESOURCE]
    shown = "".join(parsed.text)
    assert f"Ada <b>Example</b> {SCRIPT_NAME}" in shown  # shown as text, not markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>Dr</b> Grey" in shown
    assert "<img src='http://evil.example/x.png'> & Co" in shown
    assert "VRd <i>cycle</i>" in shown
    assert "<script>x()</script>Rd" in shown


def test_no_external_resources() -> None:
    text = to_html(patient_report())
    lowered = text.lower()
    for marker in ("http:", "https:", "file:", "url(", "@import", "<link", "<script"):
        assert marker not in lowered


@settings(max_examples=60, deadline=None)
@given(
    name=st.text(max_size=60),
    identifier=st.text(max_size=30),
    clinician=st.text(max_size=40),
)
def test_any_user_text_is_escaped(name: str, identifier: str, clinician: str) -> None:
    snap = parse_snapshot({"albumin": {"value": 4, "unit": "g/dL"}})
    patient = PatientIdentity(name=name or None, identifier=identifier or None)
    doc = build_report(snap, assess(snap), patient=patient, clinician=clinician)
    parsed = parse(to_html(doc))
    assert parsed.tags <= ALLOWED_TAGS
    assert [v for k, v in parsed.attrs if k == "src"] == []  # no dated values: no chart
    shown = "".join(parsed.text)
    if name:
        # printed literally, with control and text-direction characters made visible
        assert visible(name) in shown
        assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in doc.header.running_label)


def test_calculator_only_report_without_patient() -> None:
    snap = parse_snapshot(
        {
            "beta2_microglobulin": {"value": 5.5, "unit": "mg/L"},
            "albumin": {"value": 3.0, "unit": "g/dL"},
        }
    )
    doc = build_report(snap, assess(snap))
    assert not doc.header.has_patient
    assert doc.header.title == "Calculator report"
    assert doc.header.running_label == "Calculator report · no patient"
    assert doc.trends == []  # undated: nothing to plot
    assert "The current values are undated and are not plotted." in doc.trend_notes
    text = to_html(doc)
    assert "none (calculator-only report)" in text
    assert "Identifier" not in text
    assert CHART_RESOURCE not in text
    assert re.search(r"<td[^>]*>III</td>", text)  # ISS III in the staging table


def test_missing_data_is_shown_not_hidden() -> None:
    snap = parse_snapshot({"beta2_microglobulin": {"value": 2.0, "unit": "mg/L"}})
    doc = build_report(snap, assess(snap, rule_ids=["iss"]))  # exact lists: ISS alone
    iss = next(r for r in doc.results if r.rule == "iss")
    assert iss.status == "cannot be determined"
    assert iss.result == "I or II (not determined)"
    assert iss.missing == ["Albumin"]
    assert [c.met for c in iss.criteria] == ["not met", "met", "unknown"]
    assert iss.criteria[-1].value == "not recorded"
    assert doc.not_recorded == ["Albumin"]
    assert any(n.startswith("Albumin — for International Staging System") for n in doc.needed)
    assert "Albumin — for International Staging System" in to_html(doc)
    text = to_html(doc.model_copy(update={"detail": True}))
    assert "<b>Missing:</b> Albumin" in text
    assert "<b>Not recorded</b> (needed by at least one assessment): Albumin" in text


def test_criteria_with_values_and_sources() -> None:
    doc = patient_report()
    iss = next(r for r in doc.results if r.rule == "iss")
    assert iss.result == "II"
    assert ("β2-microglobulin ≥ 5.5 mg/L (stage III)", "not met", "4.1 mg/L") in [
        (c.name, c.met, c.value) for c in iss.criteria
    ]
    cited = {doc.references[n - 1].citation for n in iss.sources}
    assert any("International staging system for multiple myeloma" in c for c in cited)
    assert doc.references[0].label.startswith("PDQ Plasma Cell Neoplasms")


def test_inputs_shown_as_entered_with_units_and_dates() -> None:
    doc = patient_report()
    rows = {row.field: row for row in doc.inputs}
    assert rows["albumin"].value == "33 g/L"
    assert rows["creatinine"].value == "97.3 µmol/L"
    assert rows["bone_marrow_plasma_cells_percent"].value == "8%"
    assert rows["fish"].value == "t(4;14), 1q gain"
    assert rows["fish"].label == "FISH / genomic findings"
    assert all(row.date == "2025-03-10" for row in doc.inputs)
    assert "patient" not in rows and "history" not in rows
    lines = doc.therapy_lines
    assert [(t.regimen, t.end, t.refractory) for t in lines] == [
        ("VRd <i>cycle</i>", "ongoing", "no")
    ]


def test_fish_done_and_none_found_is_not_absent() -> None:
    snap = parse_snapshot({"fish": []})
    rows = {row.field: row.value for row in build_report(snap, assess(snap)).inputs}
    assert rows["fish"] == "none found"
    assert "fish" not in {r.field for r in build_report(Snapshot(), assess(Snapshot())).inputs}


def test_trend_series_in_canonical_units() -> None:
    series = series_of(patient_snapshot())
    assert list(series) == [
        "serum_m_protein",
        "free_kappa",
        "flc_ratio",
        "creatinine",
        "hemoglobin",
    ]
    assert series["free_kappa"].label == "Involved FLC (kappa)"
    creat = series["creatinine"]
    assert creat.unit == "mg/dL"
    assert [p.date for p in creat.points][-1] == dt.date(2025, 3, 10)
    # 97.3 µmol/L / 88.42 = 1.1004... mg/dL (exact factor of domain/units.py)
    assert creat.points[-1].value == pytest.approx(97.3 / 88.42, rel=1e-12)
    ratio = series["flc_ratio"]
    assert [round(p.value, 4) for p in ratio.points] == [91.1111, 21.0, 7.2727, 3.75]
    assert [p.value for p in series["serum_m_protein"].points] == [3.1, 1.2, 0.6, 0.4]


def test_both_free_light_chains_when_involved_chain_unknown() -> None:
    snap = parse_snapshot(
        {
            "date": "2025-01-02",
            "free_kappa": {"value": 10, "unit": "mg/dL"},
            "free_lambda": {"value": 20, "unit": "mg/L"},
            "history": [{"date": "2024-01-01", "free_kappa": {"value": 300, "unit": "mg/L"}}],
        }
    )
    series = series_of(snap)
    assert set(series) == {"free_kappa", "free_lambda", "flc_ratio"}
    assert [p.value for p in series["free_kappa"].points] == [300, 100]  # 10 mg/dL = 100 mg/L
    assert [p.value for p in series["flc_ratio"].points] == [5.0]  # only dated pairs
    notes = build_report(snap, assess(snap)).trend_notes
    assert any("both free light chains" in n for n in notes)


def test_visit_date_dates_an_undated_snapshot() -> None:
    snap = parse_snapshot({"hemoglobin": {"value": 10, "unit": "g/dL"}})
    doc = build_report(snap, assess(snap), visit_date=dt.date(2025, 5, 1))
    assert doc.header.visit_date == dt.date(2025, 5, 1)
    assert [(p.date, p.value) for p in doc.trends[0].points] == [(dt.date(2025, 5, 1), 10)]
    assert doc.has_chart


def _fake_assessment(*results: RuleResult) -> Assessment:
    return Assessment(engine_version="9.9", evidence_version="ev-1", results=list(results))


def test_new_rules_appear_generically_and_special_sections_key_off_ids() -> None:
    snap = patient_snapshot()
    response = RuleResult(
        rule="response_imwg",
        title="IMWG response",
        status="determined",
        result="VGPR",
        detail={"parameter": "serum M-protein", "reduction_percent": 87.1},
        criteria=[Criterion(name="M-protein reduction ≥ 90%", met=False, value="87.1%")],
        sources=["Nobody 2099 J Imaginary Results"],
    )
    r_iss = RuleResult(rule="r_iss", title="Revised ISS", status="determined", result="II")
    future = RuleResult(
        rule="some_future_rule",
        title="A rule added later",
        status="not_applicable",
        detail={"reason": "only for AL amyloidosis"},
    )
    egfr = RuleResult(
        rule="egfr_ckd_epi_2021",
        title="eGFR (CKD-EPI 2021)",
        status="determined",
        result=61.04,
        detail={"unit": "mL/min/1.73m²"},
    )
    al_stage = RuleResult(
        rule="al_stage_mayo_2012",
        title="AL stage",
        status="not_applicable",
        detail={"reason": "no AL amyloidosis"},
    )
    doc = build_report(snap, _fake_assessment(response, r_iss, future, egfr, al_stage))
    assert doc.response.available
    assert doc.response.result == "VGPR"
    assert "Reduction percent: 87.1" in doc.response.notes
    assert doc.response.baseline_date == "2024-06-01"
    comparison = {c.field: (c.value, c.date) for c in doc.response.comparison}
    assert comparison["serum_m_protein"] == ("3.1 g/dL", "0.4 g/dL")
    assert [(s.rule, s.result) for s in doc.staging_risk] == [("r_iss", "II")]  # not the AL stage
    assert "al_stage_mayo_2012" in {s.rule for s in doc.results}
    assert [(s.rule, s.result) for s in doc.summary] == [("response_imwg", "VGPR")]
    sections = {s.rule: s for s in doc.results}
    assert sections["some_future_rule"].result == "not applicable"
    assert sections["some_future_rule"].notes == ["Not applicable: only for AL amyloidosis"]
    assert (
        sections["egfr_ckd_epi_2021"].result == "61.04 mL/min/1.73 m²"
    )  # units.unit_label: as printed
    # an unregistered source label is still listed, and says it has no full citation
    assert any(
        r.label == "Nobody 2099 J Imaginary Results" and "not in the registry" in r.citation
        for r in doc.references
    )
    assert doc.engine_version == "9.9"
    assert doc.evidence_version == "ev-1"


def test_response_section_says_when_not_assessed() -> None:
    snap = parse_snapshot({"albumin": {"value": 4, "unit": "g/dL"}})
    doc = build_report(snap, assess(snap, rule_ids=["iss"]))
    assert not doc.response.available
    assert doc.response.notes == [
        "Response was not assessed by this engine version.",
        "No baseline (earlier dated values) was recorded.",
    ]


def test_options_absent_empty_and_listed() -> None:
    snap = patient_snapshot()
    assessment = assess(snap)
    absent = to_html(build_report(snap, assessment))
    assert "treatment-evidence database is not available" in absent
    empty = to_html(build_report(snap, assessment, options=[], options_setting="maintenance"))
    assert "lists no option for this setting" in empty
    option = OptionInput(
        regimen="Dara-VRd",
        description="quadruplet induction",
        trials=["PERSEUS", "NCT03710603"],
        level_of_evidence="1iiA",
        flags=["renal dose of lenalidomide needed"],
        references=["Sonneveld P, et al. N Engl J Med. 2024;390(4):301-313."],
    )
    doc = build_report(snap, assessment, options=[option], options_setting="newly diagnosed, fit")
    text = to_html(doc)
    for expected in ("Dara-VRd", "PERSEUS, NCT03710603", "1iiA", "renal dose of lenalidomide"):
        assert expected in text
    assert "not as a recommendation" in text
    assert doc.references[-1].citation.startswith("Sonneveld P")


def test_versions_pdq_date_and_disclaimer() -> None:
    doc = patient_report(evidence_version="2025.04.1")
    text = to_html(doc)
    assert doc.pdq_date == PDQ_DATE == "2025-04-25"
    assert "evidence database 2025.04.1 · PDQ summary of 2025-04-25" in text
    assert "not a guideline" in DISCLAIMER and "substitute for clinical judgement" in DISCLAIMER
    assert DISCLAIMER in text


def test_build_does_not_import_qt() -> None:
    import subprocess
    import sys

    code = (
        "import sys, myeloma_desk.reports.build; "
        "sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_records_and_plain_numbers_print_in_the_display_vocabulary() -> None:
    snapshot = parse_snapshot(
        {
            "age_years": 67,
            "sex": "female",
            "fish": ["del17p", "tp53_mutation"],
            "vte_risk_factors": {
                "asian_pacific_islander": True,
                "thromboprophylaxis": "prophylactic_lmwh_or_aspirin",
            },
            "mrd": {"status": "negative", "method": "NGS"},
        }
    )
    rows = {row.field: row for row in build_report(snapshot, assess(snapshot)).inputs}
    assert (rows["age_years"].label, rows["age_years"].value) == ("Age", "67 years")
    assert rows["sex"].value == "Female"
    assert rows["fish"].value == "del(17p), TP53 mutation"
    assert rows["vte_risk_factors"].label == "VTE risk factors"
    assert rows["vte_risk_factors"].value == (
        "Asian or Pacific Islander: yes; thromboprophylaxis: prophylactic LMWH or aspirin"
    )
    assert rows["mrd"].value == "MRD status: negative; MRD method: NGS"


def test_nested_missing_names_read_as_labels() -> None:
    result = RuleResult(
        rule="impede_vte",
        title="IMPEDE VTE",
        status="cannot_determine",
        missing=["vte_risk_factors.history_of_vte", "braf_v600e", "albumin"],
    )
    doc = build_report(Snapshot(), _fake_assessment(result))
    assert doc.results[0].missing == ["VTE risk factors: history of VTE", "BRAF V600E", "Albumin"]


def test_options_from_the_evidence_layer() -> None:
    from myeloma_desk.evidence.options import Flag, Option, OptionsReport, StudyRef
    from myeloma_desk.evidence.schema import Setting
    from myeloma_desk.reports.build import options_from_evidence

    study = StudyRef(
        trial="maia", name="MAIA", nct_ids=["NCT02252172"], levels=["1iA", "1iiA"], findings=[]
    )
    found = OptionsReport(
        evidence_version="2025-04-25.1",
        pdq_date="2025-04-25",
        settings=[Setting.NEWLY_DIAGNOSED_LESS_FIT],
        setting_basis=["diagnosis: active_multiple_myeloma", "frailty_imwg: frail"],
        options=[
            Option(
                id="drd",
                label="DRd",
                components=["daratumumab", "lenalidomide", "dexamethasone"],
                settings=[Setting.NEWLY_DIAGNOSED_LESS_FIT],
                studies=[study, study.model_copy(update={"name": None, "nct_ids": []})],
                flags=[Flag(code="renal_dose", message="Lenalidomide renal dose: 10 mg daily")],
            )
        ],
        studies=[study],
        flags=[Flag(code="high_risk", message="High-risk cytogenetics recorded.")],
        unknown=["CrCl not known"],
    )
    adapted = options_from_evidence(found)
    assert adapted.setting == "Newly diagnosed: less fit"
    [option] = adapted.options
    assert option.regimen == "DRd"
    assert option.description == "daratumumab, lenalidomide, dexamethasone"
    spelled = found.options[0].model_copy(
        update={"label": "DRd: daratumumab + lenalidomide + dexamethasone"}
    )
    respelled = found.model_copy(update={"options": [spelled]})
    assert options_from_evidence(respelled).options[0].description == ""
    # a study without name or registry number is left out: never the database's own key
    assert option.trials == ["MAIA (NCT02252172)"]
    assert option.trial_names == ["MAIA"]  # the short report's column
    assert option.level_of_evidence == "1iA, 1iiA"
    assert option.flags == ["Lenalidomide renal dose: 10 mg daily"]
    assert adapted.notes[:3] == [
        "Setting from: diagnosis: active_multiple_myeloma; frailty_imwg: frail",
        "Unknown: CrCl not known",
        "High-risk cytogenetics recorded.",
    ]
    assert adapted.more == [found.disclaimer]  # the report closes with its own disclaimer
    snap = patient_snapshot()
    doc = build_report(
        snap,
        assess(snap),
        options=adapted.options,
        options_setting=adapted.setting,
        options_notes=adapted.notes,
        evidence_version=adapted.evidence_version,
        pdq_date=adapted.pdq_date,
    )
    text = to_html(doc)
    assert "for the setting <b>Newly diagnosed: less fit</b>" in text
    assert "<td>MAIA</td>" in text and "NCT02252172" not in text  # names; NCTs in the appendix
    detailed = to_html(doc.model_copy(update={"detail": True}))
    assert "MAIA (NCT02252172)" in detailed
    assert "Unknown: CrCl not known" in text


def test_therapy_starts_mark_the_trend_chart() -> None:
    snap = parse_snapshot(
        {
            "date": "2025-01-01",
            "therapy_lines": [
                {"regimen": "VRd <b>", "start": "2024-01-10"},
                {"regimen": "no start date"},
                {"regimen": "Kd", "start": "2024-09-01"},
            ],
        }
    )
    doc = build_report(snap, assess(snap))
    assert [(m.tag, m.label, m.date) for m in doc.trend_markers] == [
        ("L1", "VRd <b>", dt.date(2024, 1, 10)),
        ("L3", "Kd", dt.date(2024, 9, 1)),  # numbered as the lines are
    ]
    note = "Dotted vertical lines: start of a line of therapy (L1 VRd <b>, 2024-01-10; L3 Kd, "
    assert any(n.startswith(note) for n in doc.trend_notes)
    assert "L1 VRd &lt;b&gt;, 2024-01-10" in to_html(doc)


def test_printed_text_drops_codes_and_project_notes() -> None:
    from myeloma_desk.reports.build import printed_citation, printed_message, short_citation

    assert (
        printed_message(
            "Lenalidomide renal dose (lenalidomide_renal_dose = 15_mg_every_other_day): the PDQ "
            "gives 15 mg every other day."
        )
        == "Lenalidomide renal dose: the PDQ gives 15 mg every other day."
    )
    assert printed_message("Refractory to lenalidomide (line 2 (maintenance)).") == (
        "Refractory to lenalidomide (line 2 (maintenance))."
    )
    assert (
        printed_citation(
            "REVLIMID US prescribing information (as summarised in criteria-summary.md: 10 mg)."
        )
        == "REVLIMID US prescribing information."
    )
    assert (
        short_citation(
            "Greipp PR, San Miguel J, Durie BG, et al. International staging system for multiple "
            "myeloma. J Clin Oncol. 2005;23(15):3412-3420."
        )
        == "Greipp PR et al. J Clin Oncol 2005"
    )
    assert short_citation("A label that does not parse") == "A label that does not parse"


def test_repeated_option_flags_are_printed_once() -> None:
    flag = "Creatinine clearance not known: the lenalidomide dose depends on it."
    options = [
        OptionInput(regimen=name, trials=["MAIA (NCT02252172)"], flags=[flag, f"{name} only"])
        for name in ("Rd", "DRd", "VRd")
    ]
    text = to_html(patient_report(options=options, options_setting="newly diagnosed"))
    assert text.count(html.escape(flag)) == 1
    assert text.count("(a)") == 4  # the note and the three rows that refer to it
    assert "Rd only" in text and "VRd only" in text


def test_possible_diagnoses_read_as_words() -> None:
    from myeloma_desk.reports.build import _diagnosis_words

    result = RuleResult(
        rule="diagnosis",
        title="Diagnosis",
        status="cannot_determine",
        result=None,
        detail={"possible": ["active_multiple_myeloma", "non_igm_mgus"]},
    )
    assert _diagnosis_words(result) == ("Active multiple myeloma or Non-IgM MGUS (not determined)")


def test_response_compares_baseline_and_now_in_one_unit() -> None:
    snap = patient_snapshot()
    raw = snap.model_dump(mode="json", exclude_none=True)
    raw["history"][0]["serum_m_protein"] = {"value": 31, "unit": "g/L"}
    changed = parse_snapshot(raw)
    doc = build_report(changed, assess(changed))
    row = next(c for c in doc.response.comparison if c.field == "serum_m_protein")
    assert row.value == "3.1 g/dL"  # entered as 31 g/L
    assert row.date.endswith("g/dL")


def test_option_levels_read_strongest_first_and_not_graded_when_none() -> None:
    """An option's levels of evidence print strongest first ("A1, B1", as the Regimens table
    lists them; the report had "B1, A1" for Rd), and an option whose studies carry no level
    reads "not graded", as on the screens."""
    from myeloma_desk.evidence.options import Option, OptionsReport, StudyRef
    from myeloma_desk.evidence.schema import Setting
    from myeloma_desk.reports.build import options_from_evidence

    first = StudyRef(trial="b", name="FIRST", nct_ids=[], levels=["B1"], findings=[])
    later = StudyRef(trial="a", name="MM-009", nct_ids=[], levels=["A1"], findings=[])
    bare = StudyRef(trial="c", name="VAD study", nct_ids=[], levels=[], findings=[])
    setting = Setting.RELAPSED_REFRACTORY
    found = OptionsReport(
        evidence_version="2025-04-25.1",
        pdq_date="2025-04-25",
        settings=[setting],
        setting_basis=[],
        studies=[first, later, bare],
        flags=[],
        unknown=[],
        options=[
            Option(id="rd", label="Rd", components=[], settings=[setting], studies=[first, later]),
            Option(id="vad", label="VAD", components=[], settings=[setting], studies=[bare]),
        ],
    )
    adapted = options_from_evidence(found)
    assert [o.level_of_evidence for o in adapted.options] == ["A1, B1", None]
    snap = patient_snapshot()
    text = to_html(
        build_report(snap, assess(snap), options=adapted.options, options_setting=adapted.setting)
    )
    assert "<td>A1, B1</td>" in text and "B1, A1" not in text
    assert "<td>not graded</td>" in text and "not stated" not in text
