"""The engine, evidence, store and reference layers import without Qt."""

from __future__ import annotations

import subprocess
import sys

PURE = [
    "myeloma_desk.domain.engine",
    "myeloma_desk.domain.snapshot",
    "myeloma_desk.reference.pdq",
    "myeloma_desk.evidence",
    "myeloma_desk.store",
    "myeloma_desk.settings",
    "myeloma_desk.paths",
]


def test_pure_layers_do_not_load_qt() -> None:
    code = (
        "import sys\n"
        f"for name in {PURE!r}: __import__(name)\n"
        "from myeloma_desk.domain.engine import rules\n"
        "rules()\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
