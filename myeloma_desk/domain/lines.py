"""Lines of therapy as the IMWG consensus defines them (Rajkumar SV, Richardson P, San Miguel JF.
Guidelines for determination of the number of prior lines of therapy in multiple myeloma.
Blood. 2015;126(7):921-922).

The consensus, in its own words: a line of therapy is one or more complete cycles of a single
agent, a regimen of several drugs, or *a planned sequential therapy of various regimens* ("3-6
cycles of initial therapy with bortezomib-dexamethasone followed by stem cell transplantation,
consolidation, and lenalidomide maintenance is considered 1 line"). A new line starts when a
planned course is modified to include other agents because of progression, relapse or toxicity,
or when a planned period off therapy is interrupted by the need for more treatment.

How the recorded ``therapy_lines`` entries map onto this (docs/engine-course.md):
- an entry whose ``phase`` is ``transplant``, ``consolidation`` or ``maintenance`` continues the
  line of the entry before it (the planned sequence), unless that entry ended in progression
  (``refractory: true``), which makes it a new line;
- any other entry (``phase`` ``induction`` or not recorded) starts a new line;
- *prior* lines on a date are the lines started on or before that date, without the line still
  in progress on it (a patient on line 4 has 3 prior lines); a line recorded as refractory has
  failed and is a prior line even without an end date;
- a *planned* part is a continuing entry whose start is after the date: the line is still in
  progress between its parts (after induction, before the planned maintenance — not a prior
  line), but the planned part is not yet an exposure: exposure and refractoriness count only
  the parts that had started by the date (:func:`started_entries`, :meth:`Line.drugs_by`).

Pure functions; the therapy rules, the response baseline and the course model call them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from myeloma_desk.domain.snapshot import TherapyLine

CONTINUING_PHASES = frozenset({"transplant", "consolidation", "maintenance"})


@dataclass(frozen=True)
class Line:
    """One IMWG line: the recorded entries that form it (indexes into ``therapy_lines``)."""

    number: int
    entries: tuple[int, ...]
    parts: tuple[TherapyLine, ...]

    @property
    def first(self) -> TherapyLine:
        return self.parts[0]

    @property
    def last(self) -> TherapyLine:
        return self.parts[-1]

    @property
    def start(self) -> dt.date | None:
        return self.first.start

    @property
    def end(self) -> dt.date | None:
        """The end of the line: the end of its last part (None while it is in progress)."""
        return self.last.end

    @property
    def regimen(self) -> str:
        """The regimens of the line in order, e.g. "VRd → ASCT → lenalidomide maintenance"."""
        return " → ".join(part.regimen for part in self.parts)

    @property
    def drugs(self) -> list[str]:
        seen: dict[str, None] = {}
        for part in self.parts:
            for name in part.drugs:
                seen.setdefault(name, None)
        return list(seen)

    @property
    def refractory(self) -> bool | None:
        """True if any part ended in progression, False if every part is known not to."""
        values = [part.refractory for part in self.parts]
        if any(v is True for v in values):
            return True
        if all(v is False for v in values):
            return False
        return None

    def planned_parts(self, day: dt.date | None) -> tuple[TherapyLine, ...]:
        """The parts recorded to start after ``day`` (planned then; none when ``day`` is
        unknown)."""
        return tuple(part for part in self.parts if not has_started(part, day))

    def started_parts(self, day: dt.date | None) -> tuple[TherapyLine, ...]:
        """The parts that had started by ``day`` (a part without a start date counts)."""
        return tuple(part for part in self.parts if has_started(part, day))

    def drugs_by(self, day: dt.date | None) -> list[str]:
        """The drugs of the parts started by ``day``: a planned maintenance is not an exposure
        before it starts."""
        seen: dict[str, None] = {}
        for part in self.started_parts(day):
            for name in part.drugs:
                seen.setdefault(name, None)
        return list(seen)

    def part_on(self, day: dt.date | None) -> TherapyLine:
        """The part under way, or done last, on ``day`` (the first part if none had started)."""
        started = self.started_parts(day)
        return started[-1] if started else self.first

    def next_part(self, day: dt.date | None) -> TherapyLine | None:
        """Between two parts on ``day`` (the part done last has ended, the next is planned):
        that next part; otherwise None."""
        planned = self.planned_parts(day)
        done = self.started_parts(day)
        if not planned or not done or done[-1].end is None or day is None or done[-1].end > day:
            return None
        return planned[0]

    def in_progress_on(self, day: dt.date | None) -> bool:
        """Whether the line is under way on ``day``: a part still planned after it (the line
        continues between its parts, Rajkumar 2015), or no end yet (or ending after it), and
        not refractory — a line recorded as refractory (progression on it or within 60 days
        of its end) has failed even when its end date was not entered."""
        if self.planned_parts(day) and self.started_parts(day):
            return True
        if self.last.refractory is True:
            return False
        if self.end is None:
            return True
        return day is not None and self.end > day


def has_started(part: TherapyLine, day: dt.date | None) -> bool:
    """Whether the recorded entry had started by ``day`` (unknown dates count as started)."""
    return day is None or part.start is None or part.start <= day


def started_entries(therapy: Sequence[TherapyLine], day: dt.date | None) -> list[int]:
    """Indexes of the recorded entries that had started by ``day`` — the ones that count for
    exposure and refractoriness (a planned part does not)."""
    return [index for index, part in enumerate(therapy) if has_started(part, day)]


def continues_previous(entry: TherapyLine, previous: TherapyLine | None) -> bool:
    """Whether ``entry`` is a planned next part of the line ``previous`` belongs to."""
    if previous is None or entry.phase not in CONTINUING_PHASES:
        return False
    return previous.refractory is not True


def group_lines(therapy: Sequence[TherapyLine]) -> list[Line]:
    """The recorded entries grouped into IMWG lines, oldest first, numbered from 1."""
    groups: list[list[int]] = []
    previous: TherapyLine | None = None
    for index, entry in enumerate(therapy):
        if groups and continues_previous(entry, previous):
            groups[-1].append(index)
        else:
            groups.append([index])
        previous = entry
    return [
        Line(number, tuple(group), tuple(therapy[i] for i in group))
        for number, group in enumerate(groups, start=1)
    ]


def started_by(therapy: Sequence[TherapyLine], day: dt.date | None) -> list[Line]:
    """The lines that had started by ``day`` (all of them when ``day`` or a start is unknown)."""
    return _started(group_lines(therapy), day)


def _started(lines: list[Line], day: dt.date | None) -> list[Line]:
    if day is None:
        return lines
    return [line for line in lines if line.start is None or line.start <= day]


def progress(lines: list[Line], day: dt.date | None) -> tuple[int, Line | None]:
    """Prior lines on ``day`` and the line in progress on it, from the lines as
    :func:`group_lines` gives them (one grouping for both): the lines started by then, less
    the latest of them if it is still in progress."""
    started = _started(lines, day)
    ongoing = started[-1] if started and started[-1].in_progress_on(day) else None
    return len(started) - (0 if ongoing is None else 1), ongoing


def current_line(therapy: Sequence[TherapyLine], day: dt.date | None = None) -> Line | None:
    """The line in progress on ``day``: the latest started line, if it has not ended."""
    return progress(group_lines(therapy), day)[1]


def prior_lines(therapy: Sequence[TherapyLine], day: dt.date | None = None) -> int:
    """Prior lines on ``day``: the lines started by then, less the one still in progress."""
    return progress(group_lines(therapy), day)[0]


def line_of_entry(therapy: Sequence[TherapyLine], index: int) -> Line:
    """The line that recorded entry ``index`` belongs to."""
    for line in group_lines(therapy):
        if index in line.entries:
            return line
    raise IndexError(index)
