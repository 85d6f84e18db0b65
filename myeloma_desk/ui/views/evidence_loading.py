"""Loading the evidence database off the GUI thread, for every section that needs it.

Kept apart from ``evidence_common`` (the HTML of its records) so that asking for the database
(the patient page does when a patient opens, for its regimen picker) imports nothing of it on
the GUI thread: the database's modules are imported by the worker that loads it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from myeloma_desk.evidence.loader import Evidence
    from myeloma_desk.ui.context import AppContext
    from myeloma_desk.ui.workers import Worker


def load_evidence() -> Evidence:
    """Load the database and build its search index (runs on a worker thread)."""
    from myeloma_desk.evidence.loader import load
    from myeloma_desk.evidence.search import index

    evidence = load()
    index()
    return evidence


def with_evidence(context: AppContext, worker: Worker, ready: Callable[[Evidence], None]) -> None:
    """Call ``ready(evidence)`` on the GUI thread, loading it in the background the first time."""
    loaded = context.evidence
    if loaded is not None:
        ready(loaded)
        return

    def done(result: object) -> None:
        from myeloma_desk.evidence.loader import Evidence  # imported by the worker already

        assert isinstance(result, Evidence)
        context.evidence = result
        ready(result)

    worker.submit(load_evidence, done, key="evidence-load")
