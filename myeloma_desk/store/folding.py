"""Search keys for patient names and identifiers (used at run time by the patient repository).

Migration 3 (``migrations/v0003_search_and_audit.py``) keeps its own frozen copy of these two
functions: a migration must keep doing what it did when it was written, whatever this module
becomes.
"""

from __future__ import annotations


def fold(text: str) -> str:
    """Case-insensitive search key: Unicode casefold with surrounding space removed."""
    return text.strip().casefold()


def terms(name: str) -> set[str]:
    """The words of a name that a search prefix may match (``"van der Berg, Ann"`` → 4)."""
    cleaned = "".join(ch if ch.isalnum() else " " for ch in fold(name))
    return {word for word in cleaned.split() if word}


def prefix_range(prefix: str) -> tuple[str, str]:
    """``[prefix, prefix + U+10FFFF)``: an index range scan equivalent to ``LIKE 'prefix%'``."""
    return prefix, prefix + "\U0010ffff"
