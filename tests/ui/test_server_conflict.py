"""The Patients section on a clinic server (the throwaway PostgreSQL cluster of conftest.py),
with a second workstation saving the same record: the conflict dialog shows both versions and
nothing is overwritten unless the clinician explicitly keeps theirs.

Two real connections: the window's (as ``cleo``, chosen in the settings) and another
clinician's (``cato``, a second Store on the same database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

pytest.importorskip("psycopg", reason="the server store's driver (the test extra has it)")

from ui_helpers import OpenWindow, patients_of

from PySide6.QtWidgets import QApplication

from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.paths import AppPaths
from myeloma_desk.settings import Settings, SettingsError, save_settings
from myeloma_desk.store import PatientFields, Store
from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views import conflict
from myeloma_desk.ui.views.conflict import ConflictDialog
from myeloma_desk.ui.views.patients.section import PatientsView
from myeloma_desk.ui.views.visit_form import AssessView
from myeloma_desk.ui.widgets.fields import QuantityEditor

DAY = dt.date(2025, 3, 4)


@pytest.fixture
def cato(server_site: Any) -> Iterator[Store]:
    """The other workstation: a second clinician's own connection."""
    store = Store.open_server(server_site.target("cato"))
    yield store
    store.close()


@pytest.fixture
def window(open_window: OpenWindow, tmp_path: Path, server_site: Any) -> MainWindow:
    """The app with the clinic server chosen in the settings, connected as cleo."""
    save_settings(
        AppPaths.resolve(str(tmp_path)), Settings(server_store=server_site.target("cleo"))
    )
    return open_window()


def _albumin(view: AssessView, text: str | None = None) -> str:
    editor = view.form.editor("albumin")
    assert isinstance(editor, QuantityEditor)
    if text is not None:
        editor.edit.setText(text)
    return editor.edit.text()


def _visit_of(store: Store, name: str) -> int:
    pid = store.create_patient(PatientFields(name=name, birth_date=dt.date(1950, 1, 2))).id
    store.save_visit(pid, DAY, Snapshot.model_validate({"albumin": {"value": 3.5, "unit": "g/dL"}}))
    return pid


def _changed_by(store: Store) -> list[str]:
    """The login roles of the ``change`` events, oldest first (the server fills them in)."""
    rows = store.database.execute(
        "SELECT actor FROM audit_log WHERE action = 'change' ORDER BY seq"
    ).fetchall()
    return [str(row[0]) for row in rows]


def _answer(choice: str, seen: list[ConflictDialog], qtbot: QtBot) -> Any:
    """Stands in for the modal exec: builds the real dialog, records it, clicks ``choice``."""

    def ask(*args: Any) -> str:
        dialog = ConflictDialog(*args)
        qtbot.addWidget(dialog)
        seen.append(dialog)
        button = {
            conflict.KEEP_MINE: dialog.keep_button,
            conflict.TAKE_THEIRS: dialog.take_button,
            conflict.COPY_MINE: dialog.copy_button,
            conflict.CANCEL: dialog.cancel_button,
        }[choice]
        button.click()
        return dialog.choice

    return ask


def _open_visit(window: MainWindow, pid: int) -> AssessView:
    page = patients_of(window).open_patient(pid)
    view = page._edit_visit(DAY, new=False)
    assert isinstance(view, AssessView)
    return view


def _typed_while_cato_saves(window: MainWindow, cato: Store) -> tuple[int, AssessView]:
    """Cleo opens the visit (albumin 3.5, version 1) and types 3.9; meanwhile cato saves 2.8
    (version 2). Cleo's save that follows is stale."""
    pid = _visit_of(cato, "Shared, Sam")
    assess = _open_visit(window, pid)
    _albumin(assess, "3.9")
    theirs = Snapshot.model_validate({"albumin": {"value": 2.8, "unit": "g/dL"}})
    cato.save_visit(pid, DAY, theirs, expected_version=1)
    return pid, assess


