"""Drafts kept while the clinic server cannot be reached, when this computer's own store is
encrypted (issue 19): the window runs on the server (the throwaway PostgreSQL cluster of
conftest.py, as ``cleo``), the local store was never opened, so the draft asks for the local
store's passphrase and is written encrypted with it — never in plain text.

The server goes away the way the other offline tests make it: cleo's connection is cut and
her role may not log in (``NOLOGIN``) until the test lets her in again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from ui_helpers import OpenWindow, assert_mnemonics_unique, patients_of

pytest.importorskip("psycopg", reason="the server store's driver (the test extra has it)")
pytest.importorskip("sqlcipher3", reason="local encryption needs SQLCipher")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.paths import AppPaths
from myeloma_desk.settings import Settings, save_settings
from myeloma_desk.store import PatientFields, Store, db, open_store
from myeloma_desk.ui.main_window import MainWindow
from myeloma_desk.ui.views import drafts as drafts_module
from myeloma_desk.ui.views import server_wait
from myeloma_desk.ui.views.draft_passphrase import PROMPT, DraftPassphraseDialog
from myeloma_desk.ui.views.patients.section import PatientsView
from myeloma_desk.ui.views.visit_form import AssessView
from myeloma_desk.ui.widgets.fields import QuantityEditor

DAY = dt.date(2025, 3, 4)
SECRET = "local store secret 42"
NAME = "Qwertzuiop, Xaver"


@pytest.fixture
def cato(server_site: Any) -> Iterator[Store]:
    store = Store.open_server(server_site.target("cato"))
    yield store
    store.close()


def _on_the_server(home: Path, server_site: Any, local: str | None) -> None:
    """The clinic server chosen in the settings of ``home``; this computer's store encrypted
    with ``local`` (and never opened by the window), or none at all."""
    paths = AppPaths.resolve(str(home))
    if local is not None:
        open_store(paths, local).close()
    save_settings(paths, Settings(server_store=server_site.target("cleo")))


@pytest.fixture
def window(
    open_window: OpenWindow, tmp_path: Path, server_site: Any, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    """This computer's store encrypted, the window on the clinic server (closing it drops the
    passphrase kept for the server's drafts)."""
    monkeypatch.setattr(server_wait, "RETRY_MS", 100)
    _on_the_server(tmp_path, server_site, SECRET)
    return open_window()


@pytest.fixture
def plain_window(
    open_window: OpenWindow, tmp_path: Path, server_site: Any, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    """No local store (plain drafts, owner-only), the window on the clinic server."""
    monkeypatch.setattr(server_wait, "RETRY_MS", 100)
    _on_the_server(tmp_path, server_site, None)
    return open_window()


def _visit_of(store: Store, name: str = NAME) -> int:
    pid = store.create_patient(PatientFields(name=name, birth_date=dt.date(1950, 1, 2))).id
    store.save_visit(pid, DAY, Snapshot.model_validate({"albumin": {"value": 3.5, "unit": "g/dL"}}))
    return pid


def _open_visit(window: MainWindow, pid: int, albumin: str) -> AssessView:
    page = patients_of(window).open_patient(pid)
    view = page._edit_visit(DAY, new=False)
    assert isinstance(view, AssessView)
    editor = view.form.editor("albumin")
    assert isinstance(editor, QuantityEditor)
    editor.edit.setText(albumin)
    return view


class ServerAway:
    """cleo's connection cut and her login refused until ``back()``."""

    def __init__(self, server_site: Any) -> None:
        self.superuser: Any = server_site.cluster.superuser()
        self.superuser.execute("ALTER ROLE cleo NOLOGIN")
        self.superuser.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'cleo'"
        )

    def back(self) -> None:
        if self.superuser is not None:
            self.superuser.execute("ALTER ROLE cleo LOGIN")
            self.superuser.close()
            self.superuser = None


@pytest.fixture
def away(server_site: Any) -> Iterator[Callable[[], ServerAway]]:
    made: list[ServerAway] = []

    def cut() -> ServerAway:
        made.append(ServerAway(server_site))
        return made[-1]

    yield cut
    for each in made:
        each.back()


