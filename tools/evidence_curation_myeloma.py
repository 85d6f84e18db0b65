"""Hand review of the myeloma findings (applied by tools/evidence_curation.py).

FINDING_OVERRIDES: corrections per finding id (same shape as in evidence_curation.py).
REVIEWED: ids of findings whose every field was read against the PDQ sentence by a person.

Scope: the findings of the sections myeloma, amyloidosis, general and overview (relapsed is
reviewed in evidence_curation_relapsed.py). evidence_curation.py merges this dict into its own
with ``dict.update``, so an entry here *replaces* the whole entry of the same id there: the
entries for myeloma-006, -016, -017 and -041 therefore repeat the corrections made there.

Conventions (as in evidence_curation.py): values, intervals and P values exactly as written;
arm labels in the PDQ's words; an interval the PDQ labels "range" (or leaves unlabelled next to a
labelled CI) is not stored as a CI of the arm value (the finding's errata note says so), except
where the PDQ gives no label at all for every interval of the sentence (level None). A value
whose arm the sentence gives only by the order of the arms in the study description ("22.3 vs.
22.1 months") is attached to the arms in that order. Sentences added to a finding (when the
marker sits on a sentence without the numbers, pdq-errata.md "Level-of-evidence placement") are
copied verbatim from the re-flowed PDQ paragraph; the provenance test checks them.
"""

from __future__ import annotations

from typing import Any


def _v(
    arm: str, value: str, low: str | None = None, high: str | None = None, level: str | None = "95%"
) -> dict[str, Any]:
    out: dict[str, Any] = {"arm": arm, "value": value}
    if low is not None and high is not None:
        out["ci"] = {"level": level, "low": low, "high": high}
    return out


_NOT_NAMED = "comparator (not named in the PDQ text)"

