"""Issue 17 item 7: values that once raised decimal.InvalidOperation in the validator (any
converted value ≥ 1e16) or overflowed gave error dialogs in the visit form. Each must give a
message on the field itself, with the rest of the form still assessed."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from ui_helpers import OpenWindow, patients_of

from myeloma_desk.ui.views.visit_form import AssessView
from myeloma_desk.ui.widgets.fields import QuantityEditor

BAD = ["1e16", "1e20", "1e300", "1e400", "9" * 5000, "-1e16", "nan", "inf", "1e-400"]


@pytest.mark.parametrize("text", BAD)
@pytest.mark.parametrize(("field", "unit"), [("creatinine", "µmol/L"), ("serum_m_protein", "g/L")])
def test_huge_or_odd_values_get_a_field_message(
    qtbot: QtBot, text: str, field: str, unit: str
) -> None:
    view = AssessView(None)
    qtbot.addWidget(view)
    editor = view.form.editor(field)
    assert isinstance(editor, QuantityEditor)
    editor.unit.setCurrentIndex(editor.unit.findText(unit))
    editor.edit.setText(text)
    beta2 = view.form.editor("beta2_microglobulin")
    assert isinstance(beta2, QuantityEditor)
    beta2.edit.setText("5.5")
    view.update_assessment()  # raises (and would show the error dialog) if not handled
    message = editor.message_text()
    if text != "1e-400":  # that one reads as 0, plausible for an M-protein, implausible else
        assert message, text
    assert "Traceback" not in message and "InvalidOperation" not in message
    assert view.result("iss") is not None and view.result("iss").result == "III"


def test_a_damaged_visit_opened_in_the_window_gives_the_store_message(
    open_window: OpenWindow,
) -> None:
    """Issue 17 item 7: an unreadable visit crashed the record; the reporter now shows the
    store's own message (which visit, what to do), no traceback, and the window stays."""
    from myeloma_desk.store import DamagedRecordError
    from myeloma_desk.ui.views.patients.store import store_of

    window = open_window(show=False)
    view = patients_of(window)
    view.load_demo()
    patient = view.model.patient(0)
    store_of(view.context).connection.execute(
        "UPDATE visits SET snapshot_json = '[1]' WHERE patient_id = ?", (patient.id,)
    )
    with pytest.raises(DamagedRecordError) as caught:
        view.open_patient(patient.id)
    reporter = open_window.reporter(window)
    reporter(DamagedRecordError, caught.value, caught.value.__traceback__)
    shown = reporter.shown[-1]
    assert shown.startswith("The visit of ")
    assert "cannot be read" in shown and "Traceback" not in shown
    assert "Something went wrong" not in shown
    view.show_list()
    assert view.model.rowCount() > 0
    window.close()
