"""Prior lines between the parts of one line (Rajkumar et al., Blood 2015: induction, transplant,
consolidation and maintenance planned together are one line).

Between induction and the planned maintenance the patient is still on line 1 — not after one
prior line — while exposure and refractoriness count only the parts that had started by the
visit (a planned lenalidomide maintenance is not an exposure before it starts). Walked before,
at and after each boundary (induction end, transplant, maintenance start, progression) through
the store's snapshot builder and the engine, on a new scenario and on DEMO-0009; and the
engine's prior-line count equals the course model's for every demo patient and visit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import builders
import pytest
from builders import D, visit
from builders import line as therapy_line
from hypothesis import given, settings
from hypothesis import strategies as st

from myeloma_desk.course import build_course
from myeloma_desk.domain.engine import assess
from myeloma_desk.domain.lines import current_line, group_lines, prior_lines
from myeloma_desk.domain.snapshot import Snapshot, TherapyLine
from myeloma_desk.store import Store
from myeloma_desk.store.snapshot_builder import build_snapshot, lines_as_of

PATIENT = builders.patient("TEST Planned, Ben", "1958-04-02", "male", identifier="T-2")

# VCd induction → ASCT → lenalidomide maintenance (one planned line), then Dara-Pd after
# progression on maintenance. The induction has no IMiD, so lenalidomide exposure starts
# only with maintenance.
LINES = [
    therapy_line(
        "VCd",
        "bortezomib, cyclophosphamide, dexamethasone",
        "2021-01-10",
        "2021-05-31",
        best_response="VGPR",
        refractory=False,
        phase="induction",
    ),
    therapy_line(
        "ASCT",
        "melphalan",
        "2021-07-01",
        "2021-07-01",
        best_response="VGPR",
        refractory=False,
        phase="transplant",
    ),
    therapy_line(
        "Lenalidomide maintenance",
        "lenalidomide",
        "2021-10-01",
        "2023-04-01",
        best_response="VGPR",
        refractory=True,
        phase="maintenance",
    ),
    therapy_line("Dara-Pd", "daratumumab, pomalidomide, dexamethasone", "2023-04-15"),
]


def serum(value: float) -> dict[str, Any]:
    return {"serum_m_protein": {"value": value, "unit": "g/dL"}}


DIAGNOSIS = visit(
    "2020-12-20",
    **serum(3.1),
    bone_marrow_plasma_cells_percent=40,
    clonality_proven=True,
    lytic_lesions=2,
)


def on(day: str) -> tuple[Snapshot, dict[str, Any]]:
    """The engine input for a visit on ``day`` as the store builds it, and the results."""
    visits = [DIAGNOSIS, visit(day, **serum(0.4))]
    snapshot = build_snapshot(PATIENT, visits, LINES, D(day))
    return snapshot, {r.rule: r for r in assess(snapshot).results}


def prior_criterion(result: Any) -> Any:
    return next(c for c in result.criteria if c.name == "at least 1 prior line of therapy")


def imid_criterion(result: Any) -> Any:
    return next(c for c in result.criteria if "immunomodulatory" in c.name)


# (visit date, prior lines, line in progress, lenalidomide exposed, cilta-cel verdict)
BOUNDARIES = [
    ("2021-05-30", 0, 1, False, "does_not_meet"),  # on induction
    ("2021-05-31", 0, 1, False, "does_not_meet"),  # induction ends that day
    ("2021-06-01", 0, 1, False, "does_not_meet"),  # between induction and transplant
    ("2021-06-30", 0, 1, False, "does_not_meet"),  # the day before the transplant
    ("2021-07-01", 0, 1, False, "does_not_meet"),  # transplant day
    ("2021-07-02", 0, 1, False, "does_not_meet"),  # after transplant, before maintenance
    ("2021-09-30", 0, 1, False, "does_not_meet"),  # the day before maintenance starts
    ("2021-10-01", 0, 1, True, "does_not_meet"),  # maintenance starts
    ("2021-10-02", 0, 1, True, "does_not_meet"),  # on maintenance
    ("2023-03-31", 0, 1, True, "does_not_meet"),  # the day before progression on it
    ("2023-04-01", 1, None, True, "meets"),  # progression on maintenance ends line 1
    ("2023-04-14", 1, None, True, "meets"),  # off therapy after 1 line
    ("2023-04-15", 1, 2, True, "meets"),  # line 2 starts
]


@pytest.mark.parametrize(("day", "prior", "line", "exposed", "cilta"), BOUNDARIES)
def test_counts_before_at_and_after_each_boundary(
    day: str, prior: int, line: int | None, exposed: bool, cilta: str
) -> None:
    _, results = on(day)
    refr = results["refractoriness"]
    assert refr.detail["prior_lines"] == prior
    assert refr.detail["current_line"] == line
    assert ("lenalidomide" in refr.detail["exposed_drugs"]) is exposed
    # Eligibility uses the same counts: cilta-cel needs ≥ 1 prior line, PI and IMiD exposure
    # and lenalidomide-refractory disease.
    elig = results["cilta_cel_eligibility"]
    assert elig.result == cilta
    assert prior_criterion(elig).met is (prior >= 1)
    assert str(prior_criterion(elig).value).startswith(str(prior))
    assert imid_criterion(elig).met is exposed
    # Never "refractory to lenalidomide" before the progression on maintenance.
    assert ("lenalidomide" in refr.detail["refractory_drugs"]) is (prior >= 1)


def test_between_parts_the_planned_part_is_in_the_input_without_its_outcome() -> None:
    snapshot, results = on("2021-07-02")
    assert [t.regimen for t in snapshot.therapy_lines] == [
        "VCd",
        "ASCT",
        "Lenalidomide maintenance",
    ]
    planned = snapshot.therapy_lines[-1]
    assert planned.start == D("2021-10-01")
    assert (planned.end, planned.best_response, planned.refractory) == (None, None, None)
    refr = results["refractoriness"]
    assert refr.detail["lines"][-1].get("planned") is True
    assert "planned" not in refr.detail["lines"][0]
    # The shown count says the line is in progress, with the whole planned line.
    shown = str(prior_criterion(results["cilta_cel_eligibility"]).value)
    assert shown == (
        "0 (line 1, VCd → ASCT → Lenalidomide maintenance, after transplant, before maintenance)"
    )
    _, results = on("2021-06-01")
    shown = str(prior_criterion(results["cilta_cel_eligibility"]).value)
    assert shown == (
        "0 (line 1, VCd → ASCT → Lenalidomide maintenance, between induction and transplant)"
    )
    _, results = on("2021-10-02")
    shown = str(prior_criterion(results["cilta_cel_eligibility"]).value)
    assert shown == "0 (line 1, VCd → ASCT → Lenalidomide maintenance, in progress)"
    # A new line recorded to start later is not in the input at all.
    before_line_2, _ = on("2023-04-14")
    assert [t.regimen for t in before_line_2.therapy_lines][-1] == "Lenalidomide maintenance"


def test_the_engine_reads_a_complete_record_the_same_way() -> None:
    # The interchange: the whole record given directly (outcomes of later parts included) is
    # read as of the snapshot's date — the planned maintenance keeps line 1 in progress and is
    # no exposure yet.
    snapshot = Snapshot.model_validate(
        {
            "date": "2021-07-02",
            **serum(0.4),
            "therapy_lines": [line.model_dump(mode="json") for line in LINES[:3]],
        }
    )
    assert prior_lines(snapshot.therapy_lines, snapshot.date) == 0
    ongoing = current_line(snapshot.therapy_lines, snapshot.date)
    assert ongoing is not None and ongoing.number == 1
    assert ongoing.next_part(snapshot.date) == LINES[2]
    assert "lenalidomide" not in ongoing.drugs_by(snapshot.date)
    assert "lenalidomide" in ongoing.drugs_by(D("2021-10-01"))
    refr = assess(snapshot).get("refractoriness")
    assert "lenalidomide" not in refr.detail["exposed_drugs"]
    assert "lenalidomide" not in refr.detail["refractory_drugs"]


# DEMO-0009: VRd 2019-03-04 → 2019-11-25, lenalidomide maintenance 2020-01-13 → progression
# 2022-05-24, DKd 2022-06-07 → 2023-09-05 (refractory), Isa-Pd from 2023-09-26.
DEMO_0009 = [
    ("2019-11-24", 0, 1),  # on VRd induction
    ("2019-11-25", 0, 1),  # induction ends
    ("2019-11-26", 0, 1),  # between induction and maintenance
    ("2019-12-10", 0, 1),  # the stored visit in the gap
    ("2020-01-12", 0, 1),  # the day before maintenance
    ("2020-01-13", 0, 1),  # maintenance starts
    ("2022-05-23", 0, 1),  # on maintenance
    ("2022-05-24", 1, None),  # progression on maintenance (the stored visit)
    ("2022-06-07", 1, 2),  # DKd starts
    ("2023-09-26", 2, 3),  # Isa-Pd starts: line 3 (maintenance was inside line 1)
]


@pytest.mark.parametrize(("day", "prior", "line"), DEMO_0009)
def test_demo_0009_boundaries(demo_store: Store, day: str, prior: int, line: int | None) -> None:
    snapshot = build_snapshot(*builders.stored_records(demo_store, "DEMO-0009"), D(day))
    refr = assess(snapshot).get("refractoriness")
    assert (refr.detail["prior_lines"], refr.detail["current_line"]) == (prior, line)
    if D("2019-11-25") < D(day) < D("2020-01-13"):
        # Between its parts: the planned maintenance is in the input, not counted as given.
        assert snapshot.therapy_lines[-1].regimen == "lenalidomide maintenance"
        assert snapshot.therapy_lines[-1].refractory is None
        assert "lenalidomide" not in refr.detail["refractory_drugs"]


def test_demo_0009_in_the_gap_through_the_store(demo_store: Store) -> None:
    found = demo_store.find_by_identifier("DEMO-0009")
    assert found is not None
    results = {
        r.rule: r for r in assess(demo_store.snapshot_for(found.id, D("2019-12-10"))).results
    }
    assert results["refractoriness"].detail["prior_lines"] == 0
    assert results["cilta_cel_eligibility"].result == "does_not_meet"
    assert prior_criterion(results["cilta_cel_eligibility"]).met is False


def test_engine_and_course_count_the_same_prior_lines(demo_store: Store) -> None:
    checked: list[tuple[str | None, dt.date]] = []
    for row in demo_store.list_patients():
        patient = demo_store.get_patient(row.id)
        therapy = [s.line for s in demo_store.therapy_lines(patient.id)]
        course = build_course(patient, demo_store.visits(patient.id), therapy)
        for v in course.visits:
            engine = assess(demo_store.snapshot_for(patient.id, v.date)).get("refractoriness")
            if engine.status == "not_applicable":  # no line started by that visit
                assert (v.prior_lines, v.line) == (0, None), (patient.identifier, v.date)
                continue
            assert engine.detail["prior_lines"] == v.prior_lines, (patient.identifier, v.date)
            current = v.line.number if v.line is not None else None
            assert engine.detail["current_line"] == current, (patient.identifier, v.date)
            checked.append((patient.identifier, v.date))
    assert ("DEMO-0009", D("2019-12-10")) in checked  # the visit between induction and maintenance
    assert {"DEMO-0003", "DEMO-0009"} <= {identifier for identifier, _ in checked}


def test_the_printed_lines_of_therapy_mark_the_planned_part() -> None:
    from myeloma_desk.reports.build import assessment_report

    snapshot, _ = on("2021-07-02")
    doc = assessment_report(snapshot, visit_date=D("2021-07-02"))
    rows = {row.regimen: row for row in doc.therapy_lines}
    assert (rows["Lenalidomide maintenance"].start, rows["Lenalidomide maintenance"].end) == (
        "2021-10-01 (planned)",
        "not started",
    )
    assert (rows["ASCT"].start, rows["ASCT"].end) == ("2021-07-01", "2021-07-01")
    # Once started it is shown as it stands.
    started, _ = on("2021-10-02")
    rows = {row.regimen: row for row in assessment_report(started).therapy_lines}
    assert (rows["Lenalidomide maintenance"].start, rows["Lenalidomide maintenance"].end) == (
        "2021-10-01",
        "ongoing",
    )


# --- properties over generated records ----------------------------------------------------------

DRUG_POOL = ("bortezomib", "lenalidomide", "pomalidomide", "daratumumab", "carfilzomib")


@st.composite
def records(draw: st.DrawFn) -> list[TherapyLine]:
    """Therapy records in date order: parts of planned lines and new lines, some refractory."""
    day = D("2020-01-01")
    out: list[TherapyLine] = []
    for index in range(draw(st.integers(1, 6))):
        start = day + dt.timedelta(days=draw(st.integers(1, 120)))
        length = draw(st.integers(0, 300))
        end = start + dt.timedelta(days=length)
        phase = draw(st.sampled_from([None, "induction", "transplant", "maintenance"]))
        out.append(
            TherapyLine(
                regimen=f"R{index}",
                drugs=[draw(st.sampled_from(DRUG_POOL))],
                start=start,
                end=end,
                refractory=draw(st.booleans()),
                phase=phase if index else "induction",
            )
        )
        day = end
    return out


@settings(max_examples=150, deadline=None)
@given(records(), st.integers(0, 2500))
def test_counts_on_any_record_and_date(therapy: list[TherapyLine], offset: int) -> None:
    day = D("2020-01-01") + dt.timedelta(days=offset)
    known = lines_as_of(therapy, day)
    snapshot = Snapshot.model_validate(
        {"date": day.isoformat(), "therapy_lines": [t.model_dump(mode="json") for t in known]}
    )
    prior = prior_lines(known, day)
    ongoing = current_line(known, day)
    started = [line for line in group_lines(therapy) if line.start and line.start <= day]
    # Every line started by then is either a prior line or the one in progress.
    assert prior + (1 if ongoing else 0) == len(started)
    # A started line with a part still to come is the line in progress, not a prior line
    # (Rajkumar 2015: a planned sequence is one line).
    if started and any(part.start and part.start > day for part in started[-1].parts):
        assert ongoing is not None and ongoing.number == started[-1].number
    # Exposure is exactly the drugs of the parts that had started (never a planned one).
    if known:
        refr = assess(snapshot, ["refractoriness"]).get("refractoriness")
        given_drugs = {d for t in therapy if t.start and t.start <= day for d in t.drugs}
        assert set(refr.detail["exposed_drugs"]) == given_drugs
        assert refr.detail["prior_lines"] == prior
        # Refractory only to drugs of parts that had ended in progression by then.
        failed = {d for t in therapy if t.refractory and t.end and t.end <= day for d in t.drugs}
        assert set(refr.detail["refractory_drugs"]) <= failed
    # A later date never has fewer prior lines.
    later = day + dt.timedelta(days=30)
    assert prior_lines(lines_as_of(therapy, later), later) >= prior
