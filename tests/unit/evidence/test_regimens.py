"""Regimens: every combination the PDQ names, its settings, and its trials by arm role."""

from __future__ import annotations

import re

import pytest

from myeloma_desk.evidence.loader import Evidence, load
from myeloma_desk.evidence.schema import Setting
from myeloma_desk.evidence.search import search

# The regimens issue 15 lists as named by the PDQ in words or abbreviation, with the setting the
# PDQ describes each for.
NAMED = [
    ("KRd", "carfilzomib, lenalidomide, and dexamethasone", Setting.RELAPSED_REFRACTORY),
    ("DKd", "daratumumab, carfilzomib, and dexamethasone", Setting.RELAPSED_REFRACTORY),
    ("Isa-Kd", "isatuximab, carfilzomib, and dexamethasone", Setting.RELAPSED_REFRACTORY),
    ("Isa-Pd", "isatuximab, pomalidomide, and dexamethasone", Setting.RELAPSED_REFRACTORY),
    ("IRd", "ixazomib, lenalidomide, and dexamethasone", Setting.RELAPSED_REFRACTORY),
    ("ERd", "elotuzumab, lenalidomide, and dexamethasone", Setting.RELAPSED_REFRACTORY),
    ("D-VMP", "daratumumab plus VMP", Setting.NEWLY_DIAGNOSED_LESS_FIT),
    ("Dara-CyBorD", "daratumumab combined with bortezomib", Setting.AL_AMYLOIDOSIS),
    ("Ven-Vd", "venetoclax plus bortezomib and dexamethasone", Setting.RELAPSED_REFRACTORY),
    ("isatuximab-Rd", "isatuximab plus lenalidomide", Setting.NEWLY_DIAGNOSED_LESS_FIT),
    ("belantamab-Vd", "belantamab mafodotin plus bortezomib", Setting.RELAPSED_REFRACTORY),
    ("lenalidomide maintenance", "single-agent lenalidomide", Setting.MAINTENANCE),
    ("ixazomib maintenance", "single-agent ixazomib", Setting.MAINTENANCE),
    ("Dara-R", "daratumumab and lenalidomide", Setting.MAINTENANCE),
    ("teclistamab", "bispecific antibody", Setting.RELAPSED_REFRACTORY),
    ("talquetamab", "bispecific antibody", Setting.RELAPSED_REFRACTORY),
    ("elranatamab", "bispecific antibody", Setting.RELAPSED_REFRACTORY),
    ("ide-cel", "idecabtagene vicleucel", Setting.RELAPSED_REFRACTORY),
    ("cilta-cel", "ciltacabtagene autoleucel", Setting.RELAPSED_REFRACTORY),
]


@pytest.fixture(scope="module")
def ev() -> Evidence:
    return load()


def _by_abbreviation(ev: Evidence, abbreviation: str):  # type: ignore[no-untyped-def]
    hits = [r for r in ev.db.regimens if r.abbreviation == abbreviation]
    assert len(hits) == 1, abbreviation
    return hits[0]


@pytest.mark.parametrize(("abbreviation", "words", "setting"), NAMED)
def test_every_named_regimen_has_a_record_with_its_setting(
    ev: Evidence, abbreviation: str, words: str, setting: Setting
) -> None:
    reg = _by_abbreviation(ev, abbreviation)
    assert words in reg.name
    assert setting in [*reg.settings, *reg.described_settings]
    assert reg.components and all(c in ev.drugs for c in reg.components)


@pytest.mark.parametrize(("abbreviation", "words", "setting"), NAMED)
def test_search_finds_the_regimen_by_abbreviation_and_by_name(
    ev: Evidence, abbreviation: str, words: str, setting: Setting
) -> None:
    reg = _by_abbreviation(ev, abbreviation)
    by_abbr = [h.id for h in search(abbreviation, limit=5, kinds=("regimen",))]
    assert reg.id in by_abbr, (abbreviation, by_abbr)
    by_name = [h.id for h in search(reg.name, limit=5, kinds=("regimen",))]
    assert reg.id in by_name, (reg.name, by_name)


def test_search_finds_every_regimen_record_by_abbreviation_and_by_name(ev: Evidence) -> None:
    """Not only the named list: every regimen of the data is found under both."""
    misses = []
    for reg in ev.db.regimens:
        for query in (reg.abbreviation, reg.name):
            ids = [h.id for h in search(query, limit=5, kinds=("regimen",))]
            if reg.id not in ids:
                misses.append((reg.id, query, ids))
    assert len(ev.db.regimens) > 45
    assert misses == []


def test_maia_supports_drd_and_is_a_comparator_under_rd(ev: Evidence) -> None:
    maia = ev.trials["nct02252172"]
    assert maia.name == "MAIA"
    assert maia.regimens == ["drd"]
    assert maia.comparator_regimens == ["rd"]
    drd = {(e.trial, e.role) for e in ev.regimens["drd"].evidence}
    rd = {(e.trial, e.role) for e in ev.regimens["rd"].evidence}
    assert ("nct02252172", "favoured") in drd
    assert ("nct02252172", "comparator") in rd
    assert ("nct02252172", "favoured") not in rd
    # DRd cites more than POLLUX now, and MAIA's findings hang under DRd only.
    assert {"nct02252172", "nct02076009"} <= {t for t, _ in drd}
    for f in ev.findings_of_trial("nct02252172"):
        assert "rd" not in f.regimens and "drd" in f.regimens