def _answer_dialog(steps: Callable[[DraftPassphraseDialog], None], seen: list[str]) -> None:
    """Act on the real modal dialog once it is shown (its exec runs the event loop)."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, DraftPassphraseDialog):
            QTimer.singleShot(20, act)
            return
        seen.append(dialog.prompt.text())
        steps(dialog)

    QTimer.singleShot(0, act)


def _every_byte(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def _server_vaults(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "data" / "drafts").glob("server-*/drafts.sqlite3"))


def test_a_wrong_then_right_passphrase_keeps_the_draft_encrypted_and_it_is_saved_when_back(
    window: MainWindow, cato: Store, away: Any, tmp_path: Path, qtbot: QtBot
) -> None:
    pid = _visit_of(cato)
    assess = _open_visit(window, pid, "3.9")
    messages: list[str] = []

    def wrong_then_right(dialog: DraftPassphraseDialog) -> None:
        dialog.passphrase.setText("not the passphrase")
        dialog.ok_button.click()
        assert dialog.isVisible()  # a wrong passphrase: said so, and the dialog stays
        messages.append(dialog.message.text())
        assert dialog.passphrase.text() == ""
        dialog.passphrase.setText(SECRET)
        dialog.ok_button.click()

    seen: list[str] = []
    server = away()
    _answer_dialog(wrong_then_right, seen)
    assert not assess.save()
    assert seen == [PROMPT]
    assert messages and "passphrase is not correct" in messages[0]
    status = assess.status.text()
    assert "cannot be reached" in status and "kept as a draft on this computer" in status
    assert assess.drafts is not None
    draft = assess.drafts.load(assess.draft_key)
    assert draft is not None and draft.data["albumin"]["value"] == 3.9
    # the draft is in the server's own encrypted vault: not a SQLite file anyone can read,
    # and neither the patient's name nor any plain-text draft is anywhere on this computer
    [vault] = _server_vaults(tmp_path)
    assert db.is_plain_sqlite(vault) is False
    assert not list((tmp_path / "data" / "drafts").rglob("*.json"))
    assert NAME.encode() not in _every_byte(tmp_path)
    assert SECRET.encode() not in _every_byte(tmp_path)  # the passphrase is never written
    # an autosave while the server is away goes to the vault too, without asking again
    wait = assess.findChild(server_wait.ServerWait)
    assert isinstance(wait, server_wait.ServerWait)
    qtbot.waitUntil(lambda: wait.attempts >= 2, timeout=15_000)
    assert seen == [PROMPT]
    server.back()
    qtbot.waitUntil(lambda: cato.get_visit(pid, DAY).version == 2, timeout=15_000)
    stored = cato.get_visit(pid, DAY).snapshot.albumin
    assert stored is not None and stored.value == 3.9
    assert assess.status.text() == server_wait.BACK
    assert assess.drafts.load(assess.draft_key) is None  # the draft went
    assert assess.drafts.all() == []


def test_cancelling_the_passphrase_keeps_the_form_and_writes_no_draft(
    window: MainWindow, cato: Store, away: Any, tmp_path: Path, qtbot: QtBot
) -> None:
    pid = _visit_of(cato)
    assess = _open_visit(window, pid, "3.9")
    seen: list[str] = []
    server = away()
    _answer_dialog(lambda dialog: dialog.cancel_button.click(), seen)
    assert not assess.save()
    assert seen == [PROMPT]
    status = assess.status.text()
    assert "cannot be reached" in status
    assert "stays in this form only" in status and "the draft was not kept" in status
    assert assess.has_unsaved_changes()
    editor = assess.form.editor("albumin")
    assert isinstance(editor, QuantityEditor) and editor.edit.text() == "3.9"
    assert assess.drafts is not None and assess.drafts.load(assess.draft_key) is None
    assert _server_vaults(tmp_path) == []
    assert NAME.encode() not in _every_byte(tmp_path / "data")
    # still saved from the form when the server answers (asked once: no dialog comes again)
    server.back()
    qtbot.waitUntil(lambda: cato.get_visit(pid, DAY).version == 2, timeout=15_000)
    assert seen == [PROMPT] and assess.status.text() == server_wait.BACK


def test_the_passphrase_is_checked_against_this_computers_store(
    window: MainWindow, tmp_path: Path, qtbot: QtBot
) -> None:
    drafts = drafts_module.DraftStore.for_context(patients_of(window).context)
    assert drafts.needs_passphrase()
    dialog = DraftPassphraseDialog(drafts, window)
    qtbot.addWidget(dialog)
    assert dialog.passphrase.accessibleName() == "This computer's store passphrase"
    dialog.ok_button.click()  # nothing typed
    assert "Enter the passphrase" in dialog.message.text() and drafts.needs_passphrase()
    dialog.passphrase.setText(SECRET + " ")
    dialog.ok_button.click()
    assert "passphrase is not correct" in dialog.message.text() and drafts.needs_passphrase()
    assert drafts.save("visit-x", {"name": NAME}, NAME) is None  # no key: nothing written
    dialog.passphrase.setText(SECRET)
    dialog.ok_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted and not drafts.needs_passphrase()
    where = drafts.save("visit-x", {"name": NAME}, NAME)
    assert where is not None and where.parent.name.startswith("server-")
    assert db.is_plain_sqlite(where) is False


def test_server_drafts_follow_a_change_of_this_computers_passphrase(
    window: MainWindow, tmp_path: Path
) -> None:
    paths = AppPaths.resolve(str(tmp_path))
    drafts = drafts_module.DraftStore.for_context(patients_of(window).context)
    drafts.unlock(SECRET)
    drafts.save("visit-x", {"name": NAME}, NAME)
    drafts_module.forget_session_key(paths.data)
    with open_store(paths, SECRET, backup_on_open=False) as local:
        local.change_passphrase("a new secret 43")
    drafts.unlock("a new secret 43")
    assert [d.data for d in drafts.all()] == [{"name": NAME}]
    assert NAME.encode() not in _every_byte(tmp_path / "data")


def _right(dialog: DraftPassphraseDialog) -> None:
    dialog.passphrase.setText(SECRET)
    dialog.ok_button.click()


def test_the_idle_lock_forgets_the_passphrase_and_the_next_draft_asks_again(
    window: MainWindow, cato: Store, away: Any, tmp_path: Path, qtbot: QtBot
) -> None:
    pid = _visit_of(cato)
    assess = _open_visit(window, pid, "3.9")
    seen: list[str] = []
    away()
    _answer_dialog(_right, seen)
    assert not assess.save()
    assert seen == [PROMPT]
    drafts = assess.drafts
    assert drafts is not None and not drafts.needs_passphrase()
    assert drafts.load(assess.draft_key) is not None
    idle = window.context.idle_lock
    assert idle is not None
    assert idle.lock() is True  # the server store stays open, but the key is dropped
    assert drafts.needs_passphrase()
    assert drafts.load(assess.draft_key) is None  # kept encrypted: unreadable without the key
    [vault] = _server_vaults(tmp_path)
    assert db.is_plain_sqlite(vault) is False
    assert idle.timer.isActive()  # the countdown goes on
    assert idle.lock() is False  # nothing left to lock
    # the next held save of the same form asks again (once) before a draft is written
    editor = assess.form.editor("albumin")
    assert isinstance(editor, QuantityEditor)
    editor.edit.setText("4.1")
    _answer_dialog(_right, seen)
    assert not assess.save()
    assert seen == [PROMPT, PROMPT]
    draft = drafts.load(assess.draft_key)
    assert draft is not None and draft.data["albumin"]["value"] == 4.1
    assert SECRET.encode() not in _every_byte(tmp_path)


def test_switching_the_store_and_closing_the_window_forget_the_passphrase(
    window: MainWindow, tmp_path: Path
) -> None:
    from myeloma_desk.ui.views.server_settings import switch_store

    context = patients_of(window).context
    drafts = drafts_module.DraftStore.for_context(context)
    drafts.unlock(SECRET)
    assert not drafts.needs_passphrase()
    switch_store(context)
    assert drafts.needs_passphrase()
    assert isinstance(window.current_page(), PatientsView)  # the server's list again
    drafts.unlock(SECRET)
    assert not drafts.needs_passphrase()
    window.close()
    assert drafts.needs_passphrase()


# --- the patient editor and the therapy-lines editor -------------------------------------------


def _held_patient_edit(window: MainWindow, cato: Store, away: Any) -> tuple[int, Any, Any, Any]:
    """A patient of cato's; cleo types a note in the patient editor while the server is away:
    the save is held (not saved). Returns the patient id, the Patients view, the editor and
    the server's switch (``server.back()``)."""
    pid = _visit_of(cato)
    view = patients_of(window)
    view.edit_patient(pid)
    editor = view.editor
    editor.notes.setPlainText("Seen with her daughter.")
    server = away()
    assert editor.save() is None
    return pid, view, editor, server


