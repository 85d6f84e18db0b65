"""Visit drafts are never kept in plain text beside an encrypted store (issue 17 item 5)."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from myeloma_desk.paths import AppPaths
from myeloma_desk.store import Store, open_store
from myeloma_desk.ui.views.drafts import DraftStore

SECRET = "draft secret 42"
NAME = "Zyxwvut, Quentin"
FORM = {"name": NAME, "hemoglobin": {"value": "9.7", "unit": "g/dL"}, "mrn": "MRN-8867531"}


def context(paths: AppPaths, store: Store | None) -> Any:
    return SimpleNamespace(paths=paths, store=store)


def every_byte(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_a_plain_store_keeps_drafts_as_before(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path / "home")
    with open_store(paths) as store:
        drafts = DraftStore.for_context(context(paths, store))
        where = drafts.save("visit-new", FORM, "a new visit")
        assert where == paths.data / "drafts" / "visit-new.json"
        assert stat.S_IMODE(where.stat().st_mode) == 0o600
    # offered back before the store is opened again (the Assess page is built first)
    assert [d.data for d in DraftStore.for_context(context(paths, None)).all()] == [FORM]
    drafts.discard("visit-new")
    assert drafts.all() == []


def test_without_a_vault_a_plain_store_uses_owner_only_files(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path / "home")
    open_store(paths).close()
    drafts = DraftStore(paths.data)
    where = drafts.save("visit-new", FORM, "a new visit")
    assert where == paths.data / "drafts" / "visit-new.json"
    assert json.loads(where.read_text())["data"] == FORM
    assert drafts.load("visit-new") is not None


@pytest.fixture
def encrypted(tmp_path: Path) -> AppPaths:
    pytest.importorskip("sqlcipher3")
    paths = AppPaths.resolve(tmp_path / "home")
    open_store(paths, SECRET).close()
    return paths


def test_drafts_of_an_encrypted_store_hold_no_plain_text(encrypted: AppPaths) -> None:
    with open_store(encrypted, SECRET, backup_on_open=False) as store:
        drafts = DraftStore.for_context(context(encrypted, store))
        assert drafts.save("visit-p1", FORM, NAME, "p1") is not None
        assert drafts.load("visit-p1") is not None
        assert drafts.load("visit-p1").data == FORM  # type: ignore[union-attr]
        assert [d.label for d in drafts.all()] == [NAME]
    raw = every_byte(encrypted.data / "drafts")
    assert raw and b"Zyxwvut" not in raw and b"MRN-8867531" not in raw and b"9.7" not in raw


def test_a_locked_encrypted_store_writes_no_draft(encrypted: AppPaths) -> None:
    drafts = DraftStore.for_context(context(encrypted, None))  # store not open: no key
    assert drafts.save("visit-new", FORM, NAME) is None
    assert drafts.all() == []
    folder = encrypted.data / "drafts"
    assert not folder.exists() or b"Zyxwvut" not in every_byte(folder)


def test_plain_draft_files_are_moved_into_the_vault(encrypted: AppPaths) -> None:
    folder = encrypted.data / "drafts"
    folder.mkdir(parents=True, exist_ok=True)
    legacy = {"key": "visit-old", "saved_at": "2026-01-01T00:00:00+00:00", "label": NAME}
    (folder / "visit-old.json").write_text(json.dumps({**legacy, "data": FORM}))
    locked = DraftStore.for_context(context(encrypted, None))
    assert locked.all() == []  # not offered without the key
    with open_store(encrypted, SECRET, backup_on_open=False) as store:
        drafts = DraftStore.for_context(context(encrypted, store))
        assert [d.key for d in drafts.all()] == ["visit-old"]
    assert not (folder / "visit-old.json").exists()
    assert b"Zyxwvut" not in every_byte(folder)


def test_drafts_follow_a_change_of_passphrase(encrypted: AppPaths) -> None:
    with open_store(encrypted, SECRET, backup_on_open=False) as store:
        drafts = DraftStore.for_context(context(encrypted, store))
        drafts.save("visit-p1", FORM, NAME)
        store.change_passphrase("a new secret 43")
        assert [d.data for d in drafts.all()] == [FORM]
        assert b"Zyxwvut" not in every_byte(encrypted.data / "drafts")
        store.change_passphrase(None)  # decrypting the store decrypts the vault too
        assert [d.data for d in drafts.all()] == [FORM]


def test_encrypting_the_store_encrypts_a_clinic_servers_plain_drafts(tmp_path: Path) -> None:
    pytest.importorskip("sqlcipher3")
    from myeloma_desk.ui.views.drafts import forget_session_key, server_space

    paths = AppPaths.resolve(tmp_path / "home")
    open_store(paths).close()
    space = server_space("host=db.clinic dbname=myeloma user=cleo")
    server = DraftStore(paths.data, None, lambda: space)
    where = server.save("visit-patient-7", FORM, NAME, "7")  # this computer's store is plain
    assert where is not None and where.suffix == ".json"
    with open_store(paths, backup_on_open=False) as store:
        store.change_passphrase(SECRET)
    assert not list((paths.data / "drafts").rglob("*.json"))
    assert b"Zyxwvut" not in every_byte(paths.data / "drafts")
    assert server.needs_passphrase() and server.has_locked_drafts()
    try:
        server.unlock(SECRET)
        assert [d.data for d in server.all()] == [FORM]
    finally:
        forget_session_key(paths.data)