def test_vd_is_a_comparator_of_the_trials_it_lost(ev: Evidence) -> None:
    roles = {e.trial: e.role for e in ev.regimens["vd"].evidence}
    for lost in ("nct02136134", "nct01568866", "relapsed-ref86", "relapsed-ref56"):
        assert roles[lost] == "comparator"
        assert "vd" not in ev.trials[lost].regimens


def test_arm_roles_agree_between_regimens_and_trials(ev: Evidence) -> None:
    seen = 0
    for reg in ev.db.regimens:
        for e in reg.evidence:
            trial = ev.trials[e.trial]
            if e.role == "comparator":
                assert reg.id in trial.comparator_regimens
                assert reg.id not in trial.regimens
            else:
                assert reg.id in trial.regimens
            seen += 1
    for trial in ev.db.trials:
        assert not set(trial.regimens) & set(trial.comparator_regimens), trial.id
        for rid in trial.comparator_regimens:
            assert any(e.trial == trial.id for e in ev.regimens[rid].evidence)
        # and the other way: an arm a trial supports lists the trial with a non-losing role
        for rid in trial.regimens:
            roles = [e.role for e in ev.regimens[rid].evidence if e.trial == trial.id]
            assert roles and "comparator" not in roles, (trial.id, rid)
    assert seen >= 60


def test_a_finding_names_its_trials_winning_arm_with_any_losing_arm(ev: Evidence) -> None:
    """A finding linked to the arm that lost names the arm that won too (ANDROMEDA's CR rate
    had named only CyBorD, FIRST's OS only MPT), and names no regimen its trial did not test
    (Myeloma XI's high-risk analysis had named KRd, from ATLAS's sentence)."""
    checked = 0
    for f in ev.db.findings:
        trial = ev.trials.get(f.trial) if f.trial else None
        if trial is None:
            continue
        arms = {*trial.regimens, *trial.comparator_regimens}
        assert set(f.regimens) <= arms, (f.id, f.regimens)
        if set(f.regimens) & set(trial.comparator_regimens):
            assert set(trial.regimens) <= set(f.regimens), f.id
            checked += 1
    assert checked >= 5


def test_arms_that_lost_are_not_cited_as_support(ev: Evidence) -> None:
    """Cepheus (D-VRd won), GEM2005 (VMP won), OPTIMUM (against an historical KCRD control):
    the losing arm is a comparator, not a supporting study of its option."""
    assert ev.trials["myeloma-ref69"].comparator_regimens == ["vrd"]
    assert ev.trials["relapsed-ref25"].comparator_regimens == ["vtp"]
    assert ev.trials["nct03188172"].comparator_regimens == ["kcrd"]
    assert "krd" not in ev.trials["nct01554852"].regimens  # that sentence is ATLAS's [138]


def test_mixed_result_is_not_shown_as_a_win(ev: Evidence) -> None:
    bellini = {e.trial: e for e in ev.regimens["ven-vd"].evidence}
    assert bellini["nct02755597"].role == "mixed"
    assert bellini["nct02755597"].note and "OS" in bellini["nct02755597"].note


_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4}


def test_prior_line_bounds_are_the_words_the_pdq_states(ev: Evidence) -> None:
    bounded = [r for r in ev.db.regimens if r.min_prior_lines is not None]
    assert {r.id for r in bounded} >= {"teclistamab", "ide-cel", "cilta-cel"}
    for reg in bounded:
        assert reg.population and reg.definition
        pop = reg.population
        m = re.search(r"(one|two|three|four) to (one|two|three|four) prior", pop)
        if m:
            assert (_WORDS[m.group(1)], _WORDS[m.group(2)]) == (
                reg.min_prior_lines,
                reg.max_prior_lines,
            )
        else:
            m = re.search(r"at least (one|two|three|four) prior", pop)
            assert m and _WORDS[m.group(1)] == reg.min_prior_lines
            assert reg.max_prior_lines is None
        # the bound is the PDQ's: its number word stands before "prior" in the quoted sentence
        sentence = re.sub(r"\s+", " ", reg.definition.text)
        for word in m.groups():
            assert re.search(rf"\b{word}\b[^.]{{0,20}}prior", sentence), (reg.id, word)


def test_regimen_definitions_are_quoted_from_the_pdq(ev: Evidence) -> None:
    from myeloma_desk.reference import pdq

    text = re.sub(r"\s+", " ", " ".join(p.text for p in pdq.paragraphs()))
    for reg in ev.db.regimens:
        if reg.definition is not None:
            assert re.sub(r"\s+", " ", reg.definition.text) in text, reg.id


def test_every_stated_population_is_the_pdqs_words(ev: Evidence) -> None:
    """A regimen's population (shown beside the option as who it is for) is the PDQ's wording:
    verbatim in its defining sentence, or restated from it (every word of six letters or more
    is the sentence's: "who received at last four prior" becomes "after at least four prior")."""
    with_population = [r for r in ev.db.regimens if r.population]
    assert "dara-cybord" in {r.id for r in with_population}
    for reg in with_population:
        assert reg.population and reg.definition, reg.id
        sentence = reg.definition.text
        if reg.id == "dara-cybord":
            assert reg.population in sentence
        words = re.findall(r"[A-Za-z-]{6,}", reg.population)
        assert words and all(w in sentence for w in words), reg.id
