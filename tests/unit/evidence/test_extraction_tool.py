"""The curated YAML is the one source: the bundle is compiled from it, the loader validates it,
and tools/extract_evidence.py drafts a diff against a newer PDQ edition."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from myeloma_desk.evidence.loader import (
    BUNDLE,
    EvidenceError,
    compile_bundle,
    validate,
    yaml_data,
)
from myeloma_desk.reference import pdq

ROOT = Path(__file__).resolve().parents[3]
TOOL = ROOT / "tools" / "extract_evidence.py"


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extract_evidence", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their annotations through it
    spec.loader.exec_module(module)
    return module


def test_bundle_is_exactly_the_compiled_yaml() -> None:
    bundle = (ROOT / "resources" / "evidence" / BUNDLE).read_text(encoding="utf-8")
    assert bundle == compile_bundle()
    out = subprocess.run(
        [sys.executable, str(TOOL), "build", "--check"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_no_clinical_data_as_python_literals() -> None:
    """The curation modules are gone; the tool reads only the YAML and the PDQ text."""
    assert not list((ROOT / "tools").glob("evidence_curation*.py"))
    source = TOOL.read_text(encoding="utf-8")
    for number in ("0.42", "84.3%", "47.5 months", "NCT0"):
        assert number not in source


def _data() -> dict[str, Any]:
    return yaml_data()


def test_a_broken_link_fails_validation_with_the_record_named() -> None:
    data = _data()
    data["findings"][0] = {**data["findings"][0], "trial": "no-such-trial"}
    with pytest.raises(ValueError, match="no-such-trial"):
        validate(data)


def test_a_note_missing_from_the_errata_list_fails_validation() -> None:
    data = _data()
    data["findings"][0] = {**data["findings"][0], "errata": ["a note nobody listed"]}
    with pytest.raises(ValueError, match="not in the errata list"):
        validate(data)


def test_duplicate_ids_and_unknown_fields_fail_validation() -> None:
    data = _data()
    data["findings"].append(dict(data["findings"][0]))
    with pytest.raises(ValueError, match="duplicate finding id"):
        validate(data)
    data = _data()
    data["trials"][0] = {**data["trials"][0], "nmae": "typo"}
    with pytest.raises(ValueError, match="nmae"):
        validate(data)


def test_compile_refuses_data_that_do_not_validate(monkeypatch: pytest.MonkeyPatch) -> None:
    import myeloma_desk.evidence.loader as loader

    broken = _data()
    broken["regimens"][0] = {**broken["regimens"][0], "components": ["no-such-drug"]}
    monkeypatch.setattr(loader, "yaml_data", lambda: broken)
    with pytest.raises(EvidenceError, match="no-such-drug"):
        loader.compile_bundle()


# ---------------------------------------------------------------------------------------------
# the edition diff, on a changed copy of the bundled text

CHANGED_FROM = "the 4-year PFS rate was 84.3% in the D-VRd group"
CHANGED_TO = "the 4-year PFS rate was 84.8% in the D-VRd group"
REMOVED = (
    "More than 6 months after completion of bortezomib induction therapy, bortezomib can be "
    "given again with a 40% overall response rate, according to a meta-analysis of 23 phase II "
    "studies."
)
ADDED = (
    "In a newer randomized trial, PFS favored the quadruplet group (HR, 0.61; 95% CI, "
    "0.50–0.74; P < .001)."
)
ANCHOR = "Skin-related events and dysgeusia occurred in 60% to 70% of patients."


def _changed_text() -> str:
    raw = pdq.read_text()
    assert raw.count(CHANGED_FROM) == 1 and raw.count(REMOVED) == 1 and raw.count(ANCHOR) == 1
    raw = raw.replace(CHANGED_FROM, CHANGED_TO)
    raw = raw.replace(REMOVED, "")
    return raw.replace(ANCHOR, f"{ANCHOR}\n{ADDED}")


def _keyed(changes: list[Any]) -> set[tuple[str, str | None, str | None]]:
    return {(c.kind, c.old, c.new) for c in changes}


def test_diff_finds_the_changed_number_the_new_and_the_removed_sentence(
    tool: ModuleType,
) -> None:
    db = validate(_data())
    base = tool.diff(db, pdq.paragraphs())
    changed = tool.diff(db, pdq.parse(_changed_text()))
    extra = [c for c in changed if (c.kind, c.old, c.new) not in _keyed(base)]
    kinds = sorted(c.kind for c in extra)
    assert kinds == ["changed", "new", "removed"], [(c.kind, c.old, c.new) for c in extra]
    by_kind = {c.kind: c for c in extra}

    number = by_kind["changed"]
    assert number.records == ["myeloma-001"]
    assert CHANGED_FROM in (number.old or "") and CHANGED_TO in (number.new or "")
    assert (number.numbers_removed, number.numbers_added) == (["84.3%"], ["84.8%"])
    assert any("values[0].value = 84.3%" in f for f in number.fields), number.fields

    gone = by_kind["removed"]
    # the finding and its study record (the meta-analysis is described by that one sentence)
    assert gone.records == ["relapsed-010", "relapsed-ref22"] and REMOVED in (gone.old or "")

    new = by_kind["new"]
    assert new.section == "relapsed" and new.new == ADDED
    assert new.draft["hr"] == "0.61"
    assert new.draft["ci"] == {"level": "95%", "low": "0.50", "high": "0.74"}
    assert new.draft["p"] == "< .001" and new.draft["endpoint"] == "progression-free survival"
    assert new.draft["level_of_evidence"] is None


def test_diff_command_line(tmp_path: Path) -> None:
    newer = tmp_path / "pdq-newer.txt"
    newer.write_text(_changed_text(), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(TOOL), "diff", str(newer)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "84.8%" in out.stdout and "relapsed-010" in out.stdout and "0.61" in out.stdout
    bad = tmp_path / "not-pdq.txt"
    bad.write_text("hello", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(TOOL), "diff", str(bad)], capture_output=True, text=True
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr
