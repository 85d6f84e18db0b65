"""The typed application context and context safety: when the current patient changes every
section resets or refreshes, a visit is saved to the patient it was opened for, and an unsaved
visit is never discarded without being asked (its draft survives switching and closing)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

pytest.importorskip("myeloma_desk.store.repository", reason="the patient store is not built")

from ui_helpers import OpenWindow, new_visit, patients_of, type_value

from myeloma_desk.paths import AppPaths
from myeloma_desk.settings import Settings
from myeloma_desk.ui.context import AppContext
from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views.drafts import DraftStore
from myeloma_desk.ui.views.patients.section import PatientsView
from myeloma_desk.ui.views.visit_form import AssessView
from myeloma_desk.ui.widgets.fields import QuantityEditor


def _new_patient(view: PatientsView, name: str) -> int:
    view.new_patient()
    view.editor.name.setText(name)
    patient_id = view.editor.save()
    assert patient_id is not None
    return patient_id


def test_current_patient_signal_fires_once_per_change(qtbot: QtBot, tmp_path: Path) -> None:
    context = AppContext(AppPaths.resolve(str(tmp_path)).ensure(), Settings())
    seen: list[object] = []
    context.signals.patient_changed.connect(seen.append)
    context.set_current_patient(3)
    context.set_current_patient(3)  # no change: no signal
    context.set_current_patient(5)
    context.set_current_patient(None)
    assert seen == [3, 5, None]
    assert context.navigate("assess") is None  # no main window: navigation is a no-op
    assert context.visit_form() is None


def test_close_hooks_run_once_in_order(tmp_path: Path) -> None:
    context = AppContext(AppPaths.resolve(str(tmp_path)).ensure(), Settings())
    calls: list[str] = []
    context.on_close(lambda: calls.append("store"))
    context.on_close(lambda: calls.append("backup"), first=True)
    context.close()
    context.close()
    assert calls == ["backup", "store"]


def test_window_registers_itself_as_navigator(window: MainWindow) -> None:
    assert window.context.navigator is window
    page = window.context.navigate("calculators")
    assert page is window.current_page()
    assert isinstance(window.context.visit_form(), AssessView)


def test_switching_patients_resets_every_section(window: MainWindow, qtbot: QtBot) -> None:
    view = patients_of(window)
    first = _new_patient(view, "First, Fay")
    second = _new_patient(view, "Second, Sam")

    view.open_patient(first)
    assert window.context.current_patient_id == first
    assess = new_visit(view, dt.date(2025, 1, 10))
    type_value(assess, "albumin", "3.5")
    assert assess.save()
    page = view.patient_page
    assert page.status.text() == "Visit of 2025-01-10 saved."
    page.tabs.setCurrentWidget(page.chart)

    regimens = page.open_regimens()
    if hasattr(regimens, "ready"):  # the evidence database is in this build
        qtbot.waitUntil(regimens.ready, timeout=10_000)
        assert regimens.options_box.isVisibleTo(regimens)
        assert "First, Fay" in regimens.options_title.text()

    view = patients_of(window)
    view.open_patient(second)
    assert window.context.current_patient_id == second
    assert page.status.text() == ""  # "Visit of … saved" was the first patient's
    assert page.tabs.currentIndex() == 0
    assert "Second, Sam" in page.header.text()
    assert page.timeline_model.events() == []
    if hasattr(regimens, "ready"):  # not Fay's options for Sam: Sam's (no visit yet)
        assert regimens.options_patient == second
        assert "Second, Sam" in regimens.options_title.text()
        assert "First, Fay" not in regimens.options_title.text()
        assert "No visit is recorded yet" in regimens.options.toPlainText()

    # the list's row of the first patient shows the visit saved from the Assess section
    row = view.model.row_of(first)
    assert view.model.index(row, view.model.COLUMNS.index("Last visit")).data() == "2025-01-10"


def test_visit_is_saved_to_the_patient_it_was_opened_for(window: MainWindow) -> None:
    view = patients_of(window)
    first = _new_patient(view, "Keep, Kim")
    second = _new_patient(view, "Other, Olu")
    view.open_patient(first)
    assess = new_visit(view, dt.date(2025, 3, 1))
    type_value(assess, "albumin", "3.1")
    view = patients_of(window)
    view.open_patient(second)  # the user looks at another patient meanwhile
    window.show_section_key("assess")
    assert assess.save()
    assert [v.date for v in view.store.visits(first)] == [dt.date(2025, 3, 1)]
    assert view.store.visits(second) == []


def test_future_visit_date_is_refused_on_the_field(window: MainWindow) -> None:
    view = patients_of(window)
    patient = _new_patient(view, "Future, Flo")
    view.open_patient(patient)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assess = new_visit(view, tomorrow)
    type_value(assess, "albumin", "3.4")
    assert not assess.save()
    message = assess.form.editor("date").message.text()
    assert "is in the future" in message and tomorrow.isoformat() in message
    assert view.store.visits(patient) == []
    today_editor = assess.form.editor("date")
    today_editor.set_raw(dt.date.today().isoformat())  # today itself is allowed
    assert assess.save()
    assert [v.date for v in view.store.visits(patient)] == [dt.date.today()]


def test_unsaved_visit_survives_switching_patients(window: MainWindow) -> None:
    view = patients_of(window)
    first = _new_patient(view, "Unsaved, Uma")
    second = _new_patient(view, "Next, Ned")
    view.open_patient(first)
    assess = new_visit(view, dt.date(2025, 5, 5))
    type_value(assess, "albumin", "2.9")
    assert assess.has_unsaved_changes()
    view = patients_of(window)
    view.open_patient(second)
    assess = new_visit(view, dt.date(2025, 5, 6))
    draft = DraftStore(window.context.paths.data).load(f"visit-patient-{first}")
    assert draft is not None and draft.data["albumin"]["value"] == 2.9
    assert assess.banner.isVisibleTo(assess) and "Unsaved, Uma" in assess.banner.text.text()
    assert "kept as a draft" in assess.status.text()


@pytest.mark.parametrize("answer", ["cancel", "keep", "discard"])
def test_new_visit_asks_before_discarding(window: MainWindow, answer: str) -> None:
    view = patients_of(window)
    patient = _new_patient(view, "Asked, Abe")
    view.open_patient(patient)
    assess = new_visit(view, dt.date(2025, 6, 1))
    type_value(assess, "albumin", "3.2")
    asked: list[bool] = []

    def ask() -> str:
        asked.append(True)
        return answer

    assess.ask_discard = ask  # type: ignore[method-assign]
    assess.new_button.click()
    assert asked == [True]
    editor = assess.form.editor("albumin")
    assert isinstance(editor, QuantityEditor)
    draft = DraftStore(window.context.paths.data).load(f"visit-patient-{patient}")
    if answer == "cancel":
        assert editor.edit.text() == "3.2" and assess.has_unsaved_changes()
    elif answer == "keep":
        assert editor.edit.text() == "" and draft is not None
    else:
        assert editor.edit.text() == "" and draft is None


def test_closing_keeps_an_unsaved_visit_as_draft(open_window: OpenWindow, tmp_path: Path) -> None:
    win = open_window(show=False)
    view = patients_of(win)
    patient = _new_patient(view, "Closing, Cy")
    view.open_patient(patient)
    assess = new_visit(view, dt.date(2025, 7, 1))
    type_value(assess, "albumin", "3.0")
    win.close()  # within the autosave interval
    draft = DraftStore(AppPaths.resolve(str(tmp_path)).data).load(f"visit-patient-{patient}")
    assert draft is not None and draft.data["albumin"]["value"] == 3.0


def test_form_shows_age_and_sex_from_the_record(window: MainWindow) -> None:
    view = patients_of(window)
    view.new_patient()
    view.editor.name.setText("Record, Rae")
    view.editor.birth_date.setText("1958-06-01")
    view.editor.sex.setCurrentIndex(1)  # Female
    patient = view.editor.save()
    assert patient is not None
    assess = new_visit(view, dt.date(2025, 1, 10))
    age = assess.form.editor("age_years")
    sex = assess.form.editor("sex")
    assert age.edit.placeholderText() == "66 years (from the patient record)"  # type: ignore[attr-defined]
    assert sex.combo.itemText(0) == "— Female, from the patient record —"  # type: ignore[attr-defined]
    assert age.raw() is None and sex.raw() is None  # the record stays the one home of both
    assess.form.editor("date").set_raw("2025-06-02")  # after the birthday
    assess.update_assessment()
    assert age.edit.placeholderText().startswith("67 years")  # type: ignore[attr-defined]


def test_engine_diagnosis_is_offered_and_confirmed_by_the_clinician(window: MainWindow) -> None:
    view = patients_of(window)
    patient = _new_patient(view, "Offer, Otto")
    view.open_patient(patient)
    page = view.patient_page
    assert not page.diagnosis_offer.isVisibleTo(page)  # no visit: nothing to offer
    assess = page.new_visit(dt.date(2025, 1, 10))
    assert isinstance(assess, AssessView)
    for path, text in {
        "serum_m_protein": "3.2",
        "free_kappa": "420",
        "free_lambda": "8",
        "hemoglobin": "9.1",
        "calcium": "9.5",
        "creatinine": "1.1",
        "bone_marrow_plasma_cells_percent": "40",
        "lytic_lesions": "2",
    }.items():
        type_value(assess, path, text)
    assess.update_assessment()
    diagnosis = assess.result("diagnosis")
    assert diagnosis is not None and diagnosis.status == "determined"
    assert assess.save()
    assert page.wait_for_course()
    assert page.diagnosis_offer.isVisibleTo(page)
    assert page.offered_diagnosis == diagnosis.result
    # the header reads the course model: the diagnosis visit, not "not recorded"
    assert "(diagnosis visit of 2025-01-10)" in page.header.text()
    assert "working diagnosis is not recorded" in page.diagnosis_text.text()
    assert "_" not in page.diagnosis_text.text()  # shown in words, not as an internal token
    assert view.store.get_patient(patient).diagnosis is None  # nothing changes unconfirmed
    assert page.confirm_diagnosis()
    assert view.store.get_patient(patient).diagnosis == diagnosis.result
    assert page.wait_for_course()
    assert not page.diagnosis_offer.isVisibleTo(page)
    assert "Working diagnosis set to" in page.status.text()
    assert "working diagnosis recorded by the clinician" in page.header.text()


def test_patient_list_opens_without_importing_the_evidence_database(tmp_path: Path) -> None:
    """Start-up stays light: the evidence search index and loading code (the regimen picker's)
    are imported when a patient is opened, not when the list opens."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from myeloma_desk.ui.app import create_window\n"
        "app = QApplication(sys.argv)\n"
        "window, _ = create_window(sys.argv[1])\n"
        "window.show_section_key('patients')\n"
        "app.processEvents()\n"
        "heavy = ('myeloma_desk.evidence.search', 'myeloma_desk.ui.views.evidence_common')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "window.close()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
        check=True,
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_assessment_panel_selection_resets_for_another_patient(window: MainWindow) -> None:
    view = patients_of(window)
    first = _new_patient(view, "Panel, Pia")
    second = _new_patient(view, "Panel, Quinn")
    view.open_patient(first)
    assess = new_visit(view, dt.date(2025, 2, 1))
    rules = [r.rule for r in assess.last_results]
    chosen = rules[-1]
    assert assess.panel.select_rule(chosen)
    assess.update_assessment()
    assert assess.panel.current_result().rule == chosen  # kept while typing the same visit
    view = patients_of(window)
    view.open_patient(second)
    assess = new_visit(view, dt.date(2025, 2, 2))
    current = assess.panel.current_result()
    assert current is None or current.rule != chosen
