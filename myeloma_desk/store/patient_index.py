"""The patient list as the database answers it: counts, and sorted, filtered pages.

The GUI's patient list never loads every patient: it asks for the number of patients a filter
matches (:meth:`PatientIndex.count`) and for pages of them in the order the user chose
(:meth:`PatientIndex.page`). Filtering and sorting are SQL over indexed columns (schema
version 5 adds one index per sortable column), so a page of 50,000 patients costs about what a
page of 50 does.

Also kept here: the list's course columns. After the app builds a patient's course it records a
:class:`CourseSummary` (line in progress and its phase, latest response and its confirmation)
with the *stamp* of the records it was built from; a summary whose stamp no longer matches (a
visit or a line was saved since, by the app, the CLI or an import) is not shown, so the list
never shows an outdated line or response.

Portable SQL (``?`` placeholders, ``||``, ``count``/``max``, ``NULLS FIRST/LAST``): no
SQLite-only functions, so the same statements serve a PostgreSQL store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from myeloma_desk import __version__
from myeloma_desk.domain.vocabulary import DIAGNOSIS_LABELS, RESPONSE_ORDER
from myeloma_desk.store import db
from myeloma_desk.store.folding import fold, terms
from myeloma_desk.store.models import PatientSummary


class Connection(Protocol):
    """What the index needs of a connection: run a statement with ``?`` parameters."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...


# Sort keys (what the user clicks) → the indexed column; ties go by name, then id.
SORT_COLUMNS: dict[str, str] = {
    "name": "p.name_fold",
    "identifier": "p.identifier_fold",
    "birth_date": "p.birth_date",
    "sex": "p.sex",
    "diagnosis": "p.diagnosis",
    "current_line": "p.course_line",
    "last_response": "p.course_response_rank",
    "last_visit": "p.last_visit",
    "visit_count": "p.visit_count",
    "status": "p.archived",
}

# Changes when what a summary means changes: older summaries are then recomputed.
SUMMARY_VERSION = f"course-summary-3/{__version__}"  # 2: between parts; 3: planned line

_TOP = "\U0010ffff"


def _stamp_sql(table: str) -> str:
    """The records a course is built from, as one text: the patient row's last change (every
    visit save and patient edit updates it) and the therapy lines' count and last change."""
    return (
        f"({table}.updated_at || '|' || (SELECT count(*) || '|' || coalesce(max(t.updated_at), '') "
        f"FROM therapy_lines t WHERE t.patient_id = {table}.id))"
    )


@dataclass(frozen=True)
class ListQuery:
    """Which patients, in which order: filter words, archived or not, sort key and direction."""

    text: str = ""
    include_archived: bool = False
    sort: str = "name"
    descending: bool = False

    def __post_init__(self) -> None:
        if self.sort not in SORT_COLUMNS:
            raise ValueError(f"unknown sort key {self.sort!r}")


@dataclass(frozen=True)
class CourseSummary:
    """The patient's course at the latest visit, as the list shows it.

    ``state`` is the course's disease-state phase (``no_visits``, ``precursor``,
    ``newly_diagnosed``, ``on_therapy``, ``off_therapy``); ``line`` the IMWG line in progress
    (maintenance counts inside its line) and ``phase`` its recorded phase; ``response`` the IMWG
    response category at the latest visit and ``confirmed`` the confirmed category, if any.
    """

    state: str
    line: int | None = None
    phase: str | None = None
    prior_lines: int = 0
    response: str | None = None
    confirmed: str | None = None


@dataclass(frozen=True)
class ListedPatient(PatientSummary):
    """A row of the patient list: the summary, the number of visits, the course columns."""

    visit_count: int = 0
    course: CourseSummary | None = None  # None: not summarised yet, or out of date