FINDING_OVERRIDES: dict[str, dict[str, Any]] = {
    # ---- Treatment of Multiple Myeloma: induction, fit ------------------------------------
    # OPTIMUM: 412 patients were screened, the 103 with UHR disease were treated; the results
    # are for those 103 (the trial record keeps 412 with the population saying so).
    "myeloma-005": {
        "n_patients": "103",
        "values": [
            _v("study treatment", "77%", "69%", "81%"),
            _v("historical control group who received KCRD", "40%", "31%", "49%"),
        ],
    },
    "myeloma-006": {
        "n_patients": "103",
        "values": [
            _v("OPTIMUM regimen", "84%", "76%", "91%"),
            _v("historical control KCRD regimen", "74%", "66%", "82%"),
        ],
    },
    # ---- induction, less fit ---------------------------------------------------------------
    "myeloma-007": {
        "arms": ["D-VRd", "VRd"],
        "population": "newly diagnosed myeloma, aged 70 years or older or ineligible for "
        "autologous SCT with medical comorbidities",
    },
    # MAIA quality of life (reference 71 is the MAIA HRQoL report): no number in the sentence.
    "myeloma-010": {
        "endpoint": "pain scores and quality of life (EuroQOL 5-dimensional descriptive system)",
        "population": "newly diagnosed myeloma, ineligible for transplant",
    },
    "myeloma-014": {
        "population": "newly diagnosed multiple myeloma, ineligible for transplant",
        "values": [
            _v("carfilzomib plus melphalan and prednisone", "22.3"),
            _v("VMP", "22.1 months"),
        ],
    },
    "myeloma-015": {
        "arms": [
            "carfilzomib plus lenalidomide and dexamethasone",
            "bortezomib plus lenalidomide and dexamethasone",
        ],
        "population": "standard-risk or intermediate-risk myeloma, deferred transplant for "
        "induction therapy",
        "regimens": ["vrd"],
        "values": [
            _v("carfilzomib plus lenalidomide and dexamethasone", "34.6"),
            _v("bortezomib plus lenalidomide and dexamethasone", "34.4 months"),
        ],
    },
    # ---- consolidation: single autologous SCT ------------------------------------------------
    # One sentence, two markers, each summarising the trials cited before it (no study record,
    # no number): kept draft.
    "myeloma-016": {
        "endpoint": "overall survival",
        "design": "prospective, randomized",
        "arms": [
            "autologous peripheral stem cell or bone marrow transplant after induction "
            "chemotherapy",
            "chemotherapy alone",
        ],
    },
    "myeloma-017": {
        "endpoint": "overall survival",
        "arms": [
            "autologous peripheral stem cell or bone marrow transplant after induction "
            "chemotherapy",
            "chemotherapy alone",
        ],
    },
    "myeloma-019": {
        "n_patients": "almost 3,000",
        "design": "meta-analysis (three meta-analyses)",
        "endpoint": "overall survival",
    },
    "myeloma-020": {
        "design": "meta-analysis of randomized clinical trials",
        "population": "high-risk cytogenetics (t(4;14), t(14;16), and/or del(17p))",
    },
    # ---- tandem / allogeneic SCT -------------------------------------------------------------
    "myeloma-021": {"design": "meta-analysis of six randomized clinical trials"},
    # 38-month PFS and OS rates are given only as ranges over the three groups: no per-arm value.
    "myeloma-022": {
        "arms": [
            "autologous SCT plus lenalidomide maintenance",
            "tandem autologous SCT",
            "autologous SCT plus VRd maintenance",
        ],
        "population": "patients who completed induction therapy in less than 12 months",
    },
    # The draft linked this to the 758-patient randomized trial before it; the sentence is about
    # the five nonrandomized donor/no-donor comparisons cited [107-110].
    "myeloma-023": {
        "trial": None,
        "n_patients": None,
        "design": "nonrandomized (assignment by presence or absence of an HLA-identical sibling)",
        "population": None,
        "arms": [
            "single or tandem autologous transplants",
            "one autologous transplant followed by a reduced-intensity conditioning allograft "
            "from a HLA-identical sibling",
        ],
        "endpoint": "overall survival",
        "regimens": [],
    },
    "myeloma-024": {
        "design": "two meta-analyses of six clinical trials (assignment by availability of an "
        "HLA-matched donor)",
    },
    "myeloma-025": {
        "design": "donor versus no donor comparison",
        "population": "untreated patients",
        "arms": ["autologous SCT", "autologous SCT and nonmyeloablative allogeneic SCT"],
    },
    "myeloma-027": {
        "design": "two meta-analyses of six clinical trials (assignment by availability of an "
        "HLA-matched donor)",
    },
    # ---- salvage autologous SCT --------------------------------------------------------------
    "myeloma-028": {
        "population": "relapse more than 24 months after autologous SCT, after reinduction therapy",
        "values": [
            _v(
                "high-dose melphalan and salvage autologous SCT", "67 months", "55", "not estimable"
            ),
            _v("oral weekly cyclophosphamide", "52 months", "42", "60", level=None),
        ],
    },
    "myeloma-029": {
        "design": "retrospective review",
        "population": "refractory myeloma or relapsed and refractory myeloma",
        "arms": ["salvage autologous SCT"],
        "endpoint": "partial response (PR) or better",
        "values": [_v("salvage autologous SCT", "81%")],
    },
    # ---- maintenance -------------------------------------------------------------------------
    # The comparator of the 1,917-patient trial is not named in the PDQ text (the title of
    # reference 132 says observation); the 3-year OS rates have no place beside the PFS values.
    "myeloma-032": {
        "arms": ["lenalidomide maintenance", _NOT_NAMED],
        "population": "patients newly diagnosed with or without transplant",
        "values": [
            _v("lenalidomide", "39 months", "36", "42"),
            _v(_NOT_NAMED, "20 months"),
        ],
    },
    "myeloma-034": {
        "design": "meta-analysis of randomized clinical trials",
        "arms": ["lenalidomide or thalidomide maintenance"],
        "population": "newly diagnosed myeloma, with or without transplant",
    },
    "myeloma-035": {
        "design": "meta-analysis of randomized clinical trials",
        "arms": ["lenalidomide (with or without prednisone) maintenance"],
        "population": "newly diagnosed myeloma",
    },
    # The HR is for the rate of progression, the medians for EFS: the HR goes to estimates.
    "myeloma-036": {
        "arms": ["lenalidomide maintenance", "no maintenance"],
        "population": "aged 65 years and older, not eligible for transplant, after induction "
        "with melphalan and prednisone or melphalan, prednisone, and lenalidomide",
        "endpoint": "event-free survival",
        "hr": None,
        "p": None,
        "estimates": [
            {
                "endpoint": "rate of progression",
                "measure": "hazard ratio",
                "value": "0.34",
                "ci": None,
                "p": "< .001",
            }
        ],
        "values": [_v("maintenance lenalidomide", "31 months"), _v("no maintenance", "14 months")],
    },
    # The A1 sentence reports both PFS and OS; the values are the 3-year PFS rates (the 5-year
    # OS rates, 59% vs 46%, P = .04, have no place beside them).
    "myeloma-041": {
        "arms": [
            "bortezomib, melphalan, prednisone, thalidomide and subsequent maintenance using "
            "bortezomib plus thalidomide",
            "VMP (with no maintenance)",
        ],
        "population": "previously untreated patients not eligible for transplant and aged 65 "
        "years or older",
        "values": [
            _v(
                "bortezomib, melphalan, prednisone, thalidomide and subsequent maintenance using "
                "bortezomib plus thalidomide",
                "55%",
            ),
            _v("VMP (with no maintenance)", "33%"),
        ],
    },
    # ---- bone disease ------------------------------------------------------------------------
    "myeloma-042": {
        "population": "newly diagnosed patients receiving induction chemotherapy with or "
        "without consolidation",
        "values": [_v("IV zoledronate", "50.0 months"), _v("oral clodronate", "44.5 months")],
    },
    # The study is described in the marker sentence itself; the extractor made no study record
    # for it, so the finding has no trial link and stays draft.
    "myeloma-044": {
        "design": "randomized, double-blind",
        "population": "stage III myeloma",
        "arms": ["monthly IV pamidronate", "placebo"],
        "values": [_v("treatment group (monthly IV pamidronate)", "38%"), _v("placebo", "51%")],
    },
    # The only numbers are osteonecrosis events; skeletal-related events did not differ.
    "myeloma-045": {
        "design": "double-blind, randomized, controlled",
        "population": "newly diagnosed multiple myeloma",
        "endpoint": "osteonecrosis (no difference in skeletal-related events)",
        "values": [
            _v("low-dose group (30 mg of pamidronate)", "2 events"),
            _v("90 mg of pamidronate", "8 events"),
        ],
    },
    "myeloma-046": {
        "arms": ["pamidronate", "zoledronic acid"],
        "population": "multiple myeloma",
    },
    # ---- Treatment of Amyloidosis --------------------------------------------------------------
    # The B3 marker follows "A landmark analysis at 6 months was also performed."; the sentence
    # with the numbers (same paragraph, just before it) is added.
    "amyloidosis-001": {
        "sentences": [
            "With a median follow-up of 11.4 months, the hematologic complete response rate was "
            "53% for patients in the daratumumab group and 18.1% for patients in the control "
            "group (relative risk, 2.9; 95% confidence interval [CI], 2.1–4.1; P < .001).",
            "A landmark analysis at 6 months was also performed.[23][Level of evidence B3]",
        ],
        "population": "previously untreated immunoglobulin light-chain amyloidosis (excluding "
        "symptomatic myeloma)",
        "arms": [
            "bortezomib, cyclophosphamide, and dexamethasone with subcutaneous daratumumab",
            "bortezomib, cyclophosphamide, and dexamethasone without daratumumab",
        ],
        "regimens": ["cybord"],
        "endpoint": "hematologic complete response rate",
        "median_follow_up": "11.4 months",
        "values": [_v("daratumumab group", "53%"), _v("control group", "18.1%")],
        "ratio": {"measure": "relative risk", "value": "2.9"},
        "ci": {"level": "95%", "low": "2.1", "high": "4.1"},
        "p": "< .001",
    },
    "amyloidosis-002": {
        "population": "immunoglobulin light-chain amyloidosis",
        "values": [
            _v("nontransplant arm (melphalan plus high-dose dexamethasone)", "56.9 months"),
            _v("high-dose melphalan plus autologous stem cell rescue", "22.2 months"),
        ],
    },
    "amyloidosis-003": {
        "design": "cohort identified by the International Blood and Marrow Transplant "
        "Research Program (2007–2012)",
        "population": "amyloidosis, autologous stem cell transplant (SCT)",
        "arms": ["autologous stem cell transplant (SCT)"],
        "endpoint": "overall survival (5-year rate)",
        "values": [_v("autologous SCT", "77%")],
    },
    "amyloidosis-004": {
        "design": "retrospective review of consecutive patients",
        "population": "amyloidosis, autologous SCT over 20 years",
        "arms": ["autologous SCT"],
        "endpoint": "treatment-related mortality (by period)",
        "values": [
            _v("between 2010 and 2016", "2.4%"),
            _v("between 2003 and 2009", "8.6%"),
            _v("between 1996 and 2002", "14.5%"),
        ],
    },
    # The C3 marker follows the FDA-status sentence; the result sentence before it is added.
    "amyloidosis-005": {
        "sentences": [
            "Fifteen of 24 patients (63%) manifested cardiac, renal, hepatic, gastrointestinal, "
            "or soft tissue response by serum biomarkers (such as NT-proBNP), renal function, "
            "cardiac function, or imaging studies.",
            "This treatment is not approved by the U.S. Food and Drug Administration and is "
            "under clinical evaluation.[35][Level of evidence C3]",
        ],
        "population": "deep hematologic responses to myeloma therapy, but persistent organ "
        "involvement",
        "arms": ["anselamimab"],
        "endpoint": "organ response (cardiac, renal, hepatic, gastrointestinal, or soft tissue)",
        "values": [_v("anselamimab", "Fifteen of 24 patients (63%)")],
    },
    # ---- General Information: MGUS -------------------------------------------------------------
    # 6,399 records were reviewed; the comparison is in the 44 patients with a biclonal MGUS
    # (two clones of the same patients, not two treatment arms).
    "general-001": {
        "n_patients": "44",
        "design": "retrospective review",
        "population": "newly diagnosed multiple myeloma with a biclonal IgG or IgA MGUS (44 of "
        "6,399 patients reviewed)",
        "endpoint": "overall response rate to induction therapy",
        "values": [_v("myeloma clone", "93%"), _v("separate-clone MGUS", "64%")],
    },
    # ---- Treatment Option Overview: smoldering myeloma -----------------------------------------
    "overview-001": {
        "arms": ["daratumumab (the anti-CD38 monoclonal antibody)", "no therapy"],
        "population": "smoldering myeloma, marrow plasmacytosis of 10% to 49% and one listed "
        "criterion (M protein of at least 3 g/dL, immunoparesis of two Ig classes, "
        "involved:uninvolved serum FLC ratio of 8 to 99, IgA monoclonal protein, or marrow "
        "plasmacytosis of 50% to 59%, as written)",
        "values": [_v("daratumumab arm", "63.1%"), _v("watchful waiting arm", "40.8%")],
    },
}

REVIEWED: tuple[str, ...] = (
    "myeloma-005",
    "myeloma-007",
    "myeloma-014",
    "myeloma-015",
    "myeloma-020",
    "myeloma-021",
    "myeloma-028",
    "myeloma-029",
    "myeloma-032",
    "myeloma-034",
    "myeloma-035",
    "myeloma-036",
    "myeloma-041",
    "myeloma-042",
    "myeloma-045",
    "amyloidosis-001",
    "amyloidosis-002",
    "amyloidosis-003",
    "amyloidosis-004",
    "amyloidosis-005",
    "general-001",
    "overview-001",
)
