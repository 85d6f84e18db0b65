"""Patient store: local SQLite by default, optionally a clinic PostgreSQL server (no Qt).

Entry points: :func:`open_store` / :meth:`Store.open`, :func:`restore_store`, the input models
in :mod:`myeloma_desk.store.models`, and :func:`myeloma_desk.store.demo.load_demo`.
"""

from myeloma_desk.store.errors import (
    BackupError,
    ConflictError,
    DamagedRecordError,
    EncryptionUnavailableError,
    NotFoundError,
    PassphraseRequiredError,
    StaleRecordError,
    StoreCorruptError,
    StoreError,
    StoreLockedError,
    StoreMissingError,
    StoreUnavailableError,
    WrongPassphraseError,
)
from myeloma_desk.store.models import PatientBundle, PatientFields
from myeloma_desk.store.repository import Store, open_store, restore_store

__all__ = [
    "BackupError",
    "ConflictError",
    "DamagedRecordError",
    "EncryptionUnavailableError",
    "NotFoundError",
    "PassphraseRequiredError",
    "PatientBundle",
    "PatientFields",
    "StaleRecordError",
    "Store",
    "StoreCorruptError",
    "StoreError",
    "StoreLockedError",
    "StoreMissingError",
    "StoreUnavailableError",
    "WrongPassphraseError",
    "open_store",
    "restore_store",
]
