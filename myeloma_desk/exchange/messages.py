"""Why an import was refused, in the words a clinician writes.

Every refusal names the record and the field that is wrong and why, with the value as entered
where it helps: "Patient DEMO-0003, visit 9 (2024-05-21), albumin: must be a number, not
“lots”" — never a dotted path ("visits.8.snapshot"), a snake_case field name or a Python repr.
Field names come from :mod:`myeloma_desk.domain.display` (one label per field); a value as
entered is shown between curly quotes “…” (hidden characters written out), the only place a
user's own text appears in a message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from myeloma_desk.domain.display import field_label, inline_words, mid_sentence, words
from myeloma_desk.store.models import BUNDLE_RECORD_ERROR, shown_visibly

MAX_SHOWN_CHARS = 40

# A value between straight quotes in a library's or a validator's message ('x_y'), and the
# Python type names some libraries add ("<class 'int'>").
_QUOTED = re.compile(r"'([^'\n]*)'")
_CLASS = re.compile(r"<class '(\w+)'>")
_EXPECTED_INSTANCE = re.compile(r"Value is expected from the instance of (\w+), but got type")
_ANY_OF = re.compile(r"Expect any of field value from this list \[([^\]]*)\]")
_SPEC_REGEX = re.compile(r"(\w+) value string does not match spec regex")
_FHIR_FORMS = {
    "Date": "a date (YYYY-MM-DD)",
    "DateTime": "a date (YYYY-MM-DD), with or without a time",
    "Instant": "a date and time with its time zone",
    "Decimal": "a number",
    "Integer": "a whole number",
    "Uri": "a web address or other identifier without spaces",
}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Parts of a validation location that are not fields: pydantic's union members and wrappers
# ("function-after[...]", "tagged-union[...]") and fhir.resources' "root".
_FIELD_PART = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_NOT_FIELDS = frozenset({"root", "float", "int", "str", "bool", "Quantity", "Snapshot"})

_KINDS = {
    "int": "a number",
    "float": "a number",
    "str": "text",
    "bool": "true or false",
    "list": "a list",
    "dict": "a group of fields",
    "NoneType": "empty",
}

# What each kind of validation error says, by pydantic's error type (value as entered after).
_TYPE_WORDS = {
    "missing": "is missing",
    "string_type": "must be text",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be a group of fields",
    "model_type": "must be a group of fields",
    "model_attributes_type": "must be a group of fields",
    "date_type": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "must be a date (YYYY-MM-DD) without a time",
    "datetime_type": "must be a date and time (YYYY-MM-DDThh:mm:ss)",
    "datetime_parsing": "must be a date and time (YYYY-MM-DDThh:mm:ss)",
    "datetime_from_date_parsing": "must be a date and time (YYYY-MM-DDThh:mm:ss)",
    "string_pattern_mismatch": "is not in the form FHIR requires",
    "json_invalid": "is not in the form FHIR requires",
    "string_too_short": "is empty",
    "too_short": "is empty",
}


def as_entered(value: Any) -> str:
    """A value as the file holds it, for a message: “text” (hidden characters written out,
    long text cut), a number as written, "empty" for null, "a list" / "a group of fields"."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        text = repr(value)
        return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + "…"
    if isinstance(value, str):
        text = shown_visibly(value)
        if len(text) > MAX_SHOWN_CHARS:
            text = text[:MAX_SHOWN_CHARS] + "…"
        return f"\u201c{text}\u201d"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    return "a value of another kind"


def plain(message: str) -> str:
    """A validator's or library's sentence for a reader: a quoted value in curly quotes, no
    Python type names, identifiers in words ("serum_m_protein" → "serum M-protein")."""
    message = str(message).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    message = _CLASS.sub(lambda m: _KINDS.get(m.group(1), "another kind of value"), message)
    quoted: list[str] = []

    def keep(match: re.Match[str]) -> str:
        quoted.append(as_entered(match.group(1)))
        return f"\x00{len(quoted) - 1}\x00"

    message = inline_words(_QUOTED.sub(keep, message))
    return re.sub(r"\x00(\d+)\x00", lambda m: quoted[int(m.group(1))], message)


def _index_in(data: Any, *steps: Any) -> Any:
    for step in steps:
        if isinstance(data, dict) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
        else:
            return None
    return data


