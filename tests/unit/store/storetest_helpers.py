"""Helpers shared by the store tests (imported by name; pytest puts this folder on sys.path)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from myeloma_desk.domain.snapshot import Snapshot, parse_snapshot


def snap(**fields: Any) -> Snapshot:
    """A snapshot from keyword fields; numbers given as (value, unit) tuples."""
    data = {
        name: {"value": value[0], "unit": value[1]} if isinstance(value, tuple) else value
        for name, value in fields.items()
    }
    return parse_snapshot(data)


D = dt.date
