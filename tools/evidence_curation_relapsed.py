"""Hand review of the relapsed findings (applied by tools/evidence_curation.py).

FINDING_OVERRIDES: corrections per finding id (same shape as in evidence_curation.py).
REVIEWED: ids of findings whose every field was read against the PDQ sentence by a person.

An entry here *replaces* the entry of the same id in evidence_curation.FINDING_OVERRIDES (the
merge is a dict update), so values set there for relapsed-005/-011/-047/-049 are restated here.
Findings whose result needs the sentences before the marker sentence (follow-up, subgroup size,
the numbers of a subgroup analysis) list them with ``_sentences(...)``: each snippet is resolved
to its whole sentence of the bundled PDQ text, the marker sentence last, so no sentence is typed
by hand. Conventions: ``values`` hold the result of the marker sentence (for a sentence with
several endpoints, the first); ``n_patients`` is the number the stored result is about (the
subgroup when the PDQ gives its size, None when it does not); ``p`` keeps the sign and number
only (sidedness such as "one-sided" stays visible in the sentence).
"""

from __future__ import annotations

import re
from typing import Any

from myeloma_desk.evidence import pdqtext

# Same sentence boundary as tools/extract_evidence.py (kept in step by the provenance tests:
# every stored sentence must be verbatim in the PDQ text and the last must carry the marker).
_BOUNDARY = re.compile(r"(?<=[.?!])((?:\[[^\]]*\])*)\s+(?=[A-Z(\[])|(?<=\])\s+(?=[A-Z])")
_ABBREV = re.compile(r"(?:\bU\.S|\bvs|\be\.g|\bi\.e|\bal|\bDr|\bNo)\.$")


