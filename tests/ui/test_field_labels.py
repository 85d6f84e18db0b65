"""One display vocabulary: every snapshot field has one label, and the visit form and the printed
report show the same words for it (issue 13; issue 16, "reports read the display vocabulary")."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel
from pytestqt.qtbot import QtBot

from myeloma_desk.domain.display import choice_words
from myeloma_desk.domain.engine import Assessment
from myeloma_desk.domain.results import RuleResult
from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.reports.build import build_report
from myeloma_desk.ui.widgets.fields import field_def

# The list prefixes the form puts before an entry's field ("Baseline: ", "Earlier (1): ",
# "Line 2: "): built where the entries are built, not part of the field's label.
PREFIX = re.compile(r"^(Baseline|Earlier \(\d+\)|Line \d+): ")


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The record type behind an optional field or a list of records, if any."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = args[0] if len(args) == 1 else annotation
    if typing.get_origin(annotation) is list:
        annotation = typing.get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def snapshot_paths(model: type[BaseModel] = Snapshot, prefix: str = "") -> list[str]:
    """Every field of the snapshot by its path, walked recursively as the form's ``field_def``
    reads them (a list of records through its first entry: ``history.0.albumin``)."""
    paths: list[str] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        inner = _model_of(info.annotation)
        if inner is None or inner.__name__ == "Quantity":
            paths.append(path)
            continue
        listed = typing.get_origin(info.annotation) is list
        paths += snapshot_paths(inner, f"{path}.0." if listed else f"{path}.")
    return paths


def _report_labels(paths: list[str]) -> list[str]:
    """The labels the printed report gives these fields (as a result's missing inputs)."""
    missing = RuleResult(rule="r", title="A rule", status="cannot_determine", missing=paths)
    assessment = Assessment(engine_version="9.9", evidence_version="ev-1", results=[missing])
    return build_report(Snapshot(), assessment).results[0].missing


def test_the_walk_reaches_nested_and_listed_fields() -> None:
    paths = snapshot_paths()
    assert "vte_risk_factors.asian_pacific_islander" in paths
    assert "history.0.albumin" in paths and "therapy_lines.0.regimen" in paths
    assert "patient.birth_date" in paths and "age_years" in paths
    assert len(paths) > 100


def test_every_snapshot_field_has_one_label_in_form_and_print() -> None:
    paths = snapshot_paths()
    printed = dict(zip(paths, _report_labels(paths), strict=True))
    problems = []
    for path in paths:
        try:
            form = PREFIX.sub("", field_def(path).label)
        except KeyError:  # a field the form does not edit (the patient's identity)
            form = None
        label = printed[path]
        if "_" in label or re.fullmatch(r"[a-z0-9 ]+", label):  # an id, or an id's bare words
            problems.append(f"{path}: {label!r}")
        if form is not None and form != label:
            problems.append(f"{path}: form {form!r}, report {label!r}")
    assert not problems, problems


def test_the_label_does_not_repeat_the_unit_beside_it() -> None:
    age = field_def("age_years")
    assert (age.label, age.unit) == ("Age", "years")
    assert field_def("mrd.sensitivity").unit == "fraction, e.g. 0.00001"
    assert field_def("vte_risk_factors.asian_pacific_islander").label == (
        "VTE risk factors: Asian or Pacific Islander"
    )
    assert field_def("history.0.albumin").label == "Baseline: Albumin"


def test_the_conflict_dialog_reads_a_record_in_the_same_words() -> None:
    from myeloma_desk.ui.views.conflict import record_lines

    mine = {
        "age_years": 67,
        "vte_risk_factors": {"asian_pacific_islander": True, "history_of_vte": False},
        "mrd": {"status": "negative"},
    }
    assert record_lines(mine, {**mine, "age_years": 68}) == [
        "≠ Age: 67 years",
        "   MRD: MRD status: negative",
        "   VTE risk factors: Asian or Pacific Islander: yes; history of VTE: no",
    ]


def test_long_labels_are_not_cut_in_the_visit_form(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLabel

    from myeloma_desk.ui.views.visit_form import VISIT_GROUPS
    from myeloma_desk.ui.widgets.fields import SnapshotForm

    form = SnapshotForm(VISIT_GROUPS)  # every group stacked, at the visit form's width
    qtbot.addWidget(form)
    form.resize(640, 3000)
    form.show()
    qtbot.waitExposed(form)
    cut = [
        label.text()
        for label in form.findChildren(QLabel)
        if label.buddy() is not None and label.height() < label.heightForWidth(label.width())
    ]
    assert not cut, cut


def test_no_label_or_choice_holds_a_comma_of_its_own() -> None:
    # Missing inputs and a record's findings are printed as lists joined with commas: an entry
    # with a comma inside ("pelvic, hip or femur fracture") would read as two.
    paths = snapshot_paths()
    with_comma = [label for label in _report_labels(paths) if "," in label]
    for path in paths:
        try:
            choices = field_def(path).choices
        except KeyError:
            continue
        with_comma += [choice_words(c) for c in choices if "," in choice_words(c)]
    assert not with_comma, with_comma


def test_the_timeline_names_a_diagnosis_by_its_one_name() -> None:
    from myeloma_desk.ui.models.timeline import summary_of

    results = [
        RuleResult(rule="diagnosis", title="Diagnosis", status="determined", result="non_igm_mgus"),
        RuleResult(rule="iss", title="ISS", status="determined", result="II"),
        RuleResult(rule="response_imwg", title="Response", status="determined", result="VGPR"),
    ]
    assert summary_of(results) == "Diagnosis: Non-IgM MGUS; ISS II; Response VGPR"


def test_a_line_field_the_engine_names_reads_as_the_form_labels_it() -> None:
    # The engine names a line's field "therapy_lines[1].drugs" among missing inputs; the form
    # edits it at "therapy_lines.1.drugs": both read "Line 2: Drugs".
    assert _report_labels(["therapy_lines[1].drugs"]) == [field_def("therapy_lines.1.drugs").label]


def test_the_regimen_table_names_drug_classes_by_their_one_label() -> None:
    from myeloma_desk.evidence.loader import load
    from myeloma_desk.ui.models.evidence import regimen_model, regimen_rows

    model = regimen_model()
    model.set_records(regimen_rows(load()))
    column = model.column_titles().index("Drug classes")
    shown = {model.index(row, column).data() for row in range(model.rowCount())}
    assert any("Anti-CD38 antibody" in text for text in shown)  # not "Anti CD38 antibody"
    assert not any("_" in text for text in shown)
