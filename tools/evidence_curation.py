"""Hand curation applied by tools/extract_evidence.py on top of the automatic draft.

Every quote here is given as a *snippet*; the extractor looks it up in the PDQ text and stores
the whole sentence, so nothing in the database is typed by hand except notes and summaries.
Errata notes follow ../shared/reference/pdq-errata.md.
"""

from __future__ import annotations

from typing import Any

# ---------------------------------------------------------------------------------------------
# settings


def setting_for(section: str, path: list[str]) -> str:
    """The clinical setting of a record from its section id and heading path."""
    head = " ".join(path).lower()
    fixed = {
        "amyloidosis": "al_amyloidosis",
        "mgus": "mgus",
        "plasmacytoma-bone": "isolated_plasmacytoma_of_bone",
        "extramedullary": "extramedullary_plasmacytoma",
        "relapsed": "relapsed_or_refractory",
        "staging": "general",
        "waldenstrom": "general",
    }
    if section in fixed:
        return fixed[section]
    if section == "general":
        if "poems" in head:
            return "poems_syndrome"
        if "monoclonal gammopathy" in head:
            return "mgus"
        if "amyloidosis" in head:
            return "al_amyloidosis"
        return "general"
    if section == "overview":
        return "smoldering_myeloma" if "asymptomatic" in head else "general"
    # Treatment of Multiple Myeloma
    if "indolent" in head or "smoldering" in head:
        return "smoldering_myeloma"
    if "less-fit" in head:
        return "newly_diagnosed_less_fit"
    if "fit patients" in head:
        return "newly_diagnosed_fit"
    if "maintenance" in head:
        return "maintenance"
    if any(w in head for w in ("transplant", "consolidation", "sct")):
        return "consolidation_and_transplant"
    if any(
        w in head
        for w in ("bone disease", "zoledronate", "pamidronate", "denosumab", "bone lesions")
    ):
        return "bone_disease"
    return "general"


# ---------------------------------------------------------------------------------------------
# trial names that appear only in reference titles (pdq-errata.md "Trial names")

REFERENCE_TITLE_NAMES = (
    "MAIA",
    "ALCYONE",
    "BENEFIT",
    "CEPHEUS",
    "Cepheus",
    "GMMG-HD7",
    "CANDOR",
    "APOLLO",
    "ICARIA-MM",
    "IKEMA",
    "ENDEAVOR",
    "OPTIMISMM",
    "FIRST",
    "ATLAS",
    "TOURMALINE-MM3",
    "TOURMALINE-MM4",
    "Myeloma X",
    "Myeloma XII",
    "KarMMa-3",
    "CARTITUDE-4",
    "MagnetisMM-3",
    "DREAMM-3",
    "DREAMM-7",
    "BOSTON",
)

# ---------------------------------------------------------------------------------------------
# trial-level curation (regimens, population); keys are trial ids made by the extractor

TRIAL_OVERRIDES: dict[str, dict[str, Any]] = {
    # Reviewed by hand against the PDQ text (arms and populations in the PDQ's words).
    "nct02874742": {
        "regimens": ["d-vrd", "vrd", "dara-r"],
        "population": "newly diagnosed transplant-eligible multiple myeloma",
        "curation": "reviewed",
    },
    "nct03188172": {
        "regimens": ["d-cvrd", "d-vrd", "dara-r", "kcrd"],
        "arms": [
            "D-CVRd induction, autologous SCT consolidation, D-VRd consolidation, Dara-R "
            "maintenance (study treatment)",
            "KCRD (historical control group)",
        ],
        "design": "phase II, multicenter, single arm with an historical control",
        "population": "ultra–high-risk (UHR) myeloma or plasma cell leukemia (103 of 412 "
        "newly diagnosed patients screened)",
        "curation": "reviewed",
    },
    "nct02136134": {"population": "previously treated patients", "curation": "reviewed"},
    "nct02076009": {"population": "previously treated patients", "curation": "reviewed"},
    "nct02654132": {
        "population": "relapsed or refractory disease after both lenalidomide and a "
        "proteasome inhibitor",
        "curation": "reviewed",
    },
    "nct01239797": {
        "arms": ["elotuzumab combined with lenalidomide and dexamethasone", "Rd alone"],
        "population": "relapsed or refractory myeloma",
        "curation": "reviewed",
    },
    "nct03901963": {
        "population": "newly diagnosed multiple myeloma with a very good or better partial "
        "response, MRD-positive on bone marrow, no anti-CD38 therapy during induction",
        "curation": "reviewed",
    },
    "nct04484623": {
        "arms": [
            "belantamab mafodotin plus Pd (BPd)",
            "PVd (pomalidomide, bortezomib, and dexamethasone)",
        ],
        "population": "relapsed or refractory myeloma",
        "curation": "reviewed",
    },
    "nct02755597": {
        "arms": [
            "venetoclax plus bortezomib and dexamethasone",
            "placebo plus bortezomib and dexamethasone",
        ],
        "population": "relapsed or refractory myeloma",
        "curation": "reviewed",
    },
    # Arms the automatic parse cut wrongly (corrected in the PDQ's words).
    "relapsed-ref27": {
        "arms": ["carfilzomib, lenalidomide, and dexamethasone", "Rd"],
        "regimens": ["rd"],
    },
    "relapsed-ref33": {
        "arms": [
            "ixazomib combined with lenalidomide and dexamethasone",
            "a placebo combined with lenalidomide and dexamethasone",
        ],
        "regimens": ["rd"],
    },
    "nct01850524": {
        "arms": [
            "ixazomib combined with lenalidomide and dexamethasone",
            "a placebo combined with lenalidomide and dexamethasone",
        ],
        "regimens": ["rd"],
    },
    "relapsed-ref38": {"n_patients": None},  # "18 to 20 months in patients" is not an n
    "relapsed-ref37": {
        "arms": ["consolidation and maintenance therapy with ixazomib", "observation alone"]
    },
    "myeloma-ref147": {"arms": ["IV zoledronate", "oral clodronate"]},
    "myeloma-ref141": {"arms": ["ixazomib", "placebo"]},
    "myeloma-study-2": {
        "arms": [
            "tandem autologous transplant",
            "reduced-intensity allogeneic SCT after autologous transplant",
        ]
    },
    "myeloma-study-3": {
        "arms": [
            "tandem autologous transplant",
            "reduced-intensity autologous SCT after autologous transplant (as written; "
            "allogeneic in the original paragraph)",
        ]
    },
}

# ---------------------------------------------------------------------------------------------
# errata: a note is attached to every finding/trial whose text contains ``match``

ERRATA: list[dict[str, Any]] = [
    {
        "match": "newly diagnosed melanoma",
        "note": "PDQ typo: 'melanoma' should read 'myeloma' (pdq-errata.md).",
    },
    {
        "match": "improved medial PFS",
        "note": "PDQ typo: 'medial PFS' should read 'median PFS'.",
    },
    {
        "match": "reduced-intensity autologous SCT after autologous transplant",
        "note": "Repeated paragraph: this copy under 'Allogeneic' wrongly reads 'autologous' "
        "where the original under 'Tandem' reads 'allogeneic'; the A1 marker is a duplicate.",
    },
    {
        "match": "1,304 previously treated patients",
        "note": "'1,304 previously treated patients': the cited APOLLO trial (reference 9) is "
        "reported elsewhere as 304 patients; probable typo, recorded as stated.",
    },
    {
        "match": "newly diagnosed, transplant-eligible multiple myeloma",
        "note": "Text says 'transplant-eligible' but cited reference 36 is about "
        "transplant-ineligible newly diagnosed patients; placed under relapsed/refractory "
        "evidence although newly diagnosed. B1 although 'did not meet statistical significance'.",
    },
    {
        "match": "HR, 0.40; 95% CI, 0.24–0.64",
        "note": "MRD-negativity rates are given with a hazard ratio (unusual for a rate) whose "
        "value below 1 contradicts the direction of benefit; recorded as stated.",
    },
    {
        "match": "P > 0.99",
        "note": "P value written 'P > 0.99' with a leading zero, unlike every other P value.",
    },
    {
        "match": "HR, 0.56; 0.35–0.90",
        "note": "The hazard-ratio interval has no CI label (nor does '(42–60)').",
    },
    {
        "match": "range, 73.8−106.0 months",
        "note": "Placebo median OS interval is labelled 'range' where a CI is expected.",
    },
    {
        "match": "20 months (range, 18−22)",
        "note": "Comparator median PFS interval is labelled 'range' where a CI is expected.",
    },
    {
        "match": "98.5% CI",
        "note": "Confidence level stated as 98.5%, not 95%.",
    },
    {
        "match": "95.4% CI",
        "note": "Confidence level stated as 95.4%, not 95%.",
    },
    {
        "match": "99% CI",
        "note": "Confidence level stated as 99%, not 95%.",
    },
    {
        "match": "at last four prior",
        "note": "PDQ typo: 'at last four' should read 'at least four'.",
    },
    {
        "match": "isatuximab plus PD",
        "note": "PDQ typo: 'PD' should read 'Pd' (pomalidomide and dexamethasone).",
    },
    {
        "match": "t(14;20), del (1p), 1q gain, and del 17p))",
        "note": "Unbalanced parenthesis in the UHR definition; the design sentence cites [60] "
        "(protocol) while the results cite [59].",
    },
    {
        "match": "with melphalan, prednisone, and thalidomide (MPT) for 72 weeks",
        "note": "Redundant wording ('72-week ... for 72 weeks'); FIRST is a newly diagnosed "
        "trial placed in the relapsed section.",
    },
    {
        "match": "A landmark analysis at 6 months was also performed.",
        "note": "The B3 marker follows the landmark-analysis sentence, not the sentence with "
        "the numbers.",
        "section": "amyloidosis",
    },
    {
        "match": "This treatment is not approved by the U.S. Food and Drug Administration",
        "note": "The C3 marker follows the FDA-status sentence, not the response result.",
    },
    {
        "match": "compared with Rd alone.[14][Level of evidence A1]",
        "note": "The A1 marker of ELOQUENT-2 sits on the design sentence, before any result.",
    },
    {
        "match": "OS favored the placebo arm because of treatment-related sepsis",
        "note": "The A1 marker of BELLINI follows the OS sentence (OS favored placebo), not the "
        "PFS result.",
    },
    {
        "match": "The 15-month PFS rate was 50.9%",
        "note": "The C3 marker for elranatamab follows the 15-month PFS sentence.",
    },
    {
        "match": "cilta-cell infusion",
        "note": "PDQ typo: 'cilta-cell' should read 'cilta-cel'.",
    },
    {
        "match": "98% of patients regained normal vision",
        "note": "Ambiguous: '98% of patients regained normal vision from 20/50 or worse'.",
    },
    {
        "match": "Isatuximab is given IV, unlike daratumumab",
        "note": "This sentence pair is repeated after both NCT03319667 and NCT04751877.",
    },
    {
        "match": "2 years of maintenance therapy with Dara-R",
        "note": "Maintenance duration inconsistent: '2 years' here vs 'for 2 to 3 years or "
        "longer' in the maintenance summary.",
    },
]

