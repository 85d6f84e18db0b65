"""Copy the licence files of the distributions in the build venv (what the bundle is made of).

Run with the build venv's Python: ``collect_licenses.py DEST``. Build-only tools (PyInstaller
and its helpers, pip, setuptools, wheel) are skipped: they are not shipped. A distribution
without licence files gets a LICENSE-metadata.txt with its declared licence.
"""

from __future__ import annotations

import importlib.metadata as md
import shutil
import sys
import sysconfig
from pathlib import Path

BUILD_ONLY = {
    "pip",
    "setuptools",
    "wheel",
    "pyinstaller",
    "pyinstaller-hooks-contrib",
    "altgraph",
    "packaging",
    "myeloma-desk",
}
MARKERS = ("licen", "copying", "notice", "authors")


def main() -> int:
    dest = Path(sys.argv[1])
    dest.mkdir(parents=True, exist_ok=True)
    names = []
    for dist in sorted(md.distributions(), key=lambda d: d.metadata["Name"].lower()):
        name = dist.metadata["Name"]
        if name.lower() in BUILD_ONLY or name.lower() in (n.lower() for n in names):
            continue
        folder = dest / name
        folder.mkdir(exist_ok=True)
        copied = 0
        for file in dist.files or []:
            if any(m in file.name.lower() for m in MARKERS) and not file.name.endswith(".py"):
                source = Path(str(file.locate()))
                if source.is_file():
                    shutil.copyfile(source, folder / file.name)
                    copied += 1
        if not copied:
            declared = dist.metadata.get("License-Expression") or dist.metadata.get("License")
            (folder / "LICENSE-metadata.txt").write_text(
                f"{name} {dist.version}: licence declared in its metadata: {declared or 'none'}\n"
            )
        names.append(name)
    # The interpreter itself (libpython and the standard library are bundled).
    python_licence = Path(sysconfig.get_path("stdlib")) / "LICENSE.txt"
    if python_licence.is_file():
        (dest / "Python").mkdir(exist_ok=True)
        shutil.copyfile(python_licence, dest / "Python" / "LICENSE.txt")
        names.append("Python")
    print(f"licences of {len(names)} bundled distributions in {dest}: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
