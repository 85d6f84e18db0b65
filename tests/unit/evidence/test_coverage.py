"""Coverage and provenance of the evidence database against a census of the bundled PDQ text.

The census is computed here from the raw text with plain regular expressions (independent of
the re-flow code in myeloma_desk.reference.pdq), so the tests fail if the data miss a marker,
an NCT id, a regimen abbreviation, a dose statement or a reference.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from myeloma_desk.evidence import EVIDENCE_VERSION, PDQ_DATE, census
from myeloma_desk.evidence.loader import Evidence, load
from myeloma_desk.evidence.schema import Setting
from myeloma_desk.reference import pdq

RAW = pdq.read_text()
# The body: from the first section title after the table of contents to the Key References.
_BODY_START = RAW.index("General Information About Plasma Cell Neoplasms\nIn This Section")
_BODY_END = RAW.index("Key References for Plasma Cell Neoplasms", _BODY_START)
BODY = RAW[_BODY_START:_BODY_END]


def _prose(text: str) -> str:
    """The body without the reference lists (a list runs from "References" to the next title)."""
    keep: list[str] = []
    skipping = False
    titles = set(pdq.BODY_SECTIONS)
    for line in text.split("\n"):
        if line.strip() == "References":
            skipping = True
            continue
        if line.strip() in titles:
            skipping = False
        if not skipping:
            keep.append(line)
    return "\n".join(keep)


PROSE = _prose(BODY)


def squash(text: str) -> str:
    """Whitespace-normalised comparison form: no whitespace at all."""
    return re.sub(r"\s+", "", text)


SQUASHED = squash(RAW)


@pytest.fixture(scope="module")
def ev() -> Evidence:
    return load()


# ---------------------------------------------------------------------------------------------
# census


def test_versions(ev: Evidence) -> None:
    assert ev.version == EVIDENCE_VERSION
    assert ev.pdq_date == PDQ_DATE == "2025-04-25"


def test_every_level_of_evidence_marker_has_a_finding(ev: Evidence) -> None:
    census = Counter(re.findall(r"\[\s*Level of evidence ([A-D]\d)[^\]]*\]", BODY))
    assert sum(census.values()) == 105
    assert census == Counter(A1=32, A2=4, A3=2, B1=36, B3=7, C1=5, C2=2, C3=17)
    stored = Counter(f.level_of_evidence for f in ev.db.findings if f.marker)
    assert stored == census
    for f in ev.db.findings:
        if f.marker:
            assert f.marker in f.sentences[-1], f.id
            assert f.marker == f"[Level of evidence {f.level_of_evidence}]" or (
                f.marker.startswith(f"[Level of evidence {f.level_of_evidence} ")
            )
            assert f.level_of_evidence in {lv.code for lv in ev.db.levels.levels}


def test_markers_map_one_to_one_onto_sentences(ev: Evidence) -> None:
    """Each occurrence of a marker in the text is claimed by exactly one finding."""
    claimed = Counter()
    for f in ev.db.findings:
        if f.marker:
            claimed[squash(f.sentences[-1])] += 1
    for sentence, n in claimed.items():
        markers_in_sentence = len(re.findall(r"\[Levelofevidence", sentence))
        assert n == markers_in_sentence, sentence[:80]
        assert SQUASHED.count(sentence) >= 1


def test_every_nct_id_is_a_trial(ev: Evidence) -> None:
    occurrences = re.findall(r"NCT\d{8}", BODY)
    assert len(occurrences) == 28
    distinct = set(occurrences)
    assert len(distinct) == 27
    stored = {n for t in ev.db.trials for n in t.nct_ids}
    assert distinct <= stored
    assert stored <= distinct  # no invented ids
    for nct in distinct:  # one record per id (ELOQUENT-3 is reported twice)
        assert sum(nct in t.nct_ids for t in ev.db.trials) == 1, nct


# Tokens that look like abbreviations but are not regimens (statistics, tests, bodies ...).
NOT_REGIMENS = {
    "AML",
    "AND",
    "AURIGA",
    "B-Cell",
    "BCMA",
    "BCMA-directed",
    "BCMA-targeted",
    "BCMA-targeting",
    "BELLINI",
    "BRAF",
    "CAR",
    "CASSIOPEIA",
    "CASTOR",
    "CI",
    "CT",
    "DD",
    "DVT",
    "DVTs",
    "EFS",
    "EuroQOL",
    "FDA",
    "FISH",
    "FLC",
    "GRIFFIN",
    "HLA-identical",
    "HLA-matched",
    "HR",
    "I-FISH",
    "II",
    "IIB",
    "III",
    "IMWG",
    "ISS",
    "IV",
    "IgA",
    "IgG",
    "IgM",
    "LDH",
    "MD",
    "MDS",
    "MEK",
    "MGUS",
    "MM",
    "MRD",
    "MRD-negative",
    "MRD-positive",
    "MRI",
    "NCI",
    "NCI-supported",
    "NIH",
    "NT-proBNP",
    "Non-Hodgkin",
    "Non-IgG",
    "OPTIMUM",
    "OR",
    "OS",
    "PDQ",
    "PET",
    "PET-CT",
    "PFS",
    "PMID",
    "POEMS",
    "POLLUX",
    "PR",
    "R-ISS",
    "RANKL",
    "SCT",
    "UHR",
    "VGPR",
    "VMP-alone",
    "XI",
    "YYYY",
}


def test_every_regimen_abbreviation_in_the_text_is_defined(ev: Evidence) -> None:
    text = re.sub(r"\s+", " ", PROSE)
    tokens = set()
    for m in re.finditer(r"(?<![\w-])([A-Z][A-Za-z]*(?:-[A-Za-z]+)*)(?![\w-])", text):
        word = m.group(1)
        if sum(ch.isupper() for ch in word) >= 2 or re.fullmatch(r"[A-Z][a-z]?d", word):
            tokens.add(word)
    candidates = tokens - NOT_REGIMENS
    defined = {r.abbreviation for r in ev.db.regimens} | {
        s for r in ev.db.regimens for s in r.synonyms
    }
    assert candidates - defined == set()
    # and the census is not trivially empty
    assert {"D-VRd", "VRd", "CyBorD", "Rd", "Pd", "EPd", "SVd", "VAD", "KCRD"} <= candidates
    for reg in ev.db.regimens:
        for drug in reg.components:
            assert drug in ev.drugs, (reg.id, drug)


def test_every_mg_dose_sentence_is_recorded(ev: Evidence) -> None:
    """Every body sentence with a dose in mg (not a lab value) is quoted by a dose statement."""
    quoted = squash(" ".join(d.quote.text for d in ev.db.doses))
    text = re.sub(r"\s+", " ", PROSE)
    not_doses = ("24-hour urine monoclonal protein of less than 100 mg",)
    missing = []
    for m in re.finditer(r"[^.]*?\b\d+ mg\b(?!/)[^.]*", text):
        sentence = m.group(0)
        if any(x in sentence for x in not_doses) or "per 24 hours" in sentence:
            continue
        core = re.search(r"\d+ mg\b[^,;)]*", sentence)
        assert core is not None
        if squash(core.group(0)) not in quoted:
            missing.append(sentence.strip())
    assert missing == []


def test_census_of_dose_statements(ev: Evidence) -> None:
    """Every dose, schedule, duration, route, dose-change and supportive-care sentence found by
    rule (census.dose_sentences) is quoted by a dose statement or a drug's route sentence."""
    found = census.dose_sentences(pdq.paragraphs())
    assert len(found) > 45
    quoted = [squash(d.quote.text) for d in ev.db.doses]
    quoted += [squash(d.route_quote.text) for d in ev.db.drugs if d.route_quote]
    missing = [s.text for s in found if not any(squash(s.text) in q for q in quoted)]
    assert missing == []
    topics = {d.topic for d in ev.db.doses}
    assert {"route", "schedule", "duration", "supportive_care", "renal"} <= topics


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Dexamethasone 40 mg on days 1, 8, 15, and 22.", True),
        ("Bortezomib is given subcutaneously.", True),
        ("Thromboprophylaxis is required.", True),
        ("A 24-hour urine monoclonal protein of less than 100 mg.", False),
        ("Anemia with hemoglobin less than 10.0 g/dL.", False),
        ("Creatinine greater than 2 mg/dL.", False),
    ],
)
def test_dose_rule(sentence: str, expected: bool) -> None:
    assert census.is_dose_statement(sentence) is expected


