"""The store's focused repositories, one per kind of record, behind the :class:`Store` facade.

Each is written against :class:`myeloma_desk.store.sql.Database` (``?`` placeholders, one write
transaction per method together with its audit event) and shares one :class:`Session` (the
connection, the clock and the patient id look-up), so the SQLite store and the PostgreSQL
server store run the same code.
"""

from myeloma_desk.store.repositories.assessments import AssessmentRepository
from myeloma_desk.store.repositories.audit_log import AuditRepository
from myeloma_desk.store.repositories.bundles import BundleRepository
from myeloma_desk.store.repositories.lines import LineRepository
from myeloma_desk.store.repositories.notes import NoteRepository
from myeloma_desk.store.repositories.patients import PatientRepository
from myeloma_desk.store.repositories.session import Session
from myeloma_desk.store.repositories.visits import VisitRepository, visit_snapshot_json

__all__ = [
    "AssessmentRepository",
    "AuditRepository",
    "BundleRepository",
    "LineRepository",
    "NoteRepository",
    "PatientRepository",
    "Session",
    "VisitRepository",
    "visit_snapshot_json",
]
