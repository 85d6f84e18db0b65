"""The visit form: every field present, inline messages, the live panel, drafts."""

from __future__ import annotations

import os
import stat
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel
from pytestqt.qtbot import QtBot
from ui_helpers import type_value

from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.snapshot import Quantity, Snapshot
from myeloma_desk.ui.views.drafts import DraftStore
from myeloma_desk.ui.views.visit_form import VISIT_GROUPS, AssessView
from myeloma_desk.ui.widgets.fields import (
    BoolEditor,
    FormState,
    MultiEditor,
    QuantityEditor,
    field_def,
)


def _view(qtbot: QtBot, tmp_path: Path | None = None) -> AssessView:
    view = AssessView(DraftStore(tmp_path) if tmp_path else None)
    qtbot.addWidget(view)
    return view


def test_form_covers_every_visit_field() -> None:
    paths = {p for _title, group in VISIT_GROUPS for p in group}
    top = set(Snapshot.model_fields) - {"patient", "history", "therapy_lines"}
    nested = {}
    for name in top:  # sub-models (amyloidosis, poems, mrd, ...) are edited field by field
        annotation = Snapshot.model_fields[name].annotation
        for arg in (*typing.get_args(annotation), annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel) and arg is not Quantity:
                nested[name] = arg
    assert {"amyloidosis", "poems", "mrd", "vte_risk_factors"} <= set(nested)
    expected = {f for f in top if f not in nested}
    for name, model in nested.items():
        expected |= {f"{name}.{sub}" for sub in model.model_fields}
    assert paths == expected
    assert set(MEASURED_FIELDS) <= paths
    for path in paths:
        spec = field_def(path)
        if spec.kind == "quantity":  # a unit on every value, from units.accepted_units
            assert spec.choices and spec.dim is not None


def test_every_input_has_an_accessible_name(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

    view = _view(qtbot)
    for kind in (QLineEdit, QComboBox, QCheckBox):
        for widget in view.form.findChildren(kind):
            assert widget.accessibleName(), widget


def test_live_panel_updates_as_user_types(qtbot: QtBot) -> None:
    view = _view(qtbot)
    assert view.result("iss").status == "cannot_determine"
    type_value(view, "beta2_microglobulin", "5.5")
    qtbot.waitUntil(lambda: view.result("iss").result == "III", timeout=2000)
    assert view.panel.model.index(view.panel.model.row_of("iss"), 1).data() == "III"
    assert view.last_update_ms > 0  # its speed is measured in benchmarks/bench_ui.py, not here


def test_inline_messages_on_the_field_itself(qtbot: QtBot) -> None:
    view = _view(qtbot)
    type_value(view, "creatinine", "150")  # µmol/L typed with mg/dL selected
    type_value(view, "calcium", "x")
    view.update_assessment()
    creatinine = view.form.editor("creatinine").message_text()
    assert "outside the plausible range 0.1–30 mg/dL" in creatinine
    assert "check the unit" in creatinine
    assert view.form.editor("calcium").message_text() == "'x' is not a number"
    assert view.form.tabs is not None and view.form.tabs.tabText(1) == "Labs ⚠2"
    type_value(view, "creatinine", "150", unit="µmol/L")
    view.update_assessment()
    assert view.form.editor("creatinine").message_text() == ""
    assert view.form.editor("creatinine").accessibleName() == "Creatinine"


def test_bad_date_message_and_other_values_still_assessed(qtbot: QtBot) -> None:
    view = _view(qtbot)
    date = view.form.editor("date")
    date.edit.setText("2025-13-01")  # type: ignore[attr-defined]
    type_value(view, "beta2_microglobulin", "2")
    type_value(view, "albumin", "4")
    view.update_assessment()
    assert "not a date" in view.form.editor("date").message_text()
    assert view.result("iss").result == "I"


def test_missing_link_focuses_the_field(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.show()
    qtbot.waitExposed(view)
    view.panel.open_link("field:albumin")
    assert view.form.tabs is not None and view.form.tabs.currentIndex() == 1
    editor = view.form.editor("albumin")
    assert isinstance(editor, QuantityEditor)
    qtbot.waitUntil(editor.edit.hasFocus, timeout=2000)


def test_fish_done_with_none_found_is_an_empty_list(qtbot: QtBot) -> None:
    view = _view(qtbot)
    fish = view.form.editor("fish")
    assert isinstance(fish, MultiEditor)
    assert fish.raw() is None
    fish.done.setChecked(True)
    assert fish.raw() == []
    fish.boxes["t(4;14)"].setChecked(True)
    dialysis = view.form.editor("dialysis")
    assert isinstance(dialysis, BoolEditor)
    dialysis.combo.setCurrentIndex(2)
    state = view.form.read()
    assert state.snapshot is not None
    assert [f.value for f in state.snapshot.fish or []] == ["t(4;14)"]
    assert state.snapshot.dialysis is False


def test_drafts_autosave_owner_only_and_are_offered_back(qtbot: QtBot, tmp_path: Path) -> None:
    view = _view(qtbot, tmp_path)
    assert not view.banner.isVisibleTo(view)
    type_value(view, "albumin", "3.1")
    qtbot.waitUntil(lambda: (tmp_path / "drafts" / "visit-new.json").exists(), timeout=3000)
    path = tmp_path / "drafts" / "visit-new.json"
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    # "crash": a new view over the same data folder offers the draft back
    again = _view(qtbot, tmp_path)
    assert again.banner.isVisibleTo(again)
    again.banner.restore.click()
    editor = again.form.editor("albumin")
    assert isinstance(editor, QuantityEditor) and editor.edit.text() == "3.1"
    assert not again.banner.isVisibleTo(again)
    asked: list[str] = []
    again.ask_discard = lambda: asked.append("asked") or "discard"  # type: ignore[method-assign]
    again.new_visit()  # unsaved (restored) changes: the user is asked first
    assert asked == ["asked"]
    assert not path.exists()
    third = _view(qtbot, tmp_path)
    assert not third.banner.isVisibleTo(third)


def test_save_goes_through_handler_and_clears_draft(qtbot: QtBot, tmp_path: Path) -> None:
    view = _view(qtbot, tmp_path)
    saved: list[FormState] = []

    def handler(state: FormState) -> str | None:
        saved.append(state)
        return None

    assert not view.save()  # no patient: nothing to save to
    view.set_subject("Test Patient", "visit-p1", base={}, patient_id="p1", save_handler=handler)
    type_value(view, "albumin", "35")  # implausible: not saved
    assert not view.save() and "need attention" in view.status.text()
    type_value(view, "albumin", "3.5")
    view.save_draft()
    assert (tmp_path / "drafts" / "visit-p1.json").exists()
    assert view.save()
    assert saved[-1].snapshot is not None and saved[-1].snapshot.get("albumin") == 3.5
    assert not (tmp_path / "drafts" / "visit-p1.json").exists()


def test_message_colour_follows_light_and_dark_palettes(qtbot: QtBot) -> None:
    from PySide6.QtGui import QColor, QPalette

    from myeloma_desk.ui.widgets.fields import error_colour

    view = _view(qtbot)
    editor = view.form.editor("albumin")
    light = QPalette()
    light.setColor(QPalette.ColorRole.Base, QColor("white"))
    editor.setPalette(light)
    assert error_colour(editor) == "#a4000f"  # contrast 8.1:1 on white
    dark = QPalette()
    dark.setColor(QPalette.ColorRole.Base, QColor("#202020"))
    editor.setPalette(dark)
    assert error_colour(editor) == "#ff9e9e"  # contrast 8.3:1 on #202020
    editor.set_message("check the unit")
    assert "#ff9e9e" in editor.message.styleSheet()
    assert editor.message.text() == "⚠ check the unit"  # not colour alone


def test_print_preview_document_of_the_visit_as_typed(qtbot: QtBot, tmp_path: Path) -> None:
    pytest.importorskip("myeloma_desk.reports.render_qt")
    from PySide6.QtPrintSupport import QPrinter

    view = _view(qtbot)
    view.form.set_data(
        {
            "date": "2025-03-01",
            "beta2_microglobulin": {"value": 6.1, "unit": "mg/L"},
            "albumin": {"value": 3.0, "unit": "g/dL"},
        }
    )
    doc = view.report_doc()
    assert doc.header.title == "Calculator report"  # no patient
    assert any(row.rule == "iss" and row.result == "III" for row in doc.staging_risk)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "visit.pdf"))
    assert view.paint_preview(printer, doc) >= 1
    view.show_dialogs = False
    dialog = view.print_preview()
    assert dialog is not None and not dialog.isVisible()
    dialog.deleteLater()


