"""Internal links between sections: ``reference:<anchor>`` and ``evidence:<target>``.

The assessment panel links each source: the PDQ to the Reference section at the heading that
discusses the rule, any other source to the Evidence section (when it is available). Nothing
here leaves the app.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote, unquote

from myeloma_desk.domain.results import PDQ

# Which PDQ heading discusses each rule (anchors of myeloma_desk.reference.pdq headings).
# A rule not listed links to the start of the Reference text.
PDQ_ANCHORS: dict[str, str] = {
    "diagnosis": "multiple-myeloma",
    "myeloma_defining_events": "multiple-myeloma",
    "iss": "international-staging-system",
    "r_iss": "international-staging-system",
    "r2_iss": "international-staging-system",
    "cytogenetic_risk_pdq": "genetic-factors-and-risk-groups",
    "high_risk_ims_imwg": "high-risk-versus-standard-risk",
    "smm_risk_20_2_20": "indolent-myeloma-smoldering-multiple-myeloma",
    "smm_risk_imwg_2020": "indolent-myeloma-smoldering-multiple-myeloma",
    "mgus_risk_mayo": "monoclonal-gammopathy-of-undetermined-significance-mgus",
    "al_stage_mayo_2012": "amyloidosis-associated-with-plasma-cell-neoplasms",
    "al_stage_mayo_2004_european": "amyloidosis-associated-with-plasma-cell-neoplasms",
    "al_stage_boston_university": "amyloidosis-associated-with-plasma-cell-neoplasms",
    "al_renal_stage": "amyloidosis-associated-with-plasma-cell-neoplasms",
    "al_hematologic_response": "treatment-of-amyloidosis-associated-with-plasma-cell-neoplasms",
    "response_imwg": "measurable-residual-disease",
    "lenalidomide_renal_dose": "immunomodulatory-agents",
    "frailty_imwg": (
        "less-fit-patients-with-significant-comorbidities-or-advanced-age-aged-80-years"
    ),
    "refractoriness": "treatment-options-for-relapsed-or-refractory-multiple-myeloma",
    "cilta_cel_eligibility": "car-t-cell-therapy",
    "ide_cel_eligibility": "car-t-cell-therapy",
    "poems": "poems-syndrome",
}


def source_href(label: str, rule_id: str, evidence: bool) -> str | None:
    """The link for source ``label`` cited by ``rule_id`` (None: nothing to open)."""
    if label == PDQ.label:
        return "reference:" + quote(PDQ_ANCHORS.get(rule_id, ""), safe="")
    if evidence:
        return "evidence:" + quote("source:" + label, safe="")
    return None


def parse_href(href: str) -> tuple[str, str] | None:
    """``reference:<anchor>`` → ("reference", anchor); anything else unknown → None."""
    section, sep, target = href.partition(":")
    if not sep or section not in ("reference", "evidence", "regimens", "field"):
        return None
    return section, unquote(target)


def follow_link(
    href: str,
    own_section: str,
    go_to: Callable[[str], object],
    navigate: Callable[[str, str], object] | None,
) -> None:
    """Open an internal link: inside the page that owns ``own_section``, else via navigation."""
    parsed = parse_href(href)
    if parsed is None:
        return
    section, target = parsed
    if section == own_section:
        go_to(target)
        return
    if navigate is not None:
        navigate(section, target)