_COLUMNS = (
    "p.id, p.uid, p.name, p.identifier, p.birth_date, p.sex, p.diagnosis, p.archived, "
    "p.last_visit, p.visit_count, p.course_state, p.course_line, p.course_phase, "
    "p.course_prior_lines, p.course_response, p.course_confirmed, p.course_stamp, "
    + _stamp_sql("p")
)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _listed(row: Any) -> ListedPatient:
    current = row[16] is not None and row[16] == f"{SUMMARY_VERSION}|{row[17]}"
    course = (
        CourseSummary(
            state=row[10],
            line=row[11],
            phase=row[12],
            prior_lines=row[13] or 0,
            response=row[14],
            confirmed=row[15],
        )
        if current
        else None
    )
    return ListedPatient(
        id=row[0],
        uid=row[1],
        name=row[2],
        identifier=row[3],
        birth_date=_date(row[4]),
        sex=row[5],
        diagnosis=row[6],
        archived=bool(row[7]),
        last_visit=_date(row[8]),
        visit_count=row[9] or 0,
        course=course,
    )


def _diagnoses_matching(word: str) -> list[str]:
    """Diagnosis values one of whose words (as the list shows them) starts with ``word``."""
    return [
        value
        for value, label in DIAGNOSIS_LABELS.items()
        if any(term.startswith(word) for term in terms(label))
    ]


def filter_sql(query: ListQuery) -> tuple[str, list[Any]]:
    """The ``WHERE`` clause of ``query``: every word typed must start the identifier, a word
    of the name, or a word of the diagnosis as shown; archived patients only on request."""
    clauses: list[str] = []
    params: list[Any] = []
    if not query.include_archived:
        clauses.append("p.archived = 0")
    for word in fold(query.text).split():
        # One set of ids per word (an index range each), so the database looks patients up
        # by id instead of testing every patient against every alternative.
        sets = ["SELECT id FROM patients WHERE identifier_fold >= ? AND identifier_fold < ?"]
        params += [word, word + _TOP]
        parts = sorted(terms(word))
        if parts:
            # In parentheses: compound operators have equal precedence, left to right.
            every = " INTERSECT ".join(
                "SELECT patient_id FROM patient_terms WHERE term >= ? AND term < ?" for _ in parts
            )
            sets.append(f"SELECT patient_id FROM ({every}) AS named")
            for part in parts:
                params += [part, part + _TOP]
        diagnoses = _diagnoses_matching(word)
        if diagnoses:
            sets.append(
                f"SELECT id FROM patients WHERE diagnosis IN ({', '.join('?' for _ in diagnoses)})"
            )
            params += diagnoses
        clauses.append(f"p.id IN ({' UNION '.join(sets)})")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def order_sql(query: ListQuery) -> str:
    """``ORDER BY``: the key, then name, then id, all one way (an index scan, no sort); an
    unknown value comes first in ascending order and last in descending order."""
    way, nulls = ("DESC", "LAST") if query.descending else ("ASC", "FIRST")
    names = f"p.name_fold {way}, p.id {way}"
    if query.sort == "name":  # names are never unknown
        return f" ORDER BY {names}"
    return f" ORDER BY {SORT_COLUMNS[query.sort]} {way} NULLS {nulls}, {names}"