def _split(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    for m in _BOUNDARY.finditer(text):
        if not m.group(1) and _ABBREV.search(text[: m.start()]):
            continue
        end = m.start() + len(m.group(1) or "")
        piece = text[pos:end].strip()
        if piece:
            out.append(piece)
        pos = m.end()
    rest = text[pos:].strip()
    if rest:
        out.append(rest)
    return out


def _sentences(*snippets: str) -> list[str]:
    """The whole PDQ sentence holding each snippet (exactly one), in the order given."""
    paras = [p for p in pdqtext.paragraphs() if p.kind == "body"]
    out = []
    for snippet in snippets:
        hits = [s for p in paras if snippet in p.text for s in _split(p.text) if snippet in s]
        if len(hits) != 1:
            raise SystemExit(f"snippet must match exactly one PDQ sentence: {snippet!r}")
        out.append(hits[0])
    return out


def _v(
    arm: str, value: str, low: str | None = None, high: str | None = None, level: str | None = "95%"
) -> dict[str, Any]:
    out: dict[str, Any] = {"arm": arm, "value": value}
    if low is not None and high is not None:
        out["ci"] = {"level": level, "low": low, "high": high}
    return out


# Notes for problems pdq-errata.md names that evidence_curation.ERRATA has no rule for (these
# are shown on the finding; errata.yaml lists only the ERRATA rules).
_NEWLY_DIAGNOSED = (
    "Newly diagnosed trial placed in the relapsed section (pdq-errata.md: FIRST, VMP vs VTP, "
    "E4A03 and NCT01850524 sit in the relapsed section)."
)
_SELINEXOR_HEADING = (
    "Heading written 'Selinexor (evidence):' where every other heading reads 'Evidence (x):' "
    "(pdq-errata.md)."
)

FINDING_OVERRIDES: dict[str, dict[str, Any]] = {
    # --- Monoclonal antibodies ----------------------------------------------------------------
    # Several single-agent phase I/II trials [10-12]; no trial record exists for them (the
    # automatic draft linked the APOLLO description two paragraphs up and inherited its
    # regimens and its "1,304 patients" note, both removed).
    "relapsed-005": {
        "trial": None,
        "sentences": _sentences(
            "Several phase I and phase II trials evaluated daratumumab as a single agent",
            "the overall response rate was 31% and 36%, with minimal response",
        ),
        "n_patients": None,
        "population": "relapsed or refractory multiple myeloma",
        "design": "several phase I and phase II trials",
        "arms": ["daratumumab as a single agent"],
        "endpoint": "response rate",
        "values": [
            _v("daratumumab as a single agent (two rates, trials not named)", "31% and 36%")
        ],
        "regimens": [],
        "errata": [],
    },
    # --- Proteasome inhibitors -----------------------------------------------------------------
    # Retreatment meta-analysis; no trial record (the sentence gives no patient count).
    "relapsed-010": {
        "population": "patients more than 6 months after completion of bortezomib induction "
        "therapy",
        "design": "meta-analysis of 23 phase II studies",
        "arms": ["bortezomib given again"],
        "endpoint": "response rate",
        "values": [_v("bortezomib given again", "40%")],
    },
    "relapsed-011": {
        "population": "relapsed myeloma",
        "values": [_v("bortezomib", "29.8 months"), _v("dexamethasone", "23.7 months")],
    },
    "relapsed-012": {
        "population": "previously treated patients",
        "values": [
            _v("the combination (bortezomib plus pegylated liposomal doxorubicin)", "82%"),
            _v("bortezomib alone", "75%"),
        ],
    },
    "relapsed-014": {
        "population": "relapsed or refractory myeloma",
        "arms": ["carfilzomib once a week", "carfilzomib twice a week"],
        "values": [
            _v("carfilzomib once a week", "11.2 months", "8.6", "13.0"),
            _v("carfilzomib twice a week", "7.6 months", "5.8", "9.2"),
        ],
    },
    "relapsed-015": {
        "population": "relapsed or refractory myeloma",
        "values": [
            _v("carfilzomib arm", "48.3 months", "42.4", "52.8"),
            _v("Rd", "40.4 months", "33.6", "44.4"),
        ],
    },
    # The B3 marker closes the two-sentence subgroup paragraph; the numbers are in the first.
    "relapsed-016": {
        "sentences": _sentences(
            "In a preplanned subgroup analysis, patients with high-risk cytogenetics",
            "Response rates were also improved, but the carfilzomib combination did not",
        ),
        "n_patients": None,
        "population": "high-risk cytogenetics (i.e., t(4;14), t(14;16), del(17p)); preplanned "
        "subgroup analysis (size not stated)",
        "design": "prospective, randomized (preplanned subgroup analysis)",
        "endpoint": "progression-free survival",
        "values": [_v("the triplet regimen", "23 months"), _v("Rd", "14 months")],
        "hr": "0.70",
        "ci": {"level": "95%", "low": "0.43", "high": "1.16"},
        "p": "= .083",
    },
    "relapsed-019": {
        "n_patients": None,
        "population": "high-risk patients (defined by fluorescence in situ hybridization and "
        "cytogenetics); subgroup size not stated",
        "design": "prospective, randomized (subgroup analysis)",
    },
    # --- CAR T-cell therapy --------------------------------------------------------------------
    "relapsed-023": {
        "population": "patients from highly selected nonrandomized series (refractory and/or "
        "multiply relapsed myeloma)",
        "design": "nonrandomized series",
        "arms": ["autologous anti-BCMA transduced T cells (CAR T-cell therapy)"],
        "endpoint": "complete remission rate",
        "values": [_v("CAR T-cell therapy", "50% to 65%")],
    },
    "relapsed-026": {
        "population": "relapsed myeloma after one to three prior lines of treatment, "
        "lenalidomide-refractory",
        "endpoint": "quality of life (global health status, visual analogue scale)",
    },
    # --- Bispecific antibodies -----------------------------------------------------------------
    "relapsed-028": {
        "sentences": _sentences(
            "With a median follow-up of 14.1 months, the overall response rate was 63.0%",
            "The median PFS was 11.3 months (95% CI, 8.8–17.1).",
        ),
        "population": "relapsed or refractory myeloma after at least four prior systemic "
        "treatments (written 'at last four')",
        "arms": ["teclistamab (single arm)"],
        "median_follow_up": "14.1 months",
        "endpoint": "progression-free survival",
        "values": [_v("teclistamab", "11.3 months", "8.8", "17.1")],
    },
    # Subgroup of 40 patients with prior anti-BCMA therapy (reference 51).
    "relapsed-029": {
        "sentences": _sentences(
            "Of the 165 patients, 40 patients who had received prior anti-BCMA therapy",
            "The overall response rate was 52.5%.",
            "A total of 47.5% of patients had a very good partial response or better",
            "The median duration of response was 14.8 months.",
        ),
        "n_patients": "40",
        "population": "patients who had received prior anti-BCMA therapy (an antibody-drug "
        "conjugate or CAR T-cell therapy)",
        "arms": ["teclistamab (single arm)"],
        "median_follow_up": "28.0 months",
        "endpoint": "duration of response",
        "values": [_v("teclistamab after prior anti-BCMA therapy", "14.8 months")],
    },
    # The marker sentence gives only "Approximately 85% of responders" in remission at 9
    # months; the stored result is the overall response rate of the same paragraph.
    "relapsed-030": {
        "sentences": _sentences(
            "At a median follow-up of 11.7 months, the overall response rate was 73.6%",
            "Approximately 85% of responders were still in remission by 9 months.",
        ),
        "population": "relapsed or refractory myeloma after at least four prior systemic "
        "treatments",
        "arms": ["talquetamab (single arm)"],
        "median_follow_up": "11.7 months",
        "endpoint": "response rate",
        "values": [_v("talquetamab", "73.6%", "63%", "82.4%")],
    },
    "relapsed-031": {
        "sentences": _sentences(
            "With a median follow-up of 14.7 months, the objective response rate was 61%",
            "The 15-month PFS rate was 50.9% (95% CI, 40.9%–60.0%).",
        ),
        "population": "relapsed or refractory myeloma after at least four prior lines of therapy",
        "arms": ["elranatamab (single arm)"],
        "median_follow_up": "14.7 months",
        "endpoint": "progression-free survival",
        "values": [_v("elranatamab", "50.9%", "40.9%", "60.0%")],
    },
    # --- Immunomodulatory agents ---------------------------------------------------------------
    # The automatic draft linked the 559-patient pomalidomide + Vd trial (relapsed-ref56); this
    # result belongs to the 302-patient Pd vs high-dose dexamethasone study [57], for which the
    # extractor made no trial record ("For 302 patients ... was compared with" is not matched
    # as a study description). Trial link left empty, so this finding stays draft.
    "relapsed-034": {
        "trial": None,
        "sentences": _sentences(
            "For 302 patients with relapsed or refractory disease, Pd (40 mg weekly) was",
            "the PFS was superior for the pomalidomide arm, at 4.0 months versus 1.9 months",
        ),
        "n_patients": "302",
        "population": "relapsed or refractory disease",
        "design": None,
        "arms": [
            "Pd (40 mg weekly)",
            "a higher-dose dexamethasone regimen (40 mg daily for 4 days every 8 days)",
        ],
        "values": [
            _v("pomalidomide arm", "4.0 months"),
            _v("higher-dose dexamethasone", "1.9 months"),
        ],
        "regimens": ["pd"],
        "errata": ["PDQ typo: missing period in 'P < .0001)[57]' (pdq-errata.md)."],
    },
    # Two studies (351 and 353 patients); one HR, a P value per study. The automatic draft
    # carried the FIRST note of the next paragraph (removed) and one arm value only.
    "relapsed-035": {
        "n_patients": "351 and 353",
        "population": "relapsed myeloma",
        "design": "two prospective randomized and placebo-controlled studies",
        "values": [
            _v("lenalidomide plus high-dose dexamethasone", "29.6 months or more"),
            _v("high-dose dexamethasone alone (control group)", "20.2 months to 20.6 months"),
        ],
        "p": "= .03 in one study [67] and P < .001 in the other study",
        "errata": [],
    },
    "relapsed-036": {
        "population": "transplant-ineligible, previously untreated myeloma",
        "values": [
            _v("lenalidomide and dexamethasone given until disease progression", "52%"),
            _v("MPT", "38%"),
        ],
    },
    "relapsed-037": {
        "population": "previously untreated patients",
        "design": "meta-analysis of six prospective randomized trials",
        "arms": ["thalidomide, melphalan, and prednisone", "melphalan and prednisone alone"],
        "values": [
            _v("thalidomide, melphalan, and prednisone", "39.3 months"),
            _v("melphalan and prednisone alone", "32.7 months"),
        ],
    },
    # --- BCMA antibody-drug conjugates, chemotherapy --------------------------------------------
    "relapsed-038": {"population": "relapsed or refractory myeloma"},
    "relapsed-042": {"endpoint": "progression-free survival and overall survival"},
    # VAD in general (references 79, 80); no trial record.
    "relapsed-043": {
        "population": "previously untreated patients and relapsed patients",
        "arms": ["VAD"],
        "values": [_v("VAD", "60% to 80%")],
    },
    # --- Selinexor -----------------------------------------------------------------------------
    "relapsed-045": {
        "population": "multiply resistant myeloma refractory to a proteasome inhibitor, an "
        "immunomodulatory agent, and daratumumab",
        "design": "phase IIB, multicenter",
        "arms": ["oral selinexor and dexamethasone"],
        "values": [_v("selinexor and dexamethasone", "3.7 months")],
        "errata": [_SELINEXOR_HEADING],
    },
    "relapsed-046": {
        "population": "relapsed or refractory disease",
        "arms": ["SVd"],
        "endpoint": "response rate",
        "values": [_v("SVd", "63%")],
        "errata": [_SELINEXOR_HEADING],
    },
    # --- Venetoclax ----------------------------------------------------------------------------
    "relapsed-047": {
        "sentences": _sentences(
            "Among all 66 patients, the overall response rate was 21%",
            "For those with t(11;14), the overall response rate was 40%",
        ),
        "population": "heavily pretreated relapsed or refractory myeloma (30 patients with "
        "t(11;14))",
        "arms": ["venetoclax"],
        "values": [_v("all 66 patients", "21%"), _v("patients with t(11;14)", "40%")],
    },
    # The prespecified t(11;14) analysis of BELLINI (same reference 91); the automatic draft
    # made it a study of its own (relapsed-ref91).
    "relapsed-049": {
        "trial": "nct02755597",
        "n_patients": "35",
        "population": "t(11;14) translocation (prespecified analysis: 20 venetoclax, 15 placebo)",
        "design": "prospective, randomized (prespecified analysis)",
        "arms": [
            "venetoclax plus bortezomib and dexamethasone",
            "placebo plus bortezomib and dexamethasone",
        ],
        "values": [_v("venetoclax", "not being reached"), _v("placebo", "9.5 months")],
    },
    # --- BRAF/MEK, corticosteroids -------------------------------------------------------------
    "relapsed-050": {
        "n_patients": "Twelve",
        "population": "BRAF V600E variant, multiple-relapsing disease",
        "arms": ["encorafenib and binimetinib"],
        "values": [_v("encorafenib and binimetinib", "83.3%")],
    },
    "relapsed-051": {
        "population": "previously untreated patients with myeloma",
        "values": [_v("low-dose dexamethasone", "87%"), _v("high-dose dexamethasone", "75%")],
        "errata": [_NEWLY_DIAGNOSED],
    },
    "relapsed-052": {
        "population": "pooled myeloma studies from the Southwest Oncology Group",
        "endpoint": "progression-free survival and overall survival",
    },
}

# Already-reviewed findings whose errata notes were wrong or missing (pdq-errata.md); only the
# notes (and relapsed-044's follow-up) change, the other fields stay as reviewed before.
_ELOQUENT3_TWICE = (
    "ELOQUENT-3 (NCT02654132, 117 patients, EPd vs Pd, OS 29.8 vs 17.4 months, A1) is reported "
    "twice (Elotuzumab and Pomalidomide evidence); the per-arm intervals are labelled '95% CI' "
    "only in the second copy (pdq-errata.md)."
)
FINDING_OVERRIDES.update(
    {
        # The APOLLO "1,304 patients" note came from the next paragraph; this passage's own
        # problem is the citation mismatch.
        "relapsed-003": {
            "errata": [
                "The trial description cites [7] (updated outcomes, 2022) while this result "
                "(27.8-month follow-up) cites [8] (primary report, 2020); no HR is given "
                "(log-rank P only) (pdq-errata.md)."
            ]
        },
        "relapsed-006": {"errata": [_ELOQUENT3_TWICE]},
        "relapsed-032": {"errata": [_ELOQUENT3_TWICE]},
        # Same trial: the OS sentence before this result reads "isatuximab plus PD".
        "relapsed-008": {
            "errata": ["PDQ typo: 'PD' should read 'Pd' (pomalidomide and dexamethasone)."]
        },
        "relapsed-009": {
            "errata": [
                "Confidence level stated as 99%, not 95%.",
                "PDQ typo: 'patients who received isatuximab group' (pdq-errata.md).",
            ]
        },
        # Values restated from evidence_curation.FINDING_OVERRIDES (this entry replaces it).
        "relapsed-013": {
            "values": [_v("VMP", "63 months"), _v("VTP", "43 months")],
            "errata": [_NEWLY_DIAGNOSED],
        },
        # The follow-up is given per arm; the draft kept only the first.
        "relapsed-044": {
            "median_follow_up": "13.2 months (SVd) or 16.5 months (Vd)",
            "errata": [_SELINEXOR_HEADING],
        },
    }
)

REVIEWED: tuple[str, ...] = (
    "relapsed-011",
    "relapsed-012",
    "relapsed-014",
    "relapsed-015",
    "relapsed-016",
    "relapsed-023",
    "relapsed-028",
    "relapsed-029",
    "relapsed-030",
    "relapsed-031",
    "relapsed-035",
    "relapsed-036",
    "relapsed-037",
    "relapsed-045",
    "relapsed-046",
    "relapsed-047",
    "relapsed-049",
    "relapsed-051",
)
