"""Trend data from dated snapshots and the QPainter chart."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from myeloma_desk.domain.engine import rules
from myeloma_desk.domain.snapshot import parse_snapshot
from myeloma_desk.ui.models.trends import trend_data
from myeloma_desk.ui.widgets.trend_chart import TrendChart, _nice_ticks


def _course() -> dict[str, object]:
    return {
        "date": "2025-03-01",
        "m_protein_light_chain": "kappa",
        "serum_m_protein": {"value": 0.4, "unit": "g/dL"},
        "free_kappa": {"value": 30, "unit": "mg/L"},
        "free_lambda": {"value": 10, "unit": "mg/L"},
        "creatinine": {"value": 97.262, "unit": "µmol/L"},
        "history": [
            {
                "date": "2025-01-01",
                "serum_m_protein": {"value": 3.0, "unit": "g/dL"},
                "free_kappa": {"value": 40, "unit": "mg/dL"},
                "free_lambda": {"value": 10, "unit": "mg/L"},
                "hemoglobin": {"value": 95, "unit": "g/L"},
            },
            {"date": "2025-02-01", "serum_m_protein": {"value": 1.2, "unit": "g/dL"}},
        ],
    }


def test_series_in_canonical_units_oldest_first() -> None:
    data = trend_data(parse_snapshot(_course()))
    by_key = {s.key: s for s in data.series}
    assert by_key["serum_m_protein"].points == [
        (dt.date(2025, 1, 1), 3.0),
        (dt.date(2025, 2, 1), 1.2),
        (dt.date(2025, 3, 1), 0.4),
    ]
    assert by_key["involved_flc"].label == "Involved FLC (kappa)"
    assert by_key["involved_flc"].points == [
        (dt.date(2025, 1, 1), 400.0),
        (dt.date(2025, 3, 1), 30.0),
    ]
    assert by_key["flc_ratio"].points == [(dt.date(2025, 1, 1), 40.0), (dt.date(2025, 3, 1), 3.0)]
    assert by_key["creatinine"].points == [(dt.date(2025, 3, 1), 1.1)]
    assert by_key["hemoglobin"].points == [(dt.date(2025, 1, 1), 9.5)]


def test_responses_marked_when_the_engine_has_the_rule() -> None:
    data = trend_data(parse_snapshot(_course()))
    if "response_imwg" in {r.id for r in rules()}:
        dates = [d for d, _ in data.responses]
        assert dt.date(2025, 3, 1) in dates
        assert all(c in {"sCR", "CR", "VGPR", "PR", "MR", "SD", "PD"} for _, c in data.responses)
    else:
        assert data.responses == []


def test_chart_paints_and_describes(qtbot: QtBot) -> None:
    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.resize(800, 520)
    assert "No dated values" in chart.describe()
    chart.set_data(trend_data(parse_snapshot(_course())))
    image = chart.grab().toImage()
    assert not image.isNull() and image.width() == 800
    colours = {image.pixel(x, y) for x in range(0, 800, 7) for y in range(0, 520, 7)}
    assert len(colours) > 3  # something was drawn beyond the background
    text = chart.accessibleDescription()
    assert "Serum M-protein: 2025-01-01 3 g/dL, 2025-02-01 1.2 g/dL, 2025-03-01 0.4 g/dL" in text


def test_nice_ticks() -> None:
    assert _nice_ticks(0, 10) == [0, 2.5, 5, 7.5, 10]
    assert _nice_ticks(0, 3.3) == [0, 1, 2, 3]
    assert _nice_ticks(1, 1) == [1]


def test_unknown_light_chain_draws_both_chains() -> None:
    data = dict(_course())
    del data["m_protein_light_chain"]
    keys = [s.key for s in trend_data(parse_snapshot(data)).series]
    assert "involved_flc" not in keys and {"free_kappa", "free_lambda"} <= set(keys)
