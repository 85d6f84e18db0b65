"""The options of a visit still being typed are those the saved course will show: the visit
form's "Regimen options" reads the setting with the one course mechanism
(``Course.setting_input`` and the established diagnosis), never the typed snapshot alone."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot

pytest.importorskip("myeloma_desk.store.repository", reason="the patient store is not built")
pytest.importorskip("myeloma_desk.evidence.loader", reason="the evidence database is not built")

from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views.patients.page import PatientPage
from myeloma_desk.ui.views.patients.section import PatientsView
from myeloma_desk.ui.views.regimens_view import RegimensView

# DEMO-0009: VRd ended 2019-11-25, lenalidomide maintenance (the same IMWG line) from
# 2020-01-13. A visit between them is still on line 1 (Rajkumar 2015), not "relapsed after
# 1 prior line".
GAP = dt.date(2019, 12, 20)


pytestmark = pytest.mark.window_size(1280, 800)


def _open(window: MainWindow, identifier: str) -> PatientPage:
    view = window.show_section_key("patients")
    assert isinstance(view, PatientsView)
    view.load_demo()
    found = view.store.find_by_identifier(identifier)
    assert found is not None
    page = view.open_patient(found.id)
    assert page.wait_for_course()
    return page


def _setting(regimens: RegimensView) -> str:
    text = regimens.options.toPlainText()
    return next(line for line in text.splitlines() if line.startswith("Setting:"))


def test_typed_visit_between_parts_of_a_line_has_the_saved_course_options(
    window: MainWindow, qtbot: QtBot
) -> None:
    page = _open(window, "DEMO-0009")
    form = page.new_visit(GAP)  # typed, not saved
    assert form is not None
    regimens = form.open_options()
    assert isinstance(regimens, RegimensView)
    qtbot.waitUntil(regimens.ready, timeout=10_000)
    typed_setting = _setting(regimens)
    typed = set(regimens.patient_regimens or ())
    assert "visit as typed, dated 2019-12-20" in regimens.options.toPlainText()
    # the snapshot alone (VRd ended, no line running) would read as relapsed after 1 line
    assert not typed_setting.startswith("Setting: Relapsed"), typed_setting
    assert "Maintenance" in typed_setting, typed_setting
    assert "lenalidomide-maintenance" in typed

    # Saved, the course gives the same options for that visit.
    assert form.save()
    assert page.wait_for_course()
    assert page.record is not None
    saved = page.record.course.options(GAP)
    assert {o.id for o in saved.options} == typed
    assert "relapsed_or_refractory" not in [s.value for s in saved.settings]


def test_typed_visit_on_a_running_line_is_read_as_it_is(window: MainWindow, qtbot: QtBot) -> None:
    # DEMO-0009's latest visit (on Isa-Pd, line 3): relapsed after 2 prior lines, as saved.
    page = _open(window, "DEMO-0009")
    assert page.record is not None
    course = page.record.course
    assert course.latest is not None
    form = page._edit_visit(course.latest.date, new=False)
    assert form is not None
    regimens = form.open_options()
    assert isinstance(regimens, RegimensView)
    qtbot.waitUntil(regimens.ready, timeout=10_000)
    assert _setting(regimens).startswith("Setting: Relapsed or refractory")
    assert set(regimens.patient_regimens or ()) == {o.id for o in course.options().options}


@pytest.mark.parametrize("day", [dt.date(2019, 12, 10), dt.date(2024, 5, 21)])
def test_visit_form_report_agrees_with_the_saved_visit_report(
    window: MainWindow, day: dt.date
) -> None:
    # The visit form's print preview of a stored follow-up is the patient page's report of it:
    # the established diagnosis, the carried staging and the options of the disease state.
    page = _open(window, "DEMO-0009")
    form = page._edit_visit(day, new=False)
    assert form is not None
    typed = form.report_doc()
    saved = page.report_doc(day)
    assert typed.diagnosis == saved.diagnosis and typed.diagnosis
    assert typed.summary == saved.summary
    assert typed.staging_risk == saved.staging_risk
    assert typed.options_setting == saved.options_setting and typed.options_setting
    assert typed.options == saved.options
    assert "Diagnosis: cannot be determined" not in typed.model_dump_json()
