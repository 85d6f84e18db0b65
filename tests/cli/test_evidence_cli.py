"""``myeloma-desk evidence`` subcommands (run in-process through cli.main)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from myeloma_desk.cli import main
from myeloma_desk.evidence import EVIDENCE_VERSION, PDQ_DATE


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_search_text_shows_versions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "evidence", "search", "dara", "--limit", "3")
    assert code == 0
    assert EVIDENCE_VERSION in out and PDQ_DATE in out
    assert "daratumumab" in out


def test_search_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "evidence", "search", "GRIFFIN", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["evidence_version"] == EVIDENCE_VERSION and data["pdq_date"] == PDQ_DATE
    assert any(r["id"] == "nct02874742" for r in data["results"])
    assert len(data["results"]) <= 10


def test_search_hostile_query(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "evidence", "search", '"(', "*", "--format", "json")
    assert code == 0
    assert json.loads(out)["results"] == []


def test_show_finding_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "evidence", "show", "myeloma-001")
    assert code == 0
    assert "Level of evidence B1" in out and "[56]" in out and "Sonneveld" in out
    code, out, _ = _run(capsys, "evidence", "show", "VRd", "--format", "json")
    data = json.loads(out)
    assert data["kind"] == "regimen" and data["record"]["abbreviation"] == "VRd"


def test_show_pdq_paragraph_and_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "evidence", "show", "pdq-5", "--format", "json")
    assert code == 0 and json.loads(out)["kind"] == "pdq"
    code, _, err = _run(capsys, "evidence", "show", "no-such-record")
    assert code == 1 and "no record" in err


def test_export_is_the_whole_database(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "evidence", "export", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["schema"] == "myeloma-desk-evidence/1"
    assert data["evidence_version"] == EVIDENCE_VERSION and data["pdq_date"] == PDQ_DATE
    # one finding per level-of-evidence marker (105) plus the result sentences without one
    assert len([f for f in data["findings"] if f["marker"]]) == 105
    assert len(data["findings"]) > 105
    assert len(data["references"]) == 397
    for key in ("drugs", "regimens", "trials", "key_references", "doses", "errata", "levels"):
        assert data[key]


def test_options_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = tmp_path / "s.json"
    snap.write_text(json.dumps({"age_years": 70, "fish": []}), encoding="utf-8")
    code, out, _ = _run(capsys, "evidence", "options", str(snap), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["heading"] == "Options described in the PDQ"
    assert data["evidence_version"] == EVIDENCE_VERSION
    code, out, _ = _run(capsys, "evidence", "options", str(snap))
    assert code == 0 and "Options described in the PDQ" in out and PDQ_DATE in out


def test_options_invalid_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = _run(capsys, "evidence", "options", str(bad))
    assert code == 2 and "not valid JSON" in err
    bad.write_text(json.dumps({"age_years": -5}), encoding="utf-8")
    code, _, err = _run(capsys, "evidence", "options", str(bad))
    assert code == 2 and "age_years" in err
    code, _, err = _run(capsys, "evidence", "options", str(tmp_path / "missing.json"))
    assert code == 2


def test_options_with_chosen_setting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = tmp_path / "s.json"
    snap.write_text(json.dumps({"fish": ["t(11;14)"]}), encoding="utf-8")
    code, out, _ = _run(
        capsys,
        "evidence",
        "options",
        str(snap),
        "--setting",
        "relapsed_or_refractory",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0 and data["settings"] == ["relapsed_or_refractory"]
    assert any(f["code"] == "t11_14" for f in data["flags"])