def test_the_window_works_on_the_clinic_server(window: MainWindow, cato: Store) -> None:
    pid = _visit_of(cato, "Shared, Sam")
    view = patients_of(window)
    assert view.store.server and view.store.user == "cleo"
    view.open_patient(pid)
    assess = _open_visit(window, pid)
    assert _albumin(assess) == "3.5"
    _albumin(assess, "3.9")
    assert assess.save()
    stored = cato.get_visit(pid, DAY)
    assert stored.snapshot.albumin is not None and stored.snapshot.albumin.value == 3.9
    assert stored.version == 2
    assert _changed_by(cato)[-1] == "cleo"


def test_no_password_in_the_settings_logs_or_drafts(
    window: MainWindow, cato: Store, server_site: Any, tmp_path: Path
) -> None:
    pid = _visit_of(cato, "Shared, Sam")
    assess = _open_visit(window, pid)
    _albumin(assess, "3.9")
    assess.save_draft()
    assert assess.save()
    window.close()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "settings.json" for p in files)
    for path in files:
        text = path.read_bytes().decode("latin-1")
        for secret in server_site.cluster.passwords.values():
            assert secret not in text, path


@pytest.mark.parametrize("choice", [conflict.CANCEL, conflict.COPY_MINE])
def test_a_stale_visit_save_overwrites_nothing(
    window: MainWindow, cato: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, choice: str
) -> None:
    pid, assess = _typed_while_cato_saves(window, cato)
    seen: list[ConflictDialog] = []
    monkeypatch.setattr(conflict, "ask_conflict", _answer(choice, seen, qtbot))

    assert not assess.save()
    (dialog,) = seen
    assert "saved by cato" in dialog.explanation.text()
    assert "version 1" in dialog.explanation.text() and "version 2" in dialog.explanation.text()
    assert "≠ Albumin: 3.9 g/dL" in dialog.mine_view.toPlainText()
    assert "≠ Albumin: 2.8 g/dL" in dialog.theirs_view.toPlainText()
    assert "Saved by cato on " in dialog.theirs_view.accessibleName()
    assert " UTC" in dialog.theirs_view.accessibleName()
    stored = cato.get_visit(pid, DAY)
    assert stored.snapshot.albumin is not None and stored.snapshot.albumin.value == 2.8
    assert stored.version == 2
    assert _albumin(assess) == "3.9"  # what cleo typed is still in the form
    status = assess.status.text()
    assert status.startswith("Not saved: the visit of 2025-03-04 was saved by cato meanwhile")
    if choice == conflict.COPY_MINE:
        assert "your version is on the clipboard and still in the form" in status
        assert "Albumin: 3.9 g/dL" in QApplication.clipboard().text()
    else:
        assert "nothing was overwritten" in status


