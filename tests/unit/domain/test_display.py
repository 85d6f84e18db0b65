"""The one display vocabulary: labels and words a user reads, never internal identifiers."""

from __future__ import annotations

import re

import pytest

from myeloma_desk.domain.display import (
    SETTING_LABELS,
    field_label,
    result_label,
    setting_label,
    status_label,
)
from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.vocabulary import DIAGNOSES, RESPONSE_ORDER
from myeloma_desk.evidence.schema import Setting

SNAKE = re.compile(r"[a-z0-9]_[a-z0-9]")


def test_every_measured_field_has_its_one_label() -> None:
    for name, spec in MEASURED_FIELDS.items():
        assert field_label(name) == spec.label
        assert not SNAKE.search(field_label(name))


def test_age_reads_the_same_everywhere() -> None:
    assert field_label("age") == "Age (years)"


def test_statuses_in_words() -> None:
    assert status_label("cannot_determine") == "Cannot be determined"
    assert status_label("not_applicable") == "Not applicable"
    assert status_label("determined") == "Determined"


@pytest.mark.parametrize("value", DIAGNOSES)
def test_every_diagnosis_reads_as_words(value: str) -> None:
    assert not SNAKE.search(result_label(value))


def test_result_words() -> None:
    assert result_label("active_multiple_myeloma") == "Active multiple myeloma"
    assert result_label("VGPR") == "Very good partial response"
    assert result_label(None) == "Cannot be determined"
    assert result_label(True) == "Yes"
    assert result_label(2.5) == "2.5"
    assert result_label("double_class") == "Double class"
    for code in RESPONSE_ORDER:
        assert result_label(code) != code


def test_every_pdq_setting_has_a_label() -> None:
    assert set(SETTING_LABELS) == {s.value for s in Setting}
    assert setting_label("relapsed_or_refractory") == "Relapsed or refractory"
