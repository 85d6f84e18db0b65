"""IMWG lines of therapy (Rajkumar 2015): planned sequences are one line, the ongoing line is
not a prior line, and every eligibility statement counts prior lines that way."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from myeloma_desk.domain.criteria.therapy import (
    cilta_cel_eligibility,
    ide_cel_eligibility,
    refractoriness,
    teclistamab_eligibility,
)
from myeloma_desk.domain.lines import current_line, group_lines, prior_lines, progress
from myeloma_desk.domain.snapshot import TherapyLine, parse_snapshot
from myeloma_desk.store.snapshot_builder import lines_as_of

D = dt.date.fromisoformat


def entry(regimen: str, start: str, end: str | None, **more: Any) -> dict[str, Any]:
    return {"regimen": regimen, "start": start, "end": end, **more}


# NDMM: VRd induction → ASCT → lenalidomide maintenance (one line), then relapse on maintenance
# → DKd (line 2) → PD → Pd (line 3) → teclistamab (line 4, in progress).
COURSE = [
    entry(
        "VRd",
        "2019-01-10",
        "2019-05-01",
        drugs=["bortezomib", "lenalidomide", "dexamethasone"],
        refractory=False,
        phase="induction",
    ),
    entry(
        "ASCT",
        "2019-06-01",
        "2019-06-20",
        drugs=["melphalan"],
        refractory=False,
        phase="transplant",
    ),
    entry(
        "R maintenance",
        "2019-09-01",
        "2022-03-01",
        drugs=["lenalidomide"],
        refractory=True,
        phase="maintenance",
    ),
    entry(
        "DKd",
        "2022-03-15",
        "2023-05-01",
        drugs=["daratumumab", "carfilzomib", "dexamethasone"],
        refractory=True,
    ),
    entry(
        "Pd", "2023-05-10", "2024-02-01", drugs=["pomalidomide", "dexamethasone"], refractory=True
    ),
    entry("Teclistamab", "2024-02-15", None, drugs=["teclistamab"]),
]


def lines(data: list[dict[str, Any]]) -> list[TherapyLine]:
    return [TherapyLine.model_validate(item) for item in data]


def test_planned_sequence_is_one_line() -> None:
    grouped = group_lines(lines(COURSE))
    assert [line.number for line in grouped] == [1, 2, 3, 4]
    assert grouped[0].regimen == "VRd → ASCT → R maintenance"
    assert grouped[0].entries == (0, 1, 2)
    assert grouped[0].end == D("2022-03-01")
    assert grouped[0].refractory is True  # progression on maintenance


def test_prior_lines_exclude_the_ongoing_line() -> None:
    therapy = lines(COURSE)
    assert prior_lines(therapy, D("2024-06-01")) == 3  # on line 4
    ongoing = current_line(therapy, D("2024-06-01"))
    assert ongoing is not None and ongoing.number == 4
    # During maintenance the patient is still on line 1: no prior line (the lines as they were
    # known then: the progression on maintenance came later).
    known = lines_as_of(therapy, D("2020-01-01"))
    assert prior_lines(known, D("2020-01-01")) == 0
    assert current_line(known, D("2020-01-01")).number == 1  # type: ignore[union-attr]
    # Between lines (Pd stopped, nothing started yet): 3 prior lines, none in progress.
    assert prior_lines(therapy, D("2024-02-05")) == 3
    assert current_line(therapy, D("2024-02-05")) is None


def test_progress_gives_prior_lines_and_the_line_in_progress_from_one_grouping() -> None:
    grouped = group_lines(lines(COURSE))
    count, ongoing = progress(grouped, D("2024-06-01"))  # on teclistamab, line 4
    assert count == 3 and ongoing is grouped[3]
    assert progress(grouped, D("2024-02-05")) == (3, None)  # between Pd and teclistamab
    assert progress(grouped, D("2019-03-01")) == (0, grouped[0])  # during VRd induction
    assert progress(grouped, D("2018-12-01")) == (0, None)  # before any line
    assert progress(grouped, None) == (3, grouped[3])  # no date: every line has started
    assert progress([], D("2024-06-01")) == (0, None)


def test_maintenance_after_progression_is_a_new_line() -> None:
    therapy = lines(
        [
            entry("VRd", "2020-01-01", "2020-05-01", refractory=True),
            entry("R maintenance", "2020-06-01", None, phase="maintenance"),
        ]
    )
    assert len(group_lines(therapy)) == 2


def test_a_refractory_line_without_end_date_has_failed() -> None:
    therapy = lines([entry("VRd", "2020-01-01", None, refractory=True)])
    assert prior_lines(therapy, D("2020-07-01")) == 1
    assert current_line(therapy, D("2020-07-01")) is None


def test_entries_without_phase_each_start_a_line() -> None:
    therapy = lines([entry("VRd", "2020-01-01", "2020-05-01"), entry("Rd", "2020-06-01", None)])
    assert [g.number for g in group_lines(therapy)] == [1, 2]
    assert prior_lines(therapy, D("2020-07-01")) == 1


def snap(day: str, data: list[dict[str, Any]], **extra: Any):
    return parse_snapshot({"date": day, "therapy_lines": data, **extra})


def test_on_line_four_bispecific_needs_four_prior_lines() -> None:
    # The held-out case: a patient on line 4 does not meet "≥ 4 prior lines".
    on_line_4 = snap("2024-06-01", COURSE)
    result = teclistamab_eligibility(on_line_4)
    assert result.result == "does_not_meet"
    criterion = next(c for c in result.criteria if "prior lines" in c.name)
    assert criterion.met is False
    assert criterion.value.startswith("3 (line 4")
    # Once line 4 has ended, four lines are prior.
    ended = [*COURSE[:-1], {**COURSE[-1], "end": "2024-09-01", "refractory": True}]
    assert teclistamab_eligibility(snap("2024-10-01", ended)).criteria[0].met is True


def test_car_t_counts() -> None:
    # During R maintenance after VRd/ASCT: 0 prior lines; cilta-cel needs ≥ 1, ide-cel ≥ 2.
    day = "2021-01-01"
    first_line_only = COURSE[:3]
    first_line_only = [
        *first_line_only[:2],
        {**first_line_only[2], "end": None, "refractory": None},
    ]
    assert cilta_cel_eligibility(snap(day, first_line_only)).result == "does_not_meet"
    # After relapse on maintenance (line 1 over, refractory to lenalidomide): 1 prior line.
    relapsed = COURSE[:3]
    assert cilta_cel_eligibility(snap("2022-03-05", relapsed)).result == "meets"
    assert ide_cel_eligibility(snap("2022-03-05", relapsed)).result == "does_not_meet"


def test_refractoriness_reports_imwg_lines() -> None:
    result = refractoriness(snap("2024-06-01", COURSE))
    assert result.detail["prior_lines"] == 3
    assert result.detail["current_line"] == 4
    assert [line["number"] for line in result.detail["imwg_lines"]] == [1, 2, 3, 4]


@given(st.lists(st.sampled_from([None, "induction", "transplant", "maintenance"]), max_size=8))
def test_line_numbers_never_exceed_entries(phases: list[str | None]) -> None:
    therapy = [
        TherapyLine(
            regimen=f"R{i}",
            phase=phase,
            start=dt.date(2020, 1, 1) + dt.timedelta(days=90 * i),
            end=dt.date(2020, 1, 1) + dt.timedelta(days=90 * i + 60),
        )
        for i, phase in enumerate(phases)
    ]
    grouped = group_lines(therapy)
    assert sum(len(g.entries) for g in grouped) == len(therapy)
    # Every entry not continuing a line starts one; all lines ended, so all are prior.
    assert prior_lines(therapy, dt.date(2030, 1, 1)) == len(grouped)
