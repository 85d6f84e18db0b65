"""The Evidence section: findings with their source sentences, trials, search over the whole
evidence database, and the PDQ's levels-of-evidence scheme."""

from __future__ import annotations

import html
import re
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk.domain.drugs import class_label
from myeloma_desk.domain.results import SOURCES
from myeloma_desk.evidence.loader import Evidence
from myeloma_desk.evidence.schema import Finding, Trial
from myeloma_desk.ui.context import AppContext
from myeloma_desk.ui.models.evidence import (
    NOT_GRADED,
    SETTING_TEXT,
    RecordFilterProxy,
    RecordRole,
    RecordTable,
    finding_model,
    trial_label,
    trial_model,
)
from myeloma_desk.ui.views.evidence_common import (
    detail_browser,
    e,
    elide_columns,
    finding_html,
    record_table,
    references_html,
    trial_html,
    with_evidence,
    with_refs,
)
from myeloma_desk.ui.widgets.links import follow_link
from myeloma_desk.ui.widgets.text import reader_note
from myeloma_desk.ui.workers import Worker

ANY = "Any"
HitRole = Qt.ItemDataRole.UserRole + 1


_MARKED = re.compile(r"\[([^\[\]]+)\]")


def snippet_parts(snippet: str, query: str) -> list[tuple[str, bool]]:
    """The search index marks the words it matched in brackets ("[lenalidomide] doses"), as the
    PDQ marks its citations ("[65]"): a bracketed run that a word of the query begins is a
    match (shown bold, without brackets); any other (a citation) stays as printed. Returns
    (text, matched) pieces."""
    snippet = reader_note(snippet)
    words = [w.casefold() for w in re.findall(r"\w+", query)]
    parts: list[tuple[str, bool]] = []
    at = 0
    for found in _MARKED.finditer(snippet):
        inner = found.group(1)
        first = inner.split()[0].casefold() if inner.split() else ""
        if any(first.startswith(w[:4]) or w.startswith(first) for w in words if w):
            parts.append((snippet[at : found.start()], False))
            parts.append((inner, True))
            at = found.end()
    parts.append((snippet[at:], False))
    return [(text, matched) for text, matched in parts if text]


def snippet_text(snippet: str, query: str) -> str:
    return "".join(text for text, _ in snippet_parts(snippet, query))


def snippet_html(snippet: str, query: str) -> str:
    parts = snippet_parts(snippet, query)
    return "".join(f"<b>{e(text)}</b>" if matched else e(text) for text, matched in parts)


def levels_html(ev: Evidence) -> str:
    scheme = ev.db.levels
    out = [
        f"<h3>{e(scheme.title)}</h3>",
        f"<p>{e(scheme.summary)}</p>",
        f"<p><small>{e(scheme.verified)}</small></p>",
        f"<p>Source (not opened from here; the app works offline): {e(scheme.source_url)}</p>",
        "<table border='1' cellspacing='0' cellpadding='4'>"
        "<tr><th>Code</th><th>Study design</th><th>End point</th><th>Definition</th>"
        "<th>Markers in this summary</th></tr>",
    ]
    for level in scheme.levels:
        definition = level.definition or "not verified (see the note above)"
        out.append(
            f"<tr><td><b>{e(level.code)}</b></td><td>{e(level.design)}</td>"
            f"<td>{e(level.end_point)}</td><td>{e(definition)}</td>"
            f"<td>{level.count_in_text}</td></tr>"
        )
    out.append("</table>")
    return "".join(out)


