"""The sections of the main window, in navigation order, each with a page factory.

A page is created the first time its section is shown, so start-up stays fast. To build a
section, replace its factory here; nothing else in the window changes.

The first section shown at start-up (the last one used) is built only after the window's first
paint: until then the window shows its title and its ``opening`` text ("Opening the patient
store…", main_window.OpeningPage). Nothing imported here or before the first paint depends on
the store, the engine, the evidence database, pydantic or yaml.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from myeloma_desk.settings import Section, Settings
from myeloma_desk.ui.context import AppContext

PageFactory = Callable[[AppContext], QWidget]


def _not_built_page(title: str, what: str) -> QWidget:
    """The page of a section whose package is not in this build (imported only then)."""
    from myeloma_desk.ui.views.placeholder import NotBuiltPage

    return NotBuiltPage(title, what)


@dataclass(frozen=True)
class SectionSpec:
    """A navigation entry: key (as stored in settings), title, shortcut and page factory;
    ``opening``: what the window says while the page is prepared after the first paint
    (empty: the page is built at once)."""

    key: Section
    title: str
    shortcut: str
    factory: PageFactory
    opening: str = ""


def _reference(context: AppContext) -> QWidget:
    from myeloma_desk.ui.views.reference_view import ReferenceView

    return ReferenceView(font_points=context.settings.reference_font_points)


def _calculators(context: AppContext) -> QWidget:
    from myeloma_desk.ui.views.calculators_view import CalculatorsView

    return CalculatorsView(navigate=context.navigate, evidence_links=evidence_available())


def _patients(context: AppContext) -> QWidget:
    try:
        from myeloma_desk.store import StoreError
        from myeloma_desk.ui.views.patients.section import PatientsView
        from myeloma_desk.ui.views.patients.unavailable import unavailable_page
    except ImportError:  # the patient store package is not in this build
        return _not_built_page("Patients", "It will list patients, visits and lines of therapy.")
    page: QWidget
    try:
        page = PatientsView(context)
    except StoreError as error:  # locked by another window, damaged, encrypted ...
        page = unavailable_page(error, context)
    return page


def _assess(context: AppContext) -> QWidget:
    from myeloma_desk.ui.views.drafts import DraftStore
    from myeloma_desk.ui.views.visit_form import AssessView

    view = AssessView(
        DraftStore.for_context(context),
        navigate=context.navigate,
        evidence_links=evidence_available(),
    )
    view.settings = context.settings
    return view


def evidence_available() -> bool:
    """Whether the evidence database package is in this build."""
    import importlib.util

    return importlib.util.find_spec("myeloma_desk.evidence.loader") is not None


def _regimens(context: AppContext) -> QWidget:
    if not evidence_available():
        return _not_built_page("Regimens", "It will browse the regimens the PDQ describes.")
    from myeloma_desk.ui.views.regimens_view import RegimensView

    return RegimensView(context)


def _evidence(context: AppContext) -> QWidget:
    if not evidence_available():
        return _not_built_page(
            "Evidence", "It will browse trials and findings with their sentences."
        )
    from myeloma_desk.ui.views.evidence_view import EvidenceView

    return EvidenceView(context)


def _not_built(title: str, what: str) -> PageFactory:
    return lambda _context: _not_built_page(title, what)


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("patients", "Patients", "Ctrl+1", _patients, "Opening the patient store…"),
    SectionSpec("assess", "Assess", "Ctrl+2", _assess, "Preparing the visit form…"),
    SectionSpec(
        "regimens", "Regimens", "Ctrl+3", _regimens, "Loading the regimens the PDQ describes…"
    ),
    SectionSpec("evidence", "Evidence", "Ctrl+4", _evidence, "Loading the evidence database…"),
    SectionSpec("reference", "Reference", "Ctrl+5", _reference, "Loading the PDQ text…"),
    SectionSpec("calculators", "Calculators", "Ctrl+6", _calculators, "Preparing the calculators…"),
)


def default_section(settings: Settings) -> int:
    """Index of the section to show first: the last one used."""
    for index, spec in enumerate(SECTIONS):
        if spec.key == settings.last_section:
            return index
    return 0
