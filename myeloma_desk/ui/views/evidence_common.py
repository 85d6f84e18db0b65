"""Shared by the Regimens and Evidence sections: rendering the evidence records as HTML (the
database is loaded off the GUI thread by ``evidence_loading``, re-exported here)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QTableView, QTextBrowser

from myeloma_desk.evidence.kinds import result_kind
from myeloma_desk.evidence.levels import attribution, describe
from myeloma_desk.evidence.loader import Evidence, load
from myeloma_desk.evidence.schema import Finding, Quote, Trial
from myeloma_desk.ui.models.evidence import setting_text, trial_label

# re-exported: the Regimens and Evidence sections load the database through this module too
from myeloma_desk.ui.views.evidence_loading import load_evidence as load_evidence
from myeloma_desk.ui.views.evidence_loading import with_evidence as with_evidence
from myeloma_desk.ui.widgets.tables import read_only_table
from myeloma_desk.ui.widgets.text import reader_note


def e(text: object) -> str:
    return html.escape(str(text))


def section_title(section: str) -> str:
    """A PDQ section as the PDQ titles it ("Treatment of Amyloidosis Associated With Plasma
    Cell Neoplasms"), never the database's key for it ("amyloidosis")."""
    for known in load().db.sections:
        if known.id == section:
            return known.title
    return section


def pdq_place(section: str, path: Iterable[str] = ()) -> str:
    """Where a quoted sentence sits in the PDQ: its section's title, then the headings under
    it (a heading's trailing colon, as the PDQ prints a lead-in, dropped)."""
    parts = [section_title(section), *(p.rstrip(" :") for p in path if p.strip(" :"))]
    return "PDQ, " + " › ".join(parts)


def quote_html(quote: Quote | None) -> str:
    if quote is None:
        return ""
    return (
        f"<blockquote>“{e(quote.text)}”<br/><small>{e(pdq_place(quote.section, quote.path))}"
        "</small></blockquote>"
    )


def finding_html(f: Finding, trial: Trial | None = None) -> str:
    """A finding: its level, numbers as stated and the source sentence(s) verbatim."""
    parts = []
    level = (
        f"<b>Level of evidence {e(f.level_of_evidence)}</b>"
        if f.level_of_evidence
        else "<b>Level of evidence: not graded</b> (the PDQ gives no level for this finding)"
    )
    head = [level, e(result_kind(f, trial))]
    if f.endpoint:
        head.append(f"end point: {e(f.endpoint)}")
    if trial is not None:
        head.append(f'<a href="evidence:trial:{e(trial.id)}">{e(trial_label(trial))}</a>')
    parts.append(" · ".join(head))
    # NCI's meaning of the code, with its source (the same text is the table's tooltip)
    if f.level_of_evidence:
        parts.append(f"<br/><small>{e(describe(f.level_of_evidence))} {e(attribution())}</small>")
    facts = []
    for label, value in (
        ("patients", f.n_patients),
        ("design", f.design),
        ("population", f.population),
        ("median follow-up", f.median_follow_up),
        ("landmark", f.landmark),
        ("hazard ratio", f.hr),
        ("P", f.p),
    ):
        if value:
            facts.append(f"{label}: {e(value)}")
    if f.ci is not None:
        facts.append(f"{e(f.ci.level or 'CI')} CI {e(f.ci.low)}–{e(f.ci.high)}")
    if f.ratio is not None:
        facts.append(f"{e(f.ratio.measure)}: {e(f.ratio.value)}")
    for arm in f.values:
        facts.append(f"{e(arm.arm)}: {e(arm.value)}")
    for est in f.estimates:
        ci = f" ({e(est.ci.low)}–{e(est.ci.high)})" if est.ci else ""
        facts.append(f"{e(est.endpoint or '')} {e(est.measure)} {e(est.value)}{ci}".strip())
    if facts:
        parts.append("<br/>" + "; ".join(facts))
    if f.other_end_points:
        items = []
        for other in f.other_end_points:
            when = f" ({e(other.landmark)})" if other.landmark else ""
            values = "; ".join(f"{e(v.arm)}: {e(v.value)}" for v in other.values)
            items.append(f"<li>{e(other.endpoint)}{when}{': ' + values if values else ''}</li>")
        parts.append("<p><b>Other end points</b></p><ul>" + "".join(items) + "</ul>")
    sentences = " ".join(f.sentences)
    parts.append(
        f"<blockquote>“{e(sentences)}”<br/><small>{e(pdq_place(f.section, f.path))}"
        "</small></blockquote>"
    )
    for note in f.errata:
        parts.append(f"<p><b>Note on the PDQ text:</b> {e(reader_note(note))}</p>")
    if f.curation != "reviewed":
        parts.append("<p><small>Transcription status: draft (not yet reviewed).</small></p>")
    return "<div>" + "".join(parts) + "</div>"


def trial_html(t: Trial, findings: Iterable[Finding]) -> str:
    out = [f"<h3>{e(trial_label(t))}</h3>"]
    facts = []
    if t.nct_ids:
        facts.append("NCT: " + e(", ".join(t.nct_ids)))
    for label, value in (
        ("setting", setting_text(t.setting) if t.setting else None),
        ("design", t.design),
        ("patients", t.n_patients),
        ("population", t.population),
    ):
        if value:
            facts.append(f"{label}: {e(value)}")
    if t.arms:
        facts.append("arms: " + e("; ".join(t.arms)))
    regimens = load().regimens
    for label, ids in (
        ("supports", t.regimens),
        ("comparator (the arm it went against)", t.comparator_regimens),
    ):
        names = {r: regimens[r].abbreviation if r in regimens else r for r in ids}
        links = ", ".join(
            f'<a href="regimens:regimen:{e(r)}">{e(name)}</a>' for r, name in names.items()
        )
        if links:
            facts.append(f"{label}: {links}")
    out.append("<p>" + "<br/>".join(facts) + "</p>")
    if t.name_note:
        out.append(f"<p><small>{e(t.name_note)}</small></p>")
    if t.description:
        out.append("<p><b>What the PDQ says</b></p>")
        out.append(f"<blockquote>“{e(' '.join(t.description))}”</blockquote>")
    found = list(findings)
    if found:
        out.append("<p><b>Findings and outcomes</b></p>")
        out.extend(finding_html(f) for f in found)
    for note in t.errata:
        out.append(f"<p><b>Note on the PDQ text:</b> {e(reader_note(note))}</p>")
    return "".join(out)


def references_html(ev: Evidence, refs: Iterable[tuple[str, int]]) -> str:
    items = []
    for section, number in dict.fromkeys(refs):
        ref = ev.references.get((section, number))
        if ref is not None:
            # [23] as the quoted sentence cites it, in the reference list of the PDQ section
            # named by its title (not the database's key for it)
            items.append(
                f"<li>[{number}] {e(ref.citation)} <small>— references of "
                f"“{e(section_title(section))}”</small></li>"
            )
    # a plain list: each item carries its own number as cited ("[23]"), not a list index
    return "<ul>" + "".join(items) + "</ul>" if items else ""


def with_refs(findings: Iterable[Finding]) -> list[tuple[str, int]]:
    return [(f.section, n) for f in findings for n in f.references]


def record_table(name: str, model: QAbstractItemModel) -> QTableView:
    """A read-only table of records (regimens, findings, trials): one row selected at a time,
    sortable by its headers, no editing, Tab leaves it."""
    view = read_only_table(name, model)
    view.setSortingEnabled(True)
    return view


def detail_browser(name: str) -> QTextBrowser:
    """A details pane: rich text whose links travel as signals (nothing opens a browser)."""
    browser = QTextBrowser()
    browser.setAccessibleName(name)
    browser.setOpenLinks(False)
    browser.setOpenExternalLinks(False)
    return browser


def elide_columns(table: Any, widths: dict[int, int], stretch: int) -> None:
    """Lay a table out to fit its pane: the columns in ``widths`` sized to their contents but
    no wider than their cap, column ``stretch`` taking the rest; one line per row, long text
    elided at its end ("…") with the whole text in the cell's tooltip. No horizontal scroll."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QHeaderView

    header = table.horizontalHeader()
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    header.setStretchLastSection(False)
    table.resizeColumnsToContents()
    for column in range(header.count()):
        if column == stretch:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            continue
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        cap = widths.get(column)
        if cap is not None and table.columnWidth(column) > cap:
            table.setColumnWidth(column, cap)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)


def fit_columns(table: Any, cap: int = 260) -> None:
    """Size a table's columns to their contents, none wider than ``cap`` pixels (longer text
    wraps; every cell's tooltip holds it whole), so a table never widens the window."""
    from PySide6.QtWidgets import QHeaderView

    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.setWordWrap(True)
    table.resizeColumnsToContents()
    for column in range(header.count()):
        if table.columnWidth(column) > cap:
            table.setColumnWidth(column, cap)
    header.setStretchLastSection(True)
    table.resizeRowsToContents()