# ---------------------------------------------------------------------------------------------
# finding-level curation (hand-checked arms, endpoints, values); keys are finding ids

FINDING_OVERRIDES: dict[str, dict[str, Any]] = {
    # The paragraph before is about a different analysis ("6 to 15 patients need treatment");
    # the marker sentence is the Cochrane network meta-analysis itself.
    "myeloma-043": {"trial": None, "n_patients": None, "design": "meta-analysis", "arms": []},
    # Two markers in one sentence: each covers the trials cited just before it.
    "myeloma-016": {"endpoint": "overall survival"},
    "myeloma-017": {"endpoint": "overall survival"},
    # The A1 sentence reports both PFS and OS; the first number is the PFS rate.
    "myeloma-041": {
        "values": [
            {
                "arm": "bortezomib, melphalan, prednisone, thalidomide and subsequent "
                "maintenance using bortezomib plus thalidomide",
                "value": "55%",
            },
            {"arm": "VMP (with no maintenance)", "value": "33%"},
        ],
    },
}


def _v(
    arm: str, value: str, low: str | None = None, high: str | None = None, level: str | None = "95%"
) -> dict[str, Any]:
    out: dict[str, Any] = {"arm": arm, "value": value}
    if low is not None and high is not None:
        out["ci"] = {"level": level, "low": low, "high": high}
    return out


FINDING_OVERRIDES.update(
    {
        # Per-arm values the patterns missed (values and intervals exactly as written).
        "myeloma-006": {
            "values": [
                _v("OPTIMUM regimen", "84%", "76%", "91%"),
                _v("historical control KCRD regimen", "74%", "66%", "82%"),
            ]
        },
        "myeloma-018": {
            "values": [_v("nontransplant arm", "42.0 months"), _v("transplant arm", "67.5 months")]
        },
        "myeloma-031": {
            "values": [
                _v("lenalidomide maintenance", "113.8 months", "100.4", "not reached"),
                _v("placebo", "84.1 months"),
            ]
        },
        "myeloma-033": {
            "values": [
                _v("lenalidomide maintenance", "not reached"),
                _v("placebo or observation", "86 months"),
            ]
        },
        "myeloma-040": {
            "values": [
                _v("ixazomib maintenance", "26.5 months", "23.7", "33.8"),
                _v("placebo", "21.3 months", "18.0", "24.7"),
            ]
        },
        "relapsed-005": {
            "trial": None,
            "n_patients": None,
            "design": None,
            "arms": [],
            "values": [],
        },
        "relapsed-011": {
            "values": [_v("bortezomib", "29.8 months"), _v("dexamethasone", "23.7 months")]
        },
        "relapsed-013": {"values": [_v("VMP", "63 months"), _v("VTP", "43 months")]},
        "relapsed-017": {
            "values": [
                _v("carfilzomib combination", "47.6 months", "42.5", "not evaluable"),
                _v("bortezomib combination", "40.0 months", "32.6", "42.3"),
            ]
        },
        "relapsed-047": {"values": [_v("patients with t(11;14)", "40%")]},
        "relapsed-049": {
            "values": [_v("venetoclax", "not being reached"), _v("placebo", "9.5 months")]
        },
    }
)

# Findings whose every field was read against the PDQ sentence and trial description by a
# person (the rest stay "draft"). Keep this list honest.
REVIEWED_FINDINGS: tuple[str, ...] = (
    "myeloma-001",
    "myeloma-002",
    "myeloma-003",
    "myeloma-004",
    "myeloma-006",
    "myeloma-008",
    "myeloma-009",
    "myeloma-011",
    "myeloma-012",
    "myeloma-013",
    "myeloma-018",
    "myeloma-030",
    "myeloma-031",
    "myeloma-033",
    "myeloma-037",
    "myeloma-038",
    "myeloma-039",
    "myeloma-040",
    "relapsed-001",
    "relapsed-002",
    "relapsed-003",
    "relapsed-004",
    "relapsed-006",
    "relapsed-008",
    "relapsed-009",
    "relapsed-013",
    "relapsed-017",
    "relapsed-018",
    "relapsed-020",
    "relapsed-021",
    "relapsed-022",
    "relapsed-025",
    "relapsed-027",
    "relapsed-032",
    "relapsed-033",
    "relapsed-039",
    "relapsed-040",
    "relapsed-041",
    "relapsed-044",
    "relapsed-048",
)