def test_keeping_mine_saves_it_as_the_new_version(
    window: MainWindow, cato: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid, assess = _typed_while_cato_saves(window, cato)
    seen: list[ConflictDialog] = []
    monkeypatch.setattr(conflict, "ask_conflict", _answer(conflict.KEEP_MINE, seen, qtbot))

    assert assess.save() and len(seen) == 1
    stored = cato.get_visit(pid, DAY)
    assert stored.snapshot.albumin is not None and stored.snapshot.albumin.value == 3.9
    assert stored.version == 3
    # both saves are in the audit log, each by its own role
    assert _changed_by(cato)[-2:] == ["cato", "cleo"]
    # the form now stands on version 3: a further save needs no dialog
    _albumin(assess, "4.0")
    assert assess.save() and len(seen) == 1
    assert cato.get_visit(pid, DAY).version == 4


def test_taking_theirs_puts_their_version_in_the_form(
    window: MainWindow, cato: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid, assess = _typed_while_cato_saves(window, cato)
    seen: list[ConflictDialog] = []
    monkeypatch.setattr(conflict, "ask_conflict", _answer(conflict.TAKE_THEIRS, seen, qtbot))

    assert not assess.save()
    assert _albumin(assess) == "2.8"
    assert "you took the version saved by cato" in assess.status.text()
    assert cato.get_visit(pid, DAY).version == 2
    # editing on from their version saves without another dialog
    _albumin(assess, "3.0")
    assert assess.save() and len(seen) == 1
    stored = cato.get_visit(pid, DAY)
    assert stored.snapshot.albumin is not None and stored.snapshot.albumin.value == 3.0


def test_a_stale_patient_edit_shows_both_versions(
    window: MainWindow, cato: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = _visit_of(cato, "Shared, Sam")
    view = patients_of(window)
    view.edit_patient(pid)
    view.editor.notes.setPlainText("Seen with her daughter.")
    before = cato.get_patient(pid)
    cato.update_patient(
        pid, before.fields().model_copy(update={"name": "Shared, Samantha"}), before.version
    )
    seen: list[ConflictDialog] = []
    monkeypatch.setattr(conflict, "ask_conflict", _answer(conflict.CANCEL, seen, qtbot))
    assert view.editor.save() is None
    (dialog,) = seen
    assert "≠ Name: Shared, Sam" in dialog.mine_view.toPlainText()
    assert "≠ Name: Shared, Samantha" in dialog.theirs_view.toPlainText()
    assert "≠ Notes: Seen with her daughter." in dialog.mine_view.toPlainText()
    assert cato.get_patient(pid).name == "Shared, Samantha"
    assert "nothing was overwritten" in view.editor.general.text()

    monkeypatch.setattr(conflict, "ask_conflict", _answer(conflict.TAKE_THEIRS, seen, qtbot))
    assert view.editor.save() is None
    assert view.editor.name.text() == "Shared, Samantha" and view.editor.notes.toPlainText() == ""
    view.editor.notes.setPlainText("Seen with her daughter.")
    assert view.editor.save() == pid and len(seen) == 2  # based on their version: no dialog
    stored = cato.get_patient(pid)
    assert (stored.name, stored.notes) == ("Shared, Samantha", "Seen with her daughter.")


def test_a_server_address_with_a_password_is_never_a_setting() -> None:
    for address in (
        "host=db.clinic dbname=myeloma user=alice password=secret",
        "postgresql://alice:secret@db.clinic/myeloma",
    ):
        with pytest.raises(SettingsError, match="must not contain a password"):
            Settings(server_store=address)
    assert Settings(server_store="postgresql://alice@db.clinic/myeloma").server_store
    assert Settings(server_store="clinic").server_store == "clinic"


def test_choosing_the_server_in_the_store_setting(
    open_window: OpenWindow, qtbot: QtBot, tmp_path: Path, server_site: Any, cato: Store
) -> None:
    from myeloma_desk.settings import load_settings
    from myeloma_desk.ui.views.server_settings import ServerSettingsDialog

    pid = _visit_of(cato, "Shared, Sam")
    win = open_window(show=False)
    view = patients_of(win)
    assert not view.store.server and view.model.rowCount() == 0  # this computer's own store

    dialog = ServerSettingsDialog(view.context, view)
    qtbot.addWidget(dialog)
    assert dialog.local.isChecked() and not dialog.address.isEnabled()
    dialog.server.setChecked(True)
    secret = "host=db.clinic dbname=myeloma user=cleo password=hunter2"
    dialog.address.setText(secret)
    assert not dialog.apply()
    assert "contains a password" in dialog.message.text()
    assert dialog.address.text() == ""  # the password does not stay on screen
    settings_file = AppPaths.resolve(str(tmp_path)).config / "settings.json"
    assert not settings_file.exists() or "hunter2" not in settings_file.read_text()

    target = server_site.target("cleo")
    dialog.address.setText(target)
    assert dialog.test_connection()
    assert dialog.outcome.text() == "Connected to the clinic server as cleo."
    assert not dialog.message.isVisibleTo(dialog)
    assert dialog.apply()
    assert load_settings(AppPaths.resolve(str(tmp_path))).server_store == target
    view = patients_of(win)  # rebuilt on the server
    assert view.store.server and view.store.user == "cleo"
    assert view.model.rowCount() == 1
    assert view.open_patient(pid).record is not None

    back = ServerSettingsDialog(view.context, view)
    qtbot.addWidget(back)
    assert back.server.isChecked() and back.address.text() == target
    back.local.setChecked(True)
    assert back.apply()
    view = patients_of(win)
    assert not view.store.server and view.model.rowCount() == 0
    win.close()


def test_an_unreachable_server_says_so_and_offers_the_setting(
    open_window: OpenWindow, tmp_path: Path
) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    target = f"host=127.0.0.1 port={port} dbname=myeloma user=cleo connect_timeout=2"
    save_settings(AppPaths.resolve(str(tmp_path)), Settings(server_store=target))
    win = open_window(show=False)
    page = win.show_section_key("patients")
    assert not isinstance(page, PatientsView)
    assert page.accessibleName() == "Patients: store unavailable"
    text = page.label.text()  # type: ignore[attr-defined]
    assert (
        "The clinic&#x27;s patient database (cleo@127.0.0.1/myeloma) cannot be reached: "
        "connection refused (is the server running on that host" in text
    )
    assert "nothing was changed" in text
    win.close()


def test_a_visit_typed_while_the_server_is_away_is_kept_and_saved_when_back(
    window: MainWindow,
    cato: Store,
    server_site: Any,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from myeloma_desk.ui.views import server_wait

    monkeypatch.setattr(server_wait, "RETRY_MS", 100)
    pid = _visit_of(cato, "Shared, Sam")
    assess = _open_visit(window, pid)
    _albumin(assess, "3.9")
    superuser: Any = server_site.cluster.superuser()
    try:
        # the server goes away for cleo: her connection is cut and she cannot log in again
        superuser.execute("ALTER ROLE cleo NOLOGIN")
        superuser.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'cleo'"
        )
        assert not assess.save()
        status = assess.status.text()
        assert status.startswith("Not saved: The clinic's patient database")
        assert "cannot be reached" in status and "nothing was changed" in status
        assert "kept as a draft on this computer" in status
        assert assess.drafts is not None
        draft = assess.drafts.load(assess.draft_key)
        assert draft is not None and draft.data["albumin"]["value"] == 3.9
        wait = assess.findChild(server_wait.ServerWait)
        assert isinstance(wait, server_wait.ServerWait) and wait.waiting
        qtbot.waitUntil(lambda: wait.attempts >= 3, timeout=15_000)  # asked again, still away
        assert cato.get_visit(pid, DAY).version == 1 and assess.has_unsaved_changes()
        # the patient page keeps the record as last read, marked read-only
        page = patients_of(window).patient_page
        page.refresh()
        assert page.offline.isVisibleTo(page)
        assert "Read-only: the clinic server cannot be reached" in page.offline_text.text()
        assert "as last read at " in page.offline_text.text()
        assert "Shared, Sam" in page.header.text()
        assert not page.edit_button.isEnabled() and not page.new_visit_button.isEnabled()
        assert not page.lines_editor.add_button.isEnabled()
        assert not page.lines_editor.table.isEnabled()
    finally:
        superuser.execute("ALTER ROLE cleo LOGIN")
        superuser.close()
    qtbot.waitUntil(lambda: cato.get_visit(pid, DAY).version == 2, timeout=15_000)
    stored = cato.get_visit(pid, DAY)
    assert stored.snapshot.albumin is not None and stored.snapshot.albumin.value == 3.9
    assert assess.status.text() == server_wait.BACK
    assert assess.drafts.load(assess.draft_key) is None
    assert not assess.has_unsaved_changes() and not wait.waiting
    assert _changed_by(cato)[-1] == "cleo"
    assert not page.offline.isVisibleTo(page) and page.edit_button.isEnabled()


def test_a_reader_browses_without_error_and_cannot_save(
    open_window: OpenWindow, qtbot: QtBot, tmp_path: Path, server_site: Any, cato: Store
) -> None:
    pid = _visit_of(cato, "Shared, Sam")
    paths = AppPaths.resolve(str(tmp_path))
    save_settings(paths, Settings(server_store=server_site.target("remy")))
    win = open_window()
    view = patients_of(win)
    assert view.store.user == "remy" and view.model.rowCount() == 1
    qtbot.waitUntil(lambda: view.summaries.pending() == 0 and not view._summarise, timeout=10_000)
    qtbot.wait(200)
    assess = _open_visit(win, pid)
    _albumin(assess, "3.9")
    assert not assess.save()
    assert "may read patient records but not change them" in assess.status.text()
    assert (
        open_window.reporter(win).shown == []
    )  # no error dialog on the way (course summaries included)
    assert cato.get_visit(pid, DAY).version == 1
    win.close()


def test_a_server_draft_is_never_offered_to_a_local_patient(
    window: MainWindow, cato: Store, server_site: Any, tmp_path: Path, qtbot: QtBot
) -> None:
    from myeloma_desk.ui.views.drafts import DraftStore
    from myeloma_desk.ui.views.server_settings import ServerSettingsDialog

    pid = _visit_of(cato, "Shared, Sam")
    assess = _open_visit(window, pid)
    _albumin(assess, "3.9")
    assess.save_draft()
    context = patients_of(window).context
    assert [d.label for d in DraftStore.for_context(context).all()] == [
        "Shared, Sam, visit of 2025-03-04"
    ]
    assert not list((tmp_path / "data" / "drafts").glob("*.json"))  # not beside local drafts

    dialog = ServerSettingsDialog(context, window)
    qtbot.addWidget(dialog)
    dialog.local.setChecked(True)
    assert dialog.apply()
    view = patients_of(window)
    assert not view.store.server
    local_id = view.store.create_patient(PatientFields(name="Local, Lou")).id
    assert local_id == pid  # the same id, another person
    view.reload()
    assert DraftStore.for_context(view.context).all() == []
    assert not view.draft_banner.isVisibleTo(view)

    back = ServerSettingsDialog(view.context, window)
    qtbot.addWidget(back)
    back.server.setChecked(True)
    back.address.setText(server_site.target("cleo"))
    assert back.apply()
    view = patients_of(window)
    drafts = DraftStore.for_context(view.context).all()
    assert [d.patient_id for d in drafts] == [str(pid)] and view.store.server


def test_therapy_lines_changed_meanwhile_are_not_overwritten(
    window: MainWindow, cato: Store
) -> None:
    from myeloma_desk.domain.snapshot import TherapyLine

    pid = _visit_of(cato, "Shared, Sam")
    page = patients_of(window).open_patient(pid)
    lines = page.lines_editor
    # cato records the first line while cleo has the record open ...
    cato.add_therapy_line(pid, TherapyLine(regimen="DRd", start=dt.date(2024, 1, 10)))
    # ... and cleo adds hers to the list she read (empty)
    lines.regimen.setCurrentText("VRd")
    lines.drugs.setText("bortezomib, lenalidomide, dexamethasone")
    lines.start.setText("2024-02-01")
    assert not lines.add_line()
    assert "The therapy lines were changed by cato after you opened them" in (lines.message.text())
    assert [s.line.regimen for s in cato.therapy_lines(pid)] == ["DRd"]  # kept
    assert [ln.regimen for ln in lines.model.lines()] == ["DRd"]  # shown as saved now
    assert lines.regimen.currentText() == "VRd"  # what cleo typed is still in the fields
    assert lines.add_line()  # now based on the saved lines: both kept
    assert [s.line.regimen for s in cato.therapy_lines(pid)] == ["DRd", "VRd"]


def test_a_patient_edit_while_the_server_is_away_is_kept_and_can_be_saved_by_hand(
    window: MainWindow, cato: Store, server_site: Any
) -> None:
    pid = _visit_of(cato, "Shared, Sam")
    view = patients_of(window)
    view.edit_patient(pid)
    view.editor.notes.setPlainText("Seen with her daughter.")
    superuser: Any = server_site.cluster.superuser()
    try:
        superuser.execute("ALTER ROLE cleo NOLOGIN")
        superuser.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'cleo'"
        )
        assert view.editor.save() is None
        message = view.editor.general.text()
        assert "cannot be reached" in message and "is kept as a draft" in message
        assert view.editor.notes.toPlainText() == "Seen with her daughter."
    finally:
        superuser.execute("ALTER ROLE cleo LOGIN")
        superuser.close()
    # the server answers again: saved as typed without waiting for the next ask, draft gone
    assert view.editor.save() == pid
    assert cato.get_patient(pid).notes == "Seen with her daughter."
    assert view.editor.drafts is not None
    assert view.editor.drafts.load(f"patient-{pid}") is None
