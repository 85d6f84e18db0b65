"""The patient's course of disease: one model that every screen and report reads.

Built from the store's records (patient, visits, therapy lines) on the engine's course rules
(domain/lines.py, the ``response_imwg`` rule with its confirmation, domain/events.py).
Pure Python: no Qt, no I/O.
"""

from myeloma_desk.course.model import (
    DIAGNOSIS_RULES,
    Course,
    DiseaseState,
    EstablishedDiagnosis,
    LineCourse,
    VisitCourse,
    VisitResponse,
    build_course,
    clear_course_memo,
    visit_response,
)
from myeloma_desk.course.trends import LineMarker, TrendPoint, Trends, TrendSeries, build_trends

__all__ = [
    "DIAGNOSIS_RULES",
    "Course",
    "DiseaseState",
    "EstablishedDiagnosis",
    "LineCourse",
    "LineMarker",
    "TrendPoint",
    "TrendSeries",
    "Trends",
    "VisitCourse",
    "VisitResponse",
    "build_course",
    "build_trends",
    "clear_course_memo",
    "visit_response",
]
