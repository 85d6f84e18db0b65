"""Notes from the evidence database as a reader sees them: the curators' pointers to the
project's own files ("(pdq-errata.md)", "(levels-of-evidence.md)") are for them, not for the
clinician, and are left out wherever a note is shown (evidence and regimen details, the
Reference's table errata, search results). Pure Python."""

from __future__ import annotations

import re

_FILE = r"(?:pdq-errata|levels-of-evidence)\.md"
_ALONE = re.compile(rf"\s*\({_FILE}\)")  # " (pdq-errata.md)" at the end of a sentence
_LEADING = re.compile(rf"\({_FILE}:\s*")  # "(pdq-errata.md: FIRST, …)" → "(FIRST, …)"


def reader_note(text: str) -> str:
    """``text`` without the pointers to the project's files."""
    return _LEADING.sub("(", _ALONE.sub("", text))