def test_a_patient_edit_offline_is_kept_as_a_draft_and_saved_when_back(
    plain_window: MainWindow, cato: Store, away: Any, qtbot: QtBot
) -> None:
    pid, view, editor, server = _held_patient_edit(plain_window, cato, away)
    message = editor.general.text()
    assert "cannot be reached" in message
    assert "Your edit of the patient details is kept as a draft on this computer" in message
    assert editor.draft_row.isVisibleTo(editor) and "Draft, not saved yet" in (
        editor.draft_text.text()
    )
    assert editor.drafts is not None
    draft = editor.drafts.load(f"patient-{pid}")
    assert draft is not None and draft.kind == "patient" and draft.version == 1
    assert draft.data["notes"] == "Seen with her daughter."
    assert editor.drafts.all() == []  # never offered to the visit form
    assert_mnemonics_unique(editor)
    wait = editor.findChild(server_wait.ServerWait)
    assert isinstance(wait, server_wait.ServerWait)
    qtbot.waitUntil(lambda: wait.attempts >= 2, timeout=15_000)
    assert cato.get_patient(pid).version == 1
    server.back()
    qtbot.waitUntil(lambda: cato.get_patient(pid).version == 2, timeout=15_000)
    assert cato.get_patient(pid).notes == "Seen with her daughter."
    assert editor.drafts.load(f"patient-{pid}") is None and not wait.waiting
    assert view.stack.currentIndex() == view.PATIENT  # shown as saved, as after any save


