"""What the diagnosis and myeloma-defining-event texts say reads as words, never as field or
event ids (a clinician read "not assessed: renal_insufficiency" and "needs age_years")."""

from __future__ import annotations

import re

from myeloma_desk.domain.engine import assess
from myeloma_desk.domain.snapshot import parse_snapshot

SNAKE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")


def _texts() -> list[str]:
    snapshot = parse_snapshot(
        {
            "serum_m_protein": {"value": 3.5, "unit": "g/dL"},
            "bone_marrow_plasma_cells_percent": {"value": 20, "unit": "%"},
            "creatinine": {"value": 1.0, "unit": "mg/dL"},
        }
    )
    out: list[str] = []
    for result in assess(snapshot).results:
        if result.rule in ("diagnosis", "myeloma_defining_events"):
            out += [c.name for c in result.criteria] + [c.value or "" for c in result.criteria]
            # detail holds interchange codes (machine fields); its notes are text
            out += [str(n) for n in result.detail.get("notes", [])]
    return out


def test_unassessed_events_and_cockcroft_gault_needs_are_in_words() -> None:
    texts = _texts()
    joined = " | ".join(texts)
    assert "not assessed: hypercalcemia, renal insufficiency, anemia, bone lesions" in joined
    assert "Cockcroft–Gault needs age (years), weight, sex" in joined
    assert "see Myeloma-defining events" in joined
    assert [t for t in texts if SNAKE.search(t)] == []


def test_poems_features_are_listed_by_their_names() -> None:
    from myeloma_desk.domain.criteria.diagnosis.poems import poems

    snapshot = parse_snapshot(
        {"poems": {"polyneuropathy": True, "sclerotic_bone_lesions": True, "castleman": False}}
    )
    _status, rows = poems(snapshot, True)
    values = {name.partition(" (")[0]: value for name, _met, value in rows}
    assert values["POEMS major"] == "sclerotic bone lesions"
    assert "thrombocytosis or polycythemia" in values["POEMS minor"]
    assert [v for v in values.values() if SNAKE.search(v)] == []


def test_every_drug_class_has_a_clinician_label() -> None:
    from myeloma_desk.domain.drugs import DrugClass, class_label

    labels = [class_label(c) for c in DrugClass]
    assert class_label(DrugClass.BCMA_ADC) == "BCMA antibody–drug conjugate"
    assert len(set(labels)) == len(labels)
    assert [t for t in labels if SNAKE.search(t)] == []
