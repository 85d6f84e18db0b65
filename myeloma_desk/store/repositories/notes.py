"""Dated free-text notes about a patient."""

from __future__ import annotations

import datetime as dt

from myeloma_desk.store.models import Note, NoteIn
from myeloma_desk.store.repositories.session import Session


class NoteRepository:
    """The ``notes`` table."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, pid: int, text: str, written_at: dt.datetime | None = None) -> Note:
        note = NoteIn(written_at=written_at or self._s.clock(), text=text)
        now = self._s.now()
        with self._s.db.transaction():
            uid = self._s.uid(pid)
            nid = self._s.db.insert(
                "INSERT INTO notes (patient_id, written_at, text) VALUES (?, ?, ?)",
                (pid, note.written_at.isoformat(), note.text),
            )
            self._s.log(now, "create", uid, {"what": "note"})
        return Note(nid, pid, note.written_at.isoformat(), note.text)

    def insert_many(self, pid: int, notes: list[NoteIn]) -> None:
        """Insert notes inside the caller's transaction (imports)."""
        self._s.db.executemany(
            "INSERT INTO notes (patient_id, written_at, text) VALUES (?, ?, ?)",
            [(pid, note.written_at.isoformat(), note.text) for note in notes],
        )

    def all(self, pid: int) -> list[Note]:
        rows = self._s.db.execute(
            "SELECT id, patient_id, written_at, text FROM notes WHERE patient_id = ? "
            "ORDER BY written_at, id",
            (pid,),
        ).fetchall()
        return [Note(*row) for row in rows]
