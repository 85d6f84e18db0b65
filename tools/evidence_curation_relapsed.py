"""Hand review of the relapsed findings (applied by tools/evidence_curation.py).

FINDING_OVERRIDES: corrections per finding id (same shape as in evidence_curation.py).
REVIEWED: ids of findings whose every field was read against the PDQ sentence by a person.
"""

from __future__ import annotations

from typing import Any

FINDING_OVERRIDES: dict[str, dict[str, Any]] = {}

REVIEWED: tuple[str, ...] = ()
