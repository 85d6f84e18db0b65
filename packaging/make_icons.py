"""Render resources/icons/myeloma-desk.svg to the PNG, ICO and ICNS files the installers use.

Run from the repository root in the dev venv: ``.venv/bin/python packaging/make_icons.py``.
The outputs are committed, so builds do not need to run this.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "myeloma-desk.svg"
OUTPUTS = [
    (ROOT / "resources" / "icons" / "myeloma-desk-256.png", 256, "PNG"),
    (ROOT / "resources" / "icons" / "myeloma-desk-48.png", 48, "PNG"),
    (ROOT / "packaging" / "windows" / "myeloma-desk.ico", 256, "ICO"),
    (ROOT / "packaging" / "macos" / "myeloma-desk.icns", 512, "ICNS"),
]


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication(sys.argv)
    for path, size, fmt in OUTPUTS:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not render(size).save(str(path), fmt):
            print(f"could not write {path} ({fmt} image plugin missing?)", file=sys.stderr)
            return 1
        print(f"wrote {path.relative_to(ROOT)} ({size}px {fmt})")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
