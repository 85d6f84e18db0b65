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


def test_every_toxicity_result_of_a_drug_is_in_a_drug_record(ev: Evidence) -> None:
    """A toxicity finding with numbers that names a drug (or whose trial supports a regimen)
    is in the toxicity list of a drug, with the same sentence and numbers (issue 15 §3)."""
    import re

    from myeloma_desk.evidence import census

    names = census._DRUG_WORDS
    drug_word = re.compile(
        r"(?i)\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b"
    )
    quoted = [(d.name, _squash(t.quote.text), t.values) for d in ev.db.drugs for t in d.toxicity]
    checked, missing = 0, []
    for f in ev.db.findings:
        if f.kind != "toxicity" or not f.values:
            continue
        text = " ".join(f.sentences)
        named = {names[m.group(1).lower()] for m in drug_word.finditer(text)}
        named -= {"dexamethasone", "prednisone"}
        for reg in ev.db.regimens:  # regimen abbreviations in the sentence ("D-VRd")
            if re.search(r"(?<![\w-])" + re.escape(reg.abbreviation) + r"(?![\w-])", text):
                named |= set(reg.components)
        trial = ev.trials.get(f.trial or "")
        supported = [ev.regimens[r] for r in trial.regimens] if trial else []
        if len(supported) == 1 and len(supported[0].components) == 1:
            named |= set(supported[0].components)  # a single-agent trial (talquetamab ...)
        if not named:
            continue  # no drug to attach it to (transplant-related mortality ...)
        checked += 1
        hits = [(d, vals) for d, q, vals in quoted if all(_squash(s) in q for s in f.sentences[:1])]
        if not hits or not all(v.value in hits[0][1] for v in f.values):
            missing.append(f.id)
    assert checked >= 12
    assert missing == []
