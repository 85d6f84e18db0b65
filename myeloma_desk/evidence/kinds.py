"""What kind of result a finding is, in a clinician's words (evidence browser, exports).

    from myeloma_desk.evidence.kinds import result_kind
    result_kind(finding, trial)   # "Comparative", "Single-arm", "Toxicity" ...

The curated ``Finding.kind`` says toxicity, quality of life, natural history or study population
where a curator set it; an efficacy result (or an unclassified one) is *comparative* when it sets
arms against each other (a hazard, odds or risk ratio, values for two or more arms, a randomized
or donor-versus-no-donor design, a meta-analysis), *single-arm* when one treatment was given to
one group (phase I/II series, "single arm" designs, a trial of one regimen), and
*observational* for a retrospective review or registry cohort with no comparison. Pure Python
(no Qt).
"""

from __future__ import annotations

from myeloma_desk.evidence.schema import Finding, Trial

CURATED_KINDS = {
    "toxicity": "Toxicity",
    "quality_of_life": "Quality of life",
    "natural_history": "Natural history",
    "study_population": "Study population",
}
KINDS = ("Comparative", "Single-arm", "Observational", *CURATED_KINDS.values(), "Not classified")


def result_kind(finding: Finding, trial: Trial | None = None) -> str:
    """The kind of result ``finding`` reports (one of :data:`KINDS`)."""
    if finding.kind in CURATED_KINDS:
        return CURATED_KINDS[finding.kind]
    design = " ".join(x for x in (finding.design, trial.design if trial else None) if x).lower()
    arms = max(len(finding.arms), len(trial.arms) if trial else 0)
    if "single arm" in design or "single-arm" in design:
        return "Single-arm"
    compared = (
        finding.hr is not None
        or finding.ratio is not None
        or len({v.arm for v in finding.values}) >= 2
        or any(e.measure for e in finding.estimates)
        or arms >= 2
        or "meta-analys" in design
        or "comparison" in design
        or ("randomized" in design and "nonrandomized" not in design)
    )
    if compared:
        return "Comparative"
    treatments = len({*trial.regimens, *trial.comparator_regimens}) if trial else 0
    if "phase" in design or "nonrandomized" in design or treatments == 1:
        return "Single-arm"
    if "retrospective" in design or "cohort" in design or "registry" in design:
        return "Observational"
    return "Not classified"