def _entered_date(entry: Any) -> str | None:
    day = _index_in(entry, "date")
    return day if isinstance(day, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else None


def patient_words(data: Any) -> str:
    """Who the file is about: "Patient DEMO-0003" (the identifier, else the name)."""
    for key in ("identifier", "name"):
        value = _index_in(data, "patient", key)
        if isinstance(value, str) and value.strip():
            text = shown_visibly(value.strip())
            return f"Patient {text[:MAX_SHOWN_CHARS]}"
    return "The patient file"


def visit_words(index: int, data: Any, *, with_date: bool = True) -> str:
    """ "visit 9 (2024-05-21)": the visit's place in the file (from 1) and its date."""
    day = _entered_date(_index_in(data, "visits", index)) if with_date else None
    return f"visit {index + 1}" + (f" ({day})" if day else "")


def line_words(index: int, data: Any) -> str:
    """ "line 3 (VRd)": the therapy line's place in the file (from 1) and its regimen."""
    regimen = _index_in(data, "therapy_lines", index, "regimen")
    shown = f" ({shown_visibly(regimen)[:MAX_SHOWN_CHARS]})" if isinstance(regimen, str) else ""
    return f"line {index + 1}{shown}"


def _fields(parts: Sequence[Any]) -> list[str]:
    return [str(p) for p in parts if isinstance(p, str) and _FIELD_PART.fullmatch(p)]


def _snapshot_field(parts: Sequence[Any]) -> str:
    names = [p for p in _fields(parts) if p not in _NOT_FIELDS]
    if not names:
        return ""
    if len(names) > 1 and names[-1] in ("value", "unit"):  # a measured value's own parts
        return f"{mid_sentence(field_label('.'.join(names[:-1])))} {names[-1]}"
    return mid_sentence(field_label(".".join(names)))


_PATIENT_FIELDS = {
    "name": "name",
    "identifier": "identifier (MRN)",
    "sex": "sex",
    "diagnosis": "working diagnosis",
    "notes": "notes",
}
_NOTE_FIELDS = {"written_at": "date written", "text": "text"}


def native_place(loc: Sequence[Any], data: Any) -> str:
    """The record and field a native-file location names: "visit 9 (2024-05-21), albumin"."""
    head = loc[0] if loc else None
    if head == "patient":
        field = str(loc[1]) if len(loc) > 1 else ""
        label = _PATIENT_FIELDS.get(field) or mid_sentence(field_label(f"patient.{field}"))
        return "patient details" + (f", {label}" if field else "")
    if head == "visits" and len(loc) > 1 and isinstance(loc[1], int):
        rest = loc[2:]
        if rest[:1] == ("date",):
            return f"{visit_words(loc[1], data, with_date=False)}, visit date"
        if rest[:1] == ("snapshot",):
            field = _snapshot_field(rest[1:])
            return visit_words(loc[1], data) + (f", {field}" if field else "")
        return visit_words(loc[1], data)
    if head == "therapy_lines" and len(loc) > 1 and isinstance(loc[1], int):
        names = [p for p in _fields(loc[2:]) if p not in _NOT_FIELDS]
        field = mid_sentence(field_label(f"therapy_lines.{names[0]}")) if names else ""
        return line_words(loc[1], data) + (f", {field}" if field else "")
    if head == "notes" and len(loc) > 1 and isinstance(loc[1], int):
        field = str(loc[2]) if len(loc) > 2 else ""
        label = _NOTE_FIELDS.get(field, "")
        return f"note {loc[1] + 1}" + (f", {label}" if label else "")
    labels = {"visits": "visits", "therapy_lines": "lines of therapy", "notes": "notes"}
    return labels.get(str(head), "the file")


def fhir_place(loc: Sequence[Any], data: Any) -> str:
    """ "entry 5 (Observation), value quantity, unit": the FHIR entry (from 1), its resource
    type as the file names it, and the element's words."""
    if len(loc) > 1 and loc[0] == "entry" and isinstance(loc[1], int):
        kind = _index_in(data, "entry", loc[1], "resource", "resourceType")
        where = f"entry {loc[1] + 1}" + (f" ({kind})" if isinstance(kind, str) and kind else "")
        rest: Sequence[Any] = loc[2:]
        if rest[:1] == ("resource",):
            rest = rest[1:]
    else:
        where, rest = "the bundle", loc
    parts: list[str] = []
    for part in rest:
        if isinstance(part, int):
            if parts:
                parts[-1] += f" {part + 1}"
        elif _FIELD_PART.fullmatch(str(part)) and part not in _NOT_FIELDS:
            parts.append(_CAMEL.sub(" ", str(part)).lower().replace("_", " "))
    return ", ".join([where, *parts])


def _what_is_wrong(item: Any, leaf: Any) -> str:
    """The message of one validation error, by its type, with the value as entered."""
    kind = item["type"]
    entered = item.get("input")
    ctx = item.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"{as_entered(str(leaf))} is not a field this app reads"
    if kind in ("literal_error", "enum"):
        expected = _QUOTED.findall(str(ctx.get("expected", "")))
        choices = ", ".join(as_entered(choice) for choice in expected)
        return f"{as_entered(entered)} is not one of the accepted values ({choices})"
    if kind in ("string_too_long", "too_long"):
        limit = ctx.get("max_length")
        unit = "characters" if kind == "string_too_long" else "entries"
        return f"has more than {limit} {unit}" if limit is not None else "is too long"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(ctx.values()), None)
        relation = {
            "greater_than": "more than",
            "greater_than_equal": "at least",
            "less_than": "less than",
            "less_than_equal": "at most",
        }[kind]
        return f"must be {relation} {bound}, not {as_entered(entered)}"
    if kind in _TYPE_WORDS:
        words_ = _TYPE_WORDS[kind]
        if kind in ("missing", "string_too_short", "too_short"):
            return words_
        return f"{words_}, not {as_entered(entered)}"
    message = str(item["msg"]).removeprefix("Value error, ")
    instance = _EXPECTED_INSTANCE.match(message)
    if instance:
        return f"must be a FHIR {instance.group(1)} (a group of fields), not {as_entered(entered)}"
    spec = _SPEC_REGEX.match(message)
    if spec:
        form = _FHIR_FORMS.get(spec.group(1), "the form FHIR requires")
        return f"must be {form}, not {as_entered(entered)}"
    choice = _ANY_OF.match(message)
    if choice:
        names = [words(name) for name in _QUOTED.findall(choice.group(1))]
        return "needs one of: " + ", ".join(_CAMEL.sub(" ", n).lower() for n in names)
    if message.startswith("None is not allowed as an element of"):
        return "has an empty entry in its list"
    if kind in ("value_error", "assertion_error"):
        return plain(message)
    return plain(message[:1].lower() + message[1:])


