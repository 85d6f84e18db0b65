"""The sections of the main window, in navigation order, each with a page factory.

A page is created the first time its section is shown, so start-up stays fast. To build a
section, replace its factory here; nothing else in the window changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from myeloma_desk.settings import Section, Settings
from myeloma_desk.ui.context import AppContext
from myeloma_desk.ui.views.placeholder import NotBuiltPage

PageFactory = Callable[[AppContext], QWidget]


@dataclass(frozen=True)
class SectionSpec:
    """A navigation entry: key (as stored in settings), title, shortcut and page factory."""

    key: Section
    title: str
    shortcut: str
    factory: PageFactory


def _reference(context: AppContext) -> QWidget:
    from myeloma_desk.ui.views.reference_view import ReferenceView

    return ReferenceView(font_points=context.settings.reference_font_points)


def _not_built(title: str, what: str) -> PageFactory:
    return lambda _context: NotBuiltPage(title, what)


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "patients",
        "Patients",
        "Ctrl+1",
        _not_built("Patients", "It will list patients, visits and lines of therapy."),
    ),
    SectionSpec(
        "assess",
        "Assess",
        "Ctrl+2",
        _not_built("Assess", "It will show the visit form with the live assessment."),
    ),
    SectionSpec(
        "regimens",
        "Regimens",
        "Ctrl+3",
        _not_built("Regimens", "It will browse the regimens the PDQ describes."),
    ),
    SectionSpec(
        "evidence",
        "Evidence",
        "Ctrl+4",
        _not_built("Evidence", "It will browse trials and findings with their sentences."),
    ),
    SectionSpec("reference", "Reference", "Ctrl+5", _reference),
    SectionSpec(
        "calculators",
        "Calculators",
        "Ctrl+6",
        _not_built("Calculators", "It will offer every rule without a patient."),
    ),
)


def default_section(settings: Settings) -> int:
    """Index of the section to show first: the last one used."""
    for index, spec in enumerate(SECTIONS):
        if spec.key == settings.last_section:
            return index
    return 0
