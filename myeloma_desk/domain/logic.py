"""Three-valued logic for criteria: True (met), False (not met), None (unknown).

Missing data is not normal data: an unknown criterion keeps a conjunction or disjunction
unknown unless the known criteria already decide it (Kleene's strong three-valued logic).
"""

from __future__ import annotations

from collections.abc import Iterable

Tri = bool | None


def tri_all(values: Iterable[Tri]) -> Tri:
    """AND: False if any is False, True if all are True, else None (unknown)."""
    unknown = False
    for v in list(values):  # consume all values first, as callers may pass a generator
        if v is False:
            return False
        if v is not True:
            unknown = True
    return None if unknown else True


def tri_any(values: Iterable[Tri]) -> Tri:
    """OR: True if any is True, False if all are False, else None (unknown)."""
    unknown = False
    for v in list(values):  # consume all values first, as callers may pass a generator
        if v is True:
            return True
        if v is not False:
            unknown = True
    return None if unknown else False