def _sentence(where: str, problem: str) -> str:
    return f"{where[:1].upper()}{where[1:]}: {problem}"


def bundle_problems(error: ValidationError, data: Any) -> list[str]:
    """One sentence per invalid field of a native patient file (``data`` is its ``bundle``)."""
    who = patient_words(data)
    problems: list[str] = []
    seen: set[str] = set()
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        if item["type"] == BUNDLE_RECORD_ERROR:  # models.PatientBundle names the records
            for problem in (item.get("ctx") or {}).get("problems", ()):
                if f"{who}, {problem}" not in seen:
                    seen.add(f"{who}, {problem}")
                    problems.append(f"{who}, {problem}")
            continue
        if not loc:
            text = _sentence(who, plain(str(item["msg"])))
        else:
            extra = item["type"] == "extra_forbidden"
            where = native_place(loc[:-1] if extra else loc, data)
            text = _sentence(f"{who}, {where}", _what_is_wrong(item, loc[-1]))
        if text not in seen:
            seen.add(text)
            problems.append(text)
    return problems


def fhir_problems(error: ValidationError, data: Any) -> list[str]:
    """One sentence per invalid element of a FHIR Bundle (the first error of each element)."""
    problems: list[str] = []
    places: set[str] = set()
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        extra = item["type"] == "extra_forbidden"
        where = fhir_place(loc[:-1] if extra else loc, data)
        if where in places:
            continue
        places.add(where)
        problems.append(_sentence(where, _what_is_wrong(item, loc[-1] if loc else "")))
    return problems
