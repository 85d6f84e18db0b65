"""The course model walked as a clinician follows a patient over years: an established
diagnosis that follow-ups do not re-derive, IMWG lines, confirmed responses per line, time to
events, the state now and non-empty options at every follow-up."""

from __future__ import annotations

from typing import Any

import pytest
from builders import D, line, q, stored_records, visit
from builders import patient as stored_patient

from myeloma_desk.course import DIAGNOSIS_RULES, build_course
from myeloma_desk.store import Store
from myeloma_desk.store.models import Patient, Visit


def patient(diagnosis: str | None = None) -> Patient:
    return stored_patient("TEST Course, Ann", "1955-03-01", "female", diagnosis)


DIAGNOSIS_VISIT = visit(
    "2020-01-10",
    serum_m_protein=q(4.2, "g/dL"),
    urine_m_protein_24h=q(150, "mg/24h"),
    m_protein_heavy_chain="IgG",
    m_protein_light_chain="kappa",
    bone_marrow_plasma_cells_percent=45,
    lytic_lesions=3,
    clonality_proven=True,
    hemoglobin=q(9.1, "g/dL"),
    creatinine=q(1.0, "mg/dL"),
    calcium=q(9.5, "mg/dL"),
    albumin=q(3.2, "g/dL"),
    beta2_microglobulin=q(4.1, "mg/L"),
    ldh=q(180, "U/L"),
    ldh_upper_limit=q(250, "U/L"),
    fish=["t(4;14)"],
    free_kappa=q(520, "mg/L"),
    free_lambda=q(9, "mg/L"),
)


def follow(day: str, serum: float, **more: Any) -> Visit:
    return visit(day, serum_m_protein=q(serum, "g/dL"), urine_m_protein_24h=q(50, "mg/24h"), **more)


VISITS = [
    DIAGNOSIS_VISIT,
    follow("2020-04-10", 1.2),  # on VRd: 71% lower → PR (unconfirmed)
    follow("2020-07-10", 0.9),  # PR confirmed
    follow("2021-06-10", 0.3),  # on R maintenance: VGPR (unconfirmed; PR confirmed)
    follow("2022-02-10", 0.9),  # nadir 0.3 → 0.9: +0.6, +200% → PD (unconfirmed)
    follow("2022-03-01", 1.2),  # PD confirmed
    follow("2022-07-01", 0.5),  # on DKd, baseline 1.2 on 2022-03-01: 58% lower → PR
    follow("2022-10-01", 0.4),  # PR confirmed
]
LINES = [
    line(
        "VRd",
        "bortezomib, lenalidomide, dexamethasone",
        "2020-01-20",
        "2020-08-01",
        refractory=False,
        phase="induction",
    ),
    line("ASCT", "melphalan", "2020-09-01", "2020-09-20", refractory=False, phase="transplant"),
    line(
        "Lenalidomide maintenance",
        "lenalidomide",
        "2020-11-01",
        "2022-03-01",
        refractory=True,
        phase="maintenance",
    ),
    line("DKd", "daratumumab, carfilzomib, dexamethasone", "2022-03-10"),
]


@pytest.fixture(scope="module")
def course():
    return build_course(patient(), VISITS, LINES)


def test_diagnosis_is_established_once_and_carried(course) -> None:
    assert course.diagnosis.value == "active_multiple_myeloma"
    assert course.diagnosis.source == "engine"
    assert course.diagnosis.date == D("2020-01-10")
    assert course.diagnosis_visit is not None and course.diagnosis_visit.date == D("2020-01-10")
    # At every follow-up the diagnosis-visit rules come from the diagnosis visit.
    for v in course.visits[1:]:
        shown = dict((r.rule, (r, day)) for r, day in course.results_at(v.date))
        for rule in DIAGNOSIS_RULES:
            _result, day = shown[rule]
            assert day == D("2020-01-10")
        assert shown["diagnosis"][0].result == "active_multiple_myeloma"
    # The follow-up's own diagnosis rule, re-derived from treated labs, is not what is shown.
    assert course.visits[3].assessment.get("diagnosis").result != "active_multiple_myeloma"


