"""The one error an import raises: every problem found, in words a user can act on."""

from __future__ import annotations

from pydantic import ValidationError

MAX_PROBLEMS_SHOWN = 20


class ImportRejected(ValueError):
    """The file was refused as a whole; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems or ["the file was rejected"]
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        more = len(self.problems) - len(shown)
        text = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
        super().__init__(f"Import rejected, nothing was written: {text}")


def pydantic_problems(error: ValidationError, prefix: str) -> list[str]:
    """One line per validation error: ``prefix location: message``."""
    problems = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        problems.append(f"{prefix} {where}: {message}".strip())
    return problems
