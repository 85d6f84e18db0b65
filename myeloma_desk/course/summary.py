"""The patient list's course columns from a built course (pure; no Qt).

The list shows where each patient stands without building every patient's course: the app
records this summary whenever it builds one (store/patient_index.py keeps it with the stamp of
the records it came from, and drops it as soon as they change).
"""

from __future__ import annotations

from myeloma_desk.course.model import Course
from myeloma_desk.domain.display import phase_words
from myeloma_desk.domain.lines import group_lines
from myeloma_desk.store.patient_index import CourseSummary


def course_summary(course: Course) -> CourseSummary:
    """Line in progress (IMWG number) and its phase, prior lines, and the latest response."""
    state = course.state
    latest = course.latest
    phase: str | None = None
    if latest is not None and latest.line is not None and latest.part is not None:
        phase = latest.part.phase
        if latest.next_part is not None:  # "between induction and maintenance" of the line
            phase = phase_words(latest.part.phase, latest.next_part.phase)
    response = state.response
    line = state.line_number
    if state.phase == "newly_diagnosed" and latest is not None and line is None:
        # A first line recorded to start after the latest visit: "Line 1 from 2024-11-04",
        # not "No therapy recorded".
        planned = [
            (one.number, one.start)
            for one in group_lines(course.therapy)
            if one.start is not None and one.start > latest.date
        ]
        if planned:
            line, phase = planned[0][0], f"from {planned[0][1].isoformat()}"
    return CourseSummary(
        state=state.phase,
        line=line,
        phase=phase,
        prior_lines=state.prior_lines,
        response=response.category if response is not None else None,
        confirmed=response.confirmed if response is not None else None,
    )
