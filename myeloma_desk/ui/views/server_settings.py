"""Choose the patient store: this computer's own file, or the clinic's PostgreSQL server.

The server is named by a libpq service name (``clinic``, from ``~/.pg_service.conf``) or a
``postgresql://`` address / ``key=value`` pairs. There is no password field: an address that
carries a password is refused, and PostgreSQL reads the password from the password file
(``~/.pgpass``) or the service file when it connects. Nothing but the address is kept in the
settings. Saving switches the Patients section to the chosen store at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk.settings import Settings, SettingsError
from myeloma_desk.store import Store, StoreError
from myeloma_desk.ui.context import AppContext
from myeloma_desk.ui.views.patients.common import message_label, show_message

HELP = (
    "Enter the service name your administrator gave you (from your PostgreSQL service file), "
    "or the server's address, e.g. <i>host=db.clinic dbname=myeloma user=alice "
    "sslmode=verify-full</i>. Never type your password here: PostgreSQL reads it from your "
    "password file (~/.pgpass) or service file when it connects, and Myeloma Desk does not keep it."
)


class ServerSettingsDialog(QDialog):
    """The store setting, with a connection test; :meth:`apply` saves and switches."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Patient store")
        self.setAccessibleName("Patient store setting")
        self.setMinimumWidth(560)  # the explanation reads in a few lines, not a column
        layout = QVBoxLayout(self)
        self.local = QRadioButton("This &computer's own patient store")
        self.local.setAccessibleName("Use this computer's own patient store")
        self.server = QRadioButton("The &clinic's server")
        self.server.setAccessibleName("Use the clinic's patient server")
        self.address = QLineEdit(context.settings.server_store)
        self.address.setAccessibleName("Clinic server: service name or address")
        self.address.setPlaceholderText("service name or postgresql:// address")
        explanation = QLabel(HELP)
        explanation.setWordWrap(True)
        for widget in (self.local, self.server, self.address, explanation):
            layout.addWidget(widget)
        self.message = message_label()  # what is wrong (the address is user text: plain)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.message)
        self.outcome = QLabel()  # the outcome of a connection test that worked
        self.outcome.setTextFormat(Qt.TextFormat.PlainText)
        self.outcome.setAccessibleName("Connection test")
        layout.addWidget(self.outcome)
        buttons = QHBoxLayout()
        self.test_button = QPushButton("&Test the connection")
        self.test_button.setAccessibleName("Test the connection to the clinic server")
        self.save_button = QPushButton("&Save")
        self.save_button.setAccessibleName("Save the patient store setting")
        self.cancel_button = QPushButton("Cancel")
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        (self.server if context.settings.server_store else self.local).setChecked(True)
        self.address.setEnabled(self.server.isChecked())
        self.server.toggled.connect(self.address.setEnabled)
        self.test_button.clicked.connect(self.test_connection)
        self.save_button.clicked.connect(self.apply)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.setDefault(True)

    def chosen(self) -> str | None:
        """The address to keep ("" = this computer's store); None with the message shown."""
        if self.local.isChecked():
            return ""
        from myeloma_desk.store.server import conninfo_of

        text = self.address.text().strip()
        if not text:
            show_message(self.message, "Enter the clinic server's service name or address.")
            return None
        try:
            conninfo_of(text)  # refuses an address with a password in it
            Settings(server_store=text)
        except (StoreError, SettingsError) as error:
            self.address.clear()  # a password typed into the field does not stay on screen
            show_message(self.message, str(error))
            return None
        return text

    def test_connection(self) -> bool:
        """Connect once (as the user's own PostgreSQL role) and say as whom, or why not."""
        self.outcome.clear()
        target = self.chosen()
        if not target:
            if target == "":
                self.outcome.setText("This computer's own store needs no connection.")
            return False
        try:
            store = Store.open_server(target, self.context.paths)
        except StoreError as error:
            show_message(self.message, str(error))
            return False
        try:
            who = store.user or "?"
        finally:
            store.close()
        show_message(self.message, None)
        self.outcome.setText(f"Connected to the clinic server as {who}.")
        return True

    def apply(self) -> bool:
        """Keep the choice in the settings and reopen the Patients section on it."""
        target = self.chosen()
        if target is None:
            return False
        settings = self.context.settings
        if target != settings.server_store:
            settings.server_store = target
            self.context.save_settings()
            switch_store(self.context)
        self.accept()
        return True


def switch_store(context: AppContext) -> None:
    """Close the open patient store; the rebuilt Patients section opens the chosen one. The
    passphrase kept for a clinic server's drafts is dropped (the next draft asks again)."""
    from myeloma_desk.ui.views.drafts import forget_session_key

    forget_session_key(context.paths.data)
    store = context.store
    context.store = None
    context.set_current_patient(None)
    if store is not None:
        store.close()
    context.rebuild("patients")


def ask_store_setting(context: AppContext, parent: QWidget | None = None) -> bool:
    """Show the dialog; True if a (possibly new) setting was saved."""
    dialog = ServerSettingsDialog(context, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted
