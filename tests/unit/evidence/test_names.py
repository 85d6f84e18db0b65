"""Every trial has a human display name; never its NCT id or an internal id."""

from __future__ import annotations

import re

from myeloma_desk.evidence.loader import Evidence, load
from myeloma_desk.evidence.names import trial_display_name
from myeloma_desk.evidence.schema import Trial


def test_named_trials_keep_their_name() -> None:
    ev = load()
    assert trial_display_name(ev.trials["nct02252172"]) == "MAIA"
    assert trial_display_name(ev.trials["relapsed-ref55"]) == "MagnetisMM-3"


def test_unnamed_trials_are_described_not_numbered() -> None:
    ev = load()
    name = trial_display_name(ev.trials["nct03319667"])
    assert name.startswith("Randomized trial: I-VRd vs VRd")
    assert "446 patients" in name
    assert trial_display_name(ev.trials["nct03145181"]).startswith("Phase I/II study: teclistamab")


def test_no_display_name_is_an_id() -> None:
    ev = load()
    names = [trial_display_name(t) for t in ev.db.trials]
    for t, name in zip(ev.db.trials, names, strict=True):
        assert name and not re.search(r"NCT\d{8}", name, re.I), t.id
        assert t.id not in name and "_" not in name, t.id
        assert not re.search(r"\b[a-z]+-(?:ref|study)-?\d+\b", name), name


def test_nonrandomized_is_not_called_randomized() -> None:
    ev = load()
    for t in ev.db.trials:
        if t.name is None and "nonrandomized" in (t.design or ""):
            assert trial_display_name(t).startswith("Nonrandomized study")


# A trial name as reference titles print one: in parentheses, "(CANDOR)", "(MRC Myeloma IX)",
# "(A.R.R.O.W.)", or before "trial"/"study", "the phase 3 Dreamm-7 trial", "HOVON-50 multiple
# myeloma study", "the BMT CTN 0702 Trial". A name has a word of three or more capitals or a
# hyphenated code with a digit; roman numerals ("phase III"), regimen abbreviations and drug
# short names ("DARA") are not.
_PAREN = re.compile(r"\(([A-Z][A-Za-z0-9.\- ]*)\)")
_BEFORE_TRIAL = re.compile(
    r"\b((?:[A-Z][A-Za-z]*-[A-Za-z0-9]+|[A-Z]{3,}[0-9]*)(?: [A-Z0-9][A-Za-z0-9]*)*)"
    r"(?: phase (?:\d|III?))?(?: multiple myeloma)? (?:[Tt]rial|[Ss]tudy)\b"
)


def _looks_like_a_name(text: str, abbreviations: set[str]) -> bool:
    if text.casefold() in abbreviations or re.fullmatch(r"[IVX]+", text):
        return False
    words = text.replace("-", " ").split()
    return any(re.fullmatch(r"[A-Z.]{3,}[0-9]*", w) for w in words) or bool(
        re.search(r"[A-Za-z]-\d|[A-Z]{2,}\d|[A-Z]-[A-Z]", text)
    )


def _names_in_titles(ev: Evidence, trial: Trial) -> set[str]:
    abbreviations = (
        {r.abbreviation.casefold() for r in ev.db.regimens}
        | {s.casefold() for r in ev.db.regimens for s in r.synonyms}
        | {s.casefold() for d in ev.db.drugs for s in [d.name, *d.synonyms]}
    )
    cited = [n for f in ev.findings_of_trial(trial.id) for n in f.references]
    numbers = {*trial.references, *cited}
    found: set[str] = set()
    for n in numbers:
        title = ev.references[(trial.section, n)].citation
        for m in [*_PAREN.finditer(title), *_BEFORE_TRIAL.finditer(title)]:
            # "Phase III Myeloma X Trial", "the TOURMALINE-MM1 Phase III Trial"
            name = re.sub(r"^(?:[IVX]+ )+| Phase [IVX\d]+$", "", m.group(1))
            if _looks_like_a_name(name, abbreviations):
                found.add(name)
    return found


def test_every_trial_the_pdq_names_in_a_reference_title_has_that_name() -> None:
    """Census by rule: where a reference the trial (or its result) cites names a trial, the
    record carries that name, or the name belongs to another trial record (Myeloma XI's record
    cites the ATLAS paper for the KRd maintenance sentence)."""
    ev = load()
    all_names = {t.name.casefold() for t in ev.db.trials if t.name}
    for trial in ev.db.trials:
        names = {n.casefold() for n in _names_in_titles(ev, trial)}
        if not names:
            continue
        assert trial.name, (trial.id, names)
        own = trial.name.casefold() in names
        assert own or names <= all_names, (trial.id, trial.name, names)


def test_the_name_rule_finds_the_names_of_the_reference_list() -> None:
    ev = load()
    assert "Dreamm-7" in _names_in_titles(ev, ev.trials["nct04246047"])
    assert "CARTITUDE-4" in _names_in_titles(ev, ev.trials["nct04181827"])
    assert "HOVON-50" in _names_in_titles(ev, ev.trials["myeloma-ref118"])
    assert "BMT CTN 0702" in _names_in_titles(ev, ev.trials["myeloma-ref106"])
    assert "MRC Myeloma IX" in _names_in_titles(ev, ev.trials["myeloma-ref147"])
    assert not _names_in_titles(ev, ev.trials["nct00103506"])  # "Randomized phase III study"


def test_trials_named_only_in_the_reference_list_print_their_name() -> None:
    ev = load()
    for tid, name in [
        ("nct04246047", "DREAMM-7"),
        ("nct04181827", "CARTITUDE-4"),
        ("relapsed-ref33", "TOURMALINE-MM1"),
        ("relapsed-study-1", "IKEMA"),
        ("myeloma-ref75", "ENDURANCE"),
        ("nct03201965", "ANDROMEDA"),
    ]:
        assert trial_display_name(ev.trials[tid]) == name


def test_options_name_every_study_the_pdq_names() -> None:
    """The options list (what the CLI, the regimen view and the report print) carries each
    study's printed label: its PDQ name where there is one, never a bare NCT number."""
    from myeloma_desk.evidence.options import _studies

    ev = load()
    studies = _studies(ev, list(ev.db.trials))
    for trial, study in zip(ev.db.trials, studies, strict=True):
        assert study.label and not re.search(r"NCT\d{8}", study.label), trial.id
        if trial.name:
            assert study.name == trial.name and study.label == trial.name


def test_names_the_pdq_never_gives_are_not_used() -> None:
    # real names of trials the bundled text describes without naming them (checked by grep
    # of the text: none of these strings occurs in it)
    from myeloma_desk.reference.pdq import read_text

    text = read_text().casefold()
    unnamed = ["MajesTEC-1", "STORM", "MonumenTAL-1", "TOURMALINE-MM2", "DREAMM-8", "PERSEUS"]
    names = {t.name for t in load().db.trials}
    for name in unnamed:
        assert name.casefold() not in text
        assert name not in names
