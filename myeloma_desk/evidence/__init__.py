"""Treatment-evidence database built from the PDQ summary (pure Python, no Qt).

The data live in resources/evidence/ (YAML, reviewable); :func:`load` validates them with the
pydantic models of :mod:`myeloma_desk.evidence.schema` once per process.
"""

from __future__ import annotations

# Version of the database content (PDQ date + revision of our transcription). Bump the suffix
# whenever resources/evidence/ changes; meta.yaml must carry the same value (tested).
EVIDENCE_VERSION = "2025-04-25.2"
# Date of the PDQ summary the database is built from.
PDQ_DATE = "2025-04-25"

__all__ = ["EVIDENCE_VERSION", "PDQ_DATE"]