def test_isotype_and_fish_are_carried_forward(course) -> None:
    later = course.visits[4]
    assert later.snapshot.m_protein_heavy_chain == "IgG"
    assert later.snapshot.fish is not None and "t(4;14)" in later.snapshot.fish
    assert later.carried["fish"] == D("2020-01-10")


def test_imwg_lines_and_best_confirmed_response(course) -> None:
    assert [line.number for line in course.lines] == [1, 2]
    first, second = course.lines
    assert first.regimen == "VRd → ASCT → Lenalidomide maintenance"
    assert first.best_unconfirmed == "VGPR"
    assert first.best_confirmed == "PR"
    assert second.best_confirmed == "PR"
    assert first.intervals["pfs"].end == D("2022-02-10") and not first.intervals["pfs"].censored
    assert first.intervals["ttnt"].end == D("2022-03-10")
    assert second.intervals["pfs"].censored


def test_responses_per_visit_rebaseline_at_the_new_line(course) -> None:
    shown = {v.date.isoformat(): v.response.shown() for v in course.visits if v.response}
    assert shown["2020-04-10"] == "PR (unconfirmed)"
    assert shown["2020-07-10"] == "PR (confirmed)"
    assert shown["2021-06-10"] == "VGPR (unconfirmed; PR confirmed)"
    assert shown["2022-02-10"] == "PD (unconfirmed)"
    assert shown["2022-03-01"] == "PD (confirmed)"
    # Line 2 is measured from its own baseline, not the nadir of line 1: PR, not PD.
    assert shown["2022-07-01"] == "PR (unconfirmed)"
    assert course.visit(D("2022-07-01")).response.baseline_date == "2022-03-01"
    assert shown["2022-10-01"] == "PR (confirmed)"


def test_state_now_and_prior_lines(course) -> None:
    state = course.state
    assert state.phase == "on_therapy"
    assert state.line_number == 2
    assert state.prior_lines == 1
    assert "1 prior line" in state.text and "PR (confirmed)" in state.text


def test_options_at_a_follow_up_are_for_relapsed_disease(course) -> None:
    report = course.options()
    assert report.options, "a follow-up of active myeloma must list options"
    assert [s.value for s in report.settings] == ["relapsed_or_refractory"]
    assert any("established" in line for line in report.setting_basis)


def test_clinicians_working_diagnosis_rules() -> None:
    course = build_course(patient("smoldering_multiple_myeloma"), VISITS[:1], [])
    assert course.diagnosis.value == "smoldering_multiple_myeloma"
    assert course.diagnosis.source == "clinician"


def test_untreated_precursor_has_no_response() -> None:
    mgus = [
        visit("2020-01-01", serum_m_protein=q(1.0, "g/dL"), bone_marrow_plasma_cells_percent=4),
        visit("2021-01-01", serum_m_protein=q(1.1, "g/dL")),
    ]
    course = build_course(patient("non_igm_mgus"), mgus, [])
    assert all(v.response is None for v in course.visits)
    assert course.state.phase == "precursor"


def test_every_demo_patient_has_an_established_diagnosis_and_options(demo_store: Store) -> None:
    for summary in demo_store.list_patients():
        course = build_course(*stored_records(demo_store, summary.identifier or ""))
        assert course.diagnosis.value is not None, summary.identifier
        report = course.options()
        assert report.settings, summary.identifier  # a PDQ setting at the latest visit


def test_relapsed_demo_patient_is_on_line_three(demo_store: Store) -> None:
    found = demo_store.find_by_identifier("DEMO-0009")
    assert found is not None
    course = build_course(
        found, demo_store.visits(found.id), [s.line for s in demo_store.therapy_lines(found.id)]
    )
    # VRd → lenalidomide maintenance is one line (IMWG), DKd is line 2, Isa-Pd line 3.
    assert course.lines[0].regimen == "VRd → lenalidomide maintenance"
    assert course.state.line_number == 3 and course.state.prior_lines == 2
    labels = [option.id for option in course.options().options]
    assert labels, "the relapsed demo patient's options must not be empty"


