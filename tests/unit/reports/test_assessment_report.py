"""assessment_report: the one path from a snapshot to a report (CLI, patient page, visit form)."""

from __future__ import annotations

import pytest

from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.evidence import EVIDENCE_VERSION
from myeloma_desk.reports import build

SNAPSHOT = {
    "date": "2025-03-10",
    "beta2_microglobulin": {"value": 6.0, "unit": "mg/L"},
    "albumin": {"value": 30, "unit": "g/L"},
    "therapy_lines": [
        {
            "regimen": "VRd",
            "drugs": ["bortezomib", "lenalidomide", "dexamethasone"],
            "start": "2024-06-10",
            "end": "2024-12-01",
            "refractory": True,
        }
    ],
}


def test_report_carries_assessment_and_evidence_versions() -> None:
    doc = build.assessment_report(parse_snapshot(SNAPSHOT), page_size="Letter")
    assert doc.page_size == "Letter"
    assert doc.evidence_version == EVIDENCE_VERSION
    iss = next(section for section in doc.results if section.rule == "iss")
    assert iss.result == "III"  # β2-microglobulin 6.0 mg/L
    # Refractory to a VRd component: the options the PDQ describes are listed for relapse.
    assert doc.options is not None


def test_evidence_failure_is_said_in_the_report(monkeypatch: pytest.MonkeyPatch) -> None:
    from myeloma_desk.evidence import options as evidence_options
    from myeloma_desk.evidence.loader import EvidenceError

    def broken(*_args: object, **_kwargs: object) -> None:
        raise EvidenceError("database file missing")

    monkeypatch.setattr(evidence_options, "options_for", broken)
    doc = build.assessment_report(parse_snapshot(SNAPSHOT))
    assert doc.options is None
    assert any("database file missing" in note for note in doc.options_notes)
