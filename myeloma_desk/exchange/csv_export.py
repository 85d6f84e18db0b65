"""Research CSV of a cohort: one row per visit, documented columns (docs/store.md).

Measured values are given in their canonical unit (named in the column header), converted
exactly with domain/units.py and written at full precision, so every row of a column is
comparable. With ``deidentify`` the
name, identifier and notes columns are left out, the patient key is a random pseudonym, and
all dates of a patient move by that patient's own random offset.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from myeloma_desk.domain.fields import MEASURED_FIELDS
from myeloma_desk.domain.units import UNITS
from myeloma_desk.exchange.deidentify import deidentify, pseudonym, random_offset
from myeloma_desk.store.models import PatientBundle
from myeloma_desk.store.snapshot_builder import age_on, lines_as_of

CATEGORICAL = (
    "m_protein_heavy_chain",
    "m_protein_light_chain",
    "serum_immunofixation",
    "urine_immunofixation",
    "biopsy_proven_plasmacytoma",
    "soft_tissue_plasmacytomas",
    "clonality_proven",
    "ecog",
)


def measured_header(field: str) -> str:
    """``serum_m_protein [g/dL]``: the field and its canonical unit."""
    return f"{field} [{UNITS[MEASURED_FIELDS[field].dim].canonical}]"


def columns(deidentified: bool) -> list[str]:
    """The CSV header for the chosen mode."""
    head = ["patient_key"]
    if not deidentified:
        head += ["name", "identifier"]
    head += ["birth_date", "sex", "diagnosis", "visit_date", "age_years"]
    head += [measured_header(field) for field in MEASURED_FIELDS]
    head += [*CATEGORICAL, "fish", "lines_started", "current_regimen"]
    return head


def number(value: float) -> str:
    """Full precision (shortest exact repr); whole numbers without ".0"."""
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


def _safe_text(value: str) -> str:
    """Neutralise spreadsheet formulas in free text (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def cohort_csv(items: Iterable[tuple[str, PatientBundle]], deidentify_rows: bool = False) -> str:
    """CSV text for ``(patient_key, bundle)`` pairs, one row per visit, oldest first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns(deidentify_rows))
    for key, original in items:
        bundle = original
        if deidentify_rows:
            key = pseudonym()
            bundle = deidentify(original, random_offset(), key)
        info = bundle.patient
        for visit in bundle.visits:
            snap = visit.snapshot
            row: list[str] = [key]
            if not deidentify_rows:
                row += [_safe_text(info.name), _safe_text(info.identifier or "")]
            age = snap.age_years
            if age is None and info.birth_date is not None:
                age = age_on(info.birth_date, visit.date)
            row += [
                info.birth_date.isoformat() if info.birth_date else "",
                info.sex or "",
                info.diagnosis or "",
                visit.date.isoformat(),
                number(age) if age is not None else "",
            ]
            for field in MEASURED_FIELDS:
                value = snap.get(field)
                row.append(number(value) if value is not None else "")
            for name in CATEGORICAL:
                value = getattr(snap, name)
                row.append("" if value is None else str(value).lower())
            row.append(";".join(str(f) for f in snap.fish) if snap.fish is not None else "")
            known = lines_as_of(bundle.therapy_lines, visit.date)
            started = [
                line for line in known if line.start is not None and line.start <= visit.date
            ]
            running = [line for line in started if line.end is None]
            row += [str(len(started)), _safe_text(running[-1].regimen) if running else ""]
            writer.writerow(row)
    return out.getvalue()
