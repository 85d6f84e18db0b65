"""The packaging recipes as code: desktop entry, control file, launcher, spec, icons, Inno script.

Fast checks that need no build; the slow end-to-end test is tests/e2e/test_deb.py.
"""

from __future__ import annotations

import ast
import configparser
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from myeloma_desk import __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
LINUX = PACKAGING / "linux"
BUILD_DEB = LINUX / "build-deb.sh"
DESKTOP = LINUX / "myeloma-desk.desktop"
SPEC = PACKAGING / "myeloma-desk.spec"
# What Qt needs from the system (examples-to-follow: "in a .deb declare Depends: at least ...").
QT_DEPENDS = {"libegl1", "libgl1", "libfontconfig1", "libxkbcommon0", "libxcb-cursor0"}

needs_dpkg = pytest.mark.skipif(shutil.which("dpkg") is None, reason="dpkg is missing")


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_fields() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Myeloma Desk"
    assert entry["Exec"] == "myeloma-desk"  # the launcher on PATH (/usr/bin)
    assert entry["Icon"] == "myeloma-desk"  # an icon-theme name, installed under hicolor
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";") and "MedicalSoftware" in entry["Categories"]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_desktop_entry_validates() -> None:
    done = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


def control(*args: str) -> dict[str, str]:
    done = subprocess.run(
        ["bash", str(BUILD_DEB), "--print-control", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    fields: dict[str, str] = {}
    key = ""
    for line in done.stdout.splitlines():
        if line.startswith(" "):
            fields[key] += "\n" + line
        else:
            key, _, value = line.partition(": ")
            fields[key] = value
    return fields


@needs_dpkg
def test_control_fields() -> None:
    fields = control("--version", "2.3.4+rc1")
    assert fields["Package"] == "myeloma-desk"
    assert fields["Version"] == "2.3.4+rc1"
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True)
    assert fields["Architecture"] == arch.stdout.strip()
    assert re.fullmatch(r".+ <[^@ ]+@[^@ ]+>", fields["Maintainer"])
    assert fields["Installed-Size"].isdigit()
    summary, *long_lines = fields["Description"].split("\n")
    assert 0 < len(summary) <= 80
    assert long_lines and all(line.startswith(" ") and len(line) <= 80 for line in long_lines)


@needs_dpkg
def test_control_depends_on_qt_system_libraries_and_every_unbundled_library() -> None:
    depends = [d.strip() for d in control()["Depends"].split(",")]
    names = {alt.strip() for d in depends for alt in d.split("|")}
    assert names >= QT_DEPENDS
    listed = [
        line.split(None, 1)[1].strip()
        for line in (LINUX / "system-libs.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert set(listed) <= set(depends)  # the spec leaves these out, so the system must have them


@needs_dpkg
def test_default_version_is_the_apps_and_bad_versions_are_refused() -> None:
    assert control()["Version"] == __version__
    done = subprocess.run(
        ["bash", str(BUILD_DEB), "--print-control", "--version", "1.0 beta"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "invalid Debian version" in done.stderr


@needs_dpkg
def test_newer_version_sorts_after_the_release() -> None:
    # tests/e2e/test_deb.py upgrades from __version__ to __version__+upgrade1.
    newer = subprocess.run(
        ["dpkg", "--compare-versions", f"{__version__}+upgrade1", "gt", __version__]
    )
    assert newer.returncode == 0


def test_launcher_execs_the_installed_app() -> None:
    launcher = LINUX / "myeloma-desk.sh"
    assert os.access(launcher, os.X_OK)
    text = launcher.read_text()
    assert text.startswith("#!/bin/sh\n")
    assert 'exec /opt/myeloma-desk/myeloma-desk "$@"' in text


def test_system_libs_are_sonames_with_a_debian_package() -> None:
    for line in (LINUX / "system-libs.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            soname, package = line.split(None, 1)
            assert re.fullmatch(r"lib[\w.+-]+\.so\.\d+", soname), soname
            assert re.fullmatch(r"[a-z0-9][a-z0-9.+-]+( \| [a-z0-9][a-z0-9.+-]+)*", package)


def spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text(), filename=str(SPEC))


def test_spec_never_uses_upx_and_builds_onedir() -> None:
    calls = {
        node.func.id: node
        for node in ast.walk(spec_tree())
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    upx = [
        kw.value
        for node in ast.walk(spec_tree())
        if isinstance(node, ast.Call)
        for kw in node.keywords
        if kw.arg == "upx"
    ]
    assert upx and all(isinstance(v, ast.Constant) and v.value is False for v in upx)
    assert "COLLECT" in calls  # onedir: EXE(exclude_binaries=True) + COLLECT
    exclude = [kw for kw in calls["EXE"].keywords if kw.arg == "exclude_binaries"]
    assert exclude and isinstance(exclude[0].value, ast.Constant) and exclude[0].value.value


def spec_constant(name: str) -> object:
    for node in spec_tree().body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise KeyError(name)


def test_spec_excludes_unused_modules_and_applies_the_bundle_rules() -> None:
    excludes = spec_constant("excludes")
    assert isinstance(excludes, list)
    assert {"tkinter", "PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick"} <= set(excludes)
    text = SPEC.read_text()
    for call in ("bundle_rules.keep(", "bundle_rules.prune_unreachable(", "read_system_libs("):
        assert call in text


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_icons_exist_in_the_sizes_installed() -> None:
    icons = ROOT / "resources" / "icons"
    assert png_size(icons / "myeloma-desk-256.png") == (256, 256)
    assert png_size(icons / "myeloma-desk-48.png") == (48, 48)
    assert (icons / "myeloma-desk.svg").read_text().lstrip().startswith("<?xml")
    assert (PACKAGING / "windows" / "myeloma-desk.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (PACKAGING / "macos" / "myeloma-desk.icns").read_bytes()[:4] == b"icns"


def test_inno_setup_script_essentials() -> None:
    text = (PACKAGING / "windows" / "myeloma-desk.iss").read_text()
    sections = re.findall(r"^\[(\w+)\]", text, flags=re.MULTILINE)
    assert {"Setup", "Files", "Icons", "Run", "Code", "InstallDelete"} <= set(sections)
    app_id = re.search(r"^AppId=\{\{([0-9A-F-]{36})\}$", text, flags=re.MULTILINE)
    assert app_id, "AppId must be a fixed GUID, or upgrades install side by side"
    assert "NOT BUILT OR TESTED" in text
    assert "self-test" in text and "myeloma-desk-cli.exe" in text
    assert 'Source: "{#SourceDir}\\*"' in text and "recursesubdirs" in text


def test_shell_scripts_parse() -> None:
    for script in (BUILD_DEB, PACKAGING / "macos" / "build-macos.sh"):
        subprocess.run(["bash", "-n", str(script)], check=True)


def test_collect_licenses_copies_runtime_licences_not_build_tools(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(PACKAGING / "collect_licenses.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "pydantic" in done.stdout
    assert (tmp_path / "pydantic" / "LICENSE").read_text().strip()
    assert (tmp_path / "Python" / "LICENSE.txt").is_file()
    assert not (tmp_path / "pip").exists() and not (tmp_path / "myeloma-desk").exists()
