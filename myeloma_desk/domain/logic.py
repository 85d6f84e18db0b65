"""Three-valued logic for criteria: True (met), False (not met), None (unknown).

Missing data is not normal data: an unknown criterion keeps a conjunction or disjunction
unknown unless the known criteria already decide it (Kleene's strong three-valued logic).
"""

from __future__ import annotations

from collections.abc import Iterable

Tri = bool | None


def tri_all(values: Iterable[Tri]) -> Tri:
    """AND: False if any is False, True if all are True, else None (unknown)."""
    items = list(values)
    if any(v is False for v in items):
        return False
    if all(v is True for v in items):
        return True
    return None


def tri_any(values: Iterable[Tri]) -> Tri:
    """OR: True if any is True, False if all are False, else None (unknown)."""
    items = list(values)
    if any(v is True for v in items):
        return True
    if all(v is False for v in items):
        return False
    return None
