"""The main window: a navigation rail of sections and a stack of pages."""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Qt
from PySide6.QtGui import (
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListView,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from myeloma_desk import APP_NAME, __version__
from myeloma_desk.reference.pdq import PDQ_DATE
from myeloma_desk.ui.context import AppContext
from myeloma_desk.ui.sections import SECTIONS, default_section

log = logging.getLogger(__name__)

SectionKeyRole = Qt.ItemDataRole.UserRole + 1


class MainWindow(QMainWindow):
    """Navigation rail on the left, the current section's page on the right."""

    def __init__(self, context: AppContext, qsettings: QSettings | None = None) -> None:
        super().__init__()
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
            item.setData(spec.key, SectionKeyRole)
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
        self.statusBar().showMessage(f"Reference text: PDQ, updated {PDQ_DATE}")

        self.nav.selectionModel().currentChanged.connect(self._on_current_changed)
        for index, spec in enumerate(SECTIONS):
            shortcut = QShortcut(QKeySequence(spec.shortcut), self)
            shortcut.activated.connect(lambda i=index: self.show_section(i))

        if qsettings is not None:
            geometry = qsettings.value("window/geometry")
            if isinstance(geometry, QByteArray):
                self.restoreGeometry(geometry)
        self.show_section(default_section(context.settings))

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
            page = SECTIONS[index].factory(self.context)
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, page)
            if placeholder is not None:
                self.stack.removeWidget(placeholder)
                placeholder.deleteLater()
            self._pages[index] = page
        return page

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
        page = self.page(index)
        self.stack.setCurrentWidget(page)
        self.context.settings.last_section = SECTIONS[index].key
        self.setWindowTitle(f"{SECTIONS[index].title} — {APP_NAME} {__version__}")

    def closeEvent(self, event: QCloseEvent) -> None:
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
