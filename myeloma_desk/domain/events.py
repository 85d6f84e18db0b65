"""Time to events per line of therapy: progression-free survival, duration of response and time
to next treatment, with the dates used and whether each is censored.

Definitions (Kumar S et al., Lancet Oncol 2016;17:e328, "Reporting of outcomes"; Rajkumar SV et
al., Blood 2011;117:4691, IMWG consensus on end points), as this module applies them:
- **Progression-free survival (PFS)**: from the start of the line to the first documented
  progression (IMWG PD) in that line. Without progression it is censored at the last assessment
  in the line (before a next line starts). Deaths are not recorded in the snapshot, so the PFS
  here counts progression only (said in every result).
- **Duration of response (DOR)**: for a line with a partial response or better, from the first
  assessment at PR or better to progression; censored like PFS.
- **Time to next treatment (TTNT)**: from the start of the line to the start of the next IMWG
  line (``domain/lines.py``: planned transplant, consolidation and maintenance are the same
  line); censored at the last follow-up (``today`` when given, else the last assessment).

Progression is dated at its first documentation. It must be confirmed by the next assessment
(two consecutive assessments, Kumar 2016); a PD followed by a non-PD assessment is not
progression, and a PD with no later assessment yet is reported as unconfirmed.

Pure functions; the ``time_to_events`` rule and the course model call them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from myeloma_desk.domain.lines import group_lines
from myeloma_desk.domain.snapshot import TherapyLine

# Response categories at partial response or better (duration of response, Kumar 2016).
PR_OR_BETTER = frozenset({"PR", "VGPR", "CR", "sCR"})
DAYS_PER_MONTH = 365.25 / 12
NO_DEATHS = "deaths are not recorded, so progression-free survival counts progression only"


@dataclass(frozen=True)
class Assessment:
    """One response assessment: its date and IMWG category (None when not determined)."""

    date: dt.date
    category: str | None


@dataclass(frozen=True)
class Interval:
    """A time to event: start and end dates, whether censored, and what ended it."""

    start: dt.date | None
    end: dt.date | None
    censored: bool | None
    ended_by: str

    @property
    def days(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days

    @property
    def months(self) -> float | None:
        days = self.days
        return None if days is None else round(days / DAYS_PER_MONTH, 1)

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "days": self.days,
            "months": self.months,
            "censored": self.censored,
            "ended_by": self.ended_by,
        }


@dataclass(frozen=True)
class LineTimes:
    """The times to event of one IMWG line."""

    number: int
    regimen: str
    start: dt.date | None
    next_start: dt.date | None
    progression: dt.date | None
    progression_status: str  # "confirmed", "unconfirmed" or "none"
    first_response: dt.date | None
    pfs: Interval
    duration_of_response: Interval | None
    ttnt: Interval

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.number,
            "regimen": self.regimen,
            "start": self.start.isoformat() if self.start else None,
            "next_line_start": self.next_start.isoformat() if self.next_start else None,
            "progression": self.progression.isoformat() if self.progression else None,
            "progression_status": self.progression_status,
            "first_response": self.first_response.isoformat() if self.first_response else None,
            "pfs": self.pfs.as_dict(),
            "duration_of_response": (
                self.duration_of_response.as_dict() if self.duration_of_response else None
            ),
            "ttnt": self.ttnt.as_dict(),
            "note": NO_DEATHS,
        }


def _progression(window: Sequence[Assessment]) -> tuple[dt.date | None, str]:
    """The first PD in ``window`` that the next assessment does not contradict."""
    for i, item in enumerate(window):
        if item.category != "PD":
            continue
        following = window[i + 1] if i + 1 < len(window) else None
        if following is None:
            return item.date, "unconfirmed"
        if following.category == "PD":
            return item.date, "confirmed"
        if following.category is None:
            return item.date, "unconfirmed"
    return None, "none"


def line_times(
    therapy: Sequence[TherapyLine],
    assessments: Sequence[Assessment],
    *,
    today: dt.date | None = None,
) -> list[LineTimes]:
    """PFS, duration of response and TTNT for each IMWG line, oldest first.

    ``assessments`` are the response assessments in date order (any order is sorted); an
    assessment belongs to the line in progress on its date: after the line's start, up to and
    including the day the next line starts.
    """
    ordered = sorted(assessments, key=lambda a: a.date)
    lines = group_lines(therapy)
    out: list[LineTimes] = []
    for position, line in enumerate(lines):
        start = line.start
        following = lines[position + 1] if position + 1 < len(lines) else None
        next_start = following.start if following else None
        window = [
            a
            for a in ordered
            if (start is None or a.date > start) and (next_start is None or a.date <= next_start)
        ]
        progression, status = _progression(window)
        last = window[-1].date if window else None
        # PFS
        if progression is not None:
            pfs = Interval(start, progression, False, f"progression ({status})")
        elif last is not None:
            pfs = Interval(start, last, True, "censored at the last assessment in the line")
        else:
            pfs = Interval(start, None, None, "no assessment since the line started")
        # Duration of response
        first_response = next(
            (
                a.date
                for a in window
                if a.category in PR_OR_BETTER and (progression is None or a.date < progression)
            ),
            None,
        )
        dor: Interval | None = None
        if first_response is not None:
            if progression is not None:
                dor = Interval(first_response, progression, False, f"progression ({status})")
            else:
                assert last is not None
                dor = Interval(first_response, last, True, "censored at the last assessment")
        # Time to next treatment
        if next_start is not None:
            ttnt = Interval(start, next_start, False, f"line {line.number + 1} started")
        else:
            follow_up = max((d for d in (today, last) if d is not None), default=None)
            ttnt = Interval(
                start,
                follow_up,
                True if follow_up is not None else None,
                "censored at the last follow-up (no next line recorded)",
            )
        out.append(
            LineTimes(
                number=line.number,
                regimen=line.regimen,
                start=start,
                next_start=next_start,
                progression=progression,
                progression_status=status,
                first_response=first_response,
                pfs=pfs,
                duration_of_response=dor,
                ttnt=ttnt,
            )
        )
    return out
