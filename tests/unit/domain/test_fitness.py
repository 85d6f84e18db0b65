"""IMWG frailty (Palumbo 2015) and simplified frailty (Facon 2020): points at every boundary,
missing components that cannot change the result, the PDQ's wording."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from myeloma_desk.domain.criteria.fitness import frailty_imwg, frailty_simplified_facon
from myeloma_desk.domain.snapshot import parse_snapshot


def snap(**data: Any):
    return parse_snapshot(data)


FIT = {"charlson_comorbidity_index": 1, "katz_adl": 5, "lawton_iadl": 6}


@pytest.mark.parametrize(
    ("age", "points", "category"),
    [
        (75, 0, "fit"),
        (75.9, 0, "fit"),
        (76, 1, "intermediate"),
        (80, 1, "intermediate"),
        (80.5, 1, "intermediate"),
        (81, 2, "frail"),
    ],
)
def test_imwg_age_points(age: float, points: int, category: str) -> None:
    result = frailty_imwg(snap(age_years=age, **FIT))
    assert (result.result, result.detail["points"]) == (category, points)


@pytest.mark.parametrize(
    ("field", "value", "points"),
    [
        ("charlson_comorbidity_index", 1, 0),
        ("charlson_comorbidity_index", 2, 1),
        ("katz_adl", 5, 0),
        ("katz_adl", 4, 1),
        ("lawton_iadl", 6, 0),
        ("lawton_iadl", 5, 1),
    ],
)
def test_imwg_item_points(field: str, value: int, points: int) -> None:
    result = frailty_imwg(snap(age_years=70, **{**FIT, field: value}))
    assert result.detail["points"] == points
    assert result.result == ("fit" if points == 0 else "intermediate")


def test_imwg_frail_at_two_points() -> None:
    result = frailty_imwg(
        snap(age_years=70, charlson_comorbidity_index=3, katz_adl=3, lawton_iadl=8)
    )
    assert (result.result, result.detail["points"]) == ("frail", 2)


def test_imwg_missing_item_that_cannot_change_the_result() -> None:
    result = frailty_imwg(snap(age_years=85))
    assert result.status == "determined"
    assert result.result == "frail"
    assert set(result.missing) == {"charlson_comorbidity_index", "katz_adl", "lawton_iadl"}


def test_imwg_missing_item_that_matters() -> None:
    result = frailty_imwg(snap(age_years=70, charlson_comorbidity_index=0, katz_adl=6))
    assert result.status == "cannot_determine"
    assert result.missing == ["lawton_iadl"]
    assert result.detail["possible"] == ["fit", "intermediate"]


@pytest.mark.parametrize(
    ("age", "cci", "ecog", "category"),
    [
        (75, 1, 0, "non_frail"),
        (76, 1, 0, "non_frail"),  # 1 point
        (81, 0, 0, "frail"),  # 2 points for age > 80
        (70, 2, 0, "non_frail"),  # CCI > 1: 1 point
        (70, 2, 1, "frail"),
        (70, 0, 1, "non_frail"),
        (70, 0, 2, "frail"),  # ECOG ≥ 2: 2 points
    ],
)
def test_simplified_frailty(age: float, cci: int, ecog: int, category: str) -> None:
    result = frailty_simplified_facon(
        snap(age_years=age, charlson_comorbidity_index=cci, ecog=ecog)
    )
    assert result.result == category
    assert "Points as published" in result.detail["verification"]


def test_pdq_less_fit_wording_at_80() -> None:
    result = frailty_imwg(snap(age_years=80, **FIT))
    assert "less-fit group (advanced age)" in result.detail["pdq_reading"]
    assert "≥80" in result.detail["pdq_less_fit"]
    younger = frailty_imwg(snap(age_years=79, **FIT)).detail["pdq_reading"]
    assert "less-fit group (advanced age)" not in younger


@given(
    age=st.integers(min_value=40, max_value=100),
    cci=st.integers(min_value=0, max_value=8),
    adl=st.integers(min_value=0, max_value=6),
    iadl=st.integers(min_value=0, max_value=8),
    older=st.integers(min_value=0, max_value=20),
)
def test_older_never_fitter(age: int, cci: int, adl: int, iadl: int, older: int) -> None:
    order = ["fit", "intermediate", "frail"]
    young = frailty_imwg(
        snap(age_years=age, charlson_comorbidity_index=cci, katz_adl=adl, lawton_iadl=iadl)
    )
    old = frailty_imwg(
        snap(
            age_years=min(age + older, 120),
            charlson_comorbidity_index=cci,
            katz_adl=adl,
            lawton_iadl=iadl,
        )
    )
    assert isinstance(young.result, str) and isinstance(old.result, str)
    assert order.index(old.result) >= order.index(young.result)
