"""Result sentences: the primary end points, unmarked results and the "HR; CI" census."""

from __future__ import annotations

import re

import pytest

from myeloma_desk.evidence import census
from myeloma_desk.evidence.loader import Evidence, load
from myeloma_desk.evidence.schema import Finding
from myeloma_desk.reference import pdq

# The body prose (re-flowed paragraphs, no reference lists).
PROSE = " ".join(
    p.text for p in pdq.paragraphs() if p.kind == "body" and p.section in pdq.BODY_SECTIONS
)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def ev() -> Evidence:
    return load()


def _ratios(f: Finding) -> set[str]:
    out = {e.value for e in f.estimates}
    if f.hr:
        out.add(f.hr)
    if f.ratio:
        out.add(f.ratio.value)
    return out


def _values(f: Finding) -> set[str]:
    return {v.value for v in f.values} | {v.value for r in f.other_end_points for v in r.values}


# The primary end points issue 15 found without a number: (trial id or None, endpoint word,
# the number as stated). The number must be a structured field of a finding of that trial.
PRIMARY = [
    ("nct02252172", "progression-free", "0.53"),  # MAIA PFS
    ("nct02755597", "progression-free", "0.63"),  # BELLINI PFS
    ("myeloma-ref8", "noninferiority", "0.98"),  # denosumab vs zoledronate (its study record)
    ("nct03901963", "MRD", "5.97"),  # AURIGA MRD conversion (odds ratio)
    ("nct01239797", "progression-free", "0.73"),  # ELOQUENT-2 PFS
    ("nct01239797", "progression-free", "0.82"),  # ELOQUENT-2 OS (second estimate)
    ("relapsed-ref63", "second primary", "3.8"),  # lenalidomide second cancers meta-analysis
    ("overview-study-1", "time to progression", "0.51"),  # smoldering daratumumab TTP
    ("overview-study-1", "overall survival", "0.52"),  # smoldering daratumumab OS
]


@pytest.mark.parametrize(("trial", "endpoint", "number"), PRIMARY)
def test_primary_end_points_are_fields(
    ev: Evidence, trial: str | None, endpoint: str, number: str
) -> None:
    hits = [
        f
        for f in ev.db.findings
        if f.trial == trial and number in _ratios(f) and endpoint in (f.endpoint or "")
    ]
    assert len(hits) == 1, (trial, number)
    f = hits[0]
    assert f.ci is not None or f.estimates
    assert f.kind in ("efficacy", "toxicity")


# Response rates of the single-arm studies (MajesTEC-1, MagnetisMM-3, STORM) and ide-cel.
RATES = [
    ("nct03145181", "overall response rate", "63.0%"),
    ("relapsed-ref55", "objective response rate", "61%"),
    ("relapsed-ref87", "partial response or better", "26%"),
    ("nct03651128", "overall response rate", "71%"),
    ("nct03651128", "complete response rate", "39%"),
]


@pytest.mark.parametrize(("trial", "endpoint", "value"), RATES)
def test_response_rates_are_fields(ev: Evidence, trial: str, endpoint: str, value: str) -> None:
    found = [
        v.value
        for f in ev.findings_of_trial(trial)
        for ep, vals in [(f.endpoint, f.values)]
        + [(r.endpoint, r.values) for r in f.other_end_points]
        if ep == endpoint
        for v in vals
    ]
    assert value in found, (trial, endpoint, found)


TOXICITY = [("nct03651128", "88%"), ("nct03145181", "72%"), (None, "25%")]


@pytest.mark.parametrize(("trial", "value"), TOXICITY)
def test_toxicity_numbers_are_stored(ev: Evidence, trial: str | None, value: str) -> None:
    hits = [
        f
        for f in ev.db.findings
        if f.trial == trial and f.kind == "toxicity" and value in _values(f)
    ]
    assert hits


def test_unmarked_results_have_no_level_and_a_sentence(ev: Evidence) -> None:
    unmarked = [f for f in ev.db.findings if f.marker is None]
    assert len(unmarked) >= 15
    for f in unmarked:
        assert f.level_of_evidence is None
        assert f.sentences and f.kind is not None
        assert f.values or f.hr or f.ratio, f.id
        if f.trial is not None:
            assert f.trial in ev.trials


def test_further_end_point_numbers_appear_in_the_sentence(ev: Evidence) -> None:
    for f in ev.db.findings:
        text = squash(" ".join(f.sentences))
        for r in f.other_end_points:
            for v in r.values:
                assert squash(v.value) in text, (f.id, v.value)
                if v.ci:
                    assert squash(v.ci.low) in text and squash(v.ci.high) in text
            if r.landmark:
                assert squash(r.landmark) in text
        if f.landmark:
            assert squash(f.landmark) in text, (f.id, f.landmark)


def test_census_of_hr_ci_triples(ev: Evidence) -> None:
    """Every "HR, x; NN% CI, a–b" of the body text is an estimate of some finding (by rule)."""
    triples = census.hr_ci_triples(pdq.paragraphs())
    assert len(triples) > 60
    stored: set[tuple[str, str, str, str]] = set()
    for f in ev.db.findings:
        if f.hr and f.ci:
            stored.add((f.hr, f.ci.level or "", f.ci.low, f.ci.high))
        for e in f.estimates:
            if e.measure == "hazard ratio" and e.ci:
                stored.add((e.value, e.ci.level or "", e.ci.low, e.ci.high))
    assert sorted(triples - stored) == []


def test_census_of_result_sentences(ev: Evidence) -> None:
    """Every result sentence the rule finds (treatment sections) is a sentence of a finding."""
    sentences = census.result_sentences(pdq.paragraphs())
    assert len(sentences) > 150
    stored = {squash(s) for f in ev.db.findings for s in f.sentences}
    missing = [s.text for s in sentences if squash(s.text) not in stored]
    assert missing == []


def test_result_findings_are_classified(ev: Evidence) -> None:
    """A result without a marker says what it reports; toxicity results are findings too."""
    unmarked = [f for f in ev.db.findings if f.marker is None]
    assert all(f.kind for f in unmarked), [f.id for f in unmarked if not f.kind]
    kinds = {f.kind for f in unmarked}
    assert {"efficacy", "toxicity", "natural_history", "study_population"} <= kinds
    # an unmarked result of a named trial keeps the link
    ocular = [f for f in unmarked if f.trial == "nct04484623" and f.kind == "toxicity"]
    assert ocular and ocular[0].values[0].value == "43%"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The median PFS was 13.9 months for patients who received SVd.", True),
        ("Grade 3 or higher cytokine-release syndrome occurred in 1.1% of patients.", True),
        ("OS favored the daratumumab group (HR, 0.68; 95% CI, 0.53–0.86).", True),
        ("Isatuximab is given IV, unlike daratumumab.", False),
        ("About 7% of myeloma cases are diagnosed each year.", False),
    ],
)
def test_result_rule(sentence: str, expected: bool) -> None:
    assert census.is_result(sentence) is expected