def test_census_of_combinations_named_in_words(ev: Evidence) -> None:
    """Every combination the text names in words (census.named_combinations) is a regimen
    record: the same components, or the phrase is the regimen's name or a synonym."""
    found = census.named_combinations(pdq.paragraphs())
    assert len({c.components for c in found}) > 25
    by_components = {frozenset(r.components) for r in ev.db.regimens}
    names = {n.lower() for r in ev.db.regimens for n in (r.name, *r.synonyms)}
    missing = [
        (c.phrase, c.sentence.text[:80])
        for c in found
        if c.components not in by_components and c.phrase.lower() not in names
    ]
    assert missing == []


def test_combination_rule_on_sample_sentences() -> None:
    from myeloma_desk.reference.pdq import Paragraph

    section = census.TREATMENT_SECTIONS[-1]

    def combos(text: str) -> list[frozenset[str]]:
        para = Paragraph(0, section, (section,), text, "body", 1)
        return [c.components for c in census.named_combinations([para])]

    assert combos("Patients received carfilzomib plus lenalidomide and dexamethasone.") == [
        frozenset({"carfilzomib", "lenalidomide", "dexamethasone"})
    ]
    # a list of agents is not a combination
    assert combos("Patients had received daratumumab and isatuximab.") == []
    # "compared A with B" names two arms
    assert combos(
        "A study compared carfilzomib and dexamethasone with bortezomib and dexamethasone."
    ) == [frozenset({"carfilzomib", "dexamethasone"}), frozenset({"bortezomib", "dexamethasone"})]
    assert combos(
        "It compared bortezomib plus pegylated liposomal doxorubicin with bortezomib."
    ) == [frozenset({"bortezomib", "doxorubicin"})]


