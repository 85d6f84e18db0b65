"""The committed data are exactly what tools/extract_evidence.py produces (reproducible)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_committed_data_are_current() -> None:
    tool = ROOT / "tools" / "extract_evidence.py"
    out = subprocess.run(
        [sys.executable, str(tool), "--check"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "findings 133" in out.stdout
