"""Time to events for one line of therapy: progression-free survival, duration of response and
time to next treatment, each with the dates used and whether it is censored.

Definitions (Rajkumar SV et al., Blood 2011;117:4691, IMWG consensus on uniform reporting of
clinical trials, as used by Kumar 2016): PFS runs from the start of the line to progression
(death is not recorded here, so it is PD only); duration of response from the first assessment
that reached at least PR to progression; time to next treatment from the start of the line to
the start of the next line. An interval without its event is censored at the last assessment
(PFS, duration of response) or at the last assessment date on record (time to next treatment).
Pure: the course model passes the per-visit IMWG responses from the ``response_imwg`` rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

RESPONDED = ("PR", "VGPR", "CR", "sCR")


@dataclass(frozen=True)
class Interval:
    """An interval from ``start`` to ``end``; ``censored`` when its event has not occurred."""

    name: str
    start: dt.date
    end: dt.date
    censored: bool
    event: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def months(self) -> float:
        """Months as 30.4375-day months (365.25 / 12), one decimal."""
        return round(self.days / 30.4375, 1)

    def shown(self) -> str:
        """E.g. "14.2 months (2023-01-05 to 2024-03-12, censored)"."""
        tail = ", censored" if self.censored else f", {self.event}"
        return f"{self.months:g} months ({self.start.isoformat()} to {self.end.isoformat()}{tail})"


@dataclass(frozen=True)
class Assessed:
    """One assessment within a line: its date and IMWG category (None if not determined)."""

    date: dt.date
    category: str | None


def line_intervals(
    start: dt.date | None,
    assessments: Sequence[Assessed],
    next_start: dt.date | None,
    last_follow_up: dt.date | None,
) -> dict[str, Interval]:
    """PFS, duration of response and time to next treatment of a line (those that can be given).

    ``assessments`` are the line's assessments in date order (after its start, before the next
    line); ``last_follow_up`` is the last date the patient was seen at all.
    """
    out: dict[str, Interval] = {}
    if start is None:
        return out
    dated = [a for a in assessments if a.date >= start]
    progression = next((a for a in dated if a.category == "PD"), None)
    last = dated[-1].date if dated else None
    if progression is not None:
        out["pfs"] = Interval("Progression-free survival", start, progression.date, False, "PD")
    elif last is not None:
        out["pfs"] = Interval("Progression-free survival", start, last, True, "")
    responded = next((a for a in dated if a.category in RESPONDED), None)
    if responded is not None:
        later_pd = next((a for a in dated if a.category == "PD" and a.date > responded.date), None)
        if later_pd is not None:
            out["dor"] = Interval(
                "Duration of response", responded.date, later_pd.date, False, "PD"
            )
        elif last is not None:
            out["dor"] = Interval("Duration of response", responded.date, last, True, "")
    if next_start is not None:
        out["ttnt"] = Interval(
            "Time to next treatment", start, next_start, False, "next line started"
        )
    elif last_follow_up is not None and last_follow_up >= start:
        out["ttnt"] = Interval("Time to next treatment", start, last_follow_up, True, "")
    return out
