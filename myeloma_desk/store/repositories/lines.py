"""Therapy lines: the patient's lines in order (replaced as a whole)."""

from __future__ import annotations

from myeloma_desk.domain.snapshot import TherapyLine
from myeloma_desk.store.errors import ConflictError, DamagedRecordError
from myeloma_desk.store.models import StoredLine
from myeloma_desk.store.readable import first_problem
from myeloma_desk.store.repositories.session import Session

MAX_LINES = 100


class LineRepository:
    """The ``therapy_lines`` table."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def all(self, pid: int) -> list[StoredLine]:
        rows = self._s.db.execute(
            "SELECT id, patient_id, position, line_json FROM therapy_lines "
            "WHERE patient_id = ? ORDER BY position",
            (pid,),
        ).fetchall()
        lines: list[StoredLine] = []
        for row in rows:
            try:
                lines.append(
                    StoredLine(row[0], row[1], row[2], TherapyLine.model_validate_json(row[3]))
                )
            except ValueError as error:
                raise DamagedRecordError(
                    f"Therapy line {row[2]} of patient {row[1]}", first_problem(error)
                ) from None
        return lines

    def write(self, pid: int, lines: list[TherapyLine], now: str) -> None:
        """Replace the lines inside the caller's transaction."""
        self._s.db.execute("DELETE FROM therapy_lines WHERE patient_id = ?", (pid,))
        self._s.db.executemany(
            "INSERT INTO therapy_lines (patient_id, position, start_date, line_json, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    pid,
                    position,
                    line.start.isoformat() if line.start else None,
                    line.model_dump_json(exclude_none=True),
                    now,
                    now,
                )
                for position, line in enumerate(lines, start=1)
            ],
        )

    def set(
        self, pid: int, lines: list[TherapyLine], expected: list[TherapyLine] | None = None
    ) -> list[StoredLine]:
        """Replace the lines; with ``expected`` (the lines the edit started from) refuse, with
        nothing written, when someone else changed them in between."""
        if len(lines) > MAX_LINES:
            raise ValueError(f"at most {MAX_LINES} therapy lines")
        now = self._s.now()
        with self._s.db.transaction():
            uid = self._s.uid(pid)
            if expected is not None:
                current = [stored.line.model_dump() for stored in self.all(pid)]
                if current != [line.model_dump() for line in expected]:
                    by = self._s.last_actor(uid)
                    raise ConflictError(
                        f"The therapy lines were changed{' by ' + by if by else ''} after you "
                        "opened them; nothing was overwritten. The lines as saved now are "
                        "shown: make your change again if it is still needed."
                    )
            self.write(pid, lines, now)
            self._s.log(now, "change", uid, {"what": "therapy_lines", "count": len(lines)})
        return self.all(pid)

    def add(self, pid: int, line: TherapyLine) -> StoredLine:
        lines = [stored.line for stored in self.all(pid)]
        return self.set(pid, [*lines, line])[-1]
