"""Load and validate the bundled evidence database (cached once per process).

    from myeloma_desk.evidence.loader import load
    db = load()          # EvidenceDB, validated; later calls return the same object

The YAML files in resources/evidence/ are the one edited source (curated by hand, reviewed in
diffs; docs/evidence.md). ``evidence.json`` is a build artefact compiled from them by
:func:`compile_bundle` (``tools/extract_evidence.py build``) because JSON parses several times
faster; a test asserts it is exactly what the YAML gives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import yaml

from myeloma_desk.evidence import EVIDENCE_VERSION, PDQ_DATE
from myeloma_desk.evidence.schema import (
    DoseStatement,
    DrugRecord,
    EvidenceDB,
    Finding,
    Reference,
    Regimen,
    Trial,
)

try:  # libyaml is several times faster; fall back to the pure-Python loader.
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader


class EvidenceError(RuntimeError):
    """The bundled database is missing or does not validate."""


def _folder() -> Traversable:
    return resources.files("myeloma_desk.resources").joinpath("evidence")


def _read(node: Traversable) -> Any:
    return yaml.load(node.read_text(encoding="utf-8"), Loader=_Loader)


BUNDLE = "evidence.json"


def raw_data(prefer_bundle: bool = True) -> dict[str, Any]:
    """The database as plain data (what :class:`EvidenceDB` validates).

    The YAML files are the edited source; ``evidence.json`` is the same data compiled into one
    file by :func:`compile_bundle` because parsing JSON is several times faster than YAML. A
    test keeps the two identical. Without the bundle the YAML is read.
    """
    folder = _folder()
    bundle = folder / BUNDLE
    if prefer_bundle and bundle.is_file():
        data: dict[str, Any] = json.loads(bundle.read_text(encoding="utf-8"))
        return data
    return yaml_data()


def yaml_data() -> dict[str, Any]:
    """The database read from the YAML source files."""
    folder = _folder()
    meta = _read(folder / "meta.yaml")
    refs = _read(folder / "references.yaml")
    findings: list[Any] = []
    finding_dir = folder / "findings"
    for node in sorted(finding_dir.iterdir(), key=lambda n: n.name):
        if node.name.endswith(".yaml"):
            findings.extend(_read(node) or [])
    return {
        **meta,
        "drugs": _read(folder / "drugs.yaml"),
        "regimens": _read(folder / "regimens.yaml"),
        "trials": _read(folder / "trials.yaml"),
        "findings": findings,
        "references": refs["references"],
        "key_references": refs["key_references"],
        "doses": _read(folder / "doses.yaml"),
        "errata": _read(folder / "errata.yaml"),
    }


def validate(data: dict[str, Any]) -> EvidenceDB:
    """Validate plain data against the schema (types, fields, ids that must resolve)."""
    return EvidenceDB.model_validate(data)


def compile_bundle() -> str:
    """``evidence.json`` as it must be: the YAML source validated, then written as one JSON line.

    Raises :class:`EvidenceError` when the YAML does not validate, so a broken edit is never
    compiled into the bundle the app loads.
    """
    data = yaml_data()
    try:
        validate(data)
    except ValueError as exc:
        raise EvidenceError(f"resources/evidence does not validate: {exc}") from exc
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Evidence:
    """The validated database with look-up tables."""

    db: EvidenceDB
    findings: dict[str, Finding] = field(default_factory=dict)
    trials: dict[str, Trial] = field(default_factory=dict)
    regimens: dict[str, Regimen] = field(default_factory=dict)
    drugs: dict[str, DrugRecord] = field(default_factory=dict)
    doses: dict[str, DoseStatement] = field(default_factory=dict)
    references: dict[tuple[str, int], Reference] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.db.evidence_version

    @property
    def pdq_date(self) -> str:
        return self.db.pdq_date

    def doses_for(self, regimen: Regimen) -> list[DoseStatement]:
        """The dose statements that concern this regimen, not every statement naming one of
        its drugs: every drug of the statement is a component (so a CyBorD note never lands
        on every dexamethasone regimen), a statement from the amyloidosis section only
        where the regimen is described for AL amyloidosis, and a statement about named
        regimens (``DoseStatement.regimens``) only under those (CyBorD's renal preference is
        not Dara-CyBorD's, VRd's cycles around transplant not D-VRd's)."""
        components = set(regimen.components)
        settings = {*regimen.settings, *regimen.described_settings}
        return [
            dose
            for dose in self.db.doses
            if dose.drugs
            and set(dose.drugs) <= components
            and (dose.quote.section != "amyloidosis" or "al_amyloidosis" in settings)
            and (not dose.regimens or regimen.id in dose.regimens)
        ]

    def findings_of_trial(self, trial_id: str) -> list[Finding]:
        return [f for f in self.db.findings if f.trial == trial_id]

    def get(self, record_id: str) -> Any:
        """Any record by id: finding, trial, regimen (id or abbreviation), drug, dose."""
        for table in (self.findings, self.trials, self.regimens, self.doses):
            if record_id in table:
                return table[record_id]
        low = record_id.lower()
        for reg in self.db.regimens:
            if reg.abbreviation.lower() == low:
                return reg
        if low in self.drugs:
            return self.drugs[low]
        for trial in self.db.trials:
            if (trial.name or "").lower() == low or low in (n.lower() for n in trial.nct_ids):
                return trial
        raise KeyError(record_id)


@lru_cache(maxsize=1)
def load() -> Evidence:
    """Load, validate and index the bundled database (once per process)."""
    try:
        db = validate(raw_data())
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise EvidenceError(f"evidence database does not load: {exc}") from exc
    if db.evidence_version != EVIDENCE_VERSION or db.pdq_date != PDQ_DATE:
        raise EvidenceError(
            f"evidence data version {db.evidence_version}/{db.pdq_date} does not match "
            f"the code ({EVIDENCE_VERSION}/{PDQ_DATE})"
        )
    return Evidence(
        db=db,
        findings={f.id: f for f in db.findings},
        trials={t.id: t for t in db.trials},
        regimens={r.id: r for r in db.regimens},
        drugs={d.name: d for d in db.drugs},
        doses={d.id: d for d in db.doses},
        references={(r.section, r.number): r for r in db.references},
    )
