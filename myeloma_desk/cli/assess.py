"""`myeloma-desk assess SNAPSHOT.json`: run every criteria rule on one snapshot, headless.

The outside is fixed by ../shared/reference/assessment-interchange.md: exit 0 with the results
on stdout; exit 2 on invalid input with one message per field on stderr. ``-`` reads stdin.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from myeloma_desk.domain.engine import Assessment
    from myeloma_desk.domain.results import RuleResult

EXIT_OK = 0
EXIT_INVALID = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``assess`` subcommand."""
    parser = subparsers.add_parser(
        "assess",
        help="run the criteria engine on a snapshot (JSON) and print every rule's result",
        description="Run every criteria rule on one clinical snapshot. Exit 0: results on "
        "stdout. Exit 2: invalid input, one message per field on stderr. "
        "See `myeloma-desk schema` for the input.",
    )
    parser.add_argument("snapshot", metavar="SNAPSHOT.json", help="snapshot file, or - for stdin")
    parser.add_argument(
        "--format",
        choices=("json", "text"),
        default="json",
        help="json (the interchange format, default) or readable text",
    )
    parser.set_defaults(handler=run)


def evidence_version() -> str:
    """The evidence database version, or "unavailable" if the evidence package has none."""
    try:
        evidence = importlib.import_module("myeloma_desk.evidence")
    except ImportError:
        return "unavailable"
    return str(getattr(evidence, "EVIDENCE_VERSION", "unavailable"))


MAX_SNAPSHOT_BYTES = 20 * 1024 * 1024


def _read(path: str) -> Any:
    """The parsed snapshot JSON, by the same rules as ``patients import`` (jsonin)."""
    from pathlib import Path

    from myeloma_desk.exchange.jsonin import parse_json_bytes, read_limited

    if path == "-":
        stream = getattr(sys.stdin, "buffer", None)  # a text-only stdin (tests) has none
        if stream is not None:
            raw = stream.read(MAX_SNAPSHOT_BYTES + 1)
        else:
            raw = sys.stdin.read(MAX_SNAPSHOT_BYTES + 1).encode("utf-8")
    else:
        raw = read_limited(Path(path), MAX_SNAPSHOT_BYTES)
    return parse_json_bytes(raw, MAX_SNAPSHOT_BYTES)


def run(args: argparse.Namespace) -> int:
    """Handler: read, validate, assess, print."""
    from myeloma_desk.domain.engine import assess
    from myeloma_desk.domain.snapshot import SnapshotError, parse_snapshot
    from myeloma_desk.exchange.jsonin import JsonInputError

    try:
        data = _read(args.snapshot)
    except JsonInputError as error:
        print(f"snapshot: {error}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as error:
        print(f"snapshot: cannot read {args.snapshot}: {error.strerror or error}", file=sys.stderr)
        return EXIT_INVALID
    if not isinstance(data, dict):
        print("snapshot: must be a JSON object", file=sys.stderr)
        return EXIT_INVALID
    try:
        snapshot = parse_snapshot(data, today=dt.date.today())
    except SnapshotError as error:
        for field, message in error.problems:
            print(f"{field}: {message}", file=sys.stderr)
        return EXIT_INVALID
    assessment = assess(snapshot, evidence_version=evidence_version())
    if args.format == "text":
        text = format_text(assessment)
    else:
        text = json.dumps(assessment.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error; silence the final flush.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK


MARK = {True: "met", False: "not met", None: "unknown"}
# detail keys shown in text form, in this order, when present
DETAIL_KEYS = (
    "points",
    "points_range",
    "factors",
    "factors_range",
    "possible",
    "median_os_months",
    "median_os_text",
    "five_year_os_percent",
    "two_year_progression_percent",
    "progression_20_years_percent",
    "progression_20_years_competing_risk_percent",
    "median_survival_years",
    "alternative_result",
    "two_readings",
    "also_meets",
    "not_assessed",
    "pdq_row",
    "reason",
    "diagnosis_note",
    "survival_verification",
    "pdq_difference",
)


def _value(value: Any) -> str:
    """A value in the display vocabulary's words: identifiers inside it as words
    ("active_multiple_myeloma" → "active multiple myeloma"), stages and units as written."""
    from myeloma_desk.domain.display import inline_words, mid_sentence, words

    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return "; ".join(f"{_value(str(k))}: {_value(v)}" for k, v in value.items())
    if isinstance(value, str):
        return inline_words(mid_sentence(words(value)))
    return str(value)


def _result(result: RuleResult) -> str:
    """The result by its name ("Active multiple myeloma", "Triple-class refractory"); a
    response or a stage as written ("VGPR", "II"); numbers as the engine gives them."""
    from myeloma_desk.domain.display import value_words

    value = result.result
    if value is None:
        return "—"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return str(value)
    return value_words(value, result.rule)  # the one display vocabulary


def format_result(result: RuleResult) -> list[str]:
    """The readable block for one rule."""
    from myeloma_desk.domain.display import (  # imported when printing
        detail_label,
        field_label,
        mid_sentence,
        status_label,
    )

    lines = [
        f"{result.title} [{result.rule}]",
        f"  status: {mid_sentence(status_label(result.status))}",
        f"  result: {_result(result)}",
    ]
    for key in DETAIL_KEYS:
        if key in result.detail and result.detail[key] is not None:
            lines.append(f"  {mid_sentence(detail_label(key))}: {_value(result.detail[key])}")
    if result.criteria:
        lines.append("  criteria:")
        for c in result.criteria:
            value = f": {c.value}" if c.value else ""
            lines.append(f"    [{MARK[c.met]}] {c.name}{value}")
    if result.missing:
        # each by its label, with the snapshot key to add it under in the JSON input
        named = (f"{field_label(name)} ({name})" for name in result.missing)
        lines.append(f"  missing: {', '.join(named)}")
    for assumption in result.detail.get("assumptions", []):
        lines.append(f"  assumption: {assumption}")
    if result.sources:
        lines.append(f"  sources: {'; '.join(result.sources)}")
    return lines


def format_text(assessment: Assessment) -> str:
    """Every rule's block, separated by blank lines, after a header with the versions."""
    out = [
        f"Myeloma Desk assessment (engine {assessment.engine_version}, "
        f"evidence {assessment.evidence_version})",
        "",
    ]
    for result in assessment.results:
        out.extend(format_result(result))
        out.append("")
    return "\n".join(out)
