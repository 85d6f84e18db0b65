"""Ask for this computer's store passphrase to keep a clinic server's draft encrypted.

While the app runs on the clinic server, this computer's own store is never opened, so when it
is encrypted there is no key for a draft of what is being typed while the server cannot be
reached. :func:`ask_draft_passphrase` asks once (a small modal dialog of Qt's own widgets); the
passphrase is checked against the local store file (``DraftStore.unlock``) and kept in memory
for the session only. A wrong passphrase says so and the dialog stays open for another try;
Cancel leaves the form as it is and no draft is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from myeloma_desk.store import StoreError
from myeloma_desk.ui.views.patients.common import message_label, show_message

if TYPE_CHECKING:
    from myeloma_desk.ui.views.drafts import DraftStore

PROMPT = (
    "The server cannot be reached. To keep what you typed, enter this computer's store "
    "passphrase — the draft is encrypted with it."
)


class DraftPassphraseDialog(QDialog):
    """This computer's store passphrase for the clinic server's drafts (checked before use)."""

    def __init__(self, drafts: DraftStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.drafts = drafts
        self.setWindowTitle("Keep a draft on this computer")
        self.setAccessibleName("Passphrase for the draft")
        self.setModal(True)
        layout = QVBoxLayout(self)
        self.prompt = QLabel(PROMPT)
        self.prompt.setWordWrap(True)
        layout.addWidget(self.prompt)
        caption = QLabel("This computer's store &passphrase")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("This computer's store passphrase")
        caption.setBuddy(self.passphrase)
        layout.addWidget(caption)
        layout.addWidget(self.passphrase)
        self.message = message_label()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Keep the draft")
        self.ok_button.setAccessibleName("Keep the draft, encrypted with this passphrase")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText("&Do not keep a draft")
        self.cancel_button.setAccessibleName("Do not keep a draft")
        self.buttons.accepted.connect(self.try_passphrase)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.passphrase.setFocus()

    def try_passphrase(self) -> None:
        """Check the typed passphrase; accept when it opens this computer's store, else say
        so and stay open (the field is cleared: type it again)."""
        secret = self.passphrase.text()
        self.passphrase.clear()
        if not secret:
            show_message(self.message, "Enter the passphrase of this computer's store.")
            return
        try:
            self.drafts.unlock(secret)
        except StoreError as error:
            show_message(self.message, str(error))
            self.passphrase.setFocus()
            return
        show_message(self.message, None)
        self.accept()


def ask_draft_passphrase(drafts: DraftStore, parent: QWidget | None = None) -> bool:
    """Ask for the passphrase when a server draft needs one; True when drafts can be written
    encrypted now (asked and right, or not needed), False when the clinician cancelled."""
    if not drafts.needs_passphrase():
        return True
    dialog = DraftPassphraseDialog(drafts, parent)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    if isValid(dialog):  # gone already when its window was closed while it was open
        dialog.deleteLater()
    return accepted and not drafts.needs_passphrase()
