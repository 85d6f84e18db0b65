"""The assessment panel: the key result large, the results triaged in groups (rules that do not
apply collapsed), and for the selected rule why, what is missing and its sources (each source a
link to the Reference or Evidence section). With the patient's course (``panel.course``) a
follow-up leads with the response and shows the diagnosis-visit rules carried from the
diagnosis visit, with its date."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from myeloma_desk.domain.display import detail_label, inline_words, status_label, words
from myeloma_desk.domain.results import SOURCES, RuleResult
from myeloma_desk.ui.models.assessment import (
    AssessmentModel,
    ResultRole,
    RowKindRole,
    carried_text,
    key_result,
    missing_html,
    result_text,
)
from myeloma_desk.ui.widgets.links import parse_href, source_href

if TYPE_CHECKING:
    from myeloma_desk.course import Course

_MARK = {True: "✓ met", False: "✗ not met", None: "? unknown"}
_SKIP_DETAIL = {"assumptions", "reason", "possible", "pdq_wording", "pdq_difference", "unit"}


def _detail_html(value: Any) -> str:
    if isinstance(value, dict):
        items = "".join(
            f"<li>{html.escape(detail_label(str(k)))}: {_detail_html(v)}</li>"
            for k, v in value.items()
        )
        return f"<ul>{items}</ul>"
    if isinstance(value, list | tuple):
        if not value:
            return "none"
        if any(isinstance(v, dict | list | tuple) for v in value):
            return "<ul>" + "".join(f"<li>{_detail_html(v)}</li>" for v in value) + "</ul>"
        return html.escape(", ".join(inline_words(words(str(v))) for v in value))
    if value is None or value == "None":  # an absent value, also when passed as text
        return "not recorded"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if str(value) == "None":
        return "not recorded"
    if value == "none":  # a recorded "none" (no progression, no lesions) stays lower case
        return "none"
    return html.escape(inline_words(words(value)) if isinstance(value, str) else str(value))


def explanation_html(
    result: RuleResult, evidence_links: bool = False, carried: dt.date | None = None
) -> str:
    """The explanation of one result as HTML (escaped; links are internal only)."""
    out = [f"<h3>{html.escape(result.title)}</h3>"]
    if carried is not None:
        out.append(
            f"<p><b>{html.escape(carried_text(carried))}.</b> This result describes the "
            "disease at diagnosis; it is not recomputed from the labs of a visit during "
            "treatment.</p>"
        )
    out.append(
        f"<p><b>Result:</b> {html.escape(result_text(result))} "
        f"&nbsp;·&nbsp; <b>Status:</b> {status_label(result.status)}</p>"
    )
    reason = result.detail.get("reason")
    if reason:
        out.append(f"<p><b>Not applicable:</b> {html.escape(inline_words(str(reason)))}</p>")
    if result.criteria:
        out.append("<p><b>Why</b></p><ul>")
        for c in result.criteria:
            value = f" — {html.escape(inline_words(c.value))}" if c.value else ""
            out.append(f"<li>{_MARK[c.met]}: {html.escape(inline_words(c.name))}{value}</li>")
        out.append("</ul>")
    if result.missing:
        out.append(missing_html(result))
    assumptions = result.detail.get("assumptions") or []
    if assumptions:
        out.append("<p><b>Assumptions</b></p><ul>")
        out.extend(f"<li>{html.escape(inline_words(str(a)))}</li>" for a in assumptions)
        out.append("</ul>")
    extra = {k: v for k, v in result.detail.items() if k not in _SKIP_DETAIL}
    if extra:
        out.append("<p><b>Details</b></p>" + _detail_html(extra))
    wording = result.detail.get("pdq_wording")
    if isinstance(wording, dict):
        out.append("<p><b>The PDQ's wording</b></p>" + _detail_html(wording))
    difference = result.detail.get("pdq_difference")
    if difference:
        out.append(f"<p><i>{html.escape(inline_words(str(difference)))}</i></p>")
    if result.sources:
        out.append("<p><b>Sources</b></p><ul>")
        for label in result.sources:
            source = SOURCES.get(label)
            citation = source.citation if source else ""
            href = source_href(label, result.rule, evidence_links)
            name = html.escape(label)
            shown = f'<a href="{html.escape(href)}">{name}</a>' if href else name
            out.append(f"<li>{shown}<br/><small>{html.escape(citation)}</small></li>")
        out.append("</ul>")
    return "".join(out)


class AssessmentPanel(QWidget):
    """Results table above, the selected rule's explanation below."""

    navigate_requested = Signal(str, str)  # section key, target (anchor or evidence id)
    field_requested = Signal(str)  # an input field the explanation says is missing

    def __init__(
        self, title: str = "Assessment", parent: QWidget | None = None, *, grouped: bool = True
    ) -> None:
        super().__init__(parent)
        self.evidence_links = False
        # The open patient's course, or a callable giving the current one (None: no patient).
        self.course: Course | Callable[[], Course | None] | None = None
        self._results: list[RuleResult] = []
        self._day: dt.date | None = None
        self.setAccessibleName(title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel(f"<b>{html.escape(title)}</b>")
        layout.addWidget(self.caption)
        self.key = QLabel()
        self.key.setObjectName("keyResult")
        self.key.setAccessibleName(f"{title}: key result")
        self.key.setWordWrap(True)
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key.setVisible(grouped)
        layout.addWidget(self.key)
        self.model = AssessmentModel(parent=self, grouped=grouped)
        self.table = QTableView()
        self.table.setObjectName("assessmentTable")
        self.table.setAccessibleName(f"{title}: results by rule")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (keyboard-only use)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        # Rule and result share the width and wrap (no name is cut off at 1280×800; the
        # tooltips hold every cell whole), the status fits its words, Missing has a set width.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(3, 120)
        header.setStretchLastSection(False)
        # Grouped (the visit form), what is missing is in the status tooltip and, as links,
        # in the explanation: a fourth narrow column would wrap into tall rows.
        self.table.setColumnHidden(3, grouped)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.table.setWordWrap(True)
        self.table.clicked.connect(self._on_click)
        self.detail = QTextBrowser()
        self.detail.setObjectName("assessmentDetail")
        self.detail.setAccessibleName(f"{title}: explanation of the selected rule")
        self.detail.setOpenLinks(False)
        self.detail.setOpenExternalLinks(False)
        self.detail.anchorClicked.connect(lambda url: self.open_link(url.toString()))
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        self._rule = ""

    def compact(self, rows: int = 1) -> None:
        """Size the table for a few rows (a calculator shows one rule)."""
        height = self.table.horizontalHeader().sizeHint().height()
        height += self.table.verticalHeader().defaultSectionSize() * rows + 6
        self.table.setMaximumHeight(height + self.table.horizontalScrollBar().sizeHint().height())

    def set_course(self, course: Course | Callable[[], Course | None] | None) -> None:
        """The open patient's course (None: no patient); shown results follow it."""
        self.course = course
        self.set_results(self._results, self._day)

    def current_course(self) -> Course | None:
        course = self.course
        return course() if callable(course) else course

    def course_pending(self) -> bool:
        """Whether the patient's course is still being built (a provider that has none yet)."""
        return callable(self.course) and self.course() is None

    def set_results(self, results: Sequence[RuleResult], day: dt.date | None = None) -> None:
        """Show ``results`` of a visit on ``day``; the selected rule stays selected.

        With a course and a follow-up ``day`` the diagnosis-visit rules are the diagnosis
        visit's (carried, with its date) and the follow-up groups lead."""
        self._results = list(results)
        self._day = day
        course = self.current_course()
        carried = course.carried_at(day) if course is not None else {}
        keep = self._rule
        self.model.set_results(results, carried)
        self._show_key()
        self.table.clearSpans()
        for row in range(self.model.rowCount()):
            if self.model.index(row, 0).data(RowKindRole) != "result":
                self.table.setSpan(row, 0, 1, self.model.columnCount())
        self.table.resizeRowsToContents()
        # The status column fits its words only once laid out, which narrows the wrapped
        # columns: size the rows again then.
        QTimer.singleShot(0, self.table, self.table.resizeRowsToContents)
        row = self.model.row_of(keep) if keep else -1
        if row < 0:
            row = next(
                (
                    r
                    for r in range(self.model.rowCount())
                    if self.model.index(r, 0).data(RowKindRole) == "result"
                ),
                -1,
            )
        if row >= 0:
            index = self.model.index(row, 0)
            if self.table.currentIndex().row() != row:
                self.table.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
            self._show(index)
        else:
            self._rule = ""
            self.detail.setHtml("<p>No results.</p>")

    def reset_selection(self) -> None:
        """Forget the selected rule (another patient): the next results select their first."""
        self._rule = ""

    def select_rule(self, rule_id: str) -> bool:
        """Select ``rule_id``'s row (expanding the rules that do not apply if it is one of
        them); False if it is not among the results."""
        row = self.model.row_of(rule_id)
        if row < 0 and any(r.rule == rule_id for r in self.model.results()):
            self.show_not_applicable(True)
            row = self.model.row_of(rule_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self._show(self.model.index(row, 0))
        return True

    def current_result(self) -> RuleResult | None:
        row = self.model.row_of(self._rule)
        if row < 0:
            return None
        result = self.model.index(row, 0).data(ResultRole)
        return result if isinstance(result, RuleResult) else None

    def show_not_applicable(self, show: bool) -> None:
        """Expand or collapse the rules that do not apply to this visit."""
        self.model.set_show_not_applicable(show)
        self.set_results(self._results, self._day)

    def _on_click(self, index: QModelIndex) -> None:
        if index.data(RowKindRole) == "collapsed":
            self.show_not_applicable(not self.model.show_not_applicable)

    def _show_key(self) -> None:
        if not self.model.grouped:
            return
        established = None
        if self.course_pending():
            self.key.setText(
                "<i>Reading the patient's course: the established diagnosis, the results "
                "carried from the diagnosis visit and the response follow.</i>"
            )
            return
        course = self.current_course()
        if self.model.follow_up and course is not None:
            established = course.diagnosis.shown()
        lead, under = key_result(self.model.results(), self.model.follow_up, established)
        text = f"<span style='font-size:15pt; font-weight:600'>{html.escape(lead)}</span>"
        if under:
            text += f"<br/>{html.escape(under)}"
        self.key.setText(text if lead else "")

    def open_link(self, href: str) -> None:
        """Follow an internal link from the explanation."""
        parsed = parse_href(href)
        if parsed is None:
            return
        section, target = parsed
        if section == "field":
            self.field_requested.emit(target)
        else:
            self.navigate_requested.emit(section, target)

    def _on_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._show(current)

    def _show(self, index: QModelIndex) -> None:
        result = index.data(ResultRole)
        if not isinstance(result, RuleResult):
            return
        self._rule = result.rule
        bar = self.detail.verticalScrollBar()
        position = bar.value()
        self.detail.setHtml(
            explanation_html(result, self.evidence_links, self.model.carried_date(result.rule))
        )
        bar.setValue(position)
