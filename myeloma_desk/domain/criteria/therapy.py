"""Therapy history: lines, exposure and refractoriness by drug and class (Rajkumar 2015), and the
eligibility statements the PDQ makes for relapsed myeloma.

Definitions: ../shared/reference/criteria-summary.md, "Therapy lines and eligibility". Reading of
the input (documented in docs/engine-course.md):
- ``therapy_lines`` is taken as the complete history when it is not empty; an empty list means
  "not recorded" (refractoriness is then ``not_applicable`` and eligibility ``unknown``).
- Recorded entries are grouped into IMWG lines (domain/lines.py: transplant, consolidation and
  maintenance continue their line); prior lines exclude the line still in progress on the
  snapshot's date (a patient on line 4 has 3 prior lines).
- Exposure and refractoriness count only the entries started by the snapshot's date: a
  planned later part of the line in progress (e.g. lenalidomide maintenance recorded to start
  after the visit) keeps the line in progress but is not an exposure before it starts.
- Refractory to a drug = refractory (progression on or within 60 days of the end) in a line
  that contained it. A line with ``refractory`` unknown or drugs not listed leaves the result
  open; drug names the table does not know are listed in ``detail.unknown_drugs``.
Eligibility results are ``meets`` / ``does_not_meet`` / ``unknown`` (status ``determined``; the
inputs an ``unknown`` needs are in ``missing``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from myeloma_desk.domain.criteria._course import all3, line_drugs
from myeloma_desk.domain.display import phase_words
from myeloma_desk.domain.drugs import BCMA_DIRECTED, BY_NAME, DRUGS, DrugClass, class_label
from myeloma_desk.domain.engine import RuleFunction, rule
from myeloma_desk.domain.lines import Line, group_lines, progress, started_entries
from myeloma_desk.domain.results import PDQ, Criterion, Explanation, RuleResult, source
from myeloma_desk.domain.snapshot import Fish, Snapshot

RAJKUMAR_2015 = source(
    "Rajkumar 2015 Blood",
    "Rajkumar SV, Richardson P, San Miguel JF. Guidelines for determination of the number of "
    "prior lines of therapy in multiple myeloma. Blood. 2015;126(7):921-922.",
)

THREE_CLASSES = (
    DrugClass.PROTEASOME_INHIBITOR,
    DrugClass.IMMUNOMODULATORY,
    DrugClass.ANTI_CD38,
)
# Penta-refractory: bortezomib, carfilzomib, lenalidomide, pomalidomide and an anti-CD38 antibody.
PENTA_DRUGS = ("bortezomib", "carfilzomib", "lenalidomide", "pomalidomide")
CLASS_RESULT = {0: "not_refractory", 1: "single_class", 2: "double_class", 3: "triple_class"}
RANK = ("not_refractory", "single_class", "double_class", "triple_class", "penta_refractory")

# The PDQ's statements, quoted (Treatment of Relapsed or Refractory Multiple Myeloma).
PDQ_CILTA_CEL = (
    "Based on this trial, the FDA approved cilta-cel for patients with (1) relapsed or refractory "
    "myeloma after at least one line of therapy including a proteosome inhibitor (such as "
    "bortezomib) and an immunomodulatory agent (such as lenalidomide) AND (2) "
    "lenalidomide-refractory disease."
)
PDQ_IDE_CEL = (
    "Based on this  trial, the FDA approved ide-cel for patients with (1) relapsed or refractory "
    "myeloma after at least two lines of therapy AND (2) lenalidomide-refractory disease."
)
PDQ_TECLISTAMAB = (
    "teclistamab was given to 165 patients with relapsed or refractory myeloma who received at "
    "last four prior systemic treatments."
)
PDQ_TALQUETAMAB = (
    "In a phase II study, talquetamab was given to 232 patients with relapsed or refractory "
    "myeloma who had received at least four prior systemic treatments."
)
PDQ_ELRANATAMAB = (
    "Elranatamab was given to 187 patients with relapsed or refractory myeloma who received at "
    "least four prior lines of therapy."
)
PDQ_SELINEXOR_SVD = (
    "A prospective randomized trial included 402 patients with relapsed or refractory disease. "
    "Patients received either selinexor plus bortezomib and dexamethasone (SVd) or Vd."
)
PDQ_SELINEXOR_SD = (
    "In a phase IIB multicenter study, 122 patients with multiply resistant myeloma refractory "
    "to a proteasome inhibitor, an  immunomodulatory agent, and daratumumab received oral "
    "selinexor and dexamethasone."
)
PDQ_VENETOCLAX = (
    "Venetoclax is a selective BCL-2 inhibitor that induces apoptosis in myeloma cells, "
    "particularly in those with t(11;14), which expresses high levels of bcl2."
)
PDQ_BRAF = (
    "Although activating BRAF variants are rarely found in patients with newly diagnosed "
    "myeloma, these variants appear in multiple-relapsing disease. Twelve such patients with a "
    "BRAF V600E variant who received encorafenib and binimetinib had an overall response rate "
    "of 83.3%, a median PFS of 5.6 months, and an OS rate of 55% at 24 months."
)
BISPECIFIC_PRIOR_LINES = 4
CILTA_CEL_PRIOR_LINES = 1
IDE_CEL_PRIOR_LINES = 2
RELAPSED_PRIOR_LINES = 1


@dataclass
class History:
    """What the therapy lines say, with what they leave open."""

    lines: int
    exposed_drugs: set[str] = field(default_factory=set)
    exposed_classes: set[DrugClass] = field(default_factory=set)
    refractory_drugs: set[str] = field(default_factory=set)  # certain
    possibly_refractory_drugs: set[str] = field(default_factory=set)  # certain or unknown
    unknown_drugs: list[str] = field(default_factory=list)
    open_lines: list[int] = field(default_factory=list)  # no drugs listed, refractory not False
    lines_without_drugs: list[int] = field(default_factory=list)
    refractory_unknown: list[int] = field(default_factory=list)
    in_progress_assumed: str | None = None  # regimen of a current line read as not refractory
    started: list[int] = field(default_factory=list)  # the entries started by the date
    grouped: list[Line] = field(default_factory=list)  # the IMWG lines (domain/lines.py)
    ongoing: Line | None = None  # the IMWG line in progress on the date
    prior_lines: int = 0  # the lines before it (Rajkumar 2015)
    prior_shown: str = "0"  # the count as the eligibility rules show it


def read_history(s: Snapshot) -> History:
    """Exposure and refractoriness from the ``therapy_lines`` entries that had started by the
    snapshot's date: a planned part (a later part of the line in progress, recorded to start
    after that date) is not an exposure yet (domain/lines.py). Read once per assessment (the
    refractoriness and every eligibility rule use it; none changes it). The lines are grouped
    into IMWG lines once, for the prior-line count and the line in progress as well."""
    return s.derived("therapy.history", _read_history)


def _read_history(s: Snapshot) -> History:
    grouped = group_lines(s.therapy_lines)
    count, ongoing = progress(grouped, s.date)
    started = started_entries(s.therapy_lines, s.date)
    h = History(
        lines=len(s.therapy_lines),
        started=started,
        grouped=grouped,
        ongoing=ongoing,
        prior_lines=count,
        prior_shown=_prior_shown(count, ongoing, s.date),
    )
    last = started[-1] if started else None
    for index in started:
        line = s.therapy_lines[index]
        known, unknown = line_drugs(line)
        h.unknown_drugs += [f"{name} (line {index + 1})" for name in unknown]
        # The part done last of the line still in progress: under way, or (between two planned
        # parts) followed by the next one.
        in_progress = (
            index == last
            and ongoing is not None
            and (line.end is None or ongoing.next_part(s.date) is not None)
        )
        if not line.drugs:
            h.lines_without_drugs.append(index)
            if line.refractory is not False and not in_progress:
                h.open_lines.append(index)
        refractory = line.refractory
        if refractory is None and in_progress:
            # A line still under way with no progression recorded on it: read as not refractory
            # (said in detail.assumptions by the rules that use it).
            refractory = False
            h.in_progress_assumed = line.regimen
        if refractory is None:
            h.refractory_unknown.append(index)
        for drug in known:
            h.exposed_drugs.add(drug.name)
            h.exposed_classes.add(drug.drug_class)
            if refractory:
                h.refractory_drugs.add(drug.name)
            if refractory is not False:
                h.possibly_refractory_drugs.add(drug.name)
    return h


def _prior_shown(count: int, ongoing: Line | None, day: dt.date | None) -> str:
    """The prior-line count as shown: "3", or "3 (line 4, Dara-Pd, in progress)"."""
    shown = str(count)
    if ongoing is not None:
        coming = ongoing.next_part(day)
        # Between two planned parts the line is in progress (Rajkumar 2015), worded as the
        # course model words it ("between induction and maintenance").
        state = (
            "in progress"
            if coming is None
            else phase_words(ongoing.part_on(day).phase, coming.phase)
        )
        shown += f" (line {ongoing.number}, {ongoing.regimen}, {state})"
    return shown


def _classes_of(drugs: set[str]) -> set[DrugClass]:
    return {BY_NAME[name].drug_class for name in drugs}


def _classify(drugs: set[str], classes: set[DrugClass]) -> str:
    """The refractoriness of ``drugs`` (``classes``: their classes)."""
    if all(name in drugs for name in PENTA_DRUGS) and DrugClass.ANTI_CD38 in classes:
        return "penta_refractory"
    return CLASS_RESULT[sum(1 for c in THREE_CLASSES if c in classes)]


@rule("refractoriness", "Lines of therapy and refractoriness", "therapy", sources=(RAJKUMAR_2015,))
def refractoriness(s: Snapshot, e: Explanation) -> RuleResult:
    """not_refractory, single_class, double_class, triple_class or penta_refractory."""
    if not s.therapy_lines:
        return e.not_applicable("no lines of therapy recorded")
    h = read_history(s)
    _assume_in_progress(e, h)
    started = set(h.started)
    e.detail["lines"] = [
        {
            "regimen": line.regimen,
            "drugs": line.drugs,
            "start": line.start.isoformat() if line.start else None,
            "end": line.end.isoformat() if line.end else None,
            "best_response": line.best_response,
            "refractory": line.refractory,
        }
        | ({"planned": True} if index not in started else {})
        for index, line in enumerate(s.therapy_lines)
    ]
    e.detail["line_count"] = h.lines
    e.detail["imwg_lines"] = [
        {
            "number": line.number,
            "regimen": line.regimen,
            "start": line.start.isoformat() if line.start else None,
            "end": line.end.isoformat() if line.end else None,
            "entries": list(line.entries),
        }
        for line in h.grouped
    ]
    e.detail["prior_lines"] = h.prior_lines
    e.detail["current_line"] = h.ongoing.number if h.ongoing else None
    refractory_classes = _classes_of(h.refractory_drugs)
    possibly_refractory_classes = _classes_of(h.possibly_refractory_drugs)
    e.detail["exposed_drugs"] = sorted(h.exposed_drugs)
    e.detail["exposed_classes"] = sorted(c.value for c in h.exposed_classes)
    e.detail["refractory_drugs"] = sorted(h.refractory_drugs)
    e.detail["refractory_classes"] = sorted(c.value for c in refractory_classes)
    e.detail["bcma_directed_exposed"] = bool(h.exposed_classes & BCMA_DIRECTED)
    e.detail["triple_class_exposed"] = h.exposed_classes.issuperset(THREE_CLASSES)
    if h.unknown_drugs:
        e.detail["unknown_drugs"] = h.unknown_drugs
        e.assume("drug names not in the drug table are not counted: " + ", ".join(h.unknown_drugs))
    for c, label in _CLASS_REFRACTORY_LABELS:
        e.criterion(
            label,
            True
            if c in refractory_classes
            else (None if c in possibly_refractory_classes or h.open_lines else False),
            ", ".join(sorted(h.refractory_drugs & _names_of_class(c))) or "no",
        )
    for name, label in _PENTA_REFRACTORY_LABELS:
        refractory = name in h.refractory_drugs
        e.criterion(
            label,
            # Unknown, as for the classes, while a line that may have been refractory does not
            # list its drugs (it may have held this one).
            True
            if refractory
            else (None if name in h.possibly_refractory_drugs or h.open_lines else False),
        )
    for index in h.refractory_unknown:
        e.need(f"therapy_lines[{index}].refractory")
    for index in h.lines_without_drugs:
        e.need(f"therapy_lines[{index}].drugs")
    certain = _classify(h.refractory_drugs, refractory_classes)
    if h.open_lines:
        return e.cannot_determine(at_least=certain)
    possible = _classify(h.possibly_refractory_drugs, possibly_refractory_classes)
    if certain != possible:
        e.detail["possible"] = RANK[RANK.index(certain) : RANK.index(possible) + 1]
        return e.cannot_determine(at_least=certain)
    return e.determined(certain)


def _a_class(drug_class: DrugClass) -> str:
    """The class in words with its article: "a proteasome inhibitor", "an anti-CD38 antibody"."""
    label = class_label(drug_class)
    words = label[0].lower() + label[1:]
    return ("an " if words[0] in "aeiou" else "a ") + words


# The refractoriness criteria, their texts made once (issue 18).
_CLASS_REFRACTORY_LABELS = tuple((c, f"refractory to {_a_class(c)}") for c in THREE_CLASSES)
_PENTA_REFRACTORY_LABELS = tuple((name, f"refractory to {name}") for name in PENTA_DRUGS)


def _assume_in_progress(e: Explanation, h: History) -> None:
    if h.in_progress_assumed:
        e.assume(
            f"current line {h.in_progress_assumed} is in progress with no progression recorded: "
            "read as not refractory"
        )


# --- eligibility ----------------------------------------------------------------------------

VERDICT = {True: "meets", False: "does_not_meet", None: "unknown"}
NOT_RECORDED = "not recorded"


def _exposed_label(label: str) -> str:
    """The criterion of a prior exposure ("prior proteasome inhibitor")."""
    return f"prior {label}"


def _refractory_label(drug: str) -> str:
    """The criterion of refractoriness to one drug ("lenalidomide-refractory")."""
    return f"{drug}-refractory"


def _class_refractory_label(label: str) -> str:
    """The criterion of refractoriness to a class ("refractory to a proteasome inhibitor")."""
    return f"refractory to {label}"


# "At least n prior lines of therapy" for each n the rules use, and that criterion when no lines
# are recorded: built once, at import (issue 18: constant texts are not formatted per call).
_PRIOR_LINES_LABEL = {
    n: f"at least {n} prior line{'s' if n > 1 else ''} of therapy"
    for n in (
        RELAPSED_PRIOR_LINES,
        CILTA_CEL_PRIOR_LINES,
        IDE_CEL_PRIOR_LINES,
        BISPECIFIC_PRIOR_LINES,
    )
}
_PRIOR_LINES_NOT_RECORDED = {
    n: Criterion(label, None, NOT_RECORDED) for n, label in _PRIOR_LINES_LABEL.items()
}
LENALIDOMIDE_REFRACTORY = _refractory_label("lenalidomide")
DARATUMUMAB_REFRACTORY = _refractory_label("daratumumab")


def _nothing_recorded(
    e: Explanation, criteria: tuple[Criterion, ...], **detail: object
) -> RuleResult:
    """No therapy lines recorded: every criterion of the rule reads them, so each is unknown
    (``criteria``: the rule's criteria in that state, made once) and the lines are needed."""
    e.criteria.extend(criteria)
    e.missing.append("therapy_lines")  # the rule's only missing input (Explanation.need, inlined)
    return e.determined("unknown", **detail)


def _lines_at_least(e: Explanation, s: Snapshot, n: int) -> bool | None:
    """At least ``n`` prior lines (Rajkumar 2015): the line in progress is not a prior line."""
    if not s.therapy_lines:
        e.criteria.append(_PRIOR_LINES_NOT_RECORDED[n])
        # Explanation.need, inlined: no other criterion of an eligibility rule needs the lines.
        e.missing.append("therapy_lines")
        return None
    return _prior_lines_at_least(e, read_history(s), n)


def _prior_lines_at_least(e: Explanation, h: History, n: int) -> bool:
    """At least ``n`` prior lines, from the history of the recorded lines."""
    met = h.prior_lines >= n
    e.criterion(_PRIOR_LINES_LABEL[n], met, h.prior_shown)
    return met


def _exposed(e: Explanation, h: History, drug_class: DrugClass, label: str) -> bool | None:
    """Prior exposure to ``drug_class`` (``label``: the criterion), lines recorded."""
    met: bool | None
    if drug_class in h.exposed_classes:
        met = True
    elif h.lines_without_drugs or h.unknown_drugs:
        met = None
        for index in h.lines_without_drugs:
            e.need(f"therapy_lines[{index}].drugs")
    else:
        met = False
    names = sorted(h.exposed_drugs & _names_of_class(drug_class))
    e.criterion(label, met, ", ".join(names) or ("not recorded" if met is None else "none"))
    return met


# The drug names of each class, from the constant drugs.DRUGS table (built once at import).
_CLASS_NAMES: dict[DrugClass, frozenset[str]] = {
    drug_class: frozenset(d.name for d in DRUGS if d.drug_class is drug_class)
    for drug_class in DrugClass
}


def _names_of_class(drug_class: DrugClass) -> frozenset[str]:
    return _CLASS_NAMES[drug_class]


def _refractory_to(e: Explanation, h: History, drug: str, label: str) -> bool | None:
    """Refractoriness to ``drug`` (``label``: the criterion), lines recorded."""
    met: bool | None
    if drug in h.refractory_drugs:
        met = True
    elif drug in h.possibly_refractory_drugs or h.open_lines:
        met = None
        for index in h.refractory_unknown:
            e.need(f"therapy_lines[{index}].refractory")
        for index in h.open_lines:
            e.need(f"therapy_lines[{index}].drugs")
    else:
        met = False
    e.criterion(label, met)
    return met


def _refractory_to_class(
    e: Explanation, h: History, drug_class: DrugClass, label: str
) -> bool | None:
    """Refractoriness to a drug of ``drug_class`` (``label``: the criterion), lines recorded."""
    names = _names_of_class(drug_class)
    met: bool | None
    if names & h.refractory_drugs:
        met = True
    elif names & h.possibly_refractory_drugs or h.open_lines:
        met = None
        for index in h.refractory_unknown:
            e.need(f"therapy_lines[{index}].refractory")
    else:
        met = False
    e.criterion(label, met, ", ".join(sorted(names & h.refractory_drugs)) or None)
    return met


ELIGIBILITY_SOURCES = (PDQ, RAJKUMAR_2015)


# What kind of statement an eligibility rule applies (detail.statement).
LABEL_STATEMENT = "FDA approval as the PDQ states it"
TRIAL_POPULATION = "trial population as the PDQ describes it (not a label statement)"


def _statement(text: str, kind: str, **more: str) -> dict[str, str]:
    """The statement a rule applies, as its detail shows it first: the PDQ's text, what kind of
    statement it is, and any further text (made once per rule, at import)."""
    return {"text": text, "statement": kind, **more}


def _history(e: Explanation, s: Snapshot) -> History:
    """The therapy history a rule is judged on (lines recorded), with the assumption about a
    line still in progress."""
    h = read_history(s)
    _assume_in_progress(e, h)
    return h


@dataclass(frozen=True)
class _CarT:
    """One CAR T-cell product's label statement as the PDQ states it: at least ``prior_lines``
    prior lines, the drug classes (with their labels) those lines must include, and
    lenalidomide-refractory disease."""

    rule_id: str
    title: str
    text: str
    prior_lines: int
    exposed: tuple[tuple[DrugClass, str], ...] = ()


def _car_t_rule(product: _CarT, doc: str) -> RuleFunction:
    """Register one CAR T-cell product's eligibility (criteria in the statement's order)."""
    exposed = tuple((drug_class, _exposed_label(label)) for drug_class, label in product.exposed)
    nothing_recorded = (
        _PRIOR_LINES_NOT_RECORDED[product.prior_lines],
        *[Criterion(label, None, NOT_RECORDED) for _, label in exposed],
        Criterion(LENALIDOMIDE_REFRACTORY, None),
    )

    statement = _statement(product.text, LABEL_STATEMENT)

    @rule(product.rule_id, product.title, "therapy", sources=ELIGIBILITY_SOURCES)
    def eligibility(s: Snapshot, e: Explanation) -> RuleResult:
        e.detail.update(statement)
        if not s.therapy_lines:
            return _nothing_recorded(e, nothing_recorded)
        h = _history(e, s)
        met: list[bool | None] = [_prior_lines_at_least(e, h, product.prior_lines)]
        for drug_class, label in exposed:
            met.append(_exposed(e, h, drug_class, label))
        met.append(_refractory_to(e, h, "lenalidomide", LENALIDOMIDE_REFRACTORY))
        return e.determined(VERDICT[all3(met)])

    eligibility.__doc__ = doc
    return eligibility


cilta_cel_eligibility = _car_t_rule(
    _CarT(
        "cilta_cel_eligibility",
        "Cilta-cel: the PDQ's label statement",
        PDQ_CILTA_CEL,
        CILTA_CEL_PRIOR_LINES,
        (
            (DrugClass.PROTEASOME_INHIBITOR, "proteasome inhibitor"),
            (DrugClass.IMMUNOMODULATORY, "immunomodulatory drug"),
        ),
    ),
    "≥ 1 prior line including a PI and an IMiD, and lenalidomide-refractory disease.",
)
ide_cel_eligibility = _car_t_rule(
    _CarT(
        "ide_cel_eligibility",
        "Ide-cel: the PDQ's label statement",
        PDQ_IDE_CEL,
        IDE_CEL_PRIOR_LINES,
    ),
    "≥ 2 prior lines and lenalidomide-refractory disease.",
)


@dataclass(frozen=True)
class _Bispecific:
    """One bispecific antibody's trial population as the PDQ describes it."""

    rule_id: str
    title: str
    text: str
    target: str  # the antigen the antibody binds besides CD3


def _bispecific_rule(drug: _Bispecific) -> RuleFunction:
    """Register one bispecific's eligibility: ≥ 4 prior lines, the PDQ's trial population."""

    statement = _statement(drug.text, TRIAL_POPULATION, target=drug.target)

    @rule(drug.rule_id, drug.title, "therapy", sources=ELIGIBILITY_SOURCES)
    def eligibility(s: Snapshot, e: Explanation) -> RuleResult:
        e.detail.update(statement)
        return e.determined(VERDICT[_lines_at_least(e, s, BISPECIFIC_PRIOR_LINES)])

    eligibility.__doc__ = f"≥ 4 prior lines ({drug.target} × CD3 bispecific)."
    return eligibility


# Teclistamab and elranatamab bind BCMA, talquetamab GPRC5D (the PDQ); output in this order.
teclistamab_eligibility = _bispecific_rule(
    _Bispecific(
        "teclistamab_eligibility",
        "Teclistamab: the trial population in the PDQ",
        PDQ_TECLISTAMAB,
        "BCMA",
    )
)
elranatamab_eligibility = _bispecific_rule(
    _Bispecific(
        "elranatamab_eligibility",
        "Elranatamab: the trial population in the PDQ",
        PDQ_ELRANATAMAB,
        "BCMA",
    )
)
talquetamab_eligibility = _bispecific_rule(
    _Bispecific(
        "talquetamab_eligibility",
        "Talquetamab: the trial population in the PDQ",
        PDQ_TALQUETAMAB,
        "GPRC5D",
    )
)


_SELINEXOR_STATEMENT = _statement(
    PDQ_SELINEXOR_SD, "trial populations as the PDQ describes them", text_svd=PDQ_SELINEXOR_SVD
)
SVD_POPULATION = "SVd (relapsed or refractory)"
SD_POPULATION = "Sd (PI-, IMiD- and daratumumab-refractory)"
PI_REFRACTORY = _class_refractory_label("a proteasome inhibitor")
IMID_REFRACTORY = _class_refractory_label("an immunomodulatory drug")
_SELINEXOR_NOTHING_RECORDED = (
    _PRIOR_LINES_NOT_RECORDED[RELAPSED_PRIOR_LINES],
    Criterion(PI_REFRACTORY, None),
    Criterion(IMID_REFRACTORY, None),
    Criterion(DARATUMUMAB_REFRACTORY, None),
)


@rule(
    "selinexor_eligibility",
    "Selinexor: the trial populations in the PDQ",
    "therapy",
    sources=ELIGIBILITY_SOURCES,
)
def selinexor_eligibility(s: Snapshot, e: Explanation) -> RuleResult:
    """SVd: relapsed/refractory (≥ 1 prior line); Sd: PI-, IMiD- and daratumumab-refractory."""
    e.detail.update(_SELINEXOR_STATEMENT)
    if not s.therapy_lines:
        return _nothing_recorded(
            e,
            _SELINEXOR_NOTHING_RECORDED,
            populations={SVD_POPULATION: "unknown", SD_POPULATION: "unknown"},
        )
    h = _history(e, s)
    svd = _prior_lines_at_least(e, h, RELAPSED_PRIOR_LINES)
    sd = all3(
        [
            _refractory_to_class(e, h, DrugClass.PROTEASOME_INHIBITOR, PI_REFRACTORY),
            _refractory_to_class(e, h, DrugClass.IMMUNOMODULATORY, IMID_REFRACTORY),
            _refractory_to(e, h, "daratumumab", DARATUMUMAB_REFRACTORY),
        ]
    )
    met = True if (svd or sd) else (False if svd is False and sd is False else None)
    return e.determined(
        VERDICT[met], populations={SVD_POPULATION: VERDICT[svd], SD_POPULATION: VERDICT[sd]}
    )


def _finding_and_relapsed(
    e: Explanation, s: Snapshot, present: bool | None, finding: tuple[str, Criterion, str]
) -> RuleResult:
    """meets when a finding is present and the disease has relapsed (≥ 1 prior line).

    ``finding``: its criterion, that criterion when the finding is not known and the input it
    needs then (made once per rule, :func:`_finding`).
    """
    label, not_known, needs = finding
    if present is None:
        e.criteria.append(not_known)
        e.need(needs)
    else:
        e.criterion(label, present)
    return e.determined(VERDICT[all3([present, _lines_at_least(e, s, RELAPSED_PRIOR_LINES)])])


def _finding(label: str, not_known: str, needs: str) -> tuple[str, Criterion, str]:
    """A finding's criterion (``label``), that criterion when the finding is not known (shown
    as ``not_known``), and the input it needs then."""
    return label, Criterion(label, None, not_known), needs


_VENETOCLAX_STATEMENT = _statement(
    PDQ_VENETOCLAX,
    "mechanism and trial subgroup as the PDQ describes them",
    note=(
        "Venetoclax is not FDA-approved for myeloma; the PDQ reports the t(11;14) subgroup of "
        "BELLINI and a phase I study in relapsed or refractory disease."
    ),
)
T_11_14 = _finding("t(11;14) on FISH", "FISH not done", "fish")


@rule(
    "venetoclax_eligibility",
    "Venetoclax with t(11;14): the PDQ's statement",
    "therapy",
    sources=ELIGIBILITY_SOURCES,
)
def venetoclax_eligibility(s: Snapshot, e: Explanation) -> RuleResult:
    """t(11;14) on FISH and relapsed or refractory disease (≥ 1 prior line)."""
    e.detail.update(_VENETOCLAX_STATEMENT)
    return _finding_and_relapsed(e, s, s.has_fish(Fish.T_11_14), T_11_14)


_BRAF_STATEMENT = _statement(PDQ_BRAF, "case series as the PDQ describes it")
BRAF_V600E = _finding("BRAF V600E variant", "not tested", "braf_v600e")


@rule(
    "braf_mek_eligibility",
    "Encorafenib + binimetinib for BRAF V600E: the PDQ's case series",
    "therapy",
    sources=ELIGIBILITY_SOURCES,
)
def braf_mek_eligibility(s: Snapshot, e: Explanation) -> RuleResult:
    """BRAF V600E found and relapsed disease (≥ 1 prior line)."""
    e.detail.update(_BRAF_STATEMENT)
    return _finding_and_relapsed(e, s, s.braf_v600e, BRAF_V600E)
