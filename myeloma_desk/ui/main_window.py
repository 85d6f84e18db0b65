"""The main window: a navigation rail of sections and a stack of pages.

Start-up (issue 18): the window is painted before anything that depends on the patient store
(or its size) runs. If the first section has ``opening`` text (sections.py), an
:class:`OpeningPage` says so and the real page is built just after the window's first paint
(``after_first_paint``); asking for the section (``show_section``, ``navigate``) builds it at
once.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, QTimer
from PySide6.QtGui import (
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QPaintEvent,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk import APP_NAME, __version__
from myeloma_desk.ui.context import AppContext
from myeloma_desk.ui.sections import SECTIONS, default_section

log = logging.getLogger(__name__)


class OpeningPage(QWidget):
    """A section's title and what is being prepared ("Opening the patient store…"), shown
    until its page is built after the window's first paint."""

    def __init__(self, title: str, text: str, shortcut: str) -> None:
        super().__init__()
        self.setAccessibleName(f"{title}: {text}")
        self.title, self.shortcut = title, shortcut
        layout = QVBoxLayout(self)
        self.label = QLabel(f"<h2>{title}</h2><p>{text}</p>")
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        layout.addStretch(1)

    def failed(self) -> None:
        """The page could not be built (the error was reported): say so, and how to retry."""
        text = (
            f"{self.title} could not be opened; the details were written to the log file. "
            f"Press {self.shortcut} to try again."
        )
        self.setAccessibleName(f"{self.title}: could not be opened")
        self.label.setText(f"<h2>{self.title}</h2><p>{text}</p>")