REQUIRED_DOSES = [
    ("lenalidomide_renal", "30–50: 10 mg every day"),
    ("lenalidomide_renal", "<30: 15 mg every other day"),
    ("lenalidomide_renal", "dialysis, 15 mg on day after dialysis"),
    ("aspirin", "81 mg daily"),
    ("thalidomide", "50 mg by mouth every day"),
    ("dexamethasone", "40 mg on days 1–4, 9–12, and 17–20, every 28 days"),
    ("dexamethasone", "40 mg on days 1, 8, 15, and 22, every 28 days"),
    ("dexamethasone", "40 mg weekly"),
    ("dexamethasone", "20 mg (oral or IV)"),
    ("maintenance", "5 mg to 15 mg a day"),
    ("bisphosphonate", "every 12 weeks"),
    ("bisphosphonate", "monthly basis for 2 years"),
    ("bisphosphonate", "90 mg"),
]


@pytest.mark.parametrize(("topic", "value"), REQUIRED_DOSES)
def test_listed_dose_statements_are_recorded(ev: Evidence, topic: str, value: str) -> None:
    hits = [d for d in ev.db.doses if d.topic == topic and value in d.values]
    assert hits, (topic, value)
    for d in hits:
        assert value in d.quote.text


# ---------------------------------------------------------------------------------------------
# references


def _reference_lists() -> dict[str, int]:
    """Count the entries of each section's reference list in the raw text."""
    counts: dict[str, int] = {}
    parts = BODY.split("\nReferences\n")
    for k, part in enumerate(parts[1:], start=1):
        block = part
        for title in pdq.BODY_SECTIONS:
            pos = block.find("\n" + title + "\n")
            if pos >= 0:
                block = block[:pos]
        entries = [
            ln
            for ln in block.split("\n")
            if re.match(r"^[A-Za-z][^:]{0,400}: .*\d{4}\.?$|^American Cancer Society", ln)
        ]
        counts[f"list{k}"] = len(entries)
    return counts


def test_reference_counts(ev: Evidence) -> None:
    assert len(ev.db.references) == 397
    assert sum(_reference_lists().values()) == 397
    assert len(ev.db.key_references) == 6
    by_section: dict[str, list[int]] = {}
    for r in ev.db.references:
        by_section.setdefault(r.section, []).append(r.number)
        assert squash(r.citation) in SQUASHED
    for numbers in by_section.values():
        assert numbers == list(range(1, len(numbers) + 1))


def test_key_references_resolve(ev: Evidence) -> None:
    for k in ev.db.key_references:
        assert squash(k.citation) in SQUASHED
        assert k.cited_in
        assert k.found_in, k.citation[:40]
        cited_ids = {next(s.id for s in ev.db.sections if s.title == title) for title in k.cited_in}
        found_ids = {sec for sec, _ in k.found_in}
        if cited_ids - found_ids:
            # Only the documented erratum (Rajkumar 2014) may be listed where it is not cited.
            assert k.note and "not in that section's reference list" in k.note


