"""Calculators share their inputs: the ISS, R-ISS and R2-ISS on one set of inputs (β2-
microglobulin and albumin entered once), a value entered in one calculator is there in every
other, and each result is shown in an MDCalc-style box (result large, points, survival as the
source gives it, each criterion met or not, what is needed, sources); keyboard usable."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from myeloma_desk.ui.views.calculators_view import (
    STAGING,
    STAGING_RULES,
    Calculator,
    CalculatorsView,
    inputs_of,
)
from myeloma_desk.ui.widgets.fields import MultiEditor, QuantityEditor

NDMM = {
    "beta2_microglobulin": {"value": 4.2, "unit": "mg/L"},
    "albumin": {"value": 31, "unit": "g/L"},
    "ldh": {"value": 260, "unit": "U/L"},
    "ldh_upper_limit": {"value": 225, "unit": "U/L"},
    "fish": ["t(4;14)", "gain1q"],
}


@pytest.fixture
def view(qtbot: QtBot) -> CalculatorsView:
    calculators = CalculatorsView()
    qtbot.addWidget(calculators)
    calculators.resize(1100, 760)
    return calculators


def _quantity(calc: Calculator, path: str) -> QuantityEditor:
    editor = calc.form.editor(path)
    assert isinstance(editor, QuantityEditor)
    return editor


def _shown(calc: Calculator) -> dict[str, str]:
    return {rule: box.value.text() for rule, box in calc.boxes.items()}


def test_staging_comes_first_with_one_set_of_inputs(view: CalculatorsView) -> None:
    assert view.list.item(0).data(Qt.ItemDataRole.UserRole) == STAGING
    staging = view.stack.currentWidget()
    assert isinstance(staging, Calculator) and staging is view.calculators[STAGING]
    assert [r.id for r in staging.rules] == list(STAGING_RULES)
    paths = staging.form.paths()
    assert paths.count("beta2_microglobulin") == 1 and paths.count("albumin") == 1
    assert set(paths) == set(inputs_of(STAGING_RULES))
    assert set(staging.boxes) == set(STAGING_RULES)


def test_the_three_stages_from_one_entry(view: CalculatorsView) -> None:
    staging = view.open_staging()
    staging.form.set_data(NDMM)
    results = {r.rule: r for r in staging.compute_all()}
    assert {k: r.result for k, r in results.items()} == {"iss": "II", "r_iss": "II", "r2_iss": "IV"}
    assert _shown(staging) == {"iss": "II", "r_iss": "II", "r2_iss": "IV"}
    r2 = staging.boxes["r2_iss"].body_text()
    # ISS II 1 + LDH 1 + t(4;14) 1 + 1q gain 0.5 (D'Agostino 2022)
    assert "3.5 points" in r2 and "median overall survival 37.9 months" in r2
    assert "⚠ Points and group cut-offs checked against a published summary" in r2
    assert "✓ t(4;14) (1 point) (met: t(4;14))" in r2
    assert "✗ del(17p) (1 point) (not met" in r2
    assert "Sources: D'Agostino 2022 J Clin Oncol; Greipp 2005 J Clin Oncol" in r2
    r_iss = staging.boxes["r_iss"].body_text()
    assert "median overall survival 83 months · 5-year overall survival 62%" in r_iss
    iss = staging.boxes["iss"].body_text()
    assert "✗ β2-microglobulin ≥ 5.5 mg/L (stage III) (not met: 4.2 mg/L)" in iss
    assert "points" not in iss  # the ISS has no points


@pytest.mark.parametrize(
    ("b2m", "iss", "r_iss", "r2_iss"),
    [
        # β2-microglobulin at the ISS stage III cut-off (≥ 5.5 mg/L, Greipp 2005): below, at, above
        ("5.4", "II", "II", "IV"),
        ("5.5", "III", "III", "IV"),
        ("5.6", "III", "III", "IV"),
    ],
)
def test_stage_iii_boundary_shows_in_every_box(
    view: CalculatorsView, b2m: str, iss: str, r_iss: str, r2_iss: str
) -> None:
    staging = view.open_staging()
    staging.form.set_data(NDMM)
    _quantity(staging, "beta2_microglobulin").edit.setText(b2m)
    staging.compute_all()
    assert _shown(staging) == {"iss": iss, "r_iss": r_iss, "r2_iss": r2_iss}


def test_missing_inputs_are_needed_not_negative(view: CalculatorsView, qtbot: QtBot) -> None:
    staging = view.open_staging()
    staging.form.clear()
    staging.compute_all()
    assert set(_shown(staging).values()) == {"Cannot be determined"}
    text = staging.boxes["iss"].body_text()
    assert "Needed to decide: β2-microglobulin, Albumin" in text
    with qtbot.waitSignal(staging.boxes["iss"].field_requested) as signal:
        staging.boxes["iss"].body.linkActivated.emit("field:albumin")
    assert signal.args == ["albumin"]
    # β2-microglobulin 4.2 mg/L decides ISS II without the albumin (neither I nor III)
    _quantity(staging, "beta2_microglobulin").edit.setText("4.2")
    staging.compute_all()
    assert _shown(staging)["iss"] == "II"


def test_a_value_entered_once_is_in_every_calculator(view: CalculatorsView) -> None:
    staging = view.open_staging()
    staging.form.set_data(NDMM)
    iss = view.open("iss")
    assert _quantity(iss, "albumin").edit.text() == "31"
    assert _quantity(iss, "albumin").unit.currentText() == "g/L"
    assert iss.boxes["iss"].value.text() == "II"
    _quantity(iss, "beta2_microglobulin").edit.setText("6")  # changed in the ISS calculator
    r_iss = view.open("r_iss")
    assert _quantity(r_iss, "beta2_microglobulin").edit.text() == "6"
    assert r_iss.boxes["r_iss"].value.text() == "III"
    fish = r_iss.form.editor("fish")
    assert isinstance(fish, MultiEditor) and fish.raw() == ["t(4;14)", "gain1q"]
    staging = view.open_staging()
    assert _shown(staging) == {"iss": "III", "r_iss": "III", "r2_iss": "IV"}
    # clearing is shared too: no stale value of another entry is left behind
    staging.clear_button.click()
    iss = view.open("iss")
    assert _quantity(iss, "albumin").edit.text() == ""
    assert iss.boxes["iss"].value.text() == "Cannot be determined"


def test_full_explanation_opens_the_rules_own_calculator(view: CalculatorsView) -> None:
    staging = view.open_staging()
    staging.form.set_data(NDMM)
    staging.compute_all()
    assert "Full explanation" in staging.boxes["r_iss"].body_text()
    staging.boxes["r_iss"].body.linkActivated.emit("explain:r_iss")
    calc = view.stack.currentWidget()
    assert isinstance(calc, Calculator) and calc.rule.id == "r_iss"
    assert calc.panel is not None
    assert "Palumbo 2015 J Clin Oncol" in calc.panel.detail.toPlainText()
    assert _quantity(calc, "ldh").edit.text() == "260"


def test_keyboard_entry_moves_on_and_updates(view: CalculatorsView, qtbot: QtBot) -> None:
    view.show()
    qtbot.waitExposed(view)
    staging = view.open_staging()
    staging.form.clear()
    first = _quantity(staging, "beta2_microglobulin").edit
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    qtbot.keyClicks(first, "5.5")
    qtbot.keyClick(first, Qt.Key.Key_Return)  # Enter moves on to the next field
    focused = QApplication.focusWidget()
    assert focused is not first and focused is not None
    # Tab reaches the albumin value from wherever Enter left the focus (its unit selector)
    albumin = _quantity(staging, "albumin").edit
    for _ in range(4):
        if QApplication.focusWidget() is albumin:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert isinstance(QApplication.focusWidget(), QLineEdit)
    assert QApplication.focusWidget() is albumin
    qtbot.keyClicks(albumin, "3.0")
    qtbot.waitUntil(lambda: staging.boxes["iss"].value.text() == "III", timeout=2000)