def test_a_held_patient_edit_saved_meanwhile_by_someone_else_opens_the_conflict_dialog(
    plain_window: MainWindow,
    cato: Store,
    away: Any,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from myeloma_desk.ui.views import conflict

    pid, _view, editor, server = _held_patient_edit(plain_window, cato, away)
    # cato (whose connection still works) saves the patient while cleo's edit is held
    cato.update_patient(
        pid, PatientFields(name=NAME, birth_date=dt.date(1950, 1, 2), notes="Cato's note.")
    )
    seen: list[conflict.ConflictDialog] = []

    def back_to_editing(*args: Any) -> str:
        dialog = conflict.ConflictDialog(*args)
        qtbot.addWidget(dialog)
        seen.append(dialog)
        dialog.cancel_button.click()
        return dialog.choice

    monkeypatch.setattr(conflict, "ask_conflict", back_to_editing)
    server.back()
    qtbot.waitUntil(lambda: bool(seen), timeout=15_000)
    [dialog] = seen
    assert "Seen with her daughter." in dialog.mine_text
    assert "Cato's note." in dialog.theirs_text
    wait = editor.findChild(server_wait.ServerWait)
    assert isinstance(wait, server_wait.ServerWait)
    qtbot.wait(500)
    assert not wait.waiting and len(seen) == 1  # asked once, not again every few seconds
    assert cato.get_patient(pid).notes == "Cato's note."  # nothing overwritten
    assert "Not saved" in editor.general.text()
    assert editor.notes.toPlainText() == "Seen with her daughter."  # still in the form
    assert editor.drafts is not None and editor.drafts.load(f"patient-{pid}") is not None


def test_a_patient_draft_is_offered_back_and_can_be_discarded(
    plain_window: MainWindow, cato: Store, away: Any, qtbot: QtBot
) -> None:
    pid, view, editor, server = _held_patient_edit(plain_window, cato, away)
    editor.cancel()  # the editor is left: the wait stops, the draft stays
    wait = editor.findChild(server_wait.ServerWait)
    assert isinstance(wait, server_wait.ServerWait) and not wait.waiting
    server.back()
    view.edit_patient(pid)
    assert editor.notes.toPlainText() == ""  # the record as read ...
    assert editor.draft_row.isVisibleTo(editor)  # ... and the draft offered
    assert "unsaved draft of these details" in editor.draft_text.text()
    assert_mnemonics_unique(editor)
    editor.restore_draft()
    assert editor.notes.toPlainText() == "Seen with her daughter."
    editor.discard_draft()
    assert editor.notes.toPlainText() == "" and not editor.draft_row.isVisibleTo(editor)
    assert editor.drafts is not None and editor.drafts.load(f"patient-{pid}") is None
    view.edit_patient(pid)
    assert not editor.draft_row.isVisibleTo(editor)
    assert cato.get_patient(pid).version == 1  # nothing was saved


def _held_line(window: MainWindow, cato: Store, away: Any) -> tuple[int, Any, Any, ServerAway]:
    """A patient of cato's; cleo adds a VRd line while the server is away (not saved)."""
    pid = _visit_of(cato)
    page = patients_of(window).open_patient(pid)
    lines = page.lines_editor
    lines.regimen.setCurrentText("VRd")
    lines.drugs.setText("bortezomib, lenalidomide, dexamethasone")
    lines.start.setText("2024-02-01")
    server = away()
    assert not lines.add_line()
    return pid, page, lines, server


def test_a_therapy_line_added_offline_is_kept_and_saved_when_back(
    plain_window: MainWindow, cato: Store, away: Any, qtbot: QtBot
) -> None:
    pid, page, lines, server = _held_line(plain_window, cato, away)
    message = lines.message.text()
    assert "cannot be reached" in message
    assert "Your change of the therapy lines is kept as a draft on this computer" in message
    assert [ln.regimen for ln in lines.model.lines()] == ["VRd"]  # shown, as a draft
    assert lines.draft_row.isVisibleTo(lines) and "Draft, not saved yet" in (
        lines.draft_text.text()
    )
    assert lines.drafts is not None
    draft = lines.drafts.load(f"patient-{pid}-lines")
    assert draft is not None and draft.kind == "lines" and draft.data["read"] == []
    # the page shows the record read-only; the draft can still be discarded
    assert page.offline.isVisibleTo(page)
    assert not lines.add_button.isEnabled() and lines.discard_button.isEnabled()
    assert_mnemonics_unique(lines)
    wait = lines.findChild(server_wait.ServerWait)
    assert isinstance(wait, server_wait.ServerWait)
    qtbot.waitUntil(lambda: wait.attempts >= 2, timeout=15_000)
    assert cato.therapy_lines(pid) == []
    server.back()
    qtbot.waitUntil(lambda: len(cato.therapy_lines(pid)) == 1, timeout=15_000)
    assert [s.line.regimen for s in cato.therapy_lines(pid)] == ["VRd"]
    assert lines.status.text() == server_wait.BACK
    assert lines.drafts.load(f"patient-{pid}-lines") is None and not wait.waiting
    assert not lines.draft_row.isVisibleTo(lines)
    assert lines.add_button.isEnabled() and not page.offline.isVisibleTo(page)


def test_held_lines_changed_meanwhile_overwrite_nothing_until_the_clinician_chooses(
    plain_window: MainWindow, cato: Store, away: Any, qtbot: QtBot
) -> None:
    from myeloma_desk.domain.snapshot import TherapyLine

    pid, _page, lines, server = _held_line(plain_window, cato, away)
    cato.add_therapy_line(pid, TherapyLine(regimen="DRd", start=dt.date(2024, 1, 10)))
    server.back()
    qtbot.waitUntil(lambda: "changed by cato" in lines.message.text(), timeout=15_000)
    wait = lines.findChild(server_wait.ServerWait)
    assert isinstance(wait, server_wait.ServerWait)
    qtbot.wait(400)
    assert not wait.waiting  # not asked again: the clinician chooses
    assert [s.line.regimen for s in cato.therapy_lines(pid)] == ["DRd"]  # nothing overwritten
    assert [ln.regimen for ln in lines.model.lines()] == ["DRd"]  # the lines as saved now
    assert lines.draft_row.isVisibleTo(lines) and "VRd" in lines.draft_text.text()
    assert lines.save_kept_button.isVisibleTo(lines) and lines.save_kept_button.isEnabled()
    assert lines.save_kept()  # the explicit choice: the kept lines replace the saved ones
    assert [s.line.regimen for s in cato.therapy_lines(pid)] == ["VRd"]
    assert lines.drafts is not None and lines.drafts.load(f"patient-{pid}-lines") is None


def test_a_lines_draft_is_discarded_while_the_server_is_away(
    plain_window: MainWindow, cato: Store, away: Any, qtbot: QtBot
) -> None:
    pid, _page, lines, server = _held_line(plain_window, cato, away)
    lines.discard_button.click()
    assert lines.model.lines() == [] and not lines.draft_row.isVisibleTo(lines)
    assert lines.drafts is not None and lines.drafts.load(f"patient-{pid}-lines") is None
    wait = lines.findChild(server_wait.ServerWait)
    assert isinstance(wait, server_wait.ServerWait)
    server.back()
    qtbot.wait(500)
    assert cato.therapy_lines(pid) == [] and not wait.waiting


def test_a_lines_draft_left_over_is_offered_when_the_patient_is_opened(
    plain_window: MainWindow, cato: Store, away: Any
) -> None:
    other = _visit_of(cato, "Other, Olga")
    pid, _page, lines, server = _held_line(plain_window, cato, away)
    server.back()
    patients_of(plain_window).open_patient(other)  # another patient: the wait stops
    assert not lines.draft_row.isVisibleTo(lines)
    patients_of(plain_window).open_patient(pid)
    assert lines.draft_row.isVisibleTo(lines) and "VRd" in lines.draft_text.text()
    assert cato.therapy_lines(pid) == []
    assert lines.save_kept()  # checked against the lines it started from (none): saved
    assert [s.line.regimen for s in cato.therapy_lines(pid)] == ["VRd"]


def test_encrypted_server_drafts_of_an_earlier_session_are_offered_once_the_passphrase_is_in(
    open_window: OpenWindow, tmp_path: Path, server_site: Any, cato: Store
) -> None:
    pid = _visit_of(cato)
    paths = AppPaths.resolve(str(tmp_path))
    open_store(paths, SECRET).close()
    settings = Settings(server_store=server_site.target("cleo"))
    save_settings(paths, settings)
    # what a session that closed while the server was away left behind: an encrypted draft
    earlier = drafts_module.DraftStore(
        paths.data, None, lambda: drafts_module.server_space(settings.server_store)
    )
    earlier.unlock(SECRET)
    earlier.save(
        f"visit-patient-{pid}", {"albumin": {"value": 3.9, "unit": "g/dL"}}, NAME, str(pid)
    )
    drafts_module.forget_session_key(paths.data)  # a new session knows no passphrase
    win = open_window()  # the window closes after the test, and drops the passphrase
    view = patients_of(win)
    assert view.draft_banner.isVisibleTo(view)
    assert "encrypted with this computer's store passphrase" in view.draft_text.text()
    assert view.unlock_drafts_button.isVisibleTo(view)
    assert not view.draft_button.isVisibleTo(view)
    seen: list[str] = []
    _answer_dialog(_right, seen)
    view.unlock_drafts_button.click()
    assert seen == [PROMPT]
    assert f"An unsaved visit draft ({NAME}" in view.draft_text.text()
    assert view.draft_button.isVisibleTo(view)
    assert not view.unlock_drafts_button.isVisibleTo(view)
    view.draft_button.click()
    assess = win.current_page()
    assert isinstance(assess, AssessView)
    assert assess.banner.draft is not None and assess.banner.draft.label == NAME
    # discarding the last draft removes the vault: nothing is offered next session
    assess.discard_offered_draft()
    assert _server_vaults(tmp_path) == []
    drafts_module.forget_session_key(paths.data)
    assert not drafts_module.DraftStore.for_context(view.context).has_locked_drafts()
