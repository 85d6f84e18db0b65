"""Regimens › "Options for": the options the PDQ describes for the current patient's disease
state, read from the course model (``Course.options()``), refreshed when the patient changes,
with the PDQ's non-regimen approaches and the empty case in a clinician's words."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot

pytest.importorskip("myeloma_desk.store.repository", reason="the patient store is not built")
pytest.importorskip("myeloma_desk.evidence.loader", reason="the evidence database is not built")

from ui_helpers import section_ready

from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.evidence.loader import load
from myeloma_desk.evidence.options import OptionsReport
from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views.patients.section import PatientsView
from myeloma_desk.ui.views.regimens_view import RegimensView, options_html

# What the PDQ describes for each demo patient's latest visit (the setting the course model's
# disease state leads to, and one thing a clinician expects to find in it).
EXPECTED: dict[str, tuple[str, str | tuple[str, ...]]] = {
    "DEMO-0001": ("MGUS", "Watchful waiting"),
    "DEMO-0002": (
        "Smoldering",
        (
            "Daratumumab for high-risk smoldering myeloma",
            "patients were eligible if the marrow plasmacytosis was 10% to 49%",
            "Induction therapy as for symptomatic myeloma, for patients at high risk",
            "Smoldering myeloma risk (the PDQ's four factors",
        ),
    ),
    "DEMO-0003": ("Newly diagnosed", "D-VRd"),
    "DEMO-0004": ("Newly diagnosed", "DRd"),
    "DEMO-0005": ("plasmacytoma of bone", "Radiation therapy to the lesion"),
    # AL amyloidosis: the PDQ's regimens (Dara-CyBorD as the standard for previously untreated
    # eligible patients, level B3; melphalan plus high-dose dexamethasone, A1), stem cell
    # rescue for selected patients with its mortality caveat, and anselamimab (trials only)
    "DEMO-0006": (
        "amyloidosis",
        (
            "CyBorD",
            "Dara-CyBorD",
            "level of evidence B3",
            "previously untreated patients who are eligible to receive this regimen",
            "MDex",
            "High-dose melphalan with autologous stem cell transplant (selected patients)",
            "The 24% transplant-related mortality",
            "Anselamimab",
            "under clinical evaluation",
        ),
    ),
    "DEMO-0007": ("POEMS", "Myeloma-directed therapy"),
    "DEMO-0008": ("Newly diagnosed", ("VRd", "D-CVRd", "Plasma cell leukemia: the PDQ states")),
    "DEMO-0009": ("Relapsed", "Pd"),
}


pytestmark = pytest.mark.window_size(1280, 800)


def _demo(window: MainWindow) -> tuple[PatientsView, dict[str, int]]:
    view = window.show_section_key("patients")
    assert isinstance(view, PatientsView)
    view.load_demo()
    ids = {}
    for summary in view.store.list_patients():
        patient = view.store.get_patient(summary.id)
        assert patient.identifier is not None
        ids[patient.identifier] = summary.id
    return view, ids


def test_options_follow_the_current_patient(window: MainWindow, qtbot: QtBot) -> None:
    patients, ids = _demo(window)
    patients.open_patient(ids["DEMO-0009"])
    regimens = patients.patient_page.open_regimens()
    assert isinstance(regimens, RegimensView)
    qtbot.waitUntil(regimens.ready, timeout=10_000)
    assert "DEMO Ivanova, Nadia" in regimens.options_title.text()
    text = regimens.options.toPlainText()
    # The disease state of the course (line 3 after 2 prior lines, triple-class refractory),
    # never the follow-up's re-derived "cannot be determined".
    assert "Line 3 (Isa-Pd)" in text and "2 prior lines" in text
    assert "triple-class refractory" in text
    assert "Relapsed" in text and "cannot be determined" not in text.lower()
    relapsed = set(regimens.shown_regimens())
    assert regimens.only_options.isChecked() and "pd" in relapsed and "d-vrd" not in relapsed

    # switching patients: the header, the text and the filtered list follow the new patient
    patients.open_patient(ids["DEMO-0003"])
    assert regimens.options_patient == ids["DEMO-0003"]
    assert "DEMO Chen, Wei" in regimens.options_title.text()
    assert "Ivanova" not in regimens.options_title.text()
    text = regimens.options.toPlainText()
    assert "Line 1 (D-VRd)" in text and "Newly diagnosed" in text
    newly = set(regimens.shown_regimens())
    assert "d-vrd" in newly and newly != relapsed

    # a patient whose options are not regimens: the approaches, with the PDQ's sentence
    patients.open_patient(ids["DEMO-0001"])
    text = regimens.options.toPlainText()
    assert "DEMO Alvarez, Maria" in regimens.options_title.text()
    assert "Approaches the PDQ describes" in text and "Watchful waiting" in text
    assert "All patients with MGUS are generally observed" in text
    assert not regimens.only_options.isEnabled()  # no regimen: the whole list is shown
    assert regimens.proxy.rowCount() == regimens.model.rowCount()

    # no patient: nothing about anyone is left on screen
    window.context.set_current_patient(None)
    assert not regimens.options_box.isVisibleTo(regimens)
    assert regimens.options_patient is None


def test_options_refresh_when_a_visit_is_saved(window: MainWindow, qtbot: QtBot) -> None:
    patients = window.show_section_key("patients")
    assert isinstance(patients, PatientsView)
    patients.new_patient()
    patients.editor.name.setText("Later, Lee")
    patient_id = patients.editor.save()
    assert patient_id is not None
    patients.open_patient(patient_id)
    regimens = patients.patient_page.open_regimens()
    assert isinstance(regimens, RegimensView)
    qtbot.waitUntil(regimens.ready, timeout=10_000)
    assert "No visit is recorded yet" in regimens.options.toPlainText()
    patients.store.save_visit(patient_id, dt.date(2025, 2, 3), Snapshot(date=dt.date(2025, 2, 3)))
    window.context.signals.patients_changed.emit()
    assert "No visit is recorded yet" not in regimens.options.toPlainText()
    assert "latest visit 2025-02-03" in regimens.options.toPlainText()


def test_options_of_a_typed_visit_are_cleared_on_a_switch(window: MainWindow, qtbot: QtBot) -> None:
    patients, ids = _demo(window)
    patients.open_patient(ids["DEMO-0002"])
    regimens = section_ready(window, qtbot, "regimens", RegimensView)
    regimens.show_options_for(Snapshot(date=dt.date(2025, 1, 2)), "this visit")
    assert regimens.options_box.isVisibleTo(regimens)
    patients.open_patient(ids["DEMO-0005"])
    assert not regimens.options_box.isVisibleTo(regimens)


@pytest.mark.parametrize("identifier", sorted(EXPECTED))
def test_every_demo_patient_gets_a_clinically_right_option_set(
    window: MainWindow, qtbot: QtBot, identifier: str
) -> None:
    _, ids = _demo(window)
    regimens = section_ready(window, qtbot, "regimens", RegimensView)
    assert regimens.show_patient_options(ids[identifier])
    text = regimens.options.toPlainText()
    setting, expected = EXPECTED[identifier]
    setting_line = next(line for line in text.splitlines() if line.startswith("Setting:"))
    assert setting.lower() in setting_line.lower()
    for wanted in (expected,) if isinstance(expected, str) else expected:
        assert wanted in text, (identifier, wanted)
    assert "No regimen" not in text and "describes no regimen" not in text
    if identifier == "DEMO-0009":  # refractory components are flagged on their regimens
        assert "Refractory to lenalidomide" in text


def test_empty_report_is_said_in_words() -> None:
    ev = load()
    report = OptionsReport(
        evidence_version=ev.version,
        pdq_date=ev.pdq_date,
        settings=[],
        setting_basis=["Diagnosis not established (a visit with a determined diagnosis is needed)"],
        options=[],
        studies=[],
        flags=[],
        unknown=["Diagnosis"],
    )
    assert report.is_empty()
    text = options_html(report, dt.date(2025, 1, 1), ev)
    assert "Setting:</b> not determined, so no option can be listed" in text
    assert "describes no regimen or approach" in text
    assert "not a recommendation to give no treatment" in text
    assert "Diagnosis not established" in text


def test_options_of_a_typed_follow_up_use_the_established_diagnosis(
    window: MainWindow, qtbot: QtBot
) -> None:
    patients, ids = _demo(window)
    patients.open_patient(ids["DEMO-0009"])
    page = patients.patient_page
    assert page.wait_for_course()  # the options follow the course built in the worker
    assert page.record is not None
    form = page._edit_visit(page.record.visits[-1].date, new=False)
    assert form is not None
    regimens = form.open_options()
    assert isinstance(regimens, RegimensView)
    qtbot.waitUntil(regimens.ready, timeout=10_000)
    text = regimens.options.toPlainText()
    # the follow-up's treated labs leave its own diagnosis undetermined; the course's stands
    assert "not determined, so no option can be listed" not in text
    setting = next(line for line in text.splitlines() if line.startswith("Setting:"))
    assert setting.startswith("Setting: Relapsed or refractory")
    assert "Regimens the PDQ describes" in text and "visit as typed, dated 2024-05-21" in text
