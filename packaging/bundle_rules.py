"""What the PyInstaller spec keeps from Qt, and which shared libraries it prunes.

Plain Python so it can be unit-tested (tests/packaging/test_bundle_rules.py) with the file names
of all three platforms; packaging/myeloma-desk.spec imports it. Entries are PyInstaller TOC
tuples ``(destination name, source path, kind)``. Why each plugin is kept: docs/installers.md.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

Entry = tuple[str, str, str]

# Qt plugins kept, by plugin directory; None keeps the whole directory, a missing directory is
# dropped. File names for Linux (.so), Windows (.dll) and macOS (.dylib).
#   platforms: xcb (X11, and Wayland desktops through XWayland), offscreen (self-test,
#     benchmark, CI), minimal; qwindows / qcocoa on Windows / macOS.
#   xcbglintegrations: lets xcb use GL without a warning (small).
#   platforminputcontexts: compose keys and IBus (accents, non-Latin input in patient names).
#   printsupport: printing of reports (CUPS, Windows, macOS backends).
#   imageformats, iconengines: pictures and SVG icons.  styles: native Windows/macOS styles.
KEEP_PLUGINS: dict[str, frozenset[str] | None] = {
    "platforms": frozenset(
        {
            "libqxcb.so",
            "libqoffscreen.so",
            "libqminimal.so",
            "qwindows.dll",
            "qoffscreen.dll",
            "qminimal.dll",
            "libqcocoa.dylib",
            "libqoffscreen.dylib",
            "libqminimal.dylib",
        }
    ),
    "xcbglintegrations": None,
    "platforminputcontexts": frozenset(
        {"libcomposeplatforminputcontextplugin.so", "libibusplatforminputcontextplugin.so"}
    ),
    "printsupport": None,
    "imageformats": frozenset(
        f"{prefix}q{fmt}.{ext}"
        for fmt in ("gif", "ico", "jpeg", "svg")
        for prefix, ext in (("lib", "so"), ("", "dll"), ("lib", "dylib"))
    ),
    "iconengines": None,
    "styles": None,
}

# Qt libraries never shipped, even if a plugin drags them in. Named by module: libQt6<name>
# (Linux), Qt6<name>.dll (Windows), Qt<name>.framework (macOS); prefixes, so "Quick" also
# drops QuickControls2 and the rest.
DROP_QT_LIBS = (
    "Network",
    "Qml",
    "Quick",
    "OpenGL",
    "Pdf",
    "VirtualKeyboard",
    "Wayland",
    "WlShell",
    "EglFS",
    "EglFsKms",
    "Designer",
    "LabsStyleKit",
)


def read_system_libs(path: Path, platform: str) -> set[str]:
    """Sonames in linux/system-libs.txt (taken from the target system); none off Linux."""
    if not platform.startswith("linux"):
        return set()
    names = set()
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            names.add(line.split()[0])
    return names


def _parts(dest_name: str) -> tuple[str, ...]:
    return PurePosixPath(dest_name.replace("\\", "/")).parts


def dropped_qt_lib(dest_name: str) -> bool:
    """True for a library of a Qt module the app does not use."""
    parts = _parts(dest_name)
    name = parts[-1]
    return any(
        name.startswith((f"libQt6{m}", f"Qt6{m}")) or f"Qt{m}.framework" in parts
        for m in DROP_QT_LIBS
    )


def plugin_kept(dest_name: str) -> bool:
    """False for a Qt plugin outside KEEP_PLUGINS; True for anything that is not a plugin."""
    parts = _parts(dest_name)
    if "plugins" not in parts[:-1] or "PySide6" not in parts:
        return True
    rest = parts[parts.index("plugins") + 1 :]
    if len(rest) < 2:
        return True
    wanted = KEEP_PLUGINS.get(rest[0], frozenset())
    return wanted is None or rest[-1] in wanted


def keep(dest_name: str, system_libs: set[str]) -> bool:
    """Whether a collected file goes into the bundle."""
    parts = _parts(dest_name)
    if "PySide6" in parts and "translations" in parts:
        return False  # Qt's own UI translations: the app is English only (7 MB)
    if parts[-1] in system_libs or dropped_qt_lib(dest_name):
        return False
    return plugin_kept(dest_name)


def elf_needed(path: str) -> list[str]:
    """DT_NEEDED entries of an ELF file (objdump -p). Not ldd: ldd lists the transitive
    closure, including system libraries, so it would keep everything reachable through them."""
    out = subprocess.run(["objdump", "-p", path], capture_output=True, text=True, check=True)
    return [line.split()[1] for line in out.stdout.splitlines() if line.split()[:1] == ["NEEDED"]]


def prune_unreachable(
    binaries: Iterable[Entry], needed: Callable[[str], list[str]]
) -> tuple[list[Entry], list[str]]:
    """Keep the binaries reachable by link-time dependencies from the roots; return
    (kept, names of the dropped). Roots: Python extensions, Qt plugins and libpython (which the
    bootloader loads)."""
    entries = list(binaries)
    by_name = {PurePosixPath(dest).name: (dest, src, kind) for dest, src, kind in entries}
    roots = [
        entry
        for entry in entries
        if entry[2] == "EXTENSION"
        or "plugins" in _parts(entry[0])[:-1]
        or PurePosixPath(entry[0]).name.startswith("libpython")
    ]
    reached = {PurePosixPath(dest).name for dest, _src, _kind in roots}
    todo = list(roots)
    while todo:
        _dest, src, _kind = todo.pop()
        for name in needed(src):
            if name in by_name and name not in reached:
                reached.add(name)
                todo.append(by_name[name])
    kept = [entry for entry in entries if PurePosixPath(entry[0]).name in reached]
    dropped = sorted({PurePosixPath(d).name for d, _s, _k in entries} - reached)
    return kept, dropped


def drop_dangling_symlinks(datas: Iterable[Entry], binaries: Iterable[Entry]) -> list[Entry]:
    """Drop SYMLINK entries (PyInstaller's top-level links to Qt libraries) whose library went."""
    kept_names = {PurePosixPath(dest).name for dest, _src, _kind in binaries}
    return [e for e in datas if e[2] != "SYMLINK" or PurePosixPath(e[0]).name in kept_names]
