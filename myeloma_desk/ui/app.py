"""Application start-up: QApplication, main window, logging and the error handler."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from myeloma_desk import APP_ID, APP_NAME, ORG_NAME, __version__
from myeloma_desk.logs import LOG_FILE, configure_logging
from myeloma_desk.paths import AppPaths, restrict_file
from myeloma_desk.settings import load_settings
from myeloma_desk.ui.context import AppContext
from myeloma_desk.ui.idle_lock import IdleLock
from myeloma_desk.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class ErrorReporter:
    """Uncaught exceptions: logged with traceback, shown in a readable dialog; the app stays."""

    def __init__(self, paths: AppPaths, parent: QWidget | None = None) -> None:
        self.paths = paths
        self.parent = parent
        self.shown: list[str] = []  # messages shown (tests read this)
        self.show_dialogs = True

    def __call__(
        self,
        kind: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        text = "".join(traceback.format_exception(kind, error, tb))
        log.error("Uncaught exception\n%s", text)
        store_errors = sys.modules.get("myeloma_desk.store.errors")
        if store_errors is not None and isinstance(error, store_errors.StoreError):
            # A store error is a message for the user (a damaged record, a full disk ...):
            # shown as it is, without the internal details (which are in the log).
            message = f"{error}\n\nYour work in other sections is unaffected."
            title, details = f"{APP_NAME}: patient store", ""
        else:
            message = (
                f"Something went wrong: {kind.__name__}: {error}\n\n"
                "Your work in other sections is unaffected, and nothing saved has been lost. "
                f"The details were written to the log file:\n{self.paths.logs / LOG_FILE}"
            )
            title, details = f"{APP_NAME}: unexpected error", text
        self.shown.append(message)
        if self.show_dialogs:
            box = QMessageBox(self.parent)
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle(title)
            box.setText(message)
            if details:
                box.setDetailedText(details)
            box.exec()


def create_window(
    data_dir: str | None = None, server_store: str | None = None
) -> tuple[MainWindow, ErrorReporter]:
    """Build the context and main window (a QApplication must exist). ``server_store``
    (``--store``) puts the window on that clinic server and keeps it as the store setting."""
    paths = AppPaths.resolve(data_dir).ensure()
    configure_logging(paths)
    settings = load_settings(paths)
    if server_store:
        settings.server_store = server_store
    geometry_file = paths.config / "window.ini"
    qsettings = QSettings(str(geometry_file), QSettings.Format.IniFormat)
    context = AppContext(paths=paths, settings=settings)
    window = MainWindow(context, qsettings)
    context.on_close(lambda: _forget_draft_passphrase(paths))
    app = QApplication.instance()
    if app is not None:
        idle_lock = IdleLock(context, window)
        # Installed after the first paint: an application-wide Python event filter wraps every
        # object that gets an event, which costs a noticeable part of the first start.
        window.after_first_paint(lambda: app.installEventFilter(idle_lock))
        context.idle_lock = idle_lock
        context.on_close(lambda: app.removeEventFilter(idle_lock))
    reporter = ErrorReporter(paths, window)
    restrict_file(geometry_file)
    log.info("%s %s started; data in %s", APP_NAME, __version__, paths.data)
    return window, reporter


def _forget_draft_passphrase(paths: AppPaths) -> None:
    """The window closes: this computer's store passphrase kept for a clinic server's drafts
    (views/drafts.py) is not kept past it."""
    from myeloma_desk.ui.views.drafts import forget_session_key

    forget_session_key(paths.data)


def run_gui(
    data_dir: str | None = None, check_start: bool = False, server_store: str | None = None
) -> int:
    """Open the main window and run the event loop; returns the exit code."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    window, reporter = create_window(data_dir, server_store)
    sys.excepthook = reporter
    window.show()
    if check_start:
        return _check_start(app, window)
    return app.exec()


def _check_start(app: QApplication, window: MainWindow) -> int:
    """Visit every section, print what each shows, and exit (no display needed)."""
    QTimer.singleShot(0, app.quit)
    app.exec()
    start = window.nav.currentIndex().row()
    for index, key in enumerate(window.section_keys()):
        page = window.show_section(index)
        app.processEvents()
        print(f"{key}: {page.accessibleName() or type(page).__name__}")
    window.show_section(start)
    window.close()
    print(f"{APP_NAME} {__version__}: started and visited {len(window.section_keys())} sections")
    return 0
