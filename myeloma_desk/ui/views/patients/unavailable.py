"""The Patients section when the store cannot be opened: says why, and offers the way on."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from myeloma_desk.store import StoreError
from myeloma_desk.ui.context import AppContext
from myeloma_desk.ui.views.patients.common import message_label, show_message
from myeloma_desk.ui.views.patients.store import store_of


class StoreUnavailablePage(QWidget):
    """The Patients section when the store cannot be opened: says why, and offers the way on.

    Encrypted store: a passphrase field and Unlock (a wrong passphrase says so and changes
    nothing). Damaged store: restore the newest good backup. Locked by another window: try
    again. Success rebuilds the Patients section through ``AppContext.rebuild``.
    """

    def __init__(self, context: AppContext, error: Exception) -> None:
        super().__init__()
        from myeloma_desk.store.errors import (
            PassphraseRequiredError,
            StoreCorruptError,
            WrongPassphraseError,
        )

        self.context = context
        self.setAccessibleName("Patients: store unavailable")
        layout = QVBoxLayout(self)
        self.label = QLabel(f"<h2>Patients</h2><p>{html.escape(str(error))}</p>")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label)
        self.message = message_label()
        self.passphrase: QLineEdit | None = None
        self.backup = getattr(error, "newest_backup", None)
        row = QHBoxLayout()
        if isinstance(error, PassphraseRequiredError | WrongPassphraseError):
            self.setAccessibleName("Patients: store locked")
            self.passphrase = QLineEdit()
            self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
            self.passphrase.setAccessibleName("Store passphrase")
            self.passphrase.setPlaceholderText("Passphrase")
            unlock = QPushButton("&Unlock")
            unlock.setAccessibleName("Unlock the patient store")
            unlock.clicked.connect(self.unlock)
            self.passphrase.returnPressed.connect(self.unlock)
            row.addWidget(self.passphrase, 1)
            row.addWidget(unlock)
        elif isinstance(error, StoreCorruptError) and self.backup is not None:
            restore = QPushButton("&Restore the newest good backup")
            restore.setAccessibleName("Restore the newest good backup")
            restore.clicked.connect(self.restore)
            row.addWidget(restore)
        else:
            again = QPushButton("&Try again")
            again.setAccessibleName("Try to open the patient store again")
            again.clicked.connect(lambda: self._retry(None))
            row.addWidget(again)
        choose = QPushButton("Patient s&tore…")
        choose.setAccessibleName("Choose this computer's store or the clinic server")
        choose.clicked.connect(self.choose_store)
        row.addWidget(choose)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def unlock(self) -> None:
        assert self.passphrase is not None
        secret = self.passphrase.text()
        self.passphrase.clear()
        if not secret:
            show_message(self.message, "Enter the passphrase.")
            return
        self._retry(secret)

    def restore(self) -> None:
        from myeloma_desk.store import restore_store

        assert self.backup is not None
        try:
            restored = restore_store(self.context.paths, self.backup)
        except StoreError as error:
            show_message(self.message, str(error))
            return
        restored.close()
        self._retry(None)

    def choose_store(self) -> None:
        """E.g. back to this computer's store while the clinic server cannot be reached."""
        from myeloma_desk.ui.views.server_settings import ask_store_setting

        ask_store_setting(self.context, self)

    def _retry(self, passphrase: str | None) -> None:
        try:
            store_of(self.context, passphrase)
        except StoreError as error:
            show_message(self.message, str(error))
            return
        self.context.rebuild("patients")


def unavailable_page(error: Exception, context: AppContext | None = None) -> QWidget:
    """The Patients section when the store cannot be opened: says why, plainly."""
    if context is not None:
        return StoreUnavailablePage(context, error)
    page = QWidget()
    page.setAccessibleName("Patients: store unavailable")
    layout = QVBoxLayout(page)
    label = QLabel(f"<h2>Patients</h2><p>{html.escape(str(error))}</p>")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    layout.addWidget(label)
    layout.addStretch(1)
    return page
