"""``myeloma-desk evidence``: search, show and export the treatment-evidence database.

    myeloma-desk evidence search QUERY [--limit N] [--format text|json] [--kind KIND]
    myeloma-desk evidence show ID [--format text|json]
    myeloma-desk evidence export --format json
    myeloma-desk evidence options SNAPSHOT.json [--format text|json]

Every output names the evidence version and the PDQ date. Exit codes: 0 ok, 1 unknown id,
2 invalid input.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``evidence`` command and its subcommands."""
    parser = subparsers.add_parser(
        "evidence",
        help="search and export the PDQ treatment-evidence database",
        description="The treatment-evidence database built from the PDQ summary.",
    )
    sub = parser.add_subparsers(dest="evidence_command", metavar="SUBCOMMAND", required=True)

    p = sub.add_parser("search", help="full-text search (prefixes and synonyms: dara, Rd, car-t)")
    p.add_argument("query", nargs="+", help="words to search for")
    p.add_argument("--limit", type=int, default=10, help="at most N results (default 10)")
    p.add_argument(
        "--kind",
        action="append",
        default=[],
        choices=["drug", "regimen", "trial", "finding", "dose", "pdq"],
        help="only this kind of record (repeatable)",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(handler=_search)

    p = sub.add_parser("show", help="one record by id (finding, trial, regimen, drug, dose, pdq-N)")
    p.add_argument("id")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(handler=_show)

    p = sub.add_parser("export", help="the whole database (schema in docs/evidence.md)")
    p.add_argument("--format", choices=["json"], default="json")
    p.set_defaults(handler=_export)

    p = sub.add_parser("options", help="options described in the PDQ for a snapshot")
    p.add_argument("snapshot", help="snapshot JSON file (see assessment-interchange)")
    p.add_argument(
        "--setting",
        choices=[
            "mgus",
            "smoldering_myeloma",
            "isolated_plasmacytoma_of_bone",
            "extramedullary_plasmacytoma",
            "al_amyloidosis",
            "poems_syndrome",
            "newly_diagnosed_fit",
            "newly_diagnosed_less_fit",
            "consolidation_and_transplant",
            "maintenance",
            "bone_disease",
            "relapsed_or_refractory",
        ],
        help="use this PDQ setting instead of the one derived from the assessment",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(handler=_options)


def _banner() -> str:
    from myeloma_desk.evidence import EVIDENCE_VERSION, PDQ_DATE

    return f"Evidence database {EVIDENCE_VERSION} (PDQ summary of {PDQ_DATE})"


def _versions() -> dict[str, str]:
    from myeloma_desk.evidence import EVIDENCE_VERSION, PDQ_DATE

    return {"evidence_version": EVIDENCE_VERSION, "pdq_date": PDQ_DATE}


def _search(args: argparse.Namespace) -> int:
    from myeloma_desk.evidence.search import search

    query = " ".join(args.query)
    hits = search(query, limit=max(0, args.limit), kinds=tuple(args.kind))
    if args.format == "json":
        out = {
            **_versions(),
            "query": query,
            "results": [
                {
                    "kind": h.kind,
                    "id": h.id,
                    "title": h.title,
                    "snippet": h.snippet,
                    "score": round(h.score, 4),
                    "section": h.section,
                }
                for h in hits
            ],
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(_banner())
    if not hits:
        print(f"No results for {query!r}.")
        return 0
    for n, h in enumerate(hits, start=1):
        print(f"{n:2}. [{h.kind}] {h.id}: {h.title}")
        print(textwrap.indent(textwrap.fill(h.snippet, 96), "      "))
    return 0


def _record(record_id: str) -> tuple[str, Any]:
    from myeloma_desk.evidence.loader import load
    from myeloma_desk.reference import pdq

    if record_id.startswith("pdq-") and record_id[4:].isdigit():
        paras = pdq.paragraphs()
        k = int(record_id[4:])
        if k < len(paras):
            p = paras[k]
            return "pdq", {"id": record_id, "path": list(p.path), "text": p.text, "line": p.line}
        raise KeyError(record_id)
    rec = load().get(record_id)
    return type(rec).__name__.lower(), rec.model_dump(mode="json")


def _show(args: argparse.Namespace) -> int:
    try:
        kind, data = _record(args.id)
    except KeyError:
        print(f"evidence: no record with id {args.id!r}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(
            json.dumps({**_versions(), "kind": kind, "record": data}, ensure_ascii=False, indent=2)
        )
        return 0
    print(_banner())
    print(f"[{kind}] {args.id}")
    _print_fields(data, indent=0)
    if kind == "finding":
        from myeloma_desk.evidence.loader import load

        ev = load()
        for num in data.get("references", []):
            ref = ev.references.get((data["section"], num))
            if ref:
                print(textwrap.fill(f"[{num}] {ref.citation}", 96, subsequent_indent="     "))
    return 0


def _print_fields(data: Any, indent: int) -> None:
    pad = "  " * indent
    for key, value in data.items():
        if value in (None, [], {}, ""):
            continue
        if isinstance(value, dict):
            print(f"{pad}{key}:")
            _print_fields(value, indent + 1)
        elif isinstance(value, list):
            print(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    _print_fields(item, indent + 1)
                    print(f"{pad}  -")
                else:
                    print(
                        textwrap.fill(
                            str(item),
                            96,
                            initial_indent=f"{pad}  - ",
                            subsequent_indent=f"{pad}    ",
                        )
                    )
        else:
            print(
                textwrap.fill(
                    f"{key}: {value}", 96, initial_indent=pad, subsequent_indent=pad + "    "
                )
            )


def _export(args: argparse.Namespace) -> int:
    from myeloma_desk.evidence.loader import load

    db = load().db
    out = {"schema": "myeloma-desk-evidence/1", **db.model_dump(mode="json")}
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


def _options(args: argparse.Namespace) -> int:
    from myeloma_desk.domain.display import setting_label
    from myeloma_desk.domain.engine import assess
    from myeloma_desk.domain.snapshot import SnapshotError, parse_snapshot
    from myeloma_desk.evidence import EVIDENCE_VERSION
    from myeloma_desk.evidence.options import options_for

    try:
        with open(args.snapshot, encoding="utf-8") as fh:
            raw = json.load(fh)
        snapshot = parse_snapshot(raw)
    except OSError as exc:
        print(f"evidence: cannot read {args.snapshot}: {exc.strerror}", file=sys.stderr)
        return 2
    except json.JSONDecodeError as exc:
        print(f"evidence: {args.snapshot} is not valid JSON: {exc}", file=sys.stderr)
        return 2
    except SnapshotError as exc:
        for field, message in exc.problems:
            print(f"{field}: {message}", file=sys.stderr)
        return 2
    from myeloma_desk.evidence.schema import Setting

    chosen = Setting(args.setting) if args.setting else None
    report = options_for(
        assess(snapshot, evidence_version=EVIDENCE_VERSION), snapshot, setting=chosen
    )
    if args.format == "json":
        print(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return 0
    print(_banner())
    print(f"{report.heading}")
    print(textwrap.fill(report.disclaimer, 96))
    print(
        "Setting: "
        + ("; ".join(setting_label(s.value) for s in report.settings) or "none determined")
    )
    for line in report.setting_basis:
        print(f"  basis: {line}")
    for line in report.unknown:
        print(f"  unknown: {line}")
    for flag in report.flags:
        print(textwrap.fill(f"! {flag.message}", 96, subsequent_indent="    "))
    for opt in report.options:
        levels = sorted({lv for s in opt.studies for lv in s.levels})
        studies = ", ".join(s.label or s.name or ", ".join(s.nct_ids) for s in opt.studies)
        print(f"- {opt.label}" + (f"  [levels: {', '.join(levels)}]" if levels else ""))
        if studies:
            print(f"    studies: {studies}")
        for flag in opt.flags:
            print(
                textwrap.fill(
                    f"! {flag.message}", 96, initial_indent="    ", subsequent_indent="      "
                )
            )
    if report.studies:
        print("Studies the PDQ reports in this setting:")
        for s in report.studies:
            label = s.label or s.name or ", ".join(s.nct_ids)
            ncts = f" ({', '.join(s.nct_ids)})" if s.nct_ids else ""
            print(f"  {label}{ncts}  levels {', '.join(s.levels) or '-'}")
    return 0
