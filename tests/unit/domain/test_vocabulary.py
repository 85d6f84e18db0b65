"""The shared diagnosis vocabulary is the interchange spec's, and the store uses it."""

from __future__ import annotations

from typing import get_args

from myeloma_desk.domain.vocabulary import DIAGNOSES, Diagnosis
from myeloma_desk.store.models import PatientFields

# ../shared/reference/assessment-interchange.md, rule `diagnosis`, in its order.
SPEC = (
    "active_multiple_myeloma",
    "smoldering_multiple_myeloma",
    "non_igm_mgus",
    "igm_mgus",
    "light_chain_mgus",
    "solitary_plasmacytoma",
    "solitary_plasmacytoma_minimal_marrow",
    "extramedullary_plasmacytoma",
    "plasma_cell_leukemia",
    "al_amyloidosis",
    "poems_syndrome",
    "no_plasma_cell_neoplasm",
)


def test_diagnoses_are_the_spec_vocabulary() -> None:
    assert DIAGNOSES == SPEC == get_args(Diagnosis)


def test_store_accepts_exactly_these_working_diagnoses() -> None:
    import pytest
    from pydantic import ValidationError

    for value in SPEC:
        assert PatientFields(name="A", diagnosis=value).diagnosis == value
    with pytest.raises(ValidationError):
        PatientFields(name="A", diagnosis="multiple_myeloma")
