"""Small widgets the Patients pages share: an inline message under a field, a table, and a
validation problem of the patient or therapy-lines editor in words."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QLabel, QTableView

from myeloma_desk.ui.widgets.fields import error_colour
from myeloma_desk.ui.widgets.tables import read_only_table

RESPONSES = ["sCR", "CR", "VGPR", "PR", "MR", "SD", "PD"]


def message_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def show_message(label: QLabel, text: str | None) -> None:
    if text:
        label.setText(f"⚠ {text}")
        label.setStyleSheet(f"color: {error_colour(label)};")
        label.setAccessibleName(text)
    label.setVisible(bool(text))


_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATE_ERRORS = frozenset(
    {"date_from_datetime_parsing", "date_from_datetime_inexact", "date_parsing", "date_type"}
)


def _why_not_a_date(text: str) -> str:
    """What is wrong with a typed date: "month 13", "February 2023 has 28 days", or the format."""
    match = _ISO.fullmatch(text)
    if match is None:
        return "use YYYY-MM-DD"
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return f"month {month}"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{calendar.month_name[month]} {year} has {days} days"
    return "use YYYY-MM-DD"


def problem_text(item: Mapping[str, Any], label: str) -> str:
    """One validation problem of an editor's field in words, not pydantic's ("Birth date:
    2024-13-01 is not a date (month 13)."; "Regimen is required."). A message the model wrote
    itself (a value error) is kept, as a sentence."""
    kind = str(item.get("type", ""))
    typed = item.get("input")
    context = item.get("ctx") or {}
    if kind in _DATE_ERRORS:
        text = str(typed).strip()
        return f"{label}: {text} is not a date ({_why_not_a_date(text)})."
    if kind == "string_too_short" or kind == "missing":
        return f"{label} is required."
    if kind == "string_too_long":
        limit = context.get("max_length")
        return f"{label}: at most {limit} characters ({len(str(typed))} typed)."
    if kind == "too_long":
        limit, actual = context.get("max_length"), context.get("actual_length")
        return f"{label}: at most {limit} entries ({actual} typed)."
    message = str(item.get("msg", "")).removeprefix("Value error, ").rstrip()
    message += "" if message.endswith((".", "?", "!")) else "."
    if kind == "value_error":
        return message[:1].upper() + message[1:]
    return f"{label}: {message}"


def table_view(name: str) -> QTableView:
    """A read-only table whose last column takes the rest of the width."""
    view = read_only_table(name)
    view.horizontalHeader().setStretchLastSection(True)
    return view