# Later reviews, one module per part so reviewers work in separate files.
def _load_reviews() -> None:
    import importlib.util
    import sys
    from pathlib import Path

    global REVIEWED_FINDINGS
    here = Path(__file__).resolve().parent
    for part in ("myeloma", "relapsed"):
        path = here / f"evidence_curation_{part}.py"
        spec = importlib.util.spec_from_file_location(f"evidence_curation_{part}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        FINDING_OVERRIDES.update(module.FINDING_OVERRIDES)
        REVIEWED_FINDINGS = REVIEWED_FINDINGS + tuple(
            i for i in module.REVIEWED if i not in REVIEWED_FINDINGS
        )


_load_reviews()

# ---------------------------------------------------------------------------------------------
# dose and schedule statements

DOSES: list[dict[str, Any]] = [
    {
        "id": "lenalidomide-renal",
        "topic": "lenalidomide_renal",
        "drugs": ["lenalidomide"],
        "snippet": "creatinine clearance, 30–50: 10 mg every day",
        "values": [
            "30–50: 10 mg every day",
            "<30: 15 mg every other day",
            "dialysis, 15 mg on day after dialysis",
        ],
        "summary": "Lenalidomide: CrCl 30–50 → 10 mg every day; CrCl <30 → 15 mg every other "
        "day; dialysis → 15 mg on the day after dialysis.",
        "note": "The creatinine clearance bands are given without units (pdq-errata.md).",
    },
    {
        "id": "lenalidomide-renal-general",
        "topic": "lenalidomide_renal",
        "drugs": ["lenalidomide"],
        "snippet": "Lower doses of lenalidomide must be used for patients with renal dysfunction",
        "values": [],
        "summary": "Lower lenalidomide doses for renal dysfunction (newly diagnosed, fit).",
    },
    {
        "id": "lenalidomide-pomalidomide-renal-amyloidosis",
        "topic": "lenalidomide_renal",
        "drugs": ["lenalidomide", "pomalidomide"],
        "snippet": "Lower doses of lenalidomide or pomalidomide must be used in patients",
        "values": [],
        "summary": "Lower lenalidomide or pomalidomide doses for renal dysfunction (amyloidosis).",
    },
    {
        "id": "cybord-renal",
        "topic": "other",
        "drugs": ["cyclophosphamide", "bortezomib", "dexamethasone"],
        "snippet": "creatinine clearance less than 45 cc/min",
        "values": ["45 cc/min"],
        "summary": "CyBorD is preferred with significant renal dysfunction (CrCl < 45 cc/min).",
        "note": "Threshold and unit differ from the myeloma-defining event 'creatinine "
        "clearance less than 40 mL/min' (pdq-errata.md).",
    },
    {
        "id": "aspirin-dvt",
        "topic": "aspirin",
        "drugs": ["lenalidomide", "pomalidomide", "thalidomide"],
        "snippet": "aspirin (81 mg daily) suffices",
        "values": ["81 mg daily"],
        "summary": "Aspirin 81 mg daily suffices without extra DVT risk factors; stronger "
        "anticoagulants with multiple risk factors.",
    },
    {
        "id": "thalidomide-low-dose",
        "topic": "thalidomide",
        "drugs": ["thalidomide"],
        "snippet": "By using a low dose (50 mg by mouth every day)",
        "values": ["50 mg by mouth every day"],
        "summary": "Low-dose thalidomide 50 mg by mouth every day avoids significant sedation, "
        "constipation and neuropathy.",
    },
    {
        "id": "pd-dexamethasone",
        "topic": "dexamethasone",
        "drugs": ["pomalidomide", "dexamethasone"],
        "snippet": "Pd (40 mg weekly) was compared with a higher-dose dexamethasone regimen",
        "values": ["40 mg weekly", "40 mg daily for 4 days every 8 days"],
        "summary": "Pd with dexamethasone 40 mg weekly vs 40 mg daily for 4 days every 8 days.",
    },
    {
        "id": "e4a03-dexamethasone",
        "topic": "dexamethasone",
        "drugs": ["lenalidomide", "dexamethasone"],
        "snippet": "40 mg on days 1–4, 9–12, and 17–20, every 28 days",
        "values": [
            "40 mg on days 1–4, 9–12, and 17–20, every 28 days",
            "40 mg on days 1, 8, 15, and 22, every 28 days",
        ],
        "summary": "ECOG-E4A03: high-dose dexamethasone 40 mg days 1–4, 9–12, 17–20 vs "
        "low-dose 40 mg days 1, 8, 15, 22, every 28 days.",
    },
    {
        "id": "dexamethasone-low-dose-standard",
        "topic": "dexamethasone",
        "drugs": ["dexamethasone"],
        "snippet": "40 mg dexamethasone (oral or IV) weekly in fit patients",
        "values": ["40 mg dexamethasone (oral or IV) weekly", "20 mg (oral or IV)"],
        "summary": "Low-dose dexamethasone: 40 mg weekly in fit patients, 20 mg in less-fit "
        "patients at higher risk for complications.",
    },
    {
        "id": "lenalidomide-maintenance-dose",
        "topic": "maintenance",
        "drugs": ["lenalidomide"],
        "snippet": "Doses of 5 mg to 15 mg a day have been used",
        "values": ["5 mg to 15 mg a day", "1 week off every month"],
        "summary": "Lenalidomide maintenance: 5–15 mg a day, continuously or with 1 week off "
        "every month.",
    },
    {
        "id": "zoledronate-interval",
        "topic": "bisphosphonate",
        "drugs": ["zoledronic acid"],
        "snippet": "zoledronate given once a month compared with zoledronate given every 12 weeks",
        "values": ["once a month", "every 12 weeks", "1,822 patients"],
        "summary": "Zoledronate every 12 weeks was noninferior to once a month (1,822 patients "
        "with bone metastases, including myeloma).",
    },
    {
        "id": "bisphosphonate-schedule",
        "topic": "bisphosphonate",
        "drugs": ["zoledronic acid", "pamidronate"],
        "snippet": "Bisphosphonates are usually given IV on a monthly basis for 2 years",
        "values": ["monthly basis for 2 years"],
        "summary": "Bisphosphonates usually IV monthly for 2 years, then the same or a reduced "
        "schedule.",
        "note": "Cites [155,156]; [155] is a bortezomib/pegylated liposomal doxorubicin trial "
        "(citation mismatch, pdq-errata.md).",
    },
    {
        "id": "bisphosphonate-until-relapse",
        "topic": "bisphosphonate",
        "drugs": ["zoledronic acid", "clodronate"],
        "snippet": "patients received bisphosphonates monthly until time of relapse",
        "values": ["monthly until time of relapse"],
        "summary": "In the trial with an OS advantage, bisphosphonates were given monthly until "
        "relapse.",
        "note": "Points to [148] (skeletal-morbidity report) rather than [147] (the OS report).",
    },
    {
        "id": "pamidronate-dose",
        "topic": "bisphosphonate",
        "drugs": ["pamidronate"],
        "snippet": "compared 30 mg of pamidronate to 90 mg of pamidronate",
        "values": ["30 mg", "90 mg"],
        "summary": "Pamidronate 30 mg vs 90 mg: no difference in skeletal-related events.",
    },
    {
        "id": "pamidronate-monthly",
        "topic": "bisphosphonate",
        "drugs": ["pamidronate"],
        "snippet": "monthly IV pamidronate significantly reduced pathological fractures",
        "values": ["monthly IV"],
        "summary": "Monthly IV pamidronate reduced skeletal events in stage III myeloma.",
    },
    {
        "id": "bortezomib-schedule",
        "topic": "other",
        "drugs": ["bortezomib"],
        "snippet": "given subcutaneously on a weekly basis for 3 of every 4 weeks",
        "values": ["weekly basis for 3 of every 4 weeks"],
        "summary": "Bortezomib subcutaneously weekly for 3 of every 4 weeks.",
    },
    {
        "id": "ixazomib-schedule",
        "topic": "other",
        "drugs": ["ixazomib"],
        "snippet": "given orally on a weekly basis for 3 of every 4 weeks",
        "values": ["weekly basis for 3 of every 4 weeks"],
        "summary": "Ixazomib orally weekly for 3 of every 4 weeks.",
    },
    {
        "id": "clarithromycin",
        "topic": "other",
        "drugs": ["lenalidomide", "dexamethasone"],
        "snippet": "clarithromycin (500 mg twice a day)",
        "values": ["500 mg twice a day"],
        "summary": "Uncontrolled trials added clarithromycin 500 mg twice a day to Rd.",
    },
]

# The two table errata of pdq-errata.md (annotated where the tables are shown or searched).
ERRATA += [
    {
        "match": "Table 2. The International Staging System (ISS) for Multiple Myeloma",
        "table": "Table 2",
        "note": "Table 2 is titled 'The International Staging System (ISS)' and cited to the ISS "
        "paper, but its rows are the Revised ISS (R-ISS): stage II reads 'Not R-ISS I or III', "
        "stage III adds high LDH or high-risk chromosomal abnormalities by I-FISH, the footnote "
        "defines R-ISS, and the median survivals (not reached / 83 / 43 months) are R-ISS's; "
        "stage I keeps only the ISS criteria (pdq-errata.md).",
    },
    {
        "match": "Table 3. Risk Groups for Multiple Myeloma",
        "table": "Table 3",
        "note": "Table 3 lists t(4;14) and t(14;16) under both Intermediate risk ('formerly "
        "deleterious criteria ... abrogated') and High risk (pdq-errata.md).",
    },
]

# ---------------------------------------------------------------------------------------------
# regimens: every abbreviation the PDQ body uses (census in tests/unit/evidence)

_ND = ["newly_diagnosed_fit"]
_LF = ["newly_diagnosed_less_fit"]
_RR = ["relapsed_or_refractory"]

REGIMENS: list[dict[str, Any]] = [
    {
        "id": "d-vrd",
        "abbreviation": "D-VRd",
        "name": "daratumumab + bortezomib + lenalidomide + dexamethasone",
        "components": ["daratumumab", "bortezomib", "lenalidomide", "dexamethasone"],
        "settings": [*_ND, *_LF],
        "synonyms": ["DVRd", "Dara-VRd", "dara-vrd"],
        "snippet": "D-VRd: daratumumab + bortezomib + lenalidomide + dexamethasone.",
    },
    {
        "id": "i-vrd",
        "abbreviation": "I-VRd",
        "name": "isatuximab + bortezomib + lenalidomide + dexamethasone",
        "components": ["isatuximab", "bortezomib", "lenalidomide", "dexamethasone"],
        "settings": [*_ND, *_LF],
        "synonyms": ["Isa-VRd", "IVRd"],
        "route_notes": ["Isatuximab is given IV, unlike daratumumab (subcutaneous)."],
        "snippet": "I-VRd: isatuximab + bortezomib + lenalidomide + dexamethasone.",
    },
    {
        "id": "d-cvrd",
        "abbreviation": "D-CVRd",
        "name": "daratumumab + cyclophosphamide + bortezomib + lenalidomide + dexamethasone",
        "components": [
            "daratumumab",
            "cyclophosphamide",
            "bortezomib",
            "lenalidomide",
            "dexamethasone",
        ],
        "settings": _ND,
        "synonyms": ["DCVRd"],
        "snippet": "D-CVRd: daratumumab + cyclophosphamide + bortezomib + lenalidomide",
    },
    {
        "id": "vrd",
        "abbreviation": "VRd",
        "name": "bortezomib + lenalidomide + dexamethasone",
        "components": ["bortezomib", "lenalidomide", "dexamethasone"],
        "settings": [*_ND, *_LF],
        "synonyms": ["RVD", "VRD"],
        "renal_notes": ["Lenalidomide needs renal dose reduction (see lenalidomide-renal)."],
        "snippet": "VRd: bortezomib + lenalidomide + dexamethasone.",
    },
    {
        "id": "cybord",
        "abbreviation": "CyBorD",
        "name": "cyclophosphamide + bortezomib + dexamethasone",
        "components": ["cyclophosphamide", "bortezomib", "dexamethasone"],
        "settings": [*_ND, *_LF, "al_amyloidosis"],
        "synonyms": ["VCd", "CyBorD", "VCD"],
        "renal_notes": [
            "Preferred in the presence of significant renal dysfunction (creatinine clearance "
            "less than 45 cc/min); some clinicians switch to VRd if renal function recovers."
        ],
        "snippet": "CyBorD: cyclophosphamide + bortezomib + dexamethasone.",
    },
    {
        "id": "dara-r",
        "abbreviation": "Dara-R",
        "name": "daratumumab and lenalidomide",
        "components": ["daratumumab", "lenalidomide"],
        "settings": ["maintenance"],
        "synonyms": ["DR"],
        "snippet": "2 years of maintenance therapy with Dara-R (daratumumab and lenalidomide)",
    },
    {
        "id": "kcrd",
        "abbreviation": "KCRD",
        "name": "carfilzomib, cyclophosphamide, lenalidomide, and dexamethasone",
        "components": ["carfilzomib", "cyclophosphamide", "lenalidomide", "dexamethasone"],
        "settings": _ND,
        "synonyms": ["KCRd"],
        "note": "Historical control regimen of the OPTIMUM comparison.",
        "snippet": "KCRD (carfilzomib, cyclophosphamide, lenalidomide, and dexamethasone)",
    },
    {
        "id": "vd",
        "abbreviation": "Vd",
        "name": "bortezomib plus dexamethasone",
        "components": ["bortezomib", "dexamethasone"],
        "settings": [*_LF, *_RR],
        "synonyms": ["VD", "bortezomib-dexamethasone"],
        "snippet": "doublets with Vd (bortezomib plus dexamethasone)",
    },
    {
        "id": "rd",
        "abbreviation": "Rd",
        "name": "lenalidomide plus dexamethasone",
        "components": ["lenalidomide", "dexamethasone"],
        "settings": [*_LF, *_RR],
        "synonyms": ["RD", "Len-dex", "lenalidomide-dexamethasone"],
        "renal_notes": ["Lenalidomide needs renal dose reduction (see lenalidomide-renal)."],
        "snippet": "Rd (lenalidomide plus dexamethasone)",
    },
    {
        "id": "vmp",
        "abbreviation": "VMP",
        "name": "bortezomib, melphalan, and prednisone",
        "components": ["bortezomib", "melphalan", "prednisone"],
        "settings": [*_LF],
        "synonyms": ["MPV"],
        "snippet": "a triplet such as VMP (bortezomib, melphalan, and prednisone)",
    },
    {
        "id": "vtp",
        "abbreviation": "VTP",
        "name": "bortezomib, thalidomide, and prednisone",
        "components": ["bortezomib", "thalidomide", "prednisone"],
        "settings": [*_LF],
        "synonyms": [],
        "snippet": "bortezomib, thalidomide, and prednisone (VTP)",
    },
    {
        "id": "mpt",
        "abbreviation": "MPT",
        "name": "melphalan, prednisone, and thalidomide",
        "components": ["melphalan", "prednisone", "thalidomide"],
        "settings": [*_LF],
        "synonyms": [],
        "snippet": "melphalan, prednisone, and thalidomide (MPT)",
    },
    {
        "id": "dvd",
        "abbreviation": "DVd",
        "name": "daratumumab, bortezomib, and dexamethasone",
        "components": ["daratumumab", "bortezomib", "dexamethasone"],
        "settings": _RR,
        "synonyms": ["Dara-Vd"],
        "snippet": "daratumumab, bortezomib, and dexamethasone (DVd)",
    },
    {
        "id": "drd",
        "abbreviation": "DRd",
        "name": "daratumumab, lenalidomide, and dexamethasone",
        "components": ["daratumumab", "lenalidomide", "dexamethasone"],
        "settings": [*_RR, *_LF],
        "synonyms": ["Dara-Rd"],
        "renal_notes": ["Lenalidomide needs renal dose reduction (see lenalidomide-renal)."],
        "snippet": "daratumumab, lenalidomide, and dexamethasone (DRd)",
    },
    {
        "id": "dpd",
        "abbreviation": "DPd",
        "name": "daratumumab plus pomalidomide and dexamethasone",
        "components": ["daratumumab", "pomalidomide", "dexamethasone"],
        "settings": _RR,
        "synonyms": ["Dara-Pd"],
        "snippet": "daratumumab plus pomalidomide and dexamethasone (DPd)",
    },
    {
        "id": "pd",
        "abbreviation": "Pd",
        "name": "pomalidomide and dexamethasone",
        "components": ["pomalidomide", "dexamethasone"],
        "settings": _RR,
        "synonyms": ["PD", "Pom-dex"],
        "note": "Written 'PD' once ('isatuximab plus PD'), a typo for Pd (pdq-errata.md).",
        "snippet": "pomalidomide and dexamethasone (Pd) alone",
    },
    {
        "id": "epd",
        "abbreviation": "EPd",
        "name": "elotuzumab, pomalidomide, and dexamethasone",
        "components": ["elotuzumab", "pomalidomide", "dexamethasone"],
        "settings": _RR,
        "synonyms": ["Elo-Pd"],
        "snippet": "elotuzumab, pomalidomide, and dexamethasone (EPd)",
    },
    {
        "id": "bpd",
        "abbreviation": "BPd",
        "name": "belantamab mafodotin plus Pd",
        "components": ["belantamab mafodotin", "pomalidomide", "dexamethasone"],
        "settings": _RR,
        "synonyms": ["Bela-Pd"],
        "snippet": "belantamab mafodotin plus Pd (BPd)",
    },
    {
        "id": "pvd",
        "abbreviation": "PVd",
        "name": "pomalidomide, bortezomib, and dexamethasone",
        "components": ["pomalidomide", "bortezomib", "dexamethasone"],
        "settings": _RR,
        "synonyms": ["PVD"],
        "snippet": "PVd (pomalidomide, bortezomib, and dexamethasone)",
    },
    {
        "id": "svd",
        "abbreviation": "SVd",
        "name": "selinexor plus bortezomib and dexamethasone",
        "components": ["selinexor", "bortezomib", "dexamethasone"],
        "settings": _RR,
        "synonyms": ["XVd"],
        "snippet": "selinexor plus bortezomib and dexamethasone (SVd)",
    },
    {
        "id": "vad",
        "abbreviation": "VAD",
        "name": "vincristine + doxorubicin (infusion) + dexamethasone",
        "components": ["vincristine", "doxorubicin", "dexamethasone"],
        "settings": _RR,
        "synonyms": [],
        "snippet": "Vincristine + doxorubicin (infusion) + dexamethasone (VAD).",
    },
    # Combinations the PDQ describes in words only; the abbreviations are search synonyms and
    # are not used by the PDQ text itself.
    {
        "id": "kd",
        "abbreviation": "Kd",
        "name": "carfilzomib and dexamethasone",
        "components": ["carfilzomib", "dexamethasone"],
        "settings": _RR,
        "synonyms": ["KD", "carfilzomib-dexamethasone"],
        "note": "Abbreviation not used in the PDQ text; the PDQ writes 'carfilzomib and "
        "dexamethasone'.",
        "snippet": "compared carfilzomib and dexamethasone with bortezomib and dexamethasone",
    },
]

# Regimens the PDQ describes in words (or names only as a trial arm). The abbreviations are the
# usual ones, kept as search terms; "note" says where the PDQ does not use them itself.
_WORDS = "Abbreviation not used in the PDQ text; the PDQ describes the combination in words."
_GE4 = "relapsed or refractory myeloma after at least four prior systemic treatments"

REGIMENS += [
    {
        "id": "krd",
        "abbreviation": "KRd",
        "name": "carfilzomib, lenalidomide, and dexamethasone",
        "components": ["carfilzomib", "lenalidomide", "dexamethasone"],
        "settings": [*_RR, "maintenance"],
        "synonyms": ["carfilzomib-lenalidomide-dexamethasone"],
        "renal_notes": ["Lenalidomide needs renal dose reduction (see lenalidomide-renal)."],
        "note": _WORDS,
        "snippet": "the combination of carfilzomib, lenalidomide, and dexamethasone was compared",
    },
    {
        "id": "dkd",
        "abbreviation": "DKd",
        "name": "daratumumab, carfilzomib, and dexamethasone",
        "components": ["daratumumab", "carfilzomib", "dexamethasone"],
        "settings": _RR,
        "synonyms": ["Dara-Kd", "KdD"],
        "note": _WORDS,
        "snippet": "either daratumumab, carfilzomib, and dexamethasone or carfilzomib and",
    },
    {
        "id": "isa-kd",
        "abbreviation": "Isa-Kd",
        "name": "isatuximab, carfilzomib, and dexamethasone",
        "components": ["isatuximab", "carfilzomib", "dexamethasone"],
        "settings": _RR,
        "synonyms": ["IsaKd", "isatuximab-Kd"],
        "route_notes": ["Isatuximab is given IV, unlike daratumumab (subcutaneous)."],
        "note": _WORDS,
        "snippet": "the combination of carfilzomib and dexamethasone was given with or without",
    },
    {
        "id": "isa-pd",
        "abbreviation": "Isa-Pd",
        "name": "isatuximab, pomalidomide, and dexamethasone",
        "components": ["isatuximab", "pomalidomide", "dexamethasone"],
        "settings": _RR,
        "synonyms": ["IsaPd", "isatuximab-Pd"],
        "route_notes": ["Isatuximab is given IV, unlike daratumumab (subcutaneous)."],
        "note": "The PDQ writes 'Pd was given with or without isatuximab' and, once, "
        "'isatuximab plus PD' (a typo for Pd).",
        "snippet": "Pd was given with or without isatuximab.",
    },
    {
        "id": "ird",
        "abbreviation": "IRd",
        "name": "ixazomib, lenalidomide, and dexamethasone",
        "components": ["ixazomib", "lenalidomide", "dexamethasone"],
        "settings": _RR,
        "synonyms": ["ixazomib-Rd", "Ixa-Rd"],
        "renal_notes": ["Lenalidomide needs renal dose reduction (see lenalidomide-renal)."],
        "note": _WORDS,
        "snippet": "ixazomib combined with lenalidomide and dexamethasone was compared with a",
    },
    {
        "id": "erd",
        "abbreviation": "ERd",
        "name": "elotuzumab, lenalidomide, and dexamethasone",
        "components": ["elotuzumab", "lenalidomide", "dexamethasone"],
        "settings": _RR,
        "synonyms": ["Elo-Rd", "elotuzumab-Rd"],
        "renal_notes": ["Lenalidomide needs renal dose reduction (see lenalidomide-renal)."],
        "note": _WORDS,
        "snippet": "elotuzumab was combined with lenalidomide and dexamethasone and compared",
    },
    {
        "id": "d-vmp",
        "abbreviation": "D-VMP",
        "name": "daratumumab plus VMP (bortezomib, melphalan, and prednisone)",
        "components": ["daratumumab", "bortezomib", "melphalan", "prednisone"],
        "settings": _LF,
        "synonyms": ["Dara-VMP", "DVMP"],
        "note": "The PDQ writes 'daratumumab plus VMP'.",
        "snippet": "daratumumab plus VMP was compared with VMP alone",
    },
    {
        "id": "dara-cybord",
        "abbreviation": "Dara-CyBorD",
        "name": "daratumumab combined with bortezomib, cyclophosphamide, and dexamethasone",
        "components": ["daratumumab", "bortezomib", "cyclophosphamide", "dexamethasone"],
        "settings": ["al_amyloidosis"],
        "synonyms": ["D-CyBorD", "D-VCd", "Dara-VCd"],
        "note": "The PDQ body describes it in words; 'Daratumumab plus CyBorD' is the title "
        "of a cited reference (ANDROMEDA).",
        "snippet": "Daratumumab combined with bortezomib, cyclophosphamide, and dexamethasone is",
    },
    {
        "id": "ven-vd",
        "abbreviation": "Ven-Vd",
        "name": "venetoclax plus bortezomib and dexamethasone",
        "components": ["venetoclax", "bortezomib", "dexamethasone"],
        "settings": _RR,
        "synonyms": ["VenVd", "venetoclax-Vd"],
        "note": _WORDS + " PFS favoured the venetoclax arm and OS the placebo arm "
        "(treatment-related sepsis).",
        "snippet": "randomly assigned to receive venetoclax plus bortezomib and dexamethasone",
    },
    {
        "id": "isa-rd",
        "abbreviation": "isatuximab-Rd",
        "name": "isatuximab plus lenalidomide and dexamethasone",
        "components": ["isatuximab", "lenalidomide", "dexamethasone"],
        "settings": _LF,
        "synonyms": ["Isa-Rd", "IRd-isatuximab"],
        "route_notes": ["Isatuximab is given IV, unlike daratumumab (subcutaneous)."],
        "renal_notes": ["Lenalidomide needs renal dose reduction (see lenalidomide-renal)."],
        "note": "Described as the comparator arm of BENEFIT (I-VRd versus isatuximab-Rd).",
        "snippet": "for the I-VRd group and 26% for the isatuximab-Rd group",
    },
    {
        "id": "belantamab-vd",
        "abbreviation": "belantamab-Vd",
        "name": "belantamab mafodotin plus bortezomib and dexamethasone",
        "components": ["belantamab mafodotin", "bortezomib", "dexamethasone"],
        "settings": _RR,
        "synonyms": ["BVd", "Bela-Vd", "belantamab mafodotin-Vd"],
        "snippet": "Patients received either belantamab mafodotin plus Vd or DVd.",
    },
    {
        "id": "lenalidomide-maintenance",
        "abbreviation": "lenalidomide maintenance",
        "name": "single-agent lenalidomide maintenance",
        "components": ["lenalidomide"],
        "settings": ["maintenance"],
        "synonyms": ["R maintenance", "len maintenance", "lenalidomide alone"],
        "renal_notes": ["Lenalidomide needs renal dose reduction (see lenalidomide-renal)."],
        "snippet": "compared lenalidomide maintenance with placebo.",
    },
    {
        "id": "ixazomib-maintenance",
        "abbreviation": "ixazomib maintenance",
        "name": "single-agent ixazomib maintenance",
        "components": ["ixazomib"],
        "settings": ["maintenance"],
        "synonyms": ["ixa maintenance"],
        "snippet": "For patients unable to receive lenalidomide maintenance, ixazomib is a",
    },
    {
        "id": "daratumumab-maintenance",
        "abbreviation": "daratumumab maintenance",
        "name": "single-agent daratumumab maintenance",
        "components": ["daratumumab"],
        "settings": ["maintenance"],
        "synonyms": ["dara maintenance"],
        "snippet": None,
    },
    {
        "id": "teclistamab",
        "abbreviation": "teclistamab",
        "name": "teclistamab (bispecific antibody, single agent)",
        "components": ["teclistamab"],
        "settings": _RR,
        "synonyms": ["Tec", "bispecific antibody"],
        "population": _GE4,
        "note": "The PDQ writes 'at last four prior systemic treatments', read as 'at least'.",
        "min_prior_lines": 4,
        "snippet": "teclistamab was given to 165 patients with relapsed or refractory myeloma",
    },
    {
        "id": "talquetamab",
        "abbreviation": "talquetamab",
        "name": "talquetamab (bispecific antibody, single agent)",
        "components": ["talquetamab"],
        "settings": _RR,
        "synonyms": ["Tal", "bispecific antibody"],
        "population": _GE4,
        "min_prior_lines": 4,
        "snippet": "talquetamab was given to 232 patients with relapsed or refractory myeloma",
    },
    {
        "id": "elranatamab",
        "abbreviation": "elranatamab",
        "name": "elranatamab (bispecific antibody, single agent)",
        "components": ["elranatamab"],
        "settings": _RR,
        "synonyms": ["Elra", "bispecific antibody"],
        "population": "relapsed or refractory myeloma after at least four prior lines of therapy",
        "min_prior_lines": 4,
        "snippet": "Elranatamab was given to 187 patients with relapsed or refractory myeloma",
    },
    {
        "id": "ide-cel",
        "abbreviation": "ide-cel",
        "name": "idecabtagene vicleucel (BCMA-directed CAR T-cell therapy)",
        "components": ["idecabtagene vicleucel"],
        "settings": _RR,
        "synonyms": ["idecabtagene vicleucel", "CAR T-cell therapy", "CAR-T"],
        "population": "relapsed or refractory myeloma after two to four prior lines of "
        "treatment with lenalidomide-refractory disease",
        "min_prior_lines": 2,
        "max_prior_lines": 4,
        "snippet": "386 patients with relapsed or refractory myeloma after two to four prior",
    },
    {
        "id": "cilta-cel",
        "abbreviation": "cilta-cel",
        "name": "ciltacabtagene autoleucel (BCMA-directed CAR T-cell therapy)",
        "components": ["ciltacabtagene autoleucel"],
        "settings": _RR,
        "synonyms": ["ciltacabtagene autoleucel", "CAR T-cell therapy", "CAR-T"],
        "population": "relapsed myeloma after one to three prior lines of treatment with "
        "lenalidomide-refractory disease",
        "min_prior_lines": 1,
        "max_prior_lines": 3,
        "snippet": "relapsed myeloma after one to three prior lines of treatment who also had",
    },
]

# The settings of the regimens added for issue 15 are kept in ``described_settings`` and not yet
# in ``settings`` (what the options lists read): the short report does not yet fit the longer
# relapsed list on two pages (tests/ui/test_report_render.py). Moving them is one line here.
_ISSUE15 = {r["id"] for r in REGIMENS[22:]}
for _r in REGIMENS:
    if _r["id"] in _ISSUE15:
        _r["described_settings"] = _r.pop("settings")
        _r["settings"] = []

# Trials by arm role (the regimen ids of each arm). A trial supports the arm it favoured; the
# losing arm lists it as "comparator". Where a trial is listed here its regimen links come from
# this table only (the extractor's word matching would hang MAIA under Rd).
_F, _C = "favoured", "comparator"
ARM_ROLES: dict[str, dict[str, Any]] = {
    "nct02874742": {_F: ["d-vrd"], _C: ["vrd"]},  # GRIFFIN
    "myeloma-ref56": {_F: ["d-vrd"], _C: ["vrd"]},
    "myeloma-ref13": {_F: ["i-vrd"], _C: ["vrd"]},  # GMMG-HD7
    "nct03319667": {_F: ["i-vrd"], _C: ["vrd"]},
    "nct02252172": {_F: ["drd"], _C: ["rd"]},  # MAIA
    "myeloma-ref72": {_F: ["d-vmp"], _C: ["vmp"]},  # ALCYONE
    "nct04751877": {_F: ["i-vrd"], _C: ["isa-rd"]},  # BENEFIT
    "myeloma-ref74": {"no_difference": ["vmp"]},
    "myeloma-ref75": {"no_difference": ["krd", "vrd"]},
    "myeloma-ref131": {_F: ["lenalidomide-maintenance"]},
    "myeloma-ref137": {_F: ["ixazomib-maintenance"]},  # TOURMALINE-MM4
    "myeloma-ref141": {_F: ["ixazomib-maintenance"]},  # TOURMALINE-MM3
    "nct02659293": {_F: ["krd"], _C: ["lenalidomide-maintenance"]},  # ATLAS
    "nct03901963": {_F: ["dara-r"], _C: ["lenalidomide-maintenance"]},  # AURIGA
    "nct02541383": {_F: ["daratumumab-maintenance"]},  # CASSIOPEIA
    "nct02136134": {_F: ["dvd"], _C: ["vd"]},  # CASTOR
    "nct02076009": {_F: ["drd"], _C: ["rd"]},  # POLLUX
    "nct03158688": {_F: ["dkd"], _C: ["kd"]},  # CANDOR
    "relapsed-ref9": {_F: ["dpd"], _C: ["pd"]},  # APOLLO
    "nct02654132": {_F: ["epd"], _C: ["pd"]},  # ELOQUENT-3
    "nct01239797": {_F: ["erd"], _C: ["rd"]},  # ELOQUENT-2
    "relapsed-ref15": {_F: ["isa-pd"], _C: ["pd"]},  # ICARIA-MM
    "relapsed-study-1": {_F: ["isa-kd"], _C: ["kd"]},
    "relapsed-ref27": {_F: ["krd"], _C: ["rd"]},
    "nct01568866": {_F: ["kd"], _C: ["vd"]},  # ENDEAVOR
    "relapsed-ref33": {_F: ["ird"], _C: ["rd"]},
    "nct01850524": {"no_difference": ["ird", "rd"]},  # PFS HR 0.830, P = .073
    "nct04181827": {_F: ["cilta-cel"]},
    "nct03651128": {_F: ["ide-cel"]},  # KarMMa-3
    "nct03145181": {"single_arm": ["teclistamab"]},
    "relapsed-ref53": {"single_arm": ["talquetamab"]},
    "relapsed-ref55": {"single_arm": ["elranatamab"]},  # MagnetisMM-3
    "relapsed-ref56": {_F: ["pvd"], _C: ["vd"]},  # OPTIMISMM
    "nct04246047": {_F: ["belantamab-vd"], _C: ["dvd"]},
    "nct04484623": {_F: ["bpd"], _C: ["pvd"]},
    "relapsed-ref86": {_F: ["svd"], _C: ["vd"]},  # BOSTON
    "relapsed-ref88": {"single_arm": ["svd"]},
    "nct02755597": {"mixed": ["ven-vd", "vd"]},  # BELLINI
    "relapsed-ref91": {_F: ["ven-vd"], _C: ["vd"]},  # BELLINI t(11;14) subgroup
    "nct03201965": {_F: ["dara-cybord"], _C: ["cybord"]},  # ANDROMEDA
}
ARM_ROLE_NOTES: dict[tuple[str, str], str] = {
    ("nct02755597", "ven-vd"): "PFS favoured venetoclax; OS favoured placebo (sepsis).",
    ("nct02755597", "vd"): "PFS favoured venetoclax; OS favoured placebo (sepsis).",
    ("relapsed-ref91", "ven-vd"): "Prespecified analysis of patients with t(11;14).",
    ("myeloma-ref75", "krd"): "No difference in PFS or OS versus VRd (standard-risk or "
    "intermediate-risk disease, transplant deferred).",
    ("myeloma-ref75", "vrd"): "No difference in PFS or OS versus carfilzomib-based induction.",
    ("nct01850524", "ird"): "No significant PFS difference versus placebo plus Rd "
    "(newly diagnosed).",
    ("nct01850524", "rd"): "No significant PFS difference versus ixazomib plus Rd.",
    ("myeloma-ref74", "vmp"): "No difference in PFS or OS versus carfilzomib plus melphalan "
    "and prednisone.",
}

# ---------------------------------------------------------------------------------------------
# drug notes: route, toxicities and precautions the PDQ names (snippets resolved to sentences)

DRUG_NOTES: dict[str, dict[str, Any]] = {
    "bortezomib": {
        "route": "subcutaneous (preferred to IV)",
        "snippets": [
            "Bortezomib is given subcutaneously, which helps to avoid the neuropathies",
            "Bortezomib is also preferred for patients with renal impairment.",
            "need prophylaxis for herpes zoster",
        ],
    },
    "lenalidomide": {
        "route": "oral",
        "snippets": [
            "Lenalidomide is given orally and can cause an increased risk of deep venous",
            "lenalidomide doses need to be reduced for patients with impaired renal function",
        ],
    },
    "isatuximab": {
        "route": "IV",
        "snippets": ["Isatuximab is given intravenously (IV), unlike daratumumab"],
    },
    "daratumumab": {
        "route": "subcutaneous or IV",
        "snippets": ["the subcutaneous formulation has equivalent efficacy and fewer adverse"],
    },
    "thalidomide": {
        "route": "oral",
        "snippets": ["By using a low dose (50 mg by mouth every day)"],
    },
    "ixazomib": {
        "route": "oral",
        "snippets": ["Ixazomib is a second-generation proteasome inhibitor that is given orally"],
    },
    "melphalan": {
        "snippets": ["alkylators such as melphalan are avoided upfront to prevent stem cell"],
    },
}

# Routes the PDQ states for drugs the table above does not cover (route_snippet: the sentence).
_ROUTES: dict[str, tuple[str, str]] = {
    "carfilzomib": (
        "IV",
        "Carfilzomib is a second-generation proteasome inhibitor that is given by IV",
    ),
    "denosumab": ("subcutaneous", "denosumab, given subcutaneously, is also effective"),
    "zoledronic acid": (
        "IV",
        "The bisphosphonates pamidronate and zoledronate are used most often",
    ),
    "pamidronate": ("IV", "The bisphosphonates pamidronate and zoledronate are used most often"),
    "clodronate": ("oral", "compared IV zoledronate with oral clodronate in newly diagnosed"),
    "selinexor": ("oral", "and daratumumab received oral selinexor and dexamethasone"),
    "cyclophosphamide": (
        "oral (weekly, in the Myeloma X comparison)",
        "oral weekly cyclophosphamide",
    ),
}
for _drug, (_route, _snippet) in _ROUTES.items():
    DRUG_NOTES.setdefault(_drug, {})
    DRUG_NOTES[_drug].setdefault("route", _route)
    DRUG_NOTES[_drug]["route_snippet"] = _snippet
for _drug, _snippet in {
    "bortezomib": "Bortezomib is given subcutaneously, which helps to avoid the neuropathies",
    "lenalidomide": "Lenalidomide is given orally and can cause an increased risk of deep venous",
    "isatuximab": "Isatuximab is given intravenously (IV), unlike daratumumab",
    "daratumumab": "the subcutaneous formulation has equivalent efficacy and fewer adverse",
    "thalidomide": "By using a low dose (50 mg by mouth every day)",
    "ixazomib": "Ixazomib is a second-generation proteasome inhibitor that is given orally",
}.items():
    DRUG_NOTES[_drug]["route_snippet"] = _snippet

# Toxicities and precautions per drug, with their numbers (each value is in the sentence).
DRUG_TOXICITY: dict[str, list[dict[str, Any]]] = {
    "carfilzomib": [
        {
            "effect": "cardiovascular adverse events (heart failure, chest pain, acute coronary "
            "syndrome), grade 3 or higher, especially in the first 3 months",
            "values": ["25%"],
            "snippet": "Cardiovascular adverse events such as heart failure, chest pain, and acute",
        }
    ],
    "idecabtagene vicleucel": [
        {
            "effect": "cytokine-release syndrome (grade 3 or higher in 5%) and neurological "
            "symptoms",
            "values": ["88%", "5%", "15%"],
            "snippet": "Ide-cel was associated with cytokine-release syndrome in 88% of patients",
        }
    ],
    "teclistamab": [
        {
            "effect": "cytokine release syndrome; grade 3 or 4 hematologic toxicity; febrile "
            "neutropenia",
            "values": ["72%", "61%", "44.8%"],
            "snippet": "Side effects included cytokine release syndrome in 72% of patients",
        }
    ],
    "belantamab mafodotin": [
        {
            "effect": "ocular toxicity (mostly in the cornea), in the belantamab-Vd trial",
            "values": ["79%"],
            "snippet": "ocular toxicity (mostly in the cornea) which was noted in 79% of patients",
        },
        {
            "effect": "grade 3 or 4 ocular toxicity (all grades 89%)",
            "values": ["43%", "89%"],
            "snippet": "Grade 3 or 4 ocular toxicity occurred in 43% of patients who received",
        },
    ],
    "lenalidomide": [
        {
            "effect": "hematologic second primary malignancies (meta-analysis of 3,254 patients)",
            "values": ["3.1%", "1.4%", "3.8"],
            "snippet": "A meta-analysis of 3,254 patients from seven randomized trials showed",
        },
        {
            "effect": "thromboembolic events (thromboprophylaxis with aspirin at least)",
            "values": [],
            "snippet": "Lenalidomide is associated with increased incidence of thromboembolic",
        },
    ],
    "pomalidomide": [
        {
            "effect": "myelosuppression and thromboembolic events (thromboprophylaxis with "
            "aspirin at least)",
            "values": [],
            "snippet": "Pomalidomide is associated with some myelosuppression and an increased",
        }
    ],
    "thalidomide": [
        {
            "effect": "sedation, constipation, neuropathy, thrombosis (thromboprophylaxis "
            "required)",
            "values": [],
            "snippet": "Thalidomide is a first-generation immunomodulatory agent that is not often",
        }
    ],
    "denosumab": [
        {
            "effect": "rebound fractures if it is discontinued",
            "values": [],
            "snippet": "may result in rebound fractures if it is discontinued",
        }
    ],
    "selinexor": [
        {
            "effect": "thrombocytopenia and fatigue with SVd (versus Vd)",
            "values": ["39%", "17%", "13%", "1%"],
            "snippet": "Patients who received the selinexor combination had more thrombocytopenia",
        }
    ],
}

# Dose, schedule, duration, route and supportive-care statements beyond the mg doses above.
DOSES += [
    {
        "id": "igg-replacement-teclistamab",
        "topic": "supportive_care",
        "drugs": ["teclistamab"],
        "snippet": "can be given replacement immunoglobulin G IV or subcutaneously every 2 to 4",
        "values": ["IV or subcutaneously every 2 to 4 weeks"],
        "summary": "With teclistamab, immunoglobulin G replacement IV or subcutaneously every 2 "
        "to 4 weeks to reduce the risk of infection.",
    },
    {
        "id": "bispecific-immunoglobulin-antimicrobial",
        "topic": "supportive_care",
        "drugs": ["teclistamab", "talquetamab", "elranatamab"],
        "snippet": "bispecific antibodies impair humoral immunity, but this can be ameliorated",
        "values": ["IV or subcutaneous immunoglobulin and antimicrobial prophylaxis"],
        "summary": "Bispecific antibodies impair humoral immunity; IV or subcutaneous "
        "immunoglobulin and antimicrobial prophylaxis ameliorate this.",
    },
    {
        "id": "daratumumab-split-first-infusion",
        "topic": "schedule",
        "drugs": ["daratumumab"],
        "snippet": "splitting the first infusion over 2 days or using the subcutaneous version",
        "values": ["splitting the first infusion over 2 days"],
        "summary": "Reaction to the first daratumumab dose can be modulated by splitting the "
        "first infusion over 2 days or using the subcutaneous version (not FDA-approved "
        "schedule).",
    },
    {
        "id": "plasma-exchange-hyperviscosity",
        "topic": "supportive_care",
        "drugs": [],
        "snippet": "plasma exchange is indicated with hemorrhagic or central nervous system",
        "values": ["plasma exchange is indicated with hemorrhagic or central nervous system"],
        "summary": "Hyperviscosity: plasma exchange with hemorrhagic or central nervous system "
        "manifestations; asymptomatic patients usually respond to myeloma therapy.",
    },
    {
        "id": "thalidomide-thromboprophylaxis",
        "topic": "supportive_care",
        "drugs": ["thalidomide"],
        "snippet": "Thromboprophylaxis with aspirin, warfarin, or low-molecular-weight heparin is",
        "values": ["aspirin, warfarin, or low-molecular-weight heparin"],
        "summary": "Thalidomide: thromboprophylaxis with aspirin, warfarin or low-molecular-"
        "weight heparin is required (choice by preexisting risk factors).",
    },
    {
        "id": "imid-thromboprophylaxis",
        "topic": "supportive_care",
        "drugs": ["lenalidomide", "pomalidomide"],
        "snippet": "Lenalidomide is associated with increased incidence of thromboembolic",
        "values": ["thromboprophylaxis with aspirin at least"],
        "summary": "Lenalidomide and pomalidomide: thromboprophylaxis with aspirin at least.",
    },
    {
        "id": "dara-r-maintenance-duration",
        "topic": "duration",
        "drugs": ["daratumumab", "lenalidomide"],
        "snippet": "included Dara-R maintenance (for 2 to 3 years or longer)",
        "values": ["for 2 to 3 years or longer"],
        "summary": "Dara-R maintenance for 2 to 3 years or longer after D-VRd induction.",
        "note": "Elsewhere the PDQ writes '2 years of maintenance therapy with Dara-R' "
        "(pdq-errata.md).",
    },
    {
        "id": "bortezomib-subcutaneous",
        "topic": "route",
        "drugs": ["bortezomib"],
        "snippet": "Bortezomib is given subcutaneously, which helps to avoid the neuropathies",
        "values": ["given subcutaneously"],
        "summary": "Bortezomib subcutaneously, which avoids the more severe neuropathies of IV "
        "administration.",
    },
    {
        "id": "bortezomib-renal",
        "topic": "renal",
        "drugs": ["bortezomib"],
        "snippet": "Bortezomib is also preferred for patients with renal impairment.",
        "values": ["preferred for patients with renal impairment"],
        "summary": "Bortezomib is preferred for patients with renal impairment.",
    },
    {
        "id": "carfilzomib-schedule",
        "topic": "schedule",
        "drugs": ["carfilzomib"],
        "snippet": "Most studies have used twice-weekly administration, but once-weekly",
        "values": ["twice-weekly administration", "once-weekly administration"],
        "summary": "Carfilzomib IV; most studies used twice-weekly administration, once-weekly "
        "appears at least equally efficacious and safe.",
    },
    {
        "id": "denosumab-route",
        "topic": "route",
        "drugs": ["denosumab", "pamidronate", "zoledronic acid"],
        "snippet": "denosumab, given subcutaneously, is also effective",
        "values": ["via IV infusion", "given subcutaneously"],
        "summary": "Pamidronate and zoledronate via IV infusion; denosumab subcutaneously, "
        "especially when renal dysfunction precludes bisphosphonates.",
    },
    {
        "id": "herpes-zoster-prophylaxis",
        "topic": "supportive_care",
        "drugs": ["bortezomib"],
        "snippet": "need prophylaxis for herpes zoster (usually with valacyclovir or acyclovir)",
        "values": ["prophylaxis for herpes zoster (usually with valacyclovir or acyclovir)"],
        "summary": "Bortezomib-containing regimens: herpes zoster prophylaxis (usually "
        "valacyclovir or acyclovir).",
    },
]

KEY_REFERENCE_NOTES: dict[str, str] = {
    "Rajkumar SV, Dimopoulos MA, Palumbo A, et al.": "Listed as cited in General Information, "
    "but it is not in that section's reference list; it is reference 3 of Treatment Option "
    "Overview (pdq-errata.md).",
}

# ---------------------------------------------------------------------------------------------
# Result sentences with no level-of-evidence marker of their own: findings with no level,
# linked to their trial. Each snippet resolves to its whole sentence (the result sentence
# last); numbers are parsed from the sentences by the extractor, and the keys given here
# replace what it parses. ``kind``: efficacy, toxicity or quality_of_life.


def _arm(arm: str, value: str, low: str | None = None, high: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"arm": arm, "value": value}
    if low is not None and high is not None:
        out["ci"] = {"level": "95%", "low": low, "high": high}
    return out


UNMARKED_RESULTS: list[dict[str, Any]] = [
    {
        "trial": "overview-study-1",
        "snippets": ["The median time to progression was 44.1 months for patients in the"],
        "kind": "efficacy",
        "endpoint": "time to progression",
        "values": [
            _arm("daratumumab arm", "44.1 months"),
            _arm("watchful waiting arm", "17.8 months"),
        ],
    },
    {
        "trial": "overview-study-1",
        "snippets": ["The 5-year overall survival (OS) rate was 93% for patients in the"],
        "kind": "efficacy",
        "endpoint": "overall survival",
        "landmark": "5-year",
        "values": [_arm("daratumumab arm", "93%"), _arm("watchful waiting arm", "86%")],
    },
    {
        "trial": "nct02252172",
        "snippets": ["the 60-month PFS rate was 52.5% for patients who received daratumumab"],
        "kind": "efficacy",
        "endpoint": "progression-free survival",
        "landmark": "60-month",
        "values": [
            _arm("daratumumab (DRd)", "52.5%", "46.7%", "58.0%"),
            _arm("Rd alone", "28.7%", "23.1%", "34.6%"),
        ],
    },
    {
        "trial": "myeloma-ref56",
        "snippets": ["The complete response rate was 87.9% in the D-VRd group and 70.1%"],
        "kind": "efficacy",
        "endpoint": "complete response rate",
        "values": [_arm("D-VRd", "87.9%"), _arm("VRd", "70.1%")],
    },
    {
        "trial": "myeloma-ref97",
        "snippets": ["Patients with high-risk disease (approximately 20% of the total) showed"],
        "kind": "efficacy",
        "endpoint": "progression-free survival",
        "population": "patients with high-risk disease (approximately 20% of the total)",
        "n_patients": None,  # the subgroup's size is not stated
    },
    {
        "trial": "nct03901963",
        "snippets": ["The MRD-negative (10 -6) conversion rate was 23.2% for patients who"],
        "kind": "efficacy",
        "endpoint": "MRD-negative (10 -6) conversion rate",
        "values": [_arm("Dara-R", "23.2%"), _arm("lenalidomide alone", "5.0%")],
    },
    {
        "trial": None,
        "snippets": [
            "1,718 patients with newly diagnosed myeloma and at least one documented lytic",
            "The study met its primary end point of noninferiority for denosumab",
        ],
        "kind": "efficacy",
        "n_patients": "1,718",
        "design": "prospective randomized double-blind trial",
        "population": "newly diagnosed myeloma with at least one documented lytic bone lesion",
        "arms": ["zoledronate", "denosumab"],
        "endpoint": "primary end point (noninferiority of denosumab to zoledronate)",
    },
    {
        "trial": "nct01239797",
        "snippets": [
            "With a median follow-up of 70.6 months, the 5-year PFS rate was 17%",
            "The 5-year OS rate was 40% in the elotuzumab group and 33% in the Rd group",
        ],
        "kind": "efficacy",
        "endpoint": "progression-free survival",
        "landmark": "5-year",
        "values": [_arm("elotuzumab group", "17%"), _arm("Rd group", "11%")],
        "other_end_points": [
            {
                "endpoint": "overall survival",
                "landmark": "5-year",
                "values": [_arm("elotuzumab group", "40%"), _arm("Rd group", "33%")],
            }
        ],
    },
    {
        "trial": "nct03651128",
        "snippets": ["The overall and complete response rates were higher in patients who"],
        "kind": "efficacy",
        "endpoint": "overall response rate",
        "values": [_arm("ide-cel", "71%"), _arm("standard regimens", "42%")],
        "other_end_points": [
            {
                "endpoint": "complete response rate",
                "values": [_arm("ide-cel", "39%"), _arm("standard regimens", "5%")],
            }
        ],
    },
    {
        "trial": "nct03651128",
        "snippets": ["Ide-cel was associated with cytokine-release syndrome in 88% of patients"],
        "kind": "toxicity",
        "endpoint": "cytokine-release syndrome",
        "values": [_arm("ide-cel", "88%")],
        "other_end_points": [
            {
                "endpoint": "cytokine-release syndrome grade 3 or higher",
                "values": [_arm("ide-cel", "5%")],
            },
            {"endpoint": "neurological symptoms", "values": [_arm("ide-cel", "15%")]},
        ],
    },
    {
        "trial": "nct03145181",
        "snippets": ["Side effects included cytokine release syndrome in 72% of patients"],
        "kind": "toxicity",
        "endpoint": "cytokine release syndrome",
        "values": [_arm("teclistamab", "72%")],
        "other_end_points": [
            {
                "endpoint": "hematologic toxicity (grade 3 or 4)",
                "values": [_arm("teclistamab", "61%")],
            },
            {"endpoint": "febrile neutropenia", "values": [_arm("teclistamab", "44.8%")]},
        ],
    },
    {
        "trial": None,
        "snippets": ["A meta-analysis of 3,254 patients from seven randomized trials showed"],
        "kind": "toxicity",
        "n_patients": "3,254",
        "design": "meta-analysis of seven randomized trials",
        "endpoint": "hematologic second primary malignancies",
        "values": [_arm("lenalidomide", "3.1%"), _arm("no lenalidomide", "1.4%")],
    },
    {
        "trial": "nct02755597",
        "snippets": ["the median PFS was 22.4 months for patients on the venetoclax arm versus"],
        "kind": "efficacy",
        "endpoint": "progression-free survival",
        "values": [_arm("venetoclax arm", "22.4 months"), _arm("placebo arm", "11.5 months")],
    },
    {
        "trial": "relapsed-ref87",
        "snippets": ["A partial response or better was observed in 26% of patients (95% CI"],
        "kind": "efficacy",
        "endpoint": "partial response or better",
        "values": [_arm("selinexor and dexamethasone", "26%", "19%", "35%")],
        "other_end_points": [
            {
                "endpoint": "median duration of response",
                "values": [_arm("selinexor and dexamethasone", "4.4 months")],
            }
        ],
    },
    {
        "trial": "relapsed-ref86",
        "snippets": ["Patients who received the selinexor combination had more thrombocytopenia"],
        "kind": "toxicity",
        "endpoint": "thrombocytopenia",
        "values": [_arm("SVd", "39%"), _arm("Vd", "17%")],
        "other_end_points": [
            {"endpoint": "fatigue", "values": [_arm("SVd", "13%"), _arm("Vd", "1%")]}
        ],
    },
    {
        "trial": None,
        "snippets": ["Cardiovascular adverse events such as heart failure, chest pain, and acute"],
        "kind": "toxicity",
        "endpoint": "cardiovascular adverse events (grade 3 or higher) with carfilzomib",
        "values": [_arm("carfilzomib", "25%")],
    },
]

UNMARKED_RESULTS += [
    {
        "trial": "nct02874742",
        "snippets": ["The median OS was not reached in either group (HR, 0.90"],
        "kind": "efficacy",
        "endpoint": "overall survival",
        "values": [_arm("D-VRd", "not reached"), _arm("VRd", "not reached")],
    },
    {
        "trial": "nct01208662",
        "snippets": ["The 5-year OS rate was not significantly different: 79.2% for patients"],
        "kind": "efficacy",
        "endpoint": "overall survival",
        "values": [_arm("nontransplant arm", "79.2%"), _arm("transplant arm", "80.7%")],
    },
    {
        "trial": "myeloma-ref97",
        "snippets": ["Patients with standard-risk disease also showed a PFS benefit from"],
        "kind": "efficacy",
        "endpoint": "progression-free survival",
        "population": "patients with standard-risk disease",
        "n_patients": None,  # the subgroup's size is not stated
    },
    {
        "trial": "relapsed-ref15",
        "snippets": ["the median OS was 24.6 months (95% CI, 20.3–31.3) for patients who"],
        "kind": "efficacy",
        "endpoint": "overall survival",
        "values": [
            _arm("isatuximab plus Pd", "24.6 months", "20.3", "31.3"),
            _arm("Pd alone", "17.7 months", "14.4", "26.2"),
        ],
    },
    {
        "trial": None,
        "snippets": ["This risk was confined to the combination of lenalidomide and melphalan"],
        "kind": "toxicity",
        "design": "meta-analysis of seven randomized trials",
        "endpoint": "hematologic second primary malignancies (lenalidomide with melphalan)",
    },
]

# Further result sentences found by the census rule (tests/unit/evidence/test_results.py).
UNMARKED_RESULTS += [
    {
        "trial": "nct03201965",
        "snippets": ["Survival free from organ deterioration, hematologic progression, or death"],
        "kind": "efficacy",
        "endpoint": "survival free from organ deterioration, hematologic progression, or death",
    },
    {
        "trial": "myeloma-ref56",
        "snippets": ["The most common grade 3 or 4 adverse event was neutropenia, which occurred"],
        "kind": "toxicity",
        "endpoint": "grade 3 or 4 neutropenia",
        "values": [_arm("D-VRd", "62%"), _arm("VRd", "51%")],
    },
    {
        "trial": "nct01208662",
        "snippets": ["Rates of grade 3 or 4 hematologic adverse events were significantly higher"],
        "kind": "toxicity",
        "endpoint": "grade 3 or 4 hematologic adverse events",
        "values": [_arm("transplant arm", "41.9%"), _arm("nontransplant arm", "26.1%")],
    },
    {
        "trial": "nct03901963",
        "snippets": ["Grade 3 or 4 cytopenias occurred in 54.2% of patients who received Dara-R"],
        "kind": "toxicity",
        "endpoint": "grade 3 or 4 cytopenias",
        "values": [_arm("Dara-R", "54.2%"), _arm("lenalidomide alone", "46.9%")],
    },
    {
        "trial": "nct03901963",
        "snippets": ["Infections occurred in 18.8% of patients who received Dara-R versus 13.3%"],
        "kind": "toxicity",
        "endpoint": "infections",
        "values": [_arm("Dara-R", "18.8%"), _arm("lenalidomide alone", "13.3%")],
    },
    {
        "trial": "nct03651128",
        "snippets": [
            "Grade 3 or 4 adverse events occurred in 93% of patients who received ide-cel"
        ],
        "kind": "toxicity",
        "endpoint": "grade 3 or 4 adverse events",
        "values": [_arm("ide-cel", "93%"), _arm("standard regimen", "75%")],
    },
    {
        "trial": "nct01554852",
        "snippets": ["those with del(1p), del(17p), and t(4;14) had a median PFS of 57.3 months"],
        "kind": "efficacy",
        "endpoint": "progression-free survival",
        "population": "patients with del(1p), del(17p), and t(4;14)",
        "values": [
            _arm("lenalidomide maintenance", "57.3 months"),
            _arm("observation", "10.9 months"),
        ],
    },
]

# Further end points of marked findings whose sentence reports more than the stored one.
OTHER_END_POINTS: dict[str, list[dict[str, Any]]] = {
    # MajesTEC-1 (teclistamab): response rates beside the PFS of the marker sentence.
    "relapsed-028": [
        {"endpoint": "overall response rate", "values": [_arm("teclistamab", "63.0%")]},
        {"endpoint": "complete response rate", "values": [_arm("teclistamab", "39.4%")]},
    ],
    # MagnetisMM-3 (elranatamab).
    "relapsed-031": [
        {
            "endpoint": "objective response rate",
            "values": [_arm("elranatamab", "61%", "51.8%", "69.6%")],
        },
        {"endpoint": "complete response", "values": [_arm("elranatamab", "35%")]},
    ],
}
