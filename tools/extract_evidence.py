"""Draft the evidence database from the bundled PDQ text (a documented tool, not run at start-up).

    .venv/bin/python tools/extract_evidence.py            # rewrite resources/evidence/*.yaml
    .venv/bin/python tools/extract_evidence.py --check    # exit 1 if the files would change

What it does:
1. Re-flows the PDQ text into paragraphs (myeloma_desk.evidence.pdqtext).
2. Parses each body section's numbered reference list and the Key References.
3. Makes one finding per bracketed "[Level of evidence X]" marker: the exact sentence that
   carries the marker, the numbers parsed by regular expressions (HR, CI with its level, P,
   median follow-up, per-arm values) and the trial description found before it (n, design,
   arms, NCT ids, trial name when the body names it).
4. Adds a trial record for every NCT id, and applies the hand curation in
   tools/evidence_curation.py (settings, errata notes, trial names from reference titles,
   regimens, dose statements, drug notes, reviewed findings).

The YAML it writes is the committed source of truth; records keep ``curation: draft`` unless
evidence_curation.py marks them reviewed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import evidence_curation as cur  # noqa: E402

from myeloma_desk.evidence import pdqtext  # noqa: E402
from myeloma_desk.evidence.pdqtext import Paragraph  # noqa: E402

OUT = ROOT / "resources" / "evidence"

MARKER = re.compile(r"\[Level of evidence ([A-D]\d)(?: [^\]]*)?\]")
CITE = re.compile(r"\[(\d[\d,\-–]*)\]")
NCT = re.compile(r"NCT\d{8}")
# Sentence boundary: terminal punctuation, optional citation/marker brackets, space, capital.
BOUNDARY = re.compile(r"(?<=[.?!])((?:\[[^\]]*\])*)\s+(?=[A-Z(\[])|(?<=\])\s+(?=[A-Z])")

HR = re.compile(r"(?:\bHR|hazard ratio(?: \[HR\])?),? (\d+(?:\.\d+)?)")
CI = re.compile(
    r"(?:(\d+(?:\.\d+)?%) (?:confidence interval \[CI\]|CI),? )?"
    r"(\d+(?:\.\d+)?%?)\s?[–\-−‒]\s?(\d+(?:\.\d+)?%?|not reached|not evaluable)"
)
CI_LABELLED = re.compile(
    r"(\d+(?:\.\d+)?%) (?:confidence interval \[CI\]|CI),? "
    r"(\d+(?:\.\d+)?%?)\s?[–\-−‒]\s?(\d+(?:\.\d+)?%?|not reached|not evaluable)"
)
RATIO = re.compile(r"(odds ratio|relative risk|risk ratio|\bOR\b)(?: \[OR\])?,? (\d+(?:\.\d+)?)")
PVAL = re.compile(r"\bP ?([<>=≤≥] ?0?\.\d+|[<>=] ?0\.\d+|> 0\.99)")
FOLLOW = re.compile(
    r"median follow-up (?:of |was )?(\d+(?:\.\d+)?(?: to \d+(?:\.\d+)?)? (?:months|years))"
)
NPAT = re.compile(r"(\d{1,3}(?:,\d{3})*|\d+) (?:[\w–\-]+ ){0,6}?(?:patients|participants)")
ENDPOINTS = [
    ("overall survival", re.compile(r"\b(OS|overall survival)\b")),
    ("progression-free survival", re.compile(r"\b(PFS|progression-free survival)\b")),
    ("event-free survival", re.compile(r"\b(EFS|event-free survival)\b")),
    ("MRD negativity", re.compile(r"MRD[- ]negativ")),
    ("response rate", re.compile(r"response rate|complete response|overall response|\bCR\b")),
    ("skeletal-related events", re.compile(r"skeletal|fracture")),
]
OWN_STUDY = re.compile(
    r"\b(trials?|stud(?:y|ies)|review|meta-analys[ie]s|series|identified|comparison|analysis)\b"
)
DESIGN_WORDS = re.compile(
    r"\b(trials?|stud(?:y|ies)|analysis|meta-analys[ie]s|review|series|comparison|report)\b",
    re.I,
)
TRIAL_NAMES_BODY = (
    "CASTOR",
    "POLLUX",
    "ELOQUENT-2",
    "ELOQUENT-3",
    "GRIFFIN",
    "OPTIMUM",
    "AURIGA",
    "CASSIOPEIA",
    "Myeloma XI",
    "BELLINI",
    "ECOG-E4A03",
)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


SECTION_IDS = {
    "General Information About Plasma Cell Neoplasms": "general",
    "Stage Information for Plasma Cell Neoplasms": "staging",
    "Treatment Option Overview for Plasma Cell Neoplasms": "overview",
    "Treatment of Amyloidosis Associated With Plasma Cell Neoplasms": "amyloidosis",
    "Treatment of Monoclonal Gammopathy of Undetermined Significance": "mgus",
    "Treatment of Waldenström Macroglobulinemia (Lymphoplasmacytic Lymphoma)": "waldenstrom",
    "Treatment of Isolated Plasmacytoma of Bone": "plasmacytoma-bone",
    "Treatment of Extramedullary Plasmacytoma": "extramedullary",
    "Treatment of Multiple Myeloma": "myeloma",
    "Treatment of Relapsed or Refractory Multiple Myeloma": "relapsed",
}


def cites(text: str) -> list[int]:
    """Reference numbers cited in ``text`` ("[58-62]" expands to 58..62)."""
    out: list[int] = []
    for m in CITE.finditer(text):
        for part in m.group(1).split(","):
            bits = re.split(r"[\-–]", part)
            if len(bits) == 2 and bits[0] and bits[1]:
                out.extend(range(int(bits[0]), int(bits[1]) + 1))
            elif bits[0]:
                out.append(int(bits[0]))
    return sorted(set(out))


def sentences(text: str) -> list[str]:
    """Split a re-flowed paragraph into sentences, keeping trailing citation brackets."""
    out: list[str] = []
    pos = 0
    for m in BOUNDARY.finditer(text):
        if not m.group(1) and re.search(
            r"(?:\bU\.S|\bvs|\be\.g|\bi\.e|\bal|\bDr|\bNo)\.$", text[: m.start()]
        ):
            continue  # an abbreviation, not the end of a sentence
        end = m.start() + len(m.group(1) or "")
        piece = text[pos:end].strip()
        if piece:
            out.append(piece)
        pos = m.end()
    rest = text[pos:].strip()
    if rest:
        out.append(rest)
    return out


# ---------------------------------------------------------------------------------------------
# references


def parse_references(paras: tuple[Paragraph, ...]) -> list[dict[str, Any]]:
    refs: list[dict[str, Any]] = []
    counters: dict[str, int] = {}

    def add(p: Paragraph, text: str) -> None:
        if text in ("Available online", "Available online.") or text.startswith(
            (".", "Available online")
        ):
            refs[-1]["citation"] = pdqtext.tidy(refs[-1]["citation"] + " " + text)
            return
        sid = SECTION_IDS[p.section]
        counters[sid] = counters.get(sid, 0) + 1
        refs.append({"section": sid, "number": counters[sid], "citation": text})

    for p in paras:
        if p.kind != "reference":
            continue
        for text in p.text.split("[PUBMED Abstract]"):
            text = text.strip()
            if text:
                add(p, text)
    return refs


def parse_key_references(
    paras: tuple[Paragraph, ...], refs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    keys: list[dict[str, Any]] = []
    body = [p for p in paras if p.section == pdqtext.KEY_REFERENCES_SECTION and p.kind == "body"]
    mode = "intro"
    for p in body:
        t = p.text
        if t.startswith(("These references", "PDQ Adult Treatment Editorial Board", "as signif")):
            continue
        if t == "[PUBMED Abstract]":
            continue
        if t == "Cited in:":
            mode = "cited"
            continue
        if re.match(r"^[A-Z][\w'\-]+ [A-Z]{1,3}[ ,:]", t) and ":" in t and len(t) > 60:
            keys.append({"citation": t, "cited_in": [], "found_in": []})
            mode = "cit"
            continue
        if mode == "cited" and keys:
            keys[-1]["cited_in"].append(t)
    for k in keys:
        for r in refs:
            if r["citation"] == k["citation"]:
                k["found_in"].append([r["section"], r["number"]])
        note = cur.KEY_REFERENCE_NOTES.get(k["citation"].split(":")[0])
        if note:
            k["note"] = note
    return keys


# ---------------------------------------------------------------------------------------------
# findings and trials


def describe(paras: list[Paragraph], idx: int) -> tuple[Paragraph | None, list[str]]:
    """The paragraph that describes the study behind the marker at ``paras[idx]``."""

    def is_description(p: Paragraph) -> bool:
        first = sentences(p.text)[0] if p.text else ""
        if p.text.startswith(("With a median", "At a median", "After a median", "The median")):
            return False
        if NCT.search(first):
            return True
        results_like = re.search(r"\bHR\b|hazard ratio|\bmedian\b|rate (?:was|of)|\(\d+%\)", first)
        if DESIGN_WORDS.search(first) and NPAT.search(first) and not results_like:
            return True
        # "Elranatamab was given to 187 patients ...", "... 174 patients received reinduction
        # therapy and were then randomly assigned ..." (no design word).
        if (
            NPAT.search(first)
            and re.search(r"was given to|randomly assigned|received|were treated|enrolled", first)
            and not re.search(r"%|\bHR\b|hazard ratio|\bmedian\b", first)
        ):
            return True
        # "A prospective randomized trial evaluated ixazomib maintenance versus ..." (no n).
        return bool(
            DESIGN_WORDS.search(first)
            and re.match(r"^(A|An|In a|In an|The|Two|Three|Four|Five|Six)\b", first)
            and not re.search(r"%|\bHR\b|hazard ratio", first)
        )

    here = paras[idx]
    if is_description(here):
        sents = sentences(here.text)
        return here, [s for s in sents if not MARKER.search(s)][:2] or sents[:1]
    for back in range(1, 8):
        j = idx - back
        if j < 0:
            break
        p = paras[j]
        if p.kind == "heading" or p.section != here.section:
            break
        if is_description(p) and not MARKER.search(p.text):
            return p, sentences(p.text)[:3]
    return None, []


def parse_arms(text: str) -> list[str]:
    for pat in (
        r"\beither (.+?) or (.+?)(?:\.|\[|, and|; | depending)",
        r"compared (.+?) (?:with|to|versus) (.+?)(?:\.|\[| in \d| and showed)",
        r"evaluated (.+?) versus (.+?)(?: for| in|\.|\[)",
        r"(?:^|, )([^,]+?) (?:was|were) compared with ([^.\[]+?)(?:\.|\[|$)",
        r"to receive (.+?) versus (.+?)(?:\.|\[)",
    ):
        m = re.search(pat, text)
        if m:
            return [a.strip(" ,") for a in m.groups()]
    return []


def design_of(text: str) -> str | None:
    t = text.lower()
    bits = []
    for word in (
        "meta-analysis",
        "retrospective",
        "prospective",
        "randomized",
        "double-blind",
        "nonrandomized",
        "phase iii",
        "phase ii",
        "phase i/ii",
        "phase i",
        "registry",
    ):
        if re.search(r"\b" + re.escape(word) + r"\b", t):
            bits.append(word)
    if "randomized" not in bits and re.search(r"randomly assigned|randomised", t):
        bits.insert(1 if bits and bits[0] in ("retrospective", "prospective") else 0, "randomized")
    if "phase i/ii" in bits:
        bits = [b for b in bits if b not in ("phase i", "phase ii")]
    if "phase iii" in bits:
        bits = [b for b in bits if b not in ("phase i", "phase ii")]
    elif "phase ii" in bits:
        bits = [b for b in bits if b != "phase i"]
    pretty = {"phase iii": "phase III", "phase ii": "phase II", "phase i/ii": "phase I/II"}
    pretty["phase i"] = "phase I"
    return ", ".join(pretty.get(b, b) for b in bits) or None


ARM_PATTERNS = [
    # "84.3% in the D-VRd group", "17.5 months (95% CI, 14.9–19.2) for the isatuximab group"
    re.compile(
        r"(?P<value>\d+(?:\.\d+)?(?:%| months| years)?)(?: \((?P<ci>[^()]*)\))? "
        r"(?:in|for) (?:the )?(?:patients (?:in|of) the )?"
        r"(?P<arm>[A-Za-z0-9][A-Za-z0-9\-\+ ]{0,40}?) (?:group|arm)\b"
        r"(?: \((?P<ci2>\d+(?:\.\d+)?% CI[^()]*)\))?"
    ),
    # "82.7% for patients who received Dara-R", "12.4 months (95% CI, 8.3–19.3) for patients
    # who received DPd"
    re.compile(
        r"(?P<value>\d+(?:\.\d+)?(?:%| months| years)?)(?: \((?P<ci>[^()]*)\))? "
        r"for patients who received (?:the )?"
        r"(?P<arm>[A-Za-z0-9][A-Za-z0-9\-\+ ,]{0,60}?)"
        r"(?= \(|,? versus|,? and \d| compared|\.|;|\[|$)"
    ),
]
ARM_PATTERNS.append(
    # "favored the daratumumab combination group at 78% (95% CI, 73.2%−83.0%)"
    re.compile(
        r"favored the (?P<arm>[A-Za-z0-9][A-Za-z0-9\-\+ ]{0,40}?) (?:group|arm),? at "
        r"(?P<value>\d+(?:\.\d+)?(?:%| months| years)?)(?: \((?P<ci>[^()]*)\))?"
    )
)
SINGLE_ARM = re.compile(
    r"(?:median (?:PFS|OS|overall survival|progression-free survival|duration of response)|"
    r"\d+-month (?:PFS|OS) rate|overall response rate) was "
    r"(?P<value>\d+(?:\.\d+)?(?:%| months| years)?)(?: \((?P<ci>[^()]*)\))?"
)
ARM_CI = re.compile(
    r"^(?:(\d+(?:\.\d+)?%) (?:CI|confidence interval \[CI\]),? )?"
    r"(\d+(?:\.\d+)?%?)\s?[–\-−‒]\s?(\d+(?:\.\d+)?%?|not reached|not evaluable|not estimable)$"
)


def _endpoint_before(text: str) -> str | None:
    """The endpoint mentioned last in ``text`` (the one an estimate that follows refers to)."""
    best: tuple[int, str] | None = None
    for name, pat in ENDPOINTS:
        for m in pat.finditer(text):
            if best is None or m.start() > best[0]:
                best = (m.start(), name)
    return best[1] if best else None


def _first_endpoint(text: str) -> str | None:
    best: tuple[int, str] | None = None
    for name, pat in ENDPOINTS:
        m = pat.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None


# A landmark time as stated ("60-month", "5-year") when a rate or survival follows it.
LANDMARK = re.compile(
    r"\b(\d+(?:\.\d+)?-(?:year|month))\s+(?:[\w-]+\s+){0,3}?"
    r"(?:rate|PFS|OS|survival|progression|overall|event-free|MRD)"
)


def parse_numbers(sentence: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    estimates: list[dict[str, Any]] = []
    marks = [(m.start(), m.end(), "hazard ratio", m.group(1)) for m in HR.finditer(sentence)]
    marks += [
        (m.start(), m.end(), "odds ratio" if m.group(1) == "OR" else m.group(1), m.group(2))
        for m in RATIO.finditer(sentence)
    ]
    marks.sort()
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
        estimates.append(est)
    if estimates:
        first = estimates[0]
        if first["measure"] == "hazard ratio":
            out["hr"] = first["value"]
        else:
            out["ratio"] = {"measure": first["measure"], "value": first["value"]}
        if "ci" in first:
            out["ci"] = first["ci"]
        if "p" in first:
            out["p"] = first["p"]
        if first["endpoint"]:
            out["endpoint"] = first["endpoint"]
        if len(estimates) > 1:
            out["estimates"] = estimates
    if "p" not in out:
        pm = PVAL.search(sentence)
        if pm:
            out["p"] = pm.group(1)
    m = FOLLOW.search(sentence)
    if m:
        out["median_follow_up"] = m.group(1)
    m = LANDMARK.search(sentence)
    if m:
        out["landmark"] = m.group(1)
    vals: list[dict[str, Any]] = []
    seen: set[int] = set()
    for pat in ARM_PATTERNS:
        for m in pat.finditer(sentence):
            if m.start() in seen:
                continue
            seen.add(m.start())
            arm = re.sub(r"^(?:patients (?:who received|on) (?:the )?)", "", m.group("arm"))
            arm = arm.strip(" ,")
            if arm in ("each", "all", "both"):
                continue
            val: dict[str, Any] = {"arm": arm, "value": m.group("value")}
            ci_text = m.group("ci") or (m.groupdict().get("ci2") or "")
            ci = ARM_CI.match(ci_text)
            if ci:
                val["ci"] = {"level": ci.group(1), "low": ci.group(2), "high": ci.group(3)}
            vals.append((m.start(), val))  # type: ignore[arg-type]
    if not vals:
        m = SINGLE_ARM.search(sentence)
        if m and not re.search(r"\bversus\b|\bvs\.|compared", sentence):
            val = {"arm": "all patients (single arm)", "value": m.group("value")}
            ci = ARM_CI.match(m.group("ci") or "")
            if ci:
                val["ci"] = {"level": ci.group(1), "low": ci.group(2), "high": ci.group(3)}
            vals.append((m.start(), val))  # type: ignore[arg-type]
    if vals:
        out["values"] = [v for _, v in sorted(vals, key=lambda x: x[0])]  # type: ignore[index]
    if "endpoint" not in out:
        ep = _first_endpoint(sentence)
        if ep:
            out["endpoint"] = ep
    return out


def build(paras: tuple[Paragraph, ...]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    body = [p for p in paras if p.section in pdqtext.BODY_SECTIONS and p.kind != "reference"]
    findings: list[dict[str, Any]] = []
    trials: dict[str, dict[str, Any]] = {}
    trial_of_para: dict[tuple[int, str], str] = {}
    counters: dict[str, int] = {}

    def trial_for(desc: Paragraph, desc_sents: list[str]) -> str:
        key = (desc.index, desc_sents[0] if desc_sents else "")
        if key in trial_of_para:
            return trial_of_para[key]
        sid = SECTION_IDS[desc.section]
        dtext = " ".join(desc_sents)
        ncts = list(dict.fromkeys(NCT.findall(dtext)))
        name = next((n for n in TRIAL_NAMES_BODY if n in dtext), None)
        tid = ncts[0].lower() if ncts else (slug(name) if name else None)
        if tid is not None and tid in trials and ncts:
            # The same trial reported again (ELOQUENT-3 appears twice): one record.
            trial_of_para[key] = tid
            for s in desc_sents:
                if s not in trials[tid]["description"]:
                    trials[tid]["description"].append(s)
            return tid
        if tid is None or tid in trials:
            # Stable id from the first reference the description cites ("myeloma-ref56"),
            # with a letter suffix when several studies cite the same reference.
            refs_cited = cites(dtext)
            base = f"{sid}-ref{refs_cited[0]}" if refs_cited else f"{sid}-study"
            tid, letter = base, 0
            while tid in trials or (base.endswith("-study") and tid == base):
                letter += 1
                tid = f"{base}{chr(ord('a') + letter)}" if refs_cited else f"{base}-{letter}"
        text = " ".join(desc_sents)
        n = NPAT.search(text)
        trials[tid] = {
            "id": tid,
            "name": name,
            "name_source": "body" if name else None,
            "nct_ids": ncts,
            "section": sid,
            "path": list(desc.path[1:]),
            "n_patients": n.group(1) if n else None,
            "design": design_of(text),
            "arms": parse_arms(text),
            "description": desc_sents,
            "references": cites(text),
        }
        trial_of_para[key] = tid
        return tid

    def block(idx: int) -> str:
        texts = [body[idx].text]
        for q in body[idx + 1 : idx + 6]:
            if q.kind != "body" or MARKER.search(q.text) or NCT.search(q.text):
                break
            texts.append(q.text)
        return " ".join(texts)

    for idx, p in enumerate(body):
        if p.kind != "body" or not MARKER.search(p.text):
            continue
        sid = SECTION_IDS[p.section]
        desc, desc_sents = describe(body, idx)
        tid = trial_for(desc, desc_sents) if desc is not None else None
        for sent in sentences(p.text):
            own = tid
            if (
                NPAT.search(sent)
                and OWN_STUDY.search(sent)
                and not sent.startswith(("With a median", "At a median", "After a median"))
                and (tid is None or sent not in trials[tid]["description"])
            ):
                # The marker sentence describes its own study ("... identified 800 patients").
                own = trial_for(p, [sent])
            prev_end = 0
            for m in MARKER.finditer(sent):
                segment = sent[prev_end : m.start()]
                prev_end = m.end()
                counters[sid] = counters.get(sid, 0) + 1
                fid = f"{sid}-{counters[sid]:03d}"
                rec: dict[str, Any] = {
                    "id": fid,
                    "section": sid,
                    "path": list(p.path[1:]),
                    "trial": own,
                    "level_of_evidence": m.group(1),
                    "marker": m.group(0),
                    "sentences": [sent],
                    "references": cites(segment),
                    "_para": block(idx),
                }
                rec.update(parse_numbers(sent))
                if own:
                    t = trials[own]
                    rec["n_patients"] = t["n_patients"]
                    rec["design"] = t["design"]
                    rec["arms"] = t["arms"]
                findings.append(rec)

    # Every NCT id gets a trial, also those without a marker.
    seen = {n for t in trials.values() for n in t["nct_ids"]}
    for p in body:
        if p.kind != "body":
            continue
        for nct in NCT.findall(p.text):
            if nct not in seen:
                sents = [s for s in sentences(p.text) if nct in s] or sentences(p.text)[:1]
                trial_for(
                    p, sentences(p.text)[:3] if nct in " ".join(sentences(p.text)[:3]) else sents
                )
                seen.add(nct)
    return findings, list(trials.values())


# ---------------------------------------------------------------------------------------------
# curation


def find_sentence(paras: tuple[Paragraph, ...], snippet: str) -> tuple[str, Paragraph]:
    for p in paras:
        if p.kind == "body" and snippet in p.text:
            for s in sentences(p.text):
                if snippet in s:
                    return s, p
            return p.text, p
    raise SystemExit(f"snippet not found in the PDQ text: {snippet!r}")


def quote(paras: tuple[Paragraph, ...], snippet: str) -> dict[str, Any]:
    s, p = find_sentence(paras, snippet)
    return {
        "text": s,
        "section": SECTION_IDS.get(p.section, slug(p.section)),
        "path": list(p.path[1:]),
        "references": cites(s),
    }


def curate(
    paras: tuple[Paragraph, ...],
    findings: list[dict[str, Any]],
    trials: list[dict[str, Any]],
    refs: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    by_trial = {t["id"]: t for t in trials}
    ref_text = {(r["section"], r["number"]): r["citation"] for r in refs}
    # Settings from the section path.
    for rec in [*findings, *trials]:
        rec["setting"] = cur.setting_for(rec["section"], rec.get("path", []))
    # Trial names found only in reference titles.
    for t in trials:
        if t["name"]:
            continue
        for num in t["references"]:
            cit = ref_text.get((t["section"], num), "")
            for name in cur.REFERENCE_TITLE_NAMES:
                if re.search(r"\b" + re.escape(name) + r"\b", cit):
                    t["name"] = name
                    t["name_source"] = "reference_title"
                    t["name_note"] = (
                        f"Name not given in the PDQ text; it appears in the title of "
                        f"reference {num} of this section."
                    )
                    break
            if t["name"]:
                break
    # Regimens named in a trial's description (abbreviation as a word, or the PDQ's words).
    for t in trials:
        text = " ".join(t["description"])
        found = []
        for r in cur.REGIMENS:
            if re.search(r"(?<![\w-])" + re.escape(r["abbreviation"]) + r"(?![\w-])", text) or (
                r["name"] in text
            ):
                found.append(r["id"])
        t["regimens"] = found
    # Trial-level overrides, errata and regimens.
    for tid, extra in cur.TRIAL_OVERRIDES.items():
        if tid not in by_trial:
            raise SystemExit(f"curation names unknown trial {tid}")
        extra = dict(extra)
        regs = extra.pop("regimens", [])
        by_trial[tid]["regimens"] = list(dict.fromkeys([*by_trial[tid]["regimens"], *regs]))
        by_trial[tid].update(extra)
    # Arm roles: a trial supports the arm it favoured; the losing arm keeps it as comparator.
    known = {r["id"] for r in cur.REGIMENS}
    for tid, roles in cur.ARM_ROLES.items():
        if tid not in by_trial:
            raise SystemExit(f"arm roles name unknown trial {tid}")
        for regs in roles.values():
            if set(regs) - known:
                raise SystemExit(f"arm roles of {tid} name unknown regimens {set(regs) - known}")
        by_trial[tid]["regimens"] = [
            r for role, regs in roles.items() if role != "comparator" for r in regs
        ]
        by_trial[tid]["comparator_regimens"] = list(roles.get("comparator", []))
    # Errata notes matched on the text of a finding or trial.
    errata: list[dict[str, Any]] = []
    for k, rule in enumerate(cur.ERRATA, start=1):
        hits = 0
        q = quote(paras, rule["match"])
        entry: dict[str, Any] = {"id": f"erratum-{k:02d}", "note": rule["note"], "quote": q}
        if rule.get("table"):
            entry["table"] = rule["table"]
        entry["findings"], entry["trials"] = [], []
        errata.append(entry)
        for rec in [*findings, *trials]:
            text = " ".join(
                rec.get("sentences", []) + rec.get("description", []) + [rec.get("_para", "")]
            )
            if rule["match"] in text and (rule.get("section") in (None, rec["section"])):
                rec.setdefault("errata", [])
                if rule["note"] not in rec["errata"]:
                    rec["errata"].append(rule["note"])
                entry["findings" if "sentences" in rec else "trials"].append(rec["id"])
                hits += 1
    for f in findings:
        trial = by_trial.get(f["trial"] or "")
        own = [
            r["id"]
            for r in cur.REGIMENS
            if re.search(
                r"(?<![\w-])" + re.escape(r["abbreviation"]) + r"(?![\w-])",
                " ".join(f["sentences"]),
            )
        ]
        if trial and f["trial"] in cur.ARM_ROLES:
            own = []  # the arm roles decide; "Rd alone" in a MAIA sentence is the comparator
        f["regimens"] = list(dict.fromkeys([*(trial.get("regimens", []) if trial else []), *own]))
        if trial:
            f["arms"] = trial["arms"]
            f["n_patients"] = trial["n_patients"]
            f["design"] = trial["design"]
            for note in trial.get("errata", []):
                f.setdefault("errata", [])
                if note not in f["errata"]:
                    f["errata"].append(note)
            if trial.get("population"):
                f["population"] = trial["population"]
        over = cur.FINDING_OVERRIDES.get(f["id"])
        if over:
            f.update(over)
        f.update(f.pop("_curated", {}))
        if f["id"] in cur.OTHER_END_POINTS:
            f["other_end_points"] = cur.OTHER_END_POINTS[f["id"]]
        if f["id"] in cur.REVIEWED_FINDINGS:
            f["curation"] = "reviewed"
    for t in trials:
        t.pop("path", None)
        t.setdefault("curation", "reviewed" if t["id"] in cur.TRIAL_OVERRIDES else "draft")
    for f in findings:
        f.pop("_para", None)
        f.setdefault("curation", "draft")
    # Every note shown on a finding or trial is also in the top-level list (notes set by the
    # hand review have no match rule: their quote is the record's own sentence).
    listed = {e["note"] for e in errata}
    for rec in [*findings, *trials]:
        for note in rec.get("errata", []):
            if note in listed:
                continue
            listed.add(note)
            sent = (rec.get("sentences") or rec.get("description") or [""])[-1]
            errata.append(
                {
                    "id": f"erratum-{len(errata) + 1:02d}",
                    "note": note,
                    "quote": {
                        "text": sent,
                        "section": rec["section"],
                        "path": list(rec.get("path", [])),
                        "references": cites(sent),
                    },
                }
            )
    for entry in errata:
        entry["findings"] = [f["id"] for f in findings if entry["note"] in f.get("errata", [])]
        entry["trials"] = [t["id"] for t in trials if entry["note"] in t.get("errata", [])]
    return errata


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def unmarked_results(paras: tuple[Paragraph, ...], trial_ids: set[str]) -> list[dict[str, Any]]:
    """Findings for result sentences with no level-of-evidence marker (curated list)."""
    out: list[dict[str, Any]] = []
    counters: dict[str, int] = {}
    for entry in cur.UNMARKED_RESULTS:
        found = [find_sentence(paras, snip) for snip in entry["snippets"]]
        sents = [s for s, _ in found]
        last = found[-1][1]
        sid = SECTION_IDS[last.section]
        counters[sid] = counters.get(sid, 0) + 1
        tid = entry["trial"]
        if tid is not None and tid not in trial_ids:
            raise SystemExit(f"unmarked result names unknown trial {tid}")
        rec: dict[str, Any] = {
            "id": f"{sid}-result-{counters[sid]:02d}",
            "section": sid,
            "path": list(last.path[1:]),
            "trial": tid,
            "level_of_evidence": None,
            "marker": None,
            "sentences": sents,
            "references": sorted({n for s in sents for n in cites(s)}),
            "_para": last.text,
        }
        estimates: list[dict[str, Any]] = []
        for s in sents:
            parsed = parse_numbers(s)
            estimates += parsed.get("estimates") or (
                [
                    {
                        "endpoint": parsed.get("endpoint"),
                        "measure": "hazard ratio" if "hr" in parsed else parsed["ratio"]["measure"],
                        "value": parsed.get("hr") or parsed["ratio"]["value"],
                        **({"ci": parsed["ci"]} if "ci" in parsed else {}),
                        **({"p": parsed["p"]} if "p" in parsed else {}),
                    }
                ]
                if "hr" in parsed or "ratio" in parsed
                else []
            )
            for key, value in parsed.items():
                rec.setdefault(key, value)
        if len(estimates) > 1:
            rec["estimates"] = estimates
        rec["_curated"] = {k: v for k, v in entry.items() if k not in ("trial", "snippets")}
        out.append(rec)
    return out


def dump(path: Path, data: Any, header: str, check: bool) -> bool:
    text = f"# {header}\n# Generated by tools/extract_evidence.py (curation in "
    text += "tools/evidence_curation.py); see docs/evidence.md.\n"
    text += yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    if check:
        return path.exists() and path.read_text(encoding="utf-8") == text
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only check the files are current")
    args = ap.parse_args(argv)
    paras = pdqtext.paragraphs()
    refs = parse_references(paras)
    keys = parse_key_references(paras, refs)
    findings, trials = build(paras)
    findings += unmarked_results(paras, {t["id"] for t in trials})
    errata = curate(paras, findings, trials, refs)
    doses = [
        {
            "id": d["id"],
            "topic": d["topic"],
            "drugs": d["drugs"],
            "quote": quote(paras, d["snippet"]),
            "values": d["values"],
            "summary": d["summary"],
            **({"note": d["note"]} if d.get("note") else {}),
        }
        for d in cur.DOSES
    ]
    regimens = []
    for r in cur.REGIMENS:
        rec = {k: v for k, v in r.items() if k != "snippet"}
        if r.get("snippet"):
            rec["definition"] = quote(paras, r["snippet"])
        evidence = [
            {
                "trial": tid,
                "role": role,
                **(
                    {"note": cur.ARM_ROLE_NOTES[(tid, r["id"])]}
                    if (tid, r["id"]) in cur.ARM_ROLE_NOTES
                    else {}
                ),
            }
            for tid, roles in cur.ARM_ROLES.items()
            for role, regs in roles.items()
            if r["id"] in regs
        ]
        if evidence:
            rec["evidence"] = evidence
        regimens.append(rec)
    drugs = []
    from myeloma_desk.domain.drugs import DRUGS

    for d in DRUGS:
        info = cur.DRUG_NOTES.get(d.name, {})
        drugs.append(
            {
                "name": d.name,
                "drug_class": d.drug_class.value,
                "synonyms": list(d.synonyms),
                "route": info.get("route"),
                "notes": [quote(paras, s) for s in info.get("snippets", [])],
                **(
                    {"route_quote": quote(paras, info["route_snippet"])}
                    if info.get("route_snippet")
                    else {}
                ),
                "toxicity": [
                    {
                        "effect": t["effect"],
                        "values": t["values"],
                        "quote": quote(paras, t["snippet"]),
                    }
                    for t in cur.DRUG_TOXICITY.get(d.name, [])
                ],
            }
        )
    ok = True
    by_section: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        by_section.setdefault(f["section"], []).append(f)
    for sid, recs in by_section.items():
        ok &= dump(OUT / "findings" / f"{sid}.yaml", recs, f"Findings: {sid}", args.check)
    ok &= dump(OUT / "trials.yaml", trials, "Trials and studies", args.check)
    ok &= dump(
        OUT / "references.yaml",
        {"references": refs, "key_references": keys},
        "Numbered references per section and the Key References",
        args.check,
    )
    ok &= dump(OUT / "doses.yaml", doses, "Explicit doses and schedules", args.check)
    ok &= dump(OUT / "regimens.yaml", regimens, "Regimen abbreviations", args.check)
    ok &= dump(OUT / "drugs.yaml", drugs, "Drugs", args.check)
    ok &= dump(OUT / "errata.yaml", errata, "Known problems of the PDQ text", args.check)
    # The compiled bundle the app loads (same data as the YAML, one JSON file).
    from myeloma_desk.evidence.loader import BUNDLE, yaml_data

    if ok or not args.check:
        bundle = json.dumps(yaml_data(), ensure_ascii=False, separators=(",", ":"))
        target = OUT / BUNDLE
        if args.check:
            ok &= target.exists() and target.read_text(encoding="utf-8") == bundle
        else:
            target.write_text(bundle, encoding="utf-8")
    print(
        f"findings {len(findings)}, trials {len(trials)}, references {len(refs)}, "
        f"key references {len(keys)}, doses {len(doses)}, regimens {len(regimens)}"
    )
    if args.check and not ok:
        print("resources/evidence is not current: re-run tools/extract_evidence.py")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
