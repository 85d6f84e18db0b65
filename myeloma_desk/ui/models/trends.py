"""Trend data from a patient's dated snapshots: the series the chart draws and the response
category at each follow-up (computed by the engine's ``response_imwg`` rule when it exists)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from myeloma_desk.domain.engine import assess, rules
from myeloma_desk.domain.snapshot import HistoryEntry, Snapshot
from myeloma_desk.store.snapshot_builder import lines_as_of


@dataclass(frozen=True)
class Series:
    """One panel: a label, its canonical unit and dated values, oldest first."""

    key: str
    label: str
    unit: str
    points: list[tuple[dt.date, float]]


@dataclass(frozen=True)
class TrendData:
    series: list[Series]
    responses: list[tuple[dt.date, str]] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not any(s.points for s in self.series)


def trend_data(snapshot: Snapshot) -> TrendData:
    """Series for M-protein, involved FLC, FLC ratio, creatinine and hemoglobin over the
    snapshot's history and itself, plus the response at each dated follow-up."""
    entries: list[HistoryEntry | Snapshot] = [*snapshot.history]
    if snapshot.date is not None:
        entries.append(snapshot)
    involved = snapshot.m_protein_light_chain

    def points(name: str) -> list[tuple[dt.date, float]]:
        out = []
        for e in entries:
            value = e.get(name)
            if value is not None and e.date is not None:
                out.append((e.date, value))
        return out

    ratio: list[tuple[dt.date, float]] = []
    for e in entries:
        kappa, lam = e.get("free_kappa"), e.get("free_lambda")
        if kappa is not None and lam and e.date is not None:
            ratio.append((e.date, kappa / lam))
    # The involved chain is the recorded light chain of the M-protein; when it is not
    # recorded both chains are drawn rather than guessing (as the report does).
    if involved in ("kappa", "lambda"):
        flc = [
            Series("involved_flc", f"Involved FLC ({involved})", "mg/L", points(f"free_{involved}"))
        ]
    else:
        flc = [
            Series("free_kappa", "Free kappa", "mg/L", points("free_kappa")),
            Series("free_lambda", "Free lambda", "mg/L", points("free_lambda")),
        ]
    series = [
        Series("serum_m_protein", "Serum M-protein", "g/dL", points("serum_m_protein")),
        *flc,
        Series("flc_ratio", "FLC ratio κ/λ", "ratio", ratio),
        Series("creatinine", "Creatinine", "mg/dL", points("creatinine")),
        Series("hemoglobin", "Hemoglobin", "g/dL", points("hemoglobin")),
    ]
    return TrendData(series, responses_over_time(snapshot))


def responses_over_time(snapshot: Snapshot) -> list[tuple[dt.date, str]]:
    """The IMWG response at each dated entry after the baseline (empty if the engine has no
    ``response_imwg`` rule or nothing can be determined)."""
    if "response_imwg" not in {r.id for r in rules()}:
        return []
    entries = [*snapshot.history]
    out: list[tuple[dt.date, str]] = []
    for i in range(1, len(entries) + 1):
        if i < len(entries):
            current = Snapshot.model_validate(
                {
                    **entries[i].model_dump(exclude_none=True),
                    "history": [h.model_dump(exclude_none=True) for h in entries[:i]],
                    "m_protein_light_chain": snapshot.m_protein_light_chain,
                    "m_protein_heavy_chain": snapshot.m_protein_heavy_chain,
                    # The lines as known on that date, so that each response is measured
                    # from the baseline of its own line (as the course model and timeline do).
                    "therapy_lines": [
                        line.model_dump(exclude_none=True)
                        for line in lines_as_of(snapshot.therapy_lines, entries[i].date)
                    ],
                }
            )
        elif snapshot.date is not None:
            current = snapshot
        else:
            continue
        result = assess(current, rule_ids=["response_imwg"]).results[0]
        if result.status == "determined" and isinstance(result.result, str) and current.date:
            out.append((current.date, result.result))
    return out