def test_every_cited_number_resolves(ev: Evidence) -> None:
    for f in ev.db.findings:
        for n in f.references:
            assert (f.section, n) in ev.references, (f.id, n)
    for t in ev.db.trials:
        for n in t.references:
            assert (t.section, n) in ev.references, (t.id, n)
    for d in ev.db.doses:
        for n in d.quote.references:
            assert (d.quote.section, n) in ev.references, (d.id, n)


def test_every_citation_in_the_body_resolves(ev: Evidence) -> None:
    sizes = Counter(r.section for r in ev.db.references)
    ids = {s.title: s.id for s in ev.db.sections}
    for p in pdq.paragraphs():
        if p.kind != "body" or p.section not in ids:
            continue
        for m in re.finditer(r"\[(\d[\d,\-–]*)\]", p.text):
            top = max(int(x) for x in re.findall(r"\d+", m.group(1)))
            assert top <= sizes[ids[p.section]], (p.section, m.group(0))


# ---------------------------------------------------------------------------------------------
# provenance


def _all_quotes(ev: Evidence) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for f in ev.db.findings:
        out.extend((f.id, s) for s in f.sentences)
    for t in ev.db.trials:
        out.extend((t.id, s) for s in t.description)
    for d in ev.db.doses:
        out.append((d.id, d.quote.text))
    for drug in ev.db.drugs:
        out.extend((drug.name, n.text) for n in drug.notes)
        out.extend((drug.name, t.quote.text) for t in drug.toxicity)
        if drug.route_quote:
            out.append((drug.name, drug.route_quote.text))
    for r in ev.db.regimens:
        if r.definition:
            out.append((r.id, r.definition.text))
    for e in ev.db.errata:
        out.append((e.id, e.quote.text))
    return out


def test_every_stored_sentence_is_verbatim_in_the_pdq(ev: Evidence) -> None:
    quotes = _all_quotes(ev)
    assert len(quotes) > 200
    bad = [(rid, q[:80]) for rid, q in quotes if squash(q) not in SQUASHED]
    assert bad == []


def test_a_changed_sentence_would_be_caught() -> None:
    assert squash("the 4-year PFS rate was 84.3% in the D-VRd group") in SQUASHED
    assert squash("the 4-year PFS rate was 84.8% in the D-VRd group") not in SQUASHED


def test_every_stored_number_appears_in_its_sentence(ev: Evidence) -> None:
    problems = []
    for f in ev.db.findings:
        text = squash(" ".join(f.sentences))
        numbers = [f.hr, f.p, f.median_follow_up]
        if f.ci:
            numbers += [f.ci.low, f.ci.high, f.ci.level]
        if f.ratio:
            numbers.append(f.ratio.value)
        numbers += [v.value for v in f.values]
        for v in f.values:
            if v.ci:
                numbers += [v.ci.low, v.ci.high, v.ci.level]
        for est in f.estimates:
            numbers += [est.value, est.p]
            if est.ci:
                numbers += [est.ci.low, est.ci.high, est.ci.level]
        numbers.append(f.landmark)
        for other in f.other_end_points:
            numbers.append(other.landmark)
            for v in other.values:
                numbers.append(v.value)
                if v.ci:
                    numbers += [v.ci.low, v.ci.high, v.ci.level]
        for value in numbers:
            if value is not None and squash(value) not in text:
                problems.append((f.id, value))
        if f.n_patients:
            trial = ev.trials[f.trial] if f.trial else None
            context = squash(" ".join([*f.sentences, *(trial.description if trial else [])]))
            if squash(f.n_patients) not in context:
                problems.append((f.id, f.n_patients))
    for d in ev.db.doses:
        for value in d.values:
            if squash(value) not in squash(d.quote.text):
                problems.append((d.id, value))
    assert problems == []


def test_unusual_ci_levels_are_kept_as_stated(ev: Evidence) -> None:
    levels = {f.ci.level for f in ev.db.findings if f.ci and f.ci.level}
    assert "95%" in levels
    assert {"98.5%", "95.4%"} & levels


def test_errata_are_visible_on_the_records(ev: Evidence) -> None:
    notes = {e.id: e for e in ev.db.errata}
    assert len(notes) >= 15
    melanoma = [e for e in ev.db.errata if "melanoma" in e.note]
    assert melanoma and melanoma[0].findings
    for fid in melanoma[0].findings:
        assert any("melanoma" in n for n in ev.findings[fid].errata)
    eloquent3 = ev.trials["nct02654132"]
    assert eloquent3.name == "ELOQUENT-3" and eloquent3.name_source == "body"
    assert len(ev.findings_of_trial("nct02654132")) == 2  # reported twice in the PDQ