def test_carried_at_serves_a_visit_still_being_typed(course) -> None:
    # A new visit not yet in the store (a date after every stored one) gets the same
    # diagnosis-visit results as a stored follow-up; at or before the diagnosis visit nothing.
    typed = D("2030-01-01")
    carried = course.carried_at(typed)
    assert set(carried) == set(DIAGNOSIS_RULES)
    assert carried["diagnosis"][0].result == "active_multiple_myeloma"
    assert {day for _r, day in carried.values()} == {D("2020-01-10")}
    assert course.carried_at(D("2020-01-10")) == {}
    assert course.carried_at(D("2019-12-31")) == {}
    assert course.carried_at(None) == {}


def test_timeline_reads_the_course_with_imwg_line_numbers() -> None:
    from myeloma_desk.ui.models.timeline import timeline_events, visit_summary

    course = build_course(patient(), VISITS, LINES)
    visits = [(v.date, visit_summary(course, v)) for v in course.visits]
    events = timeline_events(visits, LINES)
    texts = [e.text for e in events]
    # Maintenance carries the number of its line; DKd is line 2, as the course counts it.
    assert any(t.startswith("Line 1 (maintenance): Lenalidomide maintenance") for t in texts)
    assert any(t.startswith("Line 2: DKd") for t in texts)
    follow_up = next(e for e in events if e.visit_date == D("2021-06-10"))
    assert (
        follow_up.text == "Line 1, maintenance (Lenalidomide maintenance); Response VGPR "
        "(unconfirmed; PR confirmed)"
    )
    diagnosis = next(e for e in events if e.visit_date == D("2020-01-10"))
    assert "Diagnosis" in diagnosis.text


def test_between_planned_parts_the_patient_is_still_on_line_one() -> None:
    # Rajkumar 2015: induction → ASCT → maintenance is one line; the weeks between its parts
    # are not "off therapy after 1 line", and the line is not yet a prior line.
    gaps = [*VISITS[:3], follow("2020-08-01", 0.8), follow("2020-08-31", 0.8)]
    gaps += [follow("2020-09-01", 0.8), follow("2020-10-10", 0.7), follow("2022-03-05", 1.3)]
    course = build_course(patient(), gaps, LINES)
    phase = {v.date.isoformat(): v.phase for v in course.visits}
    whole = "(VRd → ASCT)"
    assert phase["2020-07-10"] == "Line 1, induction (VRd)"
    # The day induction ends, and the day before the transplant: between its parts.
    assert phase["2020-08-01"] == f"Line 1, between induction and transplant {whole}"
    assert phase["2020-08-31"] == f"Line 1, between induction and transplant {whole}"
    assert phase["2020-09-01"] == "Line 1, transplant (ASCT)"
    assert phase["2020-10-10"] == (
        "Line 1, after transplant, before maintenance (VRd → ASCT → Lenalidomide maintenance)"
    )
    # Progression on maintenance ends the line: DKd is a new line, so this is time off it.
    assert phase["2022-03-05"] == "Off therapy after 1 line"
    between = course.visit(D("2020-08-31"))
    assert between is not None and between.line is not None and between.line.number == 1
    assert between.next_part is not None and between.next_part.regimen == "ASCT"
    # The response at the gap belongs to line 1 (its best response and the trend's line).
    assert D("2020-08-31") in course.lines[0].visit_dates
    # The state now, when the latest visit is in the gap: on line 1, no prior line.
    now = build_course(patient(), gaps[:7], LINES).state
    assert now.phase == "on_therapy" and now.line_number == 1 and now.prior_lines == 0
    assert now.text.startswith("Line 1, after transplant, before maintenance")
    assert "0 prior lines" in now.text and "Off therapy" not in now.text
    from myeloma_desk.course.summary import course_summary

    summary = course_summary(build_course(patient(), gaps[:7], LINES))
    assert (summary.state, summary.line, summary.prior_lines) == ("on_therapy", 1, 0)
    assert summary.phase == "after transplant, before maintenance"


