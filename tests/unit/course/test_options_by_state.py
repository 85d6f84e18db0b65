"""Options from the disease state: every demo patient's latest visit gets a non-empty option set
for the setting its course is in (issue 14: options were empty at every follow-up)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from myeloma_desk.course import Course, build_course
from myeloma_desk.evidence.schema import Setting
from myeloma_desk.paths import AppPaths
from myeloma_desk.store import Store, open_store
from myeloma_desk.store.demo import load_demo

# The setting each demo patient is in at its latest visit, and an option that must be listed.
EXPECTED = {
    "DEMO-0001": (Setting.MGUS, "Watchful waiting"),
    "DEMO-0002": (Setting.SMOLDERING, "Watchful waiting"),
    "DEMO-0003": (Setting.NEWLY_DIAGNOSED_FIT, "d-vrd"),  # line 1 (D-VRd) in progress
    "DEMO-0004": (Setting.NEWLY_DIAGNOSED_LESS_FIT, "drd"),  # frail: the less-fit options
    "DEMO-0005": (Setting.PLASMACYTOMA_BONE, "Radiation therapy to the lesion"),
    "DEMO-0006": (Setting.AL_AMYLOIDOSIS, "dara-cybord"),
    "DEMO-0007": (Setting.POEMS, "Myeloma-directed therapy"),
    "DEMO-0008": (Setting.NEWLY_DIAGNOSED_FIT, "vrd"),
    "DEMO-0009": (Setting.RELAPSED_REFRACTORY, "kd"),  # on line 3 after two prior lines
}


@pytest.fixture(scope="module")
def courses(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Course]]:
    paths = AppPaths.resolve(Path(tmp_path_factory.mktemp("demo-options")) / "home")
    store: Store = open_store(paths)
    load_demo(store)
    out: dict[str, Course] = {}
    for summary in store.list_patients():
        record = store.get_patient(summary.id)
        out[summary.identifier] = build_course(
            record, store.visits(summary.id), [s.line for s in store.therapy_lines(summary.id)]
        )
    yield out
    store.close()


def test_every_demo_patient_is_covered(courses: dict[str, Course]) -> None:
    assert set(EXPECTED) <= set(courses)


@pytest.mark.parametrize("identifier", sorted(EXPECTED))
def test_latest_visit_options_fit_the_state(courses: dict[str, Course], identifier: str) -> None:
    setting, wanted = EXPECTED[identifier]
    report = courses[identifier].options()
    assert not report.is_empty(), identifier
    assert setting in report.settings, (identifier, report.settings)
    listed = {o.id for o in report.options} | {a.label for a in report.approaches}
    assert wanted in listed, (identifier, listed)
    for text in report.setting_basis:
        assert "_" not in text, text


def test_relapsed_demo_patient_options_follow_its_lines(courses: dict[str, Course]) -> None:
    course = courses["DEMO-0009"]
    report = course.options()
    assert report.settings == [Setting.RELAPSED_REFRACTORY]
    assert any("2 prior lines" in b for b in report.setting_basis)
    # Lenalidomide maintenance ended in progression: options with lenalidomide say so.
    rd = next(o for o in report.options if o.id == "rd")
    assert any(f.code == "refractory_component" and "lenalidomide" in f.message for f in rd.flags)
    # The ongoing line (Isa-Pd) is not a prior line and newly diagnosed options are not listed.
    assert Setting.NEWLY_DIAGNOSED_FIT not in report.settings


def test_al_amyloidosis_gets_what_the_pdq_describes(courses: dict[str, Course]) -> None:
    """The PDQ's amyloidosis section: induction (Dara-CyBorD the standard for previously
    untreated eligible patients, CyBorD its control arm, any regimen active in myeloma), stem
    cell rescue (melphalan plus high-dose dexamethasone won the randomized study; autologous
    SCT for selected patients) and anselamimab under clinical evaluation."""
    report = courses["DEMO-0006"].options()
    assert report.settings == [Setting.AL_AMYLOIDOSIS]
    options = {o.id: o for o in report.options}
    assert set(options) == {"dara-cybord", "cybord", "mdex"}
    dara = options["dara-cybord"]
    assert dara.population == (
        "previously untreated patients who are eligible to receive this regimen"
    )
    assert [s.name for s in dara.studies] == ["ANDROMEDA"] and dara.studies[0].levels == ["B3"]
    assert options["mdex"].studies[0].levels == ["A1"]
    approaches = {a.label: a for a in report.approaches}
    transplant = approaches[
        "High-dose melphalan with autologous stem cell transplant (selected patients)"
    ]
    assert transplant.finding == "amyloidosis-003"
    assert transplant.eligibility and "24% transplant-related mortality" in transplant.eligibility
    assert any(a.finding == "amyloidosis-005" for a in report.approaches)  # anselamimab, C3
    # no multiple myeloma setting leaks in (no maintenance, no relapsed regimens)
    assert "d-vrd" not in options and "lenalidomide-maintenance" not in options


def test_plasma_cell_leukemia_is_flagged_with_the_pdqs_words(courses: dict[str, Course]) -> None:
    report = courses["DEMO-0008"].options()
    assert "d-cvrd" in {o.id for o in report.options}  # OPTIMUM enrolled plasma cell leukemia
    flag = next(f for f in report.flags if f.message.startswith("Plasma cell leukemia"))
    assert "Primary plasma cell leukemia has a particularly poor prognosis." in flag.message
    assert "OPTIMUM" in flag.message and flag.source == "nct03188172"