def test_each_unit_is_offered_once_as_the_laboratory_prints_it(qtbot: QtBot) -> None:
    """The unit selectors offer every accepted unit once, by its printed name: "µmol/L" (not
    also "umol/L"), "mg/24 h", "mL/min/1.73 m²" (the only eGFR unit, so shown, not chosen);
    what is saved is a spelling the snapshot accepts, and a stored ASCII spelling is read back
    to the same choice."""
    from myeloma_desk.domain.snapshot import parse_snapshot
    from myeloma_desk.domain.units import accepted_units, unit_label

    view = _view(qtbot)
    for path in MEASURED_FIELDS:
        editor = view.form.editor(path)
        if not isinstance(editor, QuantityEditor) or editor.spec.dim is None:
            continue
        shown = [editor.unit.itemText(i) for i in range(editor.unit.count())]
        assert len(shown) == len(set(shown)), (path, shown)
        assert shown == list(dict.fromkeys(unit_label(u) for u in accepted_units(editor.spec.dim)))
        assert not any(text.isascii() and text != unit_label(text) for text in shown), shown
        assert editor.unit.isEnabled() == (len(shown) > 1)
    creatinine = view.form.editor("creatinine")
    assert isinstance(creatinine, QuantityEditor)
    assert [creatinine.unit.itemText(i) for i in range(creatinine.unit.count())] == [
        "mg/dL",
        "µmol/L",
    ]
    creatinine.set_raw({"value": 97, "unit": "umol/L"})  # a value stored in ASCII
    assert creatinine.unit.currentText() == "µmol/L"
    assert creatinine.raw() == {"value": 97.0, "unit": "µmol/L"}
    urine = view.form.editor("urine_m_protein_24h")
    assert isinstance(urine, QuantityEditor)
    assert urine.unit.itemText(0) == "mg/24 h"
    urine.edit.setText("250")
    assert urine.raw() == {"value": 250.0, "unit": "mg/24h"}
    egfr = view.form.editor("egfr")
    assert isinstance(egfr, QuantityEditor)
    assert egfr.unit.currentText() == "mL/min/1.73 m²" and not egfr.unit.isEnabled()
    egfr.edit.setText("41")
    snapshot = parse_snapshot(
        {"urine_m_protein_24h": urine.raw(), "creatinine": creatinine.raw(), "egfr": egfr.raw()}
    )
    assert snapshot.creatinine is not None and snapshot.egfr is not None