def test_demo_patient_between_induction_and_maintenance(demo_store: Store) -> None:
    found = demo_store.find_by_identifier("DEMO-0009")
    assert found is not None
    course = build_course(
        found, demo_store.visits(found.id), [s.line for s in demo_store.therapy_lines(found.id)]
    )
    gap = course.visit(D("2019-12-10"))  # VRd ended 2019-11-25, maintenance from 2020-01-13
    assert gap is not None
    assert gap.phase == (
        "Line 1, between induction and maintenance (VRd → lenalidomide maintenance)"
    )
    assert course.visit(D("2022-05-24")).phase == "Off therapy after 1 line"
    # Refractoriness in the display vocabulary's words, not built from its id.
    assert course.state.text.endswith("· triple-class refractory")


def test_list_shows_a_first_line_still_to_start(demo_store: Store) -> None:
    # DEMO-0004: diagnosed 2024-10-22, DRd recorded from 2024-11-04, no visit since.
    from myeloma_desk.course.summary import course_summary
    from myeloma_desk.domain.display import line_words

    found = demo_store.find_by_identifier("DEMO-0004")
    assert found is not None
    course = build_course(
        found, demo_store.visits(found.id), [s.line for s in demo_store.therapy_lines(found.id)]
    )
    summary = course_summary(course)
    assert (summary.state, summary.line, summary.phase) == (
        "newly_diagnosed",
        1,
        "from 2024-11-04",
    )
    shown = line_words(summary.state, summary.line, summary.phase, summary.prior_lines)
    assert shown == "Line 1 from 2024-11-04"
    # Without a recorded line it stays "No therapy recorded" (DEMO-0008).
    none = demo_store.find_by_identifier("DEMO-0008")
    assert none is not None
    bare = course_summary(build_course(none, demo_store.visits(none.id), []))
    assert line_words(bare.state, bare.line, bare.phase, bare.prior_lines) == (
        "No therapy recorded"
    )


def test_options_between_planned_parts_are_those_of_the_part_to_come() -> None:
    # After transplant with maintenance planned: the maintenance setting, not "relapsed after
    # 1 prior line"; after induction with a transplant planned: the newly diagnosed setting.
    gaps = [*VISITS[:3], follow("2020-08-31", 0.8), follow("2020-10-10", 0.7)]
    after_transplant = build_course(patient(), gaps, LINES)
    report = after_transplant.options()
    assert [s.value for s in report.settings] == ["maintenance", "bone_disease"]
    assert "relapsed or refractory disease" not in report.setting_basis
    assert any("0 prior lines" in line for line in report.setting_basis)
    before_transplant = build_course(patient(), gaps[:4], LINES)
    settings = [s.value for s in before_transplant.options().settings]
    assert "relapsed_or_refractory" not in settings
    assert "maintenance" in settings and any(v.startswith("newly_diagnosed") for v in settings)
    # The visit's engine input carries the planned maintenance (its start, no outcome yet), and
    # the setting is read from that input as it is.
    gap = after_transplant.visit(D("2020-10-10"))
    assert gap is not None
    assert [t.regimen for t in gap.snapshot.therapy_lines] == [
        "VRd",
        "ASCT",
        "Lenalidomide maintenance",
    ]
    planned = gap.snapshot.therapy_lines[-1]
    assert planned.start is not None and planned.start > D("2020-10-10")
    assert (planned.end, planned.best_response, planned.refractory) == (None, None, None)
    assert after_transplant.setting_input(gap.snapshot) is gap.snapshot
    on_line = after_transplant.visit(D("2020-07-10"))
    assert on_line is not None
    assert after_transplant.setting_input(on_line.snapshot) is on_line.snapshot
    # After progression on maintenance (DKd next) the relapsed setting is right.
    relapsed = build_course(patient(), [*VISITS[:6]], LINES).options()
    assert [s.value for s in relapsed.settings] == ["relapsed_or_refractory"]


def test_printed_options_between_planned_parts_agree_with_the_screen() -> None:
    from myeloma_desk.reports.build import assessment_report

    gaps = [*VISITS[:3], follow("2020-08-31", 0.8), follow("2020-10-10", 0.7)]
    course = build_course(patient(), gaps, LINES)
    day = D("2020-10-10")
    visit = course.visit(day)
    assert visit is not None
    doc = assessment_report(visit.snapshot, visit_date=day, course=course)
    assert doc.options_setting.startswith("Maintenance")
    assert "Relapsed" not in doc.options_setting
    assert doc.options, "maintenance options are printed"