def _records_page(
    filters: QLayout | QWidget, table_name: str, detail_name: str, proxy: RecordFilterProxy
) -> tuple[QWidget, QTableView, QTextBrowser]:
    """A tab of records: the filters, then the table above its details pane — the table has
    the pane's whole width (no horizontal scrolling at 1280×800), the details below."""
    page = QWidget()
    box = QVBoxLayout(page)
    if isinstance(filters, QWidget):
        box.addWidget(filters)
    else:
        box.addLayout(filters)
    table = record_table(table_name, proxy)
    table.setWordWrap(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # database order
    detail = detail_browser(detail_name)
    split = QSplitter(Qt.Orientation.Vertical)
    split.addWidget(table)
    split.addWidget(detail)
    split.setSizes([380, 320])
    box.addWidget(split, 1)
    return page, table, detail


class EvidenceView(QWidget):
    """Tabs: Findings, Trials, Search, Levels of evidence."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("evidence")
        self.setAccessibleName("Evidence")
        self.evidence: Evidence | None = None
        self.worker = Worker(self)
        self._pending = ""
        layout = QVBoxLayout(self)
        self.loading = QLabel("Loading the evidence database…")
        self.loading.setAccessibleName("Loading")
        layout.addWidget(self.loading)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Evidence views")
        layout.addWidget(self.tabs, 1)

        # findings: kind, landmark, other end points, the level with NCI's definition and the
        # sentence in the details
        bar = QHBoxLayout()
        self.finding_text = QLineEdit()
        self.finding_text.setPlaceholderText("Filter findings (trial, endpoint, sentence)")
        self.finding_text.setAccessibleName("Filter findings by text")
        self.finding_level = QComboBox()
        self.finding_level.setAccessibleName("Level of evidence")
        self.finding_level.addItem(ANY)
        self.finding_setting = QComboBox()
        self.finding_setting.setAccessibleName("Setting")
        self.finding_setting.addItems([ANY, *SETTING_TEXT.values()])
        bar.addWidget(self.finding_text, 2)
        for label, widget in (("&Level", self.finding_level), ("Setti&ng", self.finding_setting)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            bar.addWidget(caption)
            bar.addWidget(widget, 1)
        self.finding_proxy = RecordFilterProxy(self)
        page, self.findings, self.finding_detail = _records_page(
            bar, "Findings", "Finding with its source sentence", self.finding_proxy
        )
        self.tabs.addTab(page, "&Findings")

        # trials
        self.trial_text = QLineEdit()
        self.trial_text.setPlaceholderText("Filter trials (name, NCT id, design)")
        self.trial_text.setAccessibleName("Filter trials by text")
        self.trial_proxy = RecordFilterProxy(self)
        page, self.trials, self.trial_detail = _records_page(
            self.trial_text, "Trials", "Trial details", self.trial_proxy
        )
        self.tabs.addTab(page, "&Trials")

        # search
        page = QWidget()
        box = QVBoxLayout(page)
        self.query = QLineEdit()
        self.query.setPlaceholderText("Search drugs, regimens, trials, findings and the PDQ text")
        self.query.setAccessibleName("Search the evidence")
        self.query.setClearButtonEnabled(True)
        box.addWidget(self.query)
        self.hits = QListWidget()
        self.hits.setAccessibleName("Search results")
        # a long title is elided at the pane's edge (whole in its tooltip), never scrolled to
        self.hits.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.hits.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.hit_detail = detail_browser("Search result details")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.hits)
        split.addWidget(self.hit_detail)
        split.setSizes([500, 700])
        box.addWidget(split, 1)
        self.tabs.addTab(page, "&Search")

        # levels
        self.levels = detail_browser("Levels of evidence scheme")
        self.tabs.addTab(self.levels, "Levels of &evidence")

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(150)
        self._filter_timer.timeout.connect(self.apply_filters)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.run_search)
        self.finding_text.textChanged.connect(self._filter_timer.start)
        self.trial_text.textChanged.connect(self._filter_timer.start)
        self.finding_level.currentIndexChanged.connect(self.apply_filters)
        self.finding_setting.currentIndexChanged.connect(self.apply_filters)
        self.query.textChanged.connect(self._search_timer.start)
        self.hits.currentItemChanged.connect(self._show_hit)
        self.hits.itemActivated.connect(self._open_hit)
        for browser in (self.finding_detail, self.trial_detail, self.hit_detail):
            browser.anchorClicked.connect(lambda url: self._link(url.toString()))
        with_evidence(context, self.worker, self._ready)

    def ready(self) -> bool:
        return self.evidence is not None

    def _ready(self, evidence: Evidence) -> None:
        self.evidence = evidence
        self.loading.setText(
            f"Evidence database {evidence.version}, from the PDQ of {evidence.pdq_date}: "
            f"{len(evidence.db.findings)} findings, {len(evidence.db.trials)} trials."
        )
        self.finding_model: RecordTable[Finding] = finding_model(evidence, self)
        self.finding_proxy.setSourceModel(self.finding_model)
        self.trial_model: RecordTable[Trial] = trial_model(evidence, self)
        self.trial_proxy.setSourceModel(self.trial_model)
        # Capped columns (tooltips hold each cell whole): nothing cut off mid-name. The level
        # is as wide as its longest label ("not graded"); Kind, Trial and End point capped;
        # the sentence stretches and elides
        elide_columns(self.findings, {1: 110, 2: 170, 3: 170}, stretch=4)
        # Trial (its name or description) stretches; the others are capped and elided
        elide_columns(self.trials, {1: 190, 2: 150, 3: 170, 4: 70, 5: 150}, stretch=0)
        levels = sorted({f.level_of_evidence for f in evidence.db.findings if f.level_of_evidence})
        self.finding_level.addItems(levels)
        if any(f.level_of_evidence is None for f in evidence.db.findings):
            self.finding_level.addItem(NOT_GRADED.capitalize())
        self.findings.selectionModel().currentRowChanged.connect(self._show_finding)
        self.trials.selectionModel().currentRowChanged.connect(self._show_trial)
        self.levels.setHtml(levels_html(evidence))
        self.apply_filters()
        if self._pending:
            target, self._pending = self._pending, ""
            self.go_to(target)

    # --- findings and trials ----------------------------------------------------------------
    def apply_filters(self) -> None:
        self._filter_timer.stop()
        self.finding_proxy.set_text(self.finding_text.text())
        self.trial_proxy.set_text(self.trial_text.text())
        level: str | None = self.finding_level.currentText()
        if level == NOT_GRADED.capitalize():
            level = None  # the findings the PDQ reports without a level
        self.finding_proxy.set_predicate(
            "level", (lambda f: f.level_of_evidence == level) if level != ANY else None
        )
        setting = self.finding_setting.currentText()
        key = next((k for k, v in SETTING_TEXT.items() if v == setting), None)
        self.finding_proxy.set_predicate(
            "setting",
            (lambda f: f.setting is not None and str(f.setting.value) == key) if key else None,
        )

    def _show_finding(self, current: QModelIndex, _previous: QModelIndex) -> None:
        finding = current.data(RecordRole) if current.isValid() else None
        if isinstance(finding, Finding) and self.evidence is not None:
            trial = self.evidence.trials.get(finding.trial or "")
            refs = references_html(self.evidence, with_refs([finding]))
            self.finding_detail.setHtml(
                finding_html(finding, trial) + (f"<p><b>References</b></p>{refs}" if refs else "")
            )

    def _show_trial(self, current: QModelIndex, _previous: QModelIndex) -> None:
        trial = current.data(RecordRole) if current.isValid() else None
        if isinstance(trial, Trial) and self.evidence is not None:
            findings = self.evidence.findings_of_trial(trial.id)
            refs = references_html(
                self.evidence,
                [(trial.section, n) for n in trial.references] + with_refs(findings),
            )
            self.trial_detail.setHtml(
                trial_html(trial, findings) + (f"<p><b>References</b></p>{refs}" if refs else "")
            )

    def select_finding(self, finding_id: str) -> bool:
        return self._select(self.findings, self.finding_proxy, "finding", finding_id, 0)

    def select_trial(self, trial_id: str) -> bool:
        return self._select(self.trials, self.trial_proxy, "trial", trial_id, 1)

    def _select(
        self, view: QTableView, proxy: RecordFilterProxy, kind: str, record_id: str, tab: int
    ) -> bool:
        model = proxy.sourceModel()
        if not isinstance(model, RecordTable):
            return False
        source = model.row_where(lambda r: getattr(r, "id", None) == record_id)
        if source < 0:
            return False
        index = proxy.mapFromSource(model.index(source, 0))
        if not index.isValid():
            if kind == "finding":
                self.finding_text.clear()
                self.finding_level.setCurrentIndex(0)
                self.finding_setting.setCurrentIndex(0)
            else:
                self.trial_text.clear()
            self.apply_filters()
            index = proxy.mapFromSource(model.index(source, 0))
        self.tabs.setCurrentIndex(tab)
        view.setCurrentIndex(index)
        view.scrollTo(index)
        return True

    # --- search -----------------------------------------------------------------------------
    def run_search(self, text: str | None = None) -> None:
        """Search in the background; only the newest query's hits are shown."""
        from myeloma_desk.evidence.search import search

        self._search_timer.stop()
        query = self.query.text() if text is None else text
        if text is not None and self.query.text() != text:
            self.query.blockSignals(True)
            self.query.setText(text)
            self.query.blockSignals(False)
        if not query.strip():
            self._show_hits([])
            return
        self.worker.submit(lambda: search(query, limit=40), self._show_hits, key="search")

    def hit_label(self, hit: Any) -> str:
        """A search result as a clinician reads it: a trial by its name in the PDQ (or what
        it was and its size, "not named in the PDQ"), never the database's key for it."""
        title = hit.title
        trial = self.evidence.trials.get(hit.id) if self.evidence is not None else None
        if hit.kind == "trial" and trial is not None:
            title = trial_label(trial)
        return f"{hit.kind.capitalize()}: {title}"

    def _show_hits(self, hits: Any) -> None:
        self.hits.clear()
        for hit in hits:
            label = self.hit_label(hit)
            item = QListWidgetItem(label)
            item.setData(HitRole, hit)
            # the whole title, then the passage (the matched words without their brackets)
            item.setToolTip(f"{label}\n{snippet_text(hit.snippet, self.query.text())}")
            self.hits.addItem(item)
        if not hits:
            self.hit_detail.setHtml("<p>No results.</p>" if self.query.text().strip() else "")
        else:
            self.hits.setCurrentRow(0)

    def hit_count(self) -> int:
        return self.hits.count()

    def _show_hit(self, item: QListWidgetItem | None, _previous: Any = None) -> None:
        if item is None or self.evidence is None:
            return
        hit = item.data(HitRole)
        ev = self.evidence
        body = f"<p><i>{snippet_html(hit.snippet, self.query.text())}</i></p>"
        if hit.kind == "finding" and hit.id in ev.findings:
            finding = ev.findings[hit.id]
            body = finding_html(finding, ev.trials.get(finding.trial or ""))
        elif hit.kind == "trial" and hit.id in ev.trials:
            trial = ev.trials[hit.id]
            body = trial_html(trial, ev.findings_of_trial(trial.id))
        elif hit.kind == "regimen":
            body += f'<p><a href="regimens:regimen:{e(hit.id)}">Open in Regimens</a></p>'
        elif hit.kind == "drug" and hit.id in ev.drugs:
            drug = ev.drugs[hit.id]
            notes = "".join(f"<li>“{e(q.text)}”</li>" for q in drug.notes)
            body = (
                f"<h3>{e(drug.name)}</h3><p>Class: {e(class_label(drug.drug_class))}"
                f"{'; route: ' + e(drug.route) if drug.route else ''}</p>"
                + (f"<ul>{notes}</ul>" if notes else "")
            )
        elif hit.kind == "pdq":
            body += f'<p><a href="reference:">Open the Reference text</a> ({e(hit.title)})</p>'
        self.hit_detail.setHtml(f"<p><b>{e(hit.kind.capitalize())}</b></p>{body}")

    def _open_hit(self, item: QListWidgetItem) -> None:
        hit = item.data(HitRole)
        if hit.kind == "finding":
            self.select_finding(hit.id)
        elif hit.kind == "trial":
            self.select_trial(hit.id)
        elif hit.kind == "regimen":
            self._link(f"regimens:regimen:{hit.id}")

    # --- navigation -------------------------------------------------------------------------
    def _link(self, href: str) -> None:
        follow_link(href, "evidence", self.go_to, self.context.navigate)

    def go_to(self, target: str) -> None:
        """``trial:<id>``, ``finding:<id>``, or ``source:<label>`` (searches for the source)."""
        if self.evidence is None:
            self._pending = target
            return
        kind, _, value = target.partition(":")
        if kind == "trial":
            self.select_trial(value)
        elif kind == "finding":
            self.select_finding(value)
        elif kind == "source":
            self.tabs.setCurrentIndex(2)
            source = SOURCES.get(value)
            words = value.split()
            # search by the first author's name and year, which the PDQ's references carry
            query = " ".join(w for w in words[:2] if w.isalnum()) or value
            self.run_search(query)
            if source is not None:
                self.hit_detail.setHtml(
                    f"<p><b>{html.escape(source.label)}</b><br/>{html.escape(source.citation)}</p>"
                )

    def prepare_screenshot(self) -> None:
        if self.evidence is None:
            self.worker.wait(10_000)
            from PySide6.QtWidgets import QApplication

            QApplication.processEvents()
        self.findings.selectRow(0)
