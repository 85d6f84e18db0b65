"""The one error an import raises: every problem found, in words a user can act on
(:mod:`myeloma_desk.exchange.messages` words them)."""

from __future__ import annotations

MAX_PROBLEMS_SHOWN = 20


class ImportRejected(ValueError):
    """The file was refused as a whole; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems or ["the file was rejected"]
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        more = len(self.problems) - len(shown)
        text = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
        super().__init__(f"Import rejected, nothing was written: {text}")
