"""Paths are private and overridable; settings persist atomically and survive bad files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from myeloma_desk.paths import ENV_HOME, AppPaths
from myeloma_desk.settings import SETTINGS_FILE, Settings, load_settings, save_settings


def test_data_dir_override_puts_everything_under_it(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path).ensure()
    for folder in (paths.data, paths.config, paths.logs, paths.cache):
        assert folder.is_dir()
        assert tmp_path in folder.parents


def test_environment_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_HOME, str(tmp_path))
    assert AppPaths.resolve().data == tmp_path / "data"


def test_default_is_platform_user_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_HOME, raising=False)
    assert "myeloma-desk" in str(AppPaths.resolve().data)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_folders_and_settings_are_owner_only(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path).ensure()
    for folder in (paths.data, paths.config, paths.logs, paths.cache):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    save_settings(paths, Settings(clinician="Dr A"))
    assert stat.S_IMODE((paths.config / SETTINGS_FILE).stat().st_mode) == 0o600


def test_settings_round_trip(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path)
    save_settings(paths, Settings(last_section="reference", institution="Clinic"))
    loaded = load_settings(paths)
    assert (loaded.last_section, loaded.institution) == ("reference", "Clinic")


def test_corrupt_settings_give_defaults_and_are_not_overwritten(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path).ensure()
    target = paths.config / SETTINGS_FILE
    target.write_text("{not json", encoding="utf-8")
    assert load_settings(paths) == Settings()
    assert target.read_text(encoding="utf-8") == "{not json"


def test_settings_values_are_checked_at_their_bounds(tmp_path: Path) -> None:
    from myeloma_desk.settings import SettingsError

    paths = AppPaths.resolve(tmp_path).ensure()
    target = paths.config / SETTINGS_FILE
    for minutes, kept in ((0, False), (1, True), (1440, True), (1441, False), (True, False)):
        target.write_text(json.dumps({"idle_lock_minutes": minutes}), encoding="utf-8")
        assert (load_settings(paths).idle_lock_minutes == minutes) is kept, minutes
    for points, kept in ((7, False), (8, True), (24, True), (25, False)):
        target.write_text(json.dumps({"reference_font_points": points}), encoding="utf-8")
        assert (load_settings(paths).reference_font_points == points) is kept, points
    target.write_text(json.dumps({"clinician": "x" * 201}), encoding="utf-8")
    assert load_settings(paths) == Settings()
    target.write_text(json.dumps({"page_size": "Letter", "from_a_newer_version": 1}), "utf-8")
    assert load_settings(paths).page_size == "Letter"  # unknown keys are ignored
    with pytest.raises(SettingsError):
        Settings(last_section="snake_case")  # type: ignore[arg-type]


def test_settings_need_no_model_library_at_start_up() -> None:
    code = "import sys, myeloma_desk.settings; print('pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
