"""Treatment-evidence database built from the PDQ summary (pure Python, no Qt).

The data live in resources/evidence/ (YAML, reviewable); :func:`load` validates them with the
pydantic models of :mod:`myeloma_desk.evidence.schema` once per process.
"""

from __future__ import annotations

from myeloma_desk.reference.pdq import PDQ_DATE

# Version of the database content (PDQ date + revision of our transcription). Bump the suffix
# whenever resources/evidence/ changes; meta.yaml must carry the same value (tested).
EVIDENCE_VERSION = "2025-04-25.6"
# PDQ_DATE (the date of the PDQ summary the database is built from) has one home,
# myeloma_desk.reference.pdq; it is re-exported here for the evidence callers.

__all__ = ["EVIDENCE_VERSION", "PDQ_DATE"]
