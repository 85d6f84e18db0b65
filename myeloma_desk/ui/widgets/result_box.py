"""A calculator's result box, as a clinician knows it from MDCalc: the result large, the points
when the score has them, survival figures as the source gives them (with the engine's caveat
when it could not verify them), each criterion met or not with the value used, what is still
needed (links that focus the field) and the sources."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from myeloma_desk.domain.display import inline_words, words
from myeloma_desk.domain.results import SOURCES, RuleResult
from myeloma_desk.ui.models.assessment import missing_html, result_text

_MARK = {True: "✓", False: "✗", None: "?"}
_STATUS = {
    "determined": "Determined",
    "cannot_determine": "Cannot be determined",
    "not_applicable": "Not applicable",
}
_MARK_WORDS = {True: "met", False: "not met", None: "unknown"}


def _number(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return f"{value:g}"


def figures_text(result: RuleResult) -> list[str]:
    """Points and survival as the rule reports them, in words with their units."""
    out: list[str] = []
    points = _number(result.detail.get("points"))
    if points is not None:
        out.append(f"{points} point{'' if points == '1' else 's'}")
    months = _number(result.detail.get("median_os_months"))
    if months is not None:
        out.append(f"median overall survival {months} months")
    five_year = _number(result.detail.get("five_year_os_percent"))
    if five_year is not None:
        out.append(f"5-year overall survival {five_year}%")
    return out


def result_box_html(result: RuleResult) -> str:
    """Everything below the large result, as escaped HTML with internal links only."""
    out: list[str] = []
    figures = figures_text(result)
    if result.status == "determined" and figures:
        out.append(f"<p>{html.escape(' · '.join(figures))} (as the source reports)</p>")
    caveat = result.detail.get("survival_verification")
    if caveat and result.status == "determined":
        out.append(f"<p><small>⚠ {html.escape(inline_words(str(caveat)))}</small></p>")
    possible = result.detail.get("possible")
    if result.status == "cannot_determine" and isinstance(possible, list) and possible:
        still = ", ".join(html.escape(inline_words(words(str(p)))) for p in possible)
        out.append(f"<p><b>Possible with what is known:</b> {still}</p>")
    if result.status == "not_applicable":
        reason = result.detail.get("reason")
        if reason:
            out.append(f"<p>{html.escape(inline_words(str(reason)))}</p>")
    if result.criteria:
        rows = "".join(
            f"<li>{_MARK[c.met]} {html.escape(inline_words(c.name))} <small>({_MARK_WORDS[c.met]}"
            + (f": {html.escape(inline_words(c.value))}" if c.value else "")
            + ")</small></li>"
            for c in result.criteria
        )
        out.append(f"<ul style='margin-left: 0px'>{rows}</ul>")
    if result.missing:
        out.append(missing_html(result))
    if result.sources:
        names = "; ".join(html.escape(label) for label in result.sources)
        out.append(f"<p><small>Source{'s' if len(result.sources) > 1 else ''}: {names}</small></p>")
    return "".join(out)


class ResultBox(QFrame):
    """One rule's result, MDCalc style (large result, figures, criteria, needs, source)."""

    field_requested = Signal(str)  # a missing input's path (its link was followed)
    explain_requested = Signal(str)  # its rule id: "Full explanation" was followed

    def __init__(self, parent: QWidget | None = None, *, explain_link: bool = False) -> None:
        super().__init__(parent)
        self.explain_link = explain_link
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("resultBox")
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.value = QLabel()
        self.value.setObjectName("resultValue")
        self.value.setWordWrap(True)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value.setFont(font)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.body.setOpenExternalLinks(False)
        self.body.linkActivated.connect(self._link)
        for widget in (self.title, self.value, self.body):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.result: RuleResult | None = None

    def set_result(self, result: RuleResult) -> None:
        self.result = result
        self.title.setText(f"<b>{html.escape(result.title)}</b>")
        shown = result_text(result) if result.status == "determined" else _STATUS[result.status]
        self.value.setText(shown)
        more = (
            f'<p><a href="explain:{html.escape(result.rule)}">Full explanation, the PDQ\'s '
            "wording and the citations</a></p>"
            if self.explain_link
            else ""
        )
        self.body.setText(result_box_html(result) + more)
        self.setAccessibleName(f"{result.title}: result")
        self.setAccessibleDescription(f"{result.title}: {shown}. {self.body_text()}")
        citations = [SOURCES[label].citation for label in result.sources if label in SOURCES]
        self.setToolTip("\n".join(citations))

    def body_text(self) -> str:
        """The box's text without markup (for tests and the accessible description)."""
        from PySide6.QtGui import QTextDocument

        doc = QTextDocument()
        doc.setHtml(self.body.text())
        return doc.toPlainText()

    def _link(self, href: str) -> None:
        kind, _, target = href.partition(":")
        if kind == "field" and target:
            self.field_requested.emit(target)
        elif kind == "explain" and target:
            self.explain_requested.emit(target)
