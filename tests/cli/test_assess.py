"""`myeloma-desk assess` and `myeloma-desk schema`: the outside fixed by
assessment-interchange.md (JSON shape, exit codes, one message per field on stderr)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from myeloma_desk.cli import main

SNAPSHOTS = Path(__file__).parents[1] / "data" / "snapshots"
SMM = SNAPSHOTS / "smoldering-igg-kappa.json"
MM = SNAPSHOTS / "active-myeloma-iss3.json"


def results(out: str) -> dict[str, dict]:
    payload = json.loads(out)
    assert set(payload) == {"engine_version", "evidence_version", "results"}
    return {r["rule"]: r for r in payload["results"]}


def test_assess_json_worked_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(SMM), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    by_rule = results(captured.out)
    assert by_rule["diagnosis"]["result"] == "smoldering_multiple_myeloma"
    assert by_rule["myeloma_defining_events"]["result"] == []
    assert by_rule["iss"]["result"] == "I"
    assert by_rule["r_iss"]["result"] == "II"  # t(4;14)
    assert by_rule["r2_iss"]["result"] == "II"
    assert by_rule["r2_iss"]["detail"]["points"] == 1.0
    assert by_rule["cytogenetic_risk_pdq"]["result"] == "high"
    assert by_rule["high_risk_ims_imwg"]["result"] == "standard_risk"
    # involved κ 250 mg/L / λ 10 mg/L = 25; M 3.5 g/dL; BMPC 25%: 20/2/20 high
    assert by_rule["smm_risk_20_2_20"]["result"] == "high"
    # IMWG 2020: FLC 25 → 2, M 3.5 → 4, BMPC 25 → 3, t(4;14) → 2 = 11 points: intermediate
    assert by_rule["smm_risk_imwg_2020"]["result"] == "intermediate"
    assert by_rule["smm_risk_imwg_2020"]["detail"]["points"] == 11
    assert by_rule["smm_risk_pdq_four_factor"]["result"] == "high"
    assert by_rule["mgus_risk_mayo"]["status"] == "not_applicable"
    for r in by_rule.values():
        assert {"rule", "status", "result", "detail", "criteria", "missing", "sources"} <= set(r)


def test_assess_default_format_is_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(MM)]) == 0
    by_rule = results(capsys.readouterr().out)
    assert by_rule["diagnosis"]["result"] == "active_multiple_myeloma"
    assert by_rule["r_iss"]["result"] == "III"
    assert by_rule["r2_iss"]["result"] == "IV"


def test_assess_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(MM), "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "Diagnosis (IMWG 2014" in out
    assert "result: Active multiple myeloma" in out
    assert "[met] ≥ 1 myeloma-defining event" in out
    assert "anemia (8.7 g/dL (< 10 g/dL))" in out
    assert "sources: Rajkumar 2014 Lancet Oncol" in out
    assert "[not met] t(4;14) (1 point)" in out


def test_assess_text_shows_missing_and_assumptions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"beta2_microglobulin": {"value": 2, "unit": "mg/L"}}))
    assert main(["assess", str(path), "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "status: cannot be determined" in out
    assert "missing: Albumin (albumin)" in out
    # detail in words: no identifier of the engine's own ("zoster_prophylaxis") in the text
    assert "not assessed: zoster prophylaxis: therapy lines;" in out
    assert "assumption: " in out


def test_assess_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(SMM.read_text(encoding="utf-8")))
    assert main(["assess", "-"]) == 0
    assert results(capsys.readouterr().out)["diagnosis"]["result"] == "smoldering_multiple_myeloma"


def test_assess_invalid_input_one_message_per_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "albumin": {"value": 35, "unit": "g/dL"},
                "calcium": {"value": 10, "unit": "mg/L"},
                "bone_marrow_plasma_cells_percent": 120,
                "creatinine": {"value": -1, "unit": "mg/dL"},
                "spleen": True,
            }
        )
    )
    assert main(["assess", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 5
    by_field = dict(line.split(": ", 1) for line in lines)
    assert "check the unit" in by_field["albumin"]
    assert "mg/dL, mmol/L" in by_field["calcium"]
    assert "plausible range 0–100" in by_field["bone_marrow_plasma_cells_percent"]
    assert "negative" in by_field["creatinine"]
    assert "unknown field" in by_field["spleen"]


@pytest.mark.parametrize("text", ["{not json", "[1, 2]"])
def test_assess_not_an_object(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    assert main(["assess", str(path)]) == 2
    assert capsys.readouterr().err.startswith("snapshot: ")


def test_assess_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_schema_lists_units(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    props = schema["properties"]
    assert props["creatinine"]["x-accepted-units"] == ["mg/dL", "µmol/L", "umol/L"]
    assert props["beta2_microglobulin"]["x-canonical-unit"] == "mg/L"
    assert "nmol/L" in props["beta2_microglobulin"]["x-accepted-units"]
    assert props["albumin"]["x-plausible-range"] == [0.5, 7.0]
    assert "fish" in props and "igm_related_findings" in props
    assert schema["additionalProperties"] is False


def test_assess_subprocess() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "myeloma_desk", "assess", str(SMM), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert results(done.stdout)["diagnosis"]["result"] == "smoldering_multiple_myeloma"
    bad = subprocess.run(
        [sys.executable, "-m", "myeloma_desk", "assess", "-"],
        input='{"albumin": {"value": 3, "unit": "mg"}}',
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("albumin: unit 'mg' is not accepted")


def test_evidence_version(monkeypatch: pytest.MonkeyPatch) -> None:
    import myeloma_desk.evidence as evidence
    from myeloma_desk.cli.assess import evidence_version

    monkeypatch.delattr(evidence, "EVIDENCE_VERSION", raising=False)
    assert evidence_version() == "unavailable"
    monkeypatch.setattr(evidence, "EVIDENCE_VERSION", "pdq-2025-04-25.1", raising=False)
    assert evidence_version() == "pdq-2025-04-25.1"
