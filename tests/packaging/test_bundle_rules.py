"""packaging/bundle_rules.py: what the spec keeps from Qt, on all three platforms' file names."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"


def load_rules() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bundle_rules", PACKAGING / "bundle_rules.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bundle_rules", module)
    spec.loader.exec_module(module)
    return module


rules = load_rules()
SYSTEM = rules.read_system_libs(PACKAGING / "linux" / "system-libs.txt", "linux")


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        # Linux
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
        ("PySide6/Qt/plugins/imageformats/libqwebp.so", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
        ("PySide6/Qt/plugins/networkinformation/libqnetworkmanager.so", False),
        ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
        ("PySide6/Qt/lib/libQt6Core.so.6", True),
        ("PySide6/Qt/lib/libQt6Gui.so.6", True),
        ("PySide6/Qt/lib/libQt6Network.so.6", False),
        ("PySide6/Qt/lib/libQt6QuickControls2Basic.so.6", False),
        ("PySide6/Qt/lib/libQt6WaylandClient.so.6", False),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("libGL.so.1", False),  # from the system (system-libs.txt), never bundled
        ("libxkbcommon.so.0", False),
        ("libstdc++.so.6", False),
        ("libglib-2.0.so.0", True),
        ("myeloma_desk/resources/reference/pdq.txt", True),
        ("myeloma_desk/resources/plugins/x.txt", True),  # our own folder named plugins
        # Windows
        ("PySide6\\plugins\\platforms\\qwindows.dll", True),
        ("PySide6\\plugins\\platforms\\qdirect2d.dll", False),
        ("PySide6\\plugins\\styles\\qmodernwindowsstyle.dll", True),
        ("PySide6\\plugins\\printsupport\\windowsprintersupport.dll", True),
        ("PySide6\\plugins\\imageformats\\qico.dll", True),
        ("PySide6\\plugins\\imageformats\\qtiff.dll", False),
        ("PySide6\\Qt6Network.dll", False),
        ("PySide6\\Qt6Widgets.dll", True),
        # macOS
        ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
        ("PySide6/Qt/plugins/styles/libqmacstyle.dylib", True),
        ("PySide6/Qt/lib/QtNetwork.framework/Versions/A/QtNetwork", False),
        ("PySide6/Qt/lib/QtQuick.framework/Versions/A/QtQuick", False),
        ("PySide6/Qt/lib/QtWidgets.framework/Versions/A/QtWidgets", True),
    ],
)
def test_keep(dest: str, kept: bool) -> None:
    assert rules.keep(dest, SYSTEM) is kept


def test_kept_plugin_directories() -> None:
    keep = rules.KEEP_PLUGINS
    assert {"platforms", "printsupport", "imageformats"} <= set(keep)
    assert not {"tls", "networkinformation", "sqldrivers", "platformthemes", "generic"} & set(keep)


def test_system_libs_only_on_linux() -> None:
    assert "libGL.so.1" in SYSTEM
    assert rules.read_system_libs(PACKAGING / "linux" / "system-libs.txt", "win32") == set()
    assert rules.keep("libGL.so.1", set())  # elsewhere nothing is taken from the system


def test_prune_keeps_what_kept_things_link_to() -> None:
    graph = {
        "/x/QtWidgets.abi3.so": ["libQt6Widgets.so.6"],
        "/x/libQt6Widgets.so.6": ["libQt6Gui.so.6"],
        "/x/libQt6Gui.so.6": ["libQt6Core.so.6", "libGL.so.1"],
        "/x/libQt6Core.so.6": ["libicuuc.so.73"],
        "/x/libicuuc.so.73": [],
        "/x/libqxcb.so": ["libQt6XcbQpa.so.6"],
        "/x/libQt6XcbQpa.so.6": [],
        "/x/libpython3.11.so.1.0": ["libz.so.1"],
        "/x/libz.so.1": [],
        "/x/libgtk-3.so.0": ["libcairo.so.2"],  # only the dropped GTK theme needed these
        "/x/libcairo.so.2": [],
    }
    binaries = [
        ("PySide6/QtWidgets.abi3.so", "/x/QtWidgets.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", "/x/libQt6Widgets.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/x/libQt6Gui.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "/x/libQt6Core.so.6", "BINARY"),
        ("PySide6/Qt/lib/libicuuc.so.73", "/x/libicuuc.so.73", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/x/libqxcb.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/x/libQt6XcbQpa.so.6", "BINARY"),
        ("libpython3.11.so.1.0", "/x/libpython3.11.so.1.0", "BINARY"),
        ("libz.so.1", "/x/libz.so.1", "BINARY"),
        ("libgtk-3.so.0", "/x/libgtk-3.so.0", "BINARY"),
        ("libcairo.so.2", "/x/libcairo.so.2", "BINARY"),
    ]
    kept, dropped = rules.prune_unreachable(binaries, lambda src: graph[src])
    assert dropped == ["libcairo.so.2", "libgtk-3.so.0"]
    assert [e[0] for e in kept] == [e[0] for e in binaries[:9]]
    symlinks = [
        ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
        ("libgtk-3.so.0", "x", "SYMLINK"),
        ("myeloma_desk/resources/icons/a.svg", "/x/a.svg", "DATA"),
    ]
    assert rules.drop_dangling_symlinks(symlinks, kept) == [symlinks[0], symlinks[2]]


@pytest.mark.skipif(shutil.which("objdump") is None, reason="binutils (objdump) missing")
def test_elf_needed_reads_direct_dependencies_only() -> None:
    needed = rules.elf_needed(sys.executable if Path(sys.executable).is_file() else "/bin/ls")
    assert any(name.startswith("libc.so") for name in needed)
    assert all("/" not in name for name in needed)
