"""Every trial has a human display name; never its NCT id or an internal id."""

from __future__ import annotations

import re

from myeloma_desk.evidence.loader import load
from myeloma_desk.evidence.names import trial_display_name


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
