"""Test-wide setup: offscreen Qt, a private data dir per test, and a network guard."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
