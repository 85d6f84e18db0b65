"""Doses, schedules, routes, supportive care and per-drug toxicity numbers (issue 15 item 4)."""

from __future__ import annotations

import re

import pytest

from myeloma_desk.evidence.loader import Evidence, load


@pytest.fixture(scope="module")
def ev() -> Evidence:
    return load()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# Statements the audit found missing: (dose id, a word of its quote).
STATEMENTS = [
    ("igg-replacement-teclistamab", "every 2 to 4 weeks"),
    ("daratumumab-split-first-infusion", "over 2 days"),
    ("plasma-exchange-hyperviscosity", "plasma exchange"),
    ("thalidomide-thromboprophylaxis", "low-molecular-weight heparin"),
    ("dara-r-maintenance-duration", "2 to 3 years"),
    ("bortezomib-subcutaneous", "subcutaneously"),
    ("bortezomib-renal", "renal impairment"),
    ("carfilzomib-schedule", "once-weekly"),
    ("denosumab-route", "subcutaneously"),
    ("herpes-zoster-prophylaxis", "valacyclovir"),
]


@pytest.mark.parametrize(("dose_id", "words"), STATEMENTS)
def test_missing_statements_are_recorded(ev: Evidence, dose_id: str, words: str) -> None:
    dose = ev.doses[dose_id]
    assert words in dose.quote.text
    assert dose.values and all(_squash(v) in _squash(dose.quote.text) for v in dose.values)
    assert all(d in ev.drugs for d in dose.drugs)


# Drugs whose route the PDQ states in a sentence (the route word must be in that sentence).
ROUTES = {
    "bortezomib": "subcutaneous",
    "lenalidomide": "orally",
    "isatuximab": "intravenously",
    "daratumumab": "subcutaneous",
    "thalidomide": "by mouth",
    "ixazomib": "orally",
    "carfilzomib": "IV",
    "denosumab": "subcutaneously",
    "zoledronic acid": "IV",
    "pamidronate": "IV",
    "clodronate": "oral",
    "selinexor": "oral",
    "cyclophosphamide": "oral",
}


@pytest.mark.parametrize(("drug", "word"), sorted(ROUTES.items()))
def test_drug_routes_are_stated_with_their_sentence(ev: Evidence, drug: str, word: str) -> None:
    rec = ev.drugs[drug]
    assert rec.route
    assert rec.route_quote is not None and word in rec.route_quote.text


TOXICITY = [
    ("carfilzomib", "25%"),
    ("idecabtagene vicleucel", "88%"),
    ("teclistamab", "72%"),
    ("belantamab mafodotin", "43%"),
    ("lenalidomide", "3.8"),
]


@pytest.mark.parametrize(("drug", "value"), TOXICITY)
def test_toxicity_numbers_per_drug(ev: Evidence, drug: str, value: str) -> None:
    values = [v for t in ev.drugs[drug].toxicity for v in t.values]
    assert value in values


def test_every_toxicity_number_is_in_its_sentence(ev: Evidence) -> None:
    n = 0
    for drug in ev.db.drugs:
        for t in drug.toxicity:
            for v in t.values:
                assert _squash(v) in _squash(t.quote.text), (drug.name, v)
                n += 1
    assert n >= 15