def test_trial_names_are_not_invented(ev: Evidence) -> None:
    squashed_body = squash(BODY)
    for t in ev.db.trials:
        if t.name_source == "body":
            assert squash(t.name or "") in squashed_body, t.id
        elif t.name_source == "reference_title":
            # the name is in the title of the reference the record points to (case aside:
            # "DREAMM-7" is printed "Dreamm-7" there), and the note says which one
            assert t.name and t.name_reference is not None, t.id
            assert t.name_note and f"reference {t.name_reference} " in t.name_note, t.id
            title = ev.references[(t.section, t.name_reference)].citation
            assert t.name.casefold() in title.casefold(), t.id
        else:
            assert t.name is None
    never_in_source = {"PERSEUS", "IMROZ", "DETERMINATION", "ASPIRE", "DREAMM-8", "AQUILA"}
    assert not never_in_source & {t.name for t in ev.db.trials}


def test_curation_status_is_declared(ev: Evidence) -> None:
    states = Counter(f.curation for f in ev.db.findings)
    assert set(states) <= {"draft", "reviewed"}
    for f in ev.db.findings:
        if f.curation == "reviewed":
            # a reviewed finding: every field was read against its sentence (the completeness
            # test below holds for every finding); it names its end point when it states a
            # number, and its study, unless the sentence summarises several studies (two or
            # more references) or describes the course of the disease (natural history)
            assert f.endpoint or not _result_numbers(" ".join(f.sentences)), f.id
            several = len(f.references) >= 2 or f.kind == "natural_history"
            assert f.trial or several, f.id


# A number of a result: digits with their decimals and a percent sign, not inside a bracketed
# citation or marker, not part of a name ("ELOQUENT-2", "10 -6"), not a year.
_NUMBER = re.compile(r"(?<![\w.\-])\d+(?:[.,]\d+)*%?")


def _result_numbers(text: str) -> list[str]:
    text = re.sub(r"\[[^\]]*\]", "", text)
    return [n for n in _NUMBER.findall(text) if not re.fullmatch(r"(19|20)\d\d", n)]


def test_every_number_of_a_finding_sentence_is_in_a_field(ev: Evidence) -> None:
    """Completeness (the converse of provenance): each number the PDQ states in a finding's
    sentences — per-arm values, their intervals, ratios, P, follow-up, landmark, other end
    points, patient numbers — is held by some field of that finding."""
    missing = {}
    for f in ev.db.findings:
        held = json.dumps(
            f.model_dump(
                exclude={"sentences", "marker", "references", "errata", "path", "regimens"}
            ),
            ensure_ascii=False,
        )
        lost = [n for n in _result_numbers(" ".join(f.sentences)) if n not in held]
        if lost:
            missing[f.id] = lost
    assert not missing, missing


def test_compiled_bundle_matches_the_yaml_source() -> None:
    """evidence.json (loaded by the app for speed) is exactly the reviewed YAML."""
    from myeloma_desk.evidence.loader import raw_data, yaml_data

    assert raw_data() == yaml_data()
    assert raw_data(prefer_bundle=False) == yaml_data()


def test_a_trials_patient_count_counts_patients(ev: Evidence) -> None:
    """``n_patients`` is a number of patients in the trial's own description (a number needed
    to treat, "6 to 15 patients need treatment", is not the size of a meta-analysis)."""
    for t in ev.db.trials:
        if t.n_patients:
            text = " ".join(t.description)
            size = re.escape(t.n_patients) + r"\s+(?:[\w()\-–,]+\s+){0,8}?(patients|participants)"
            assert re.search(size, text, re.I), t.id
            assert not re.search(re.escape(t.n_patients) + r" to \d+ patients need", text), t.id


def test_a_study_of_untreated_patients_is_not_filed_under_relapsed_disease(ev: Evidence) -> None:
    """The relapsed section also reports studies of newly diagnosed patients (GEM2005, FIRST,
    TOURMALINE-MM2, the MPT meta-analysis, ECOG-E4A03): their setting is the patients', so
    the options for a relapsed patient do not list them as studies of relapsed disease."""
    untreated = re.compile(r"newly diagnosed|previously untreated", re.I)
    for t in ev.db.trials:
        if untreated.search(" ".join(t.description)):
            assert t.setting is not Setting.RELAPSED_REFRACTORY, t.id
            for f in ev.findings_of_trial(t.id):
                assert f.setting is not Setting.RELAPSED_REFRACTORY, f.id