class PatientIndex:
    """Counts and pages of the patient list, straight from the database.

    Give it the store's ``connection``, or ``get``, a function returning the connection in use
    (the store replaces its connection when it is re-keyed or locked, so the GUI passes
    ``get=lambda: store.connection``).
    """

    def __init__(
        self,
        connection: Connection | None = None,
        *,
        get: Callable[[], Connection] | None = None,
    ) -> None:
        if (connection is None) == (get is None):
            raise ValueError("give either a connection or get, not both")
        if get is None:
            assert connection is not None
            fixed: Connection = connection
            get = lambda: fixed  # noqa: E731
        self._get: Callable[[], Connection] = get

    @property
    def _connection(self) -> Connection:
        return self._get()

    def total(self) -> int:
        """Every patient in the store, archived ones included."""
        return int(self._connection.execute("SELECT count(*) FROM patients").fetchone()[0])

    def count(self, query: ListQuery) -> int:
        """How many patients ``query`` matches."""
        where, params = filter_sql(query)
        row = self._connection.execute(f"SELECT count(*) FROM patients p{where}", params)
        return int(row.fetchone()[0])

    def page(self, query: ListQuery, offset: int, limit: int) -> list[ListedPatient]:
        """Rows ``offset`` … ``offset + limit - 1`` of ``query``'s order."""
        return self.counted_page(query, offset, limit)[0]

    def counted_page(
        self, query: ListQuery, offset: int, limit: int
    ) -> tuple[list[ListedPatient], int]:
        """A page and how many patients ``query`` matches, from one pass over the filter (a
        window count) when words are typed; an indexed count when not."""
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must not be negative")
        where, params = filter_sql(query)
        counted = bool(query.text.split())
        total = "count(*) OVER ()" if counted else "NULL"
        # The ids of the page first (an index scan that skips ``offset`` rows cheaply), then
        # their columns: the course stamp is a subquery, worth computing for shown rows only.
        sql = f"SELECT p.id, {total} FROM patients p{where}{order_sql(query)} LIMIT ? OFFSET ?"
        found = self._connection.execute(sql, [*params, limit, offset]).fetchall()
        matched = int(found[0][1]) if counted and found else self.count(query)
        ids = [row[0] for row in found]
        if not ids:
            return [], matched
        marks = ", ".join("?" for _ in ids)
        rows = self._connection.execute(
            f"SELECT {_COLUMNS} FROM patients p WHERE p.id IN ({marks})", ids
        ).fetchall()
        by_id = {row[0]: row for row in rows}
        return [_listed(by_id[pid]) for pid in ids if pid in by_id], matched

    def get(self, patient_id: int) -> ListedPatient | None:
        """One patient's row (after an edit or a save), or None if there is none."""
        row = self._connection.execute(
            f"SELECT {_COLUMNS} FROM patients p WHERE p.id = ?", [patient_id]
        ).fetchone()
        return _listed(row) if row is not None else None

    def stamp(self, patient_id: int) -> str | None:
        """The stamp of a patient's records now; read it *before* reading the records a course
        is built from, and give it to :meth:`record_course`."""
        row = self._connection.execute(
            f"SELECT {_stamp_sql('p')} FROM patients p WHERE p.id = ?", [patient_id]
        ).fetchone()
        return None if row is None else f"{SUMMARY_VERSION}|{row[0]}"

    def stale(self, patient_ids: Sequence[int]) -> list[int]:
        """Those of ``patient_ids`` whose course summary is missing or out of date."""
        if not patient_ids:
            return []
        marks = ", ".join("?" for _ in patient_ids)
        rows = self._connection.execute(
            f"SELECT p.id, p.course_stamp, {_stamp_sql('p')} FROM patients p "
            f"WHERE p.id IN ({marks})",
            list(patient_ids),
        ).fetchall()
        return [row[0] for row in rows if row[1] != f"{SUMMARY_VERSION}|{row[2]}"]

    def record_course(self, patient_id: int, summary: CourseSummary, stamp: str) -> bool:
        """Keep ``summary`` for the list if the records are still those of ``stamp``.

        Returns False (and writes nothing) when a visit, a line or the patient changed since
        the stamp was read: that summary would already be out of date. The summary is derived
        data (the course is rebuilt from the records whenever it is needed), so it is not an
        audit event and does not change the patient's ``updated_at``.
        """
        version, _, current = stamp.partition("|")
        if version != SUMMARY_VERSION:
            return False
        known = summary.response in RESPONSE_ORDER
        rank = RESPONSE_ORDER.index(summary.response) if known else None
        connection = self._connection
        # A server store's Database (store/server.py) brings its own write transaction.
        own = getattr(connection, "transaction", None)
        with own() if callable(own) else db.transaction(connection):
            cursor = connection.execute(
                "UPDATE patients SET course_state = ?, course_line = ?, course_phase = ?, "
                "course_prior_lines = ?, course_response = ?, course_confirmed = ?, "
                f"course_response_rank = ?, course_stamp = ? WHERE id = ? "
                f"AND {_stamp_sql('patients')} = ?",
                [
                    summary.state,
                    summary.line,
                    summary.phase,
                    summary.prior_lines,
                    summary.response,
                    summary.confirmed,
                    rank,
                    stamp,
                    patient_id,
                    current,
                ],
            )
            return bool(cursor.rowcount == 1)