class MainWindow(QMainWindow):
    """Navigation rail on the left, the current section's page on the right."""

    def __init__(self, context: AppContext, qsettings: QSettings | None = None) -> None:
        super().__init__()
        self._painted = False
        self._started = False
        self._after_paint: list[Callable[[], object]] = []
        self.context = context
        self.qsettings = qsettings
        context.navigator = self  # pages link to each other (and rebuild) through this
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        self.setAccessibleName(APP_NAME)
        self.fit_to_screen()

        central = QWidget()
        layout = QHBoxLayout(central)
        self.nav_model = QStandardItemModel(self)
        for spec in SECTIONS:
            item = QStandardItem(spec.title)
            item.setToolTip(f"{spec.title} ({spec.shortcut})")
            item.setEditable(False)
            self.nav_model.appendRow(item)
        self.nav = QListView()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Sections")
        self.nav.setModel(self.nav_model)
        self.nav.setMaximumWidth(170)
        self.nav.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.stack = QStackedWidget()
        self._pages: dict[int, QWidget] = {}
        for _ in SECTIONS:
            self.stack.addWidget(QWidget())  # replaced by the real page on first show
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.statusBar()
        self.after_first_paint(self._show_reference_date)  # reads reference/pdq.py

        self.nav.selectionModel().currentChanged.connect(self._on_current_changed)
        for index, spec in enumerate(SECTIONS):
            shortcut = QShortcut(QKeySequence(spec.shortcut), self)
            shortcut.activated.connect(lambda i=index: self.show_section(i))

        if qsettings is not None:
            geometry = qsettings.value("window/geometry")
            if isinstance(geometry, QByteArray):
                self.restoreGeometry(geometry)
        self._opening: int | None = None  # the section whose page waits for the first paint
        self._closing = False
        first = default_section(context.settings)
        spec = SECTIONS[first]
        if spec.opening:
            self._opening = first
            self._put_page(first, OpeningPage(spec.title, spec.opening, spec.shortcut))
            self.after_first_paint(self._build_opening)
        self.nav.setCurrentIndex(self.nav_model.index(first, 0))

    def after_first_paint(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once the window's first paint is done (soon, if it is)."""
        self._after_paint.append(callback)
        if self._painted:
            QTimer.singleShot(0, self, self._run_after_paint)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True  # what waits runs after this paint, not inside it
            QTimer.singleShot(0, self, self._run_after_paint)

    def _run_after_paint(self) -> None:
        callbacks, self._after_paint = self._after_paint, []
        for callback in callbacks:
            try:
                callback()
            except Exception:  # reported (logged, a dialog); the others still run
                sys.excepthook(*sys.exc_info())
        self._started = True

    def started(self) -> bool:
        """Whether the window has been painted and what waited for that has run (the section
        opening, the idle lock's input filter, the status bar's reference date)."""
        return self._started

    def _show_reference_date(self) -> None:
        from myeloma_desk.reference.pdq import PDQ_DATE

        self.statusBar().showMessage(f"Reference text: PDQ, updated {PDQ_DATE}")

    def fit_to_screen(self) -> None:
        """First start (no saved geometry): most of the screen's free area, centred.

        Later starts restore the geometry saved at close (size, place, maximized)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1200, 800)
            return
        area = screen.availableGeometry()
        width = max(min(area.width(), 960), int(area.width() * 0.9))
        height = max(min(area.height(), 640), int(area.height() * 0.9))
        self.resize(width, height)
        frame = self.frameGeometry()
        frame.moveCenter(area.center())
        self.move(frame.topLeft())

    def section_keys(self) -> list[str]:
        """Keys of the sections in navigation order."""
        return [spec.key for spec in SECTIONS]

    def show_section(self, index: int) -> QWidget:
        """Show section ``index`` (creating its page on first use) and return its page."""
        self.nav.setCurrentIndex(self.nav_model.index(index, 0))
        return self.page(index)

    def show_section_key(self, key: str) -> QWidget:
        """Show the section with ``key``."""
        return self.show_section(self.section_keys().index(key))

    def navigate(self, key: str, target: str = "") -> QWidget:
        """Show section ``key`` and, if its page can, go to ``target`` (an anchor or id)."""
        page = self.show_section_key(key)
        go_to = getattr(page, "go_to", None)
        if target and callable(go_to):
            go_to(target)
        return page

    def page(self, index: int) -> QWidget:
        """The page of section ``index``, created on first use."""
        page = self._pages.get(index)
        if page is None:
            if index == self._opening:
                self._opening = None
            page = SECTIONS[index].factory(self.context)
            self._put_page(index, page)
            self._pages[index] = page
        return page

    def _put_page(self, index: int, page: QWidget) -> None:
        """Put ``page`` in the stack at ``index`` in place of what is there (kept current)."""
        placeholder = self.stack.widget(index)
        self.stack.insertWidget(index, page)
        if placeholder is not None:
            if self.stack.currentWidget() is placeholder:
                self.stack.setCurrentWidget(page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()

    def _build_opening(self) -> None:
        """After the first paint: build the page the window is opening (unless asked for
        meanwhile, or the window is closing)."""
        index = self._opening
        if index is None or self._closing:
            return
        opening = self.stack.widget(index)
        try:
            self.page(index)
        except Exception:
            if isinstance(opening, OpeningPage):
                opening.failed()
            raise

    def opening(self) -> bool:
        """Whether a section's page is still waiting for the window's first paint."""
        return self._opening is not None

    def rebuild_section(self, key: str) -> QWidget:
        """Replace section ``key``'s page with a fresh one (e.g. after unlocking the store)."""
        index = self.section_keys().index(key)
        old = self._pages.pop(index, None)
        was_current = old is not None and self.stack.currentWidget() is old
        if old is not None:
            self.stack.insertWidget(index, QWidget())
            self.stack.removeWidget(old)
            old.deleteLater()
        page = self.page(index)
        if was_current or self.nav.currentIndex().row() == index:
            self.stack.setCurrentWidget(page)
        return page

    def existing_page(self, key: str) -> QWidget | None:
        """The page of section ``key`` if it has been created (never creates it)."""
        return self._pages.get(self.section_keys().index(key))

    def current_page(self) -> QWidget:
        """The page shown now."""
        page = self.stack.currentWidget()
        assert page is not None
        return page

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        index = current.row()
        if index == self._opening:  # its OpeningPage stays until after the first paint
            self.stack.setCurrentIndex(index)
        else:
            self.stack.setCurrentWidget(self.page(index))
        self.context.settings.last_section = SECTIONS[index].key
        self.setWindowTitle(f"{SECTIONS[index].title} — {APP_NAME} {__version__}")

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        form = self.existing_page("assess")  # an unsaved visit survives as its draft
        if form is not None:
            from myeloma_desk.ui.views.visit_form import AssessView

            if isinstance(form, AssessView):
                form.keep_unsaved_as_draft()
        if self.qsettings is not None:
            self.qsettings.setValue("window/geometry", self.saveGeometry())
        try:
            self.context.save_settings()
        except OSError as error:  # a full or read-only disk must not keep the window open
            log.warning("settings not saved at close: %s", error)
        self.context.close()  # waits for the backup, closes the patient store …
        super().closeEvent(event)
