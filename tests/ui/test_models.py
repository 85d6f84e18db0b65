"""Every Qt item model of the app through pytest-qt's model tester, populated with the demo
patients' real data and kept attached while the data changes (patients switched, visits
opened, the not-applicable rules expanded), as docs/architecture.md says.

Each model gets its own tester twice: pytest-qt's Python tester (``force_py=True``: its checks
are assertions, so a broken model fails the test) and Qt's own QAbstractItemModelTester, whose
failures are Qt warnings starting with "FAIL!" — tests/ui/conftest.py fails any UI test that
logs one.
"""

from __future__ import annotations

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtTest import QAbstractItemModelTester

pytest.importorskip("myeloma_desk.store.repository", reason="the patient store is not built")

from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views.calculators_view import CalculatorsView
from myeloma_desk.ui.views.patients.section import PatientsView
from myeloma_desk.ui.views.reference_view import ReferenceView
from myeloma_desk.ui.views.visit_form import AssessView


class ModelCheck:
    """Attach both testers to each model and keep them alive for the whole test."""

    def __init__(self) -> None:
        self.kept: list[object] = []

    def check(self, model: QAbstractItemModel) -> None:
        assert model.rowCount() > 0, f"{type(model).__name__} is not populated"
        python = ModelTester(None)
        python.check(model, force_py=True)
        qt = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
        self.kept += [python, qt]


@pytest.fixture
def testers() -> ModelCheck:
    return ModelCheck()  # Qt's tester's warnings fail the test (tests/ui/conftest.py)


def test_patient_screen_models(window: MainWindow, testers: ModelCheck) -> None:
    view = window.show_section_key("patients")
    assert isinstance(view, PatientsView)
    view.load_demo()
    ids = [s.id for s in view.store.list_patients()]
    # the relapsed demo patient has visits, lines and trends in every model
    relapsed = next(i for i in ids if view.store.get_patient(i).identifier == "DEMO-0009")
    view.open_patient(relapsed)
    page = view.patient_page
    assert page.wait_for_course()
    testers.check(view.model)
    testers.check(page.timeline_model)
    testers.check(page.chart.flowsheet_model)
    testers.check(page.lines_editor.model)
    testers.check(window.nav_model)
    # the testers stay attached while every other patient's data replaces the rows
    for patient_id in ids:
        view.open_patient(patient_id)
        assert page.timeline_model.rowCount() > 0
        assert page.wait_for_course()
    view.open_patient(relapsed)
    assert page.wait_for_course()
    assert page.chart.flowsheet_model.rowCount() > 0


def test_assessment_model_over_a_follow_up(window: MainWindow, testers: ModelCheck) -> None:
    view = window.show_section_key("patients")
    assert isinstance(view, PatientsView)
    view.load_demo()
    relapsed = next(s.id for s in view.store.list_patients() if s.name.startswith("DEMO Ivanova"))
    view.open_patient(relapsed)
    page = view.patient_page
    page.timeline.setCurrentIndex(page.timeline_model.index(0, 0))
    assess = page.open_selected_visit()
    assert isinstance(assess, AssessView)
    assess.update_assessment()
    model = assess.panel.model
    testers.check(model)
    # a follow-up (diagnosis-visit rules carried), then every rule shown
    last = page.timeline_model.rowCount() - 1
    page.timeline.setCurrentIndex(page.timeline_model.index(last, 0))
    page.open_selected_visit()
    assess.update_assessment()
    model.set_show_not_applicable(True)
    model.set_show_not_applicable(False)


def test_reference_and_calculator_models(qtbot: QtBot, testers: ModelCheck) -> None:
    reference = ReferenceView()
    qtbot.addWidget(reference)
    testers.check(reference.toc_model)
    calculators = CalculatorsView()
    qtbot.addWidget(calculators)
    # (the calculator list is a QListWidget: Qt's own model, whose match() with role -1
    # crashes the Python tester, so it is not one of ours to check)
    iss = calculators.open("iss")
    testers.check(iss.panel.model)
    iss.form.set_data({"albumin": {"value": 3.0, "unit": "g/dL"}})
    iss.compute()
