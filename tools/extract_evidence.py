"""Evidence database tool: compile the bundle, and draft a diff against a newer PDQ edition.

The curated YAML in resources/evidence/ is the one edited source (docs/evidence.md). This tool
never writes it:

    .venv/bin/python tools/extract_evidence.py build            # YAML -> evidence.json
    .venv/bin/python tools/extract_evidence.py build --check    # exit 1 if the bundle is stale
    .venv/bin/python tools/extract_evidence.py diff NEWER.txt [--format json]

``diff`` reads a newer edition of the PDQ page saved as text (same export as the bundled file)
and drafts what a curator has to do: result sentences (by the census rule of
myeloma_desk.evidence.census) that are **new**, curated sentences whose text **changed** (with
the numbers that changed and the stored fields that hold them) and curated sentences that were
**removed**. For a new sentence it drafts the fields (HR, CI, P, per-arm values, end point) by
regular expression; the curator checks them and adds the record to the YAML by hand.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from myeloma_desk.evidence import census  # noqa: E402
from myeloma_desk.evidence.census import squash  # noqa: E402
from myeloma_desk.evidence.loader import (  # noqa: E402
    BUNDLE,
    EvidenceError,
    compile_bundle,
    validate,
    yaml_data,
)
from myeloma_desk.evidence.schema import EvidenceDB  # noqa: E402
from myeloma_desk.reference import pdq  # noqa: E402

OUT = ROOT / "resources" / "evidence"

# ---------------------------------------------------------------------------------------------
# drafting the fields of a sentence (regular expressions; the curator checks the result)

HR = re.compile(r"(?:\bHR|hazard ratio(?: \[HR\])?),? (\d+(?:\.\d+)?)")
CI = re.compile(
    r"(?:(\d+(?:\.\d+)?%) (?:confidence interval \[CI\]|CI),? )?"
    r"(\d+(?:\.\d+)?%?)\s?[–\-−‒]\s?(\d+(?:\.\d+)?%?|not reached|not evaluable)"
)
RATIO = re.compile(r"(odds ratio|relative risk|risk ratio|\bOR\b)(?: \[OR\])?,? (\d+(?:\.\d+)?)")
PVAL = re.compile(r"\bP ?([<>=≤≥] ?0?\.\d+|[<>=] ?0\.\d+|> 0\.99)")
FOLLOW = re.compile(
    r"median follow-up (?:of |was )?(\d+(?:\.\d+)?(?: to \d+(?:\.\d+)?)? (?:months|years))"
)
LANDMARK = re.compile(
    r"\b(\d+(?:\.\d+)?-(?:year|month))\s+(?:[\w-]+\s+){0,3}?"
    r"(?:rate|PFS|OS|survival|progression|overall|event-free|MRD)"
)
ENDPOINTS = [
    ("overall survival", re.compile(r"\b(OS|overall survival)\b")),
    ("progression-free survival", re.compile(r"\b(PFS|progression-free survival)\b")),
    ("event-free survival", re.compile(r"\b(EFS|event-free survival)\b")),
    ("MRD negativity", re.compile(r"MRD[- ]negativ")),
    ("response rate", re.compile(r"response rate|complete response|overall response|\bCR\b")),
    ("skeletal-related events", re.compile(r"skeletal|fracture")),
]
ARM_VALUE = re.compile(
    r"(?P<value>\d+(?:\.\d+)?(?:%| months| years)?)(?: \((?P<ci>[^()]*)\))? "
    r"(?:in|for) (?:the )?(?:patients (?:in|of|who received) (?:the )?)?"
    r"(?P<arm>[A-Za-z0-9][A-Za-z0-9\-\+ ]{0,40}?) (?:group|arm)\b"
)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")


def _endpoint_before(text: str) -> str | None:
    """The end point named last in ``text`` (the one an estimate that follows refers to)."""
    best: tuple[int, str] | None = None
    for name, pat in ENDPOINTS:
        for m in pat.finditer(text):
            if best is None or m.start() > best[0]:
                best = (m.start(), name)
    return best[1] if best else None


def _estimates(sentence: str) -> list[dict[str, Any]]:
    marks = [(m.start(), m.end(), "hazard ratio", m.group(1)) for m in HR.finditer(sentence)]
    marks += [
        (m.start(), m.end(), "odds ratio" if m.group(1) == "OR" else m.group(1), m.group(2))
        for m in RATIO.finditer(sentence)
    ]
    marks.sort()
    out: list[dict[str, Any]] = []
    for k, (start, end, measure, value) in enumerate(marks):
        stop = marks[k + 1][0] if k + 1 < len(marks) else len(sentence)
        window = sentence[end:stop]
        est: dict[str, Any] = {
            "endpoint": _endpoint_before(sentence[:start]),
            "measure": measure,
            "value": value,
        }
        c = CI.search(window[:60])
        if c:
            est["ci"] = {"level": c.group(1), "low": c.group(2), "high": c.group(3)}
        pm = PVAL.search(window[:80])
        if pm:
            est["p"] = pm.group(1)
        out.append(est)
    return out


def draft_fields(sentence: str) -> dict[str, Any]:
    """Finding fields drafted from one sentence (numbers exactly as written)."""
    out: dict[str, Any] = {}
    marker = census.MARKER.search(sentence)
    out["level_of_evidence"] = marker.group(1) if marker else None
    out["marker"] = marker.group(0) if marker else None
    estimates = _estimates(sentence)
    if estimates:
        first = estimates[0]
        if first["measure"] == "hazard ratio":
            out["hr"] = first["value"]
        else:
            out["ratio"] = {"measure": first["measure"], "value": first["value"]}
        out.update({k: first[k] for k in ("ci", "p") if k in first})
        if len(estimates) > 1:
            out["estimates"] = estimates
    if "p" not in out and (pm := PVAL.search(sentence)):
        out["p"] = pm.group(1)
    if m := FOLLOW.search(sentence):
        out["median_follow_up"] = m.group(1)
    if m := LANDMARK.search(sentence):
        out["landmark"] = m.group(1)
    values = [
        {"arm": m.group("arm"), "value": m.group("value")} for m in ARM_VALUE.finditer(sentence)
    ]
    if values:
        out["values"] = values
    endpoint = (estimates[0]["endpoint"] if estimates else None) or _first_endpoint(sentence)
    if endpoint:
        out["endpoint"] = endpoint
    return out


def _first_endpoint(text: str) -> str | None:
    best: tuple[int, str] | None = None
    for name, pat in ENDPOINTS:
        m = pat.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------------
# the diff


@dataclass
class Change:
    """One entry of the drafted diff."""

    kind: str  # "new", "changed" or "removed"
    section: str
    records: list[str] = field(default_factory=list)  # curated record ids concerned
    old: str | None = None  # the curated sentence
    new: str | None = None  # the sentence of the newer edition
    numbers_removed: list[str] = field(default_factory=list)
    numbers_added: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)  # stored fields holding a removed number
    draft: dict[str, Any] = field(default_factory=dict)  # drafted fields of a new sentence


def curated_sentences(db: EvidenceDB) -> dict[str, tuple[str, str, list[str]]]:
    """Every sentence the curated data quote: squashed form -> (sentence, section, record ids)."""
    out: dict[str, tuple[str, str, list[str]]] = {}

    def add(text: str, section: str, rid: str) -> None:
        for sent in pdq.sentences(text):
            key = squash(sent)
            out.setdefault(key, (sent, section, []))[2].append(rid)

    for f in db.findings:
        for s in f.sentences:
            add(s, f.section, f.id)
    for t in db.trials:
        for s in t.description:
            add(s, t.section, t.id)
    for d in db.doses:
        add(d.quote.text, d.quote.section, d.id)
    for drug in db.drugs:
        quotes = [*drug.notes, *(t.quote for t in drug.toxicity)]
        quotes += [drug.route_quote] if drug.route_quote else []
        for q in quotes:
            add(q.text, q.section, drug.name)
    for r in db.regimens:
        if r.definition:
            add(r.definition.text, r.definition.section, r.id)
    for e in db.errata:
        add(e.quote.text, e.quote.section, e.id)
    return out


def _fields_with(db: EvidenceDB, rid: str, number: str) -> list[str]:
    """Stored fields of finding ``rid`` whose value contains ``number``."""
    f = next((x for x in db.findings if x.id == rid), None)
    if f is None:
        return []
    data = f.model_dump(exclude={"sentences", "id", "path", "references", "errata", "arms"})
    hits: list[str] = []

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{where}.{k}" if where else k)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]")
        elif isinstance(value, str) and number in NUMBER.findall(value):
            hits.append(f"{rid}: {where} = {value}")

    walk(data, "")
    return hits


def _best_match(old: str, candidates: list[census.TextSentence]) -> census.TextSentence | None:
    best, best_ratio = None, 0.0
    for cand in candidates:
        m = difflib.SequenceMatcher(None, old, cand.text, autojunk=False)
        if m.real_quick_ratio() < 0.75 or m.quick_ratio() < 0.75:
            continue
        ratio = m.ratio()
        if ratio > best_ratio:
            best, best_ratio = cand, ratio
    return best if best_ratio >= 0.75 else None


def diff(db: EvidenceDB, paras: tuple[pdq.Paragraph, ...]) -> list[Change]:
    """The drafted diff of the curated data against the edition ``paras``."""
    curated = curated_sentences(db)
    sections = {s.title: s.id for s in db.sections}
    text = squash("\n".join(p.text for p in paras))
    sents = census.body_sentences(paras)
    unmatched = [s for s in sents if squash(s.text) not in curated]
    taken: set[str] = set()
    changes: list[Change] = []
    for key, (old, section, rids) in curated.items():
        if key in text:
            continue
        pool = [s for s in unmatched if sections.get(s.section) == section and s.text not in taken]
        match = _best_match(old, pool)
        if match is None:
            changes.append(Change("removed", section, sorted(set(rids)), old=old))
            continue
        taken.add(match.text)
        before, after = Counter(NUMBER.findall(old)), Counter(NUMBER.findall(match.text))
        removed, added = sorted((before - after).elements()), sorted((after - before).elements())
        fields = [h for rid in sorted(set(rids)) for n in removed for h in _fields_with(db, rid, n)]
        changes.append(
            Change("changed", section, sorted(set(rids)), old, match.text, removed, added, fields)
        )
    known = list(curated)
    for s in census.result_sentences(paras):
        key = squash(s.text)
        if s.text in taken or any(key in k or k in key for k in known):
            continue
        changes.append(
            Change(
                "new", sections.get(s.section, s.section), new=s.text, draft=draft_fields(s.text)
            )
        )
    return changes


def render(changes: list[Change], edition: str) -> str:
    """The diff as text for the curator."""
    counts = Counter(c.kind for c in changes)
    lines = [
        f"Draft diff of the curated evidence against {edition}",
        f"new {counts['new']}, changed {counts['changed']}, removed {counts['removed']}",
    ]
    for kind in ("changed", "removed", "new"):
        for c in (x for x in changes if x.kind == kind):
            lines.append("")
            lines.append(
                f"[{kind}] {c.section}" + (f" — {', '.join(c.records)}" if c.records else "")
            )
            if c.old:
                lines.append(f"  curated: {c.old}")
            if c.new:
                lines.append(f"  newer:   {c.new}")
            if c.numbers_removed or c.numbers_added:
                lines.append(
                    f"  numbers: removed {', '.join(c.numbers_removed) or 'none'}; "
                    f"added {', '.join(c.numbers_added) or 'none'}"
                )
            lines += [f"  stored field: {f}" for f in c.fields]
            if c.draft:
                lines.append(f"  draft fields: {json.dumps(c.draft, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# command line


def _build(check: bool) -> int:
    try:
        bundle = compile_bundle()
    except EvidenceError as exc:
        print(exc, file=sys.stderr)
        return 2
    target = OUT / BUNDLE
    if check:
        if not target.is_file() or target.read_text(encoding="utf-8") != bundle:
            print(f"{BUNDLE} is not the compiled YAML: run tools/extract_evidence.py build")
            return 1
        print(f"{BUNDLE} is current")
        return 0
    target.write_text(bundle, encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


def _diff(path: Path, fmt: str) -> int:
    try:
        raw = path.read_text(encoding="utf-8")
        paras = pdq.parse(raw)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {path}: {exc}", file=sys.stderr)
        return 2
    except StopIteration:
        print(
            f"{path} is not a PDQ page saved as text (no 'About This PDQ Summary')", file=sys.stderr
        )
        return 2
    try:
        db = validate(yaml_data())
    except (ValueError, OSError) as exc:
        print(f"resources/evidence does not validate: {exc}", file=sys.stderr)
        return 2
    changes = diff(db, paras)
    if fmt == "json":
        print(json.dumps([asdict(c) for c in changes], ensure_ascii=False, indent=1))
    else:
        sys.stdout.write(render(changes, path.name))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="compile resources/evidence/*.yaml into evidence.json")
    b.add_argument("--check", action="store_true", help="only check that evidence.json is current")
    d = sub.add_parser("diff", help="draft a diff of the curated data against a newer PDQ text")
    d.add_argument("text", type=Path, help="the newer PDQ page saved as text")
    d.add_argument("--format", choices=("text", "json"), default="text")
    args = ap.parse_args(argv)
    if args.command == "build":
        return _build(args.check)
    return _diff(args.text, args.format)


if __name__ == "__main__":
    raise SystemExit(main())
