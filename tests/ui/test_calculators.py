"""Calculators: one per engine rule, forms from the declarative table, live explanation."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from myeloma_desk.domain.engine import rules
from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views import calculators_view
from myeloma_desk.ui.views.calculators_view import (
    CALCULATOR_INPUTS,
    Calculator,
    CalculatorsView,
    calculator_inputs,
)
from myeloma_desk.ui.views.reference_view import ReferenceView
from myeloma_desk.ui.widgets.fields import QuantityEditor, field_def


@pytest.mark.parametrize("rule_id", sorted(CALCULATOR_INPUTS))
def test_every_declared_input_is_a_snapshot_field(rule_id: str) -> None:
    for path in CALCULATOR_INPUTS[rule_id]:
        spec = field_def(path)  # KeyError if the table names a field the snapshot lacks
        assert spec.label
        if spec.kind == "quantity":
            assert spec.choices  # units offered


def test_every_engine_rule_has_a_calculator(qtbot: QtBot) -> None:
    view = CalculatorsView()
    qtbot.addWidget(view)
    assert view.rule_ids() == [r.id for r in rules()]
    for rule_id in view.rule_ids():
        assert calculator_inputs(rule_id), rule_id


def test_undeclared_rule_gets_inputs_from_what_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(calculators_view.CALCULATOR_INPUTS, "iss")
    assert calculator_inputs("iss") == ("beta2_microglobulin", "albumin")
    assert calculator_inputs("no_such_rule") == ()


def _set(calc: Calculator, path: str, text: str, unit: str | None = None) -> None:
    editor = calc.form.editor(path)
    assert isinstance(editor, QuantityEditor)
    if unit is not None:
        editor.unit.setCurrentIndex(editor.unit.findText(unit))
    editor.edit.setText(text)


def test_iss_calculator_computes_and_explains(qtbot: QtBot) -> None:
    view = CalculatorsView()
    qtbot.addWidget(view)
    calc = view.open("iss")
    assert calc.panel.model.index(0, 2).data() == "Cannot be determined"
    _set(calc, "beta2_microglobulin", "3.0")
    result = calc.compute()
    assert result.status == "cannot_determine" and result.missing == ["albumin"]
    _set(calc, "albumin", "40", unit="g/L")  # 4.0 g/dL in another accepted unit
    result = calc.compute()
    assert (result.status, result.result) == ("determined", "I")
    text = calc.panel.detail.toPlainText()
    assert "✓ met: albumin ≥ 3.5 g/dL (stage I) — 40 g/L" in text
    assert "Greipp 2005 J Clin Oncol" in text


def test_calculator_updates_live_after_debounce(qtbot: QtBot) -> None:
    view = CalculatorsView()
    qtbot.addWidget(view)
    calc = view.open("iss")
    _set(calc, "beta2_microglobulin", "6")
    qtbot.waitUntil(lambda: calc.panel.model.index(0, 1).data() == "III", timeout=2000)


def test_implausible_value_message_sits_on_the_field(qtbot: QtBot) -> None:
    view = CalculatorsView()
    qtbot.addWidget(view)
    calc = view.open("iss")
    _set(calc, "beta2_microglobulin", "2")
    _set(calc, "albumin", "35")  # g/L value typed with the g/dL unit
    result = calc.compute()
    message = calc.form.editor("albumin").message_text()
    assert "outside the plausible range" in message and "check the unit" in message
    assert result.status == "cannot_determine" and "albumin" in result.missing
    _set(calc, "albumin", "abc")
    calc.compute()
    assert calc.form.editor("albumin").message_text() == "'abc' is not a number"
    calc.clear_button.click()
    calc.compute()
    assert calc.form.editor("albumin").message_text() == ""


def test_missing_field_not_in_table_is_added(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(calculators_view.CALCULATOR_INPUTS, "iss", ("beta2_microglobulin",))
    view = CalculatorsView()
    qtbot.addWidget(view)
    calc = view.open("iss")
    # the empty form's result says albumin is needed too, so the form grew the field
    assert calc.form.paths() == ["beta2_microglobulin", "albumin"]


@pytest.mark.window_size(1200, 800)
def test_source_link_opens_reference_heading(window: MainWindow, qtbot: QtBot) -> None:
    view = window.show_section_key("calculators")
    assert isinstance(view, CalculatorsView)
    calc = view.open("iss")
    calc.panel.open_link("reference:international-staging-system")
    reference = window.current_page()
    assert isinstance(reference, ReferenceView)
    qtbot.waitExposed(reference)
    reference.go_to("international-staging-system")  # layout settles after first show
    qtbot.waitUntil(lambda: reference.heading_at_top() == "International staging system")


def test_record_fields_expand_for_rules_that_need_them(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from myeloma_desk.ui.widgets.fields import expand_path

    assert expand_path("albumin") == ["albumin"]
    assert expand_path("spinal_lesions") == [
        "spinal_lesions.lytic_spine_lesion",
        "spinal_lesions.paraspinal_plasmacytoma",
        "spinal_lesions.painful_vertebral_destruction",
        "spinal_lesions.cord_compression",
    ]
    lines = expand_path("therapy_lines")
    assert lines[0] == "therapy_lines.0.regimen" and lines[-1] == "therapy_lines.2.phase"
    assert expand_path("no_such_field") == []


def test_calculator_outputs_for_engine_rules(qtbot: QtBot) -> None:
    """A few calculators computed end to end through their forms (values from the criteria
    summary; the engine's own tests cover every boundary)."""
    view = CalculatorsView()
    qtbot.addWidget(view)
    known = set(view.rule_ids())
    cases = {
        # CKD-EPI 2021 and Cockcroft-Gault: (140 − 60) × 72 / (72 × 1.0) = 80.0 mL/min
        "crcl_cockcroft_gault": (
            {
                "creatinine": {"value": 1.0, "unit": "mg/dL"},
                "age_years": 60,
                "sex": "male",
                "weight": {"value": 72, "unit": "kg"},
            },
            "80 mL/min",
        ),
        # IMWG frailty: age 76–80 → 1, Charlson ≥ 2 → 1: total 2 = frail
        "frailty_imwg": (
            {"age_years": 78, "charlson_comorbidity_index": 2, "katz_adl": 6, "lawton_iadl": 8},
            "Frail",
        ),
    }
    for rule_id, (data, shown) in cases.items():
        if rule_id not in known:
            continue
        calc = view.open(rule_id)
        calc.form.set_data(data)
        result = calc.compute()
        assert result.status == "determined", (rule_id, result.missing)
        assert calc.panel.model.index(0, 1).data() == shown


def test_message_lands_on_the_history_entry_that_was_filled(qtbot: QtBot) -> None:
    view = CalculatorsView()
    qtbot.addWidget(view)
    if "response_imwg" not in view.rule_ids():
        pytest.skip("no response rule in this engine")
    calc = view.open("response_imwg")
    _set(calc, "history.1.serum_m_protein", "2.0")  # the earlier entry, without its date
    calc.compute()
    assert "required" in calc.form.editor("history.1.date").message_text()
    assert calc.form.editor("history.0.date").message_text() == ""
