"""Units of measure: every lab value carries its unit; conversions are exact and explicit.

Each measured field has one *canonical* unit (the unit its criteria are written in) and a table
of accepted units with an exact factor to the canonical unit. Factors are stored as decimal
strings and applied with :class:`decimal.Decimal`, so 2.75 mmol/L of calcium converts to exactly
the number a clinician would compute by hand, and comparisons at thresholds are not disturbed by
binary floating-point noise.

Conversion factors (source: ../shared/reference/criteria-summary.md, "Conventions"):
  creatinine 88.42 µmol/L per mg/dL; calcium 0.2495 mmol/L per mg/dL; albumin and hemoglobin
  10 g/L per g/dL; FLC 10 mg/L per mg/dL.
Other factors are definitions (g = 1000 mg; ng/L = pg/mL; ng/mL = µg/L; lb = 0.45359237 kg) or
are documented where they are defined below.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum

# Comparisons with a threshold are done after rounding to this many decimal places in the
# canonical unit: far finer than any lab reports, far coarser than float noise.
COMPARE_PLACES = 9


class Dim(StrEnum):
    """The measured quantities the engine knows, named by what they measure."""

    SERUM_PROTEIN = "serum_protein"  # g/dL: albumin, serum M-protein
    HEMOGLOBIN = "hemoglobin"  # g/dL
    URINE_PROTEIN_24H = "urine_protein_24h"  # mg/24h: urine M-protein
    PROTEINURIA_24H = "proteinuria_24h"  # g/24h: total proteinuria (AL renal stage)
    FREE_LIGHT_CHAIN = "free_light_chain"  # mg/L
    BETA2_MICROGLOBULIN = "beta2_microglobulin"  # mg/L
    ENZYME_ACTIVITY = "enzyme_activity"  # U/L: LDH
    CREATININE = "creatinine"  # mg/dL
    CALCIUM = "calcium"  # mg/dL
    CLEARANCE = "clearance"  # mL/min
    EGFR = "egfr"  # mL/min/1.73m2
    PERCENT = "percent"  # %
    COUNT = "count"  # lesions
    MASS = "mass"  # kg: body weight
    LENGTH = "length"  # cm: height
    NATRIURETIC_PEPTIDE = "natriuretic_peptide"  # ng/L (= pg/mL): NT-proBNP, BNP
    TROPONIN = "troponin"  # ng/mL (= µg/L): troponin T and I
    BMI = "bmi"  # kg/m2
    YEARS = "years"  # age


@dataclass(frozen=True)
class UnitTable:
    """Canonical unit and exact factors *to* it for one dimension, plus UCUM codes."""

    canonical: str
    # accepted unit -> exact factor to canonical, as a decimal string: "10" multiplies by 10,
    # "/88.42" divides by 88.42 (so the published factor is kept exactly as published).
    factors: dict[str, str]
    ucum: dict[str, str]  # accepted unit -> UCUM code (for FHIR export)


# The engine accepts exactly these spellings (the interchange spec lists them); "umol/L" and
# "ug/L" are ASCII spellings of µmol/L and µg/L.
UNITS: dict[Dim, UnitTable] = {
    Dim.SERUM_PROTEIN: UnitTable(
        "g/dL", {"g/dL": "1", "g/L": "0.1"}, {"g/dL": "g/dL", "g/L": "g/L"}
    ),
    Dim.HEMOGLOBIN: UnitTable("g/dL", {"g/dL": "1", "g/L": "0.1"}, {"g/dL": "g/dL", "g/L": "g/L"}),
    Dim.URINE_PROTEIN_24H: UnitTable(
        "mg/24h", {"mg/24h": "1", "g/24h": "1000"}, {"mg/24h": "mg/(24.h)", "g/24h": "g/(24.h)"}
    ),
    Dim.PROTEINURIA_24H: UnitTable(
        "g/24h", {"g/24h": "1", "mg/24h": "0.001"}, {"g/24h": "g/(24.h)", "mg/24h": "mg/(24.h)"}
    ),
    Dim.FREE_LIGHT_CHAIN: UnitTable(
        "mg/L", {"mg/L": "1", "mg/dL": "10"}, {"mg/L": "mg/L", "mg/dL": "mg/dL"}
    ),
    # beta-2-microglobulin: 1 nmol/L = 0.0118 mg/L from its molecular mass of 11,800 Da
    # (11.8 kDa, as laboratory assay references state); 1 µg/mL = 1 mg/L by definition.
    Dim.BETA2_MICROGLOBULIN: UnitTable(
        "mg/L",
        {"mg/L": "1", "ug/mL": "1", "µg/mL": "1", "nmol/L": "0.0118"},
        {"mg/L": "mg/L", "ug/mL": "ug/mL", "µg/mL": "ug/mL", "nmol/L": "nmol/L"},
    ),
    Dim.ENZYME_ACTIVITY: UnitTable("U/L", {"U/L": "1"}, {"U/L": "U/L"}),
    Dim.CREATININE: UnitTable(
        "mg/dL",
        {"mg/dL": "1", "µmol/L": "/88.42", "umol/L": "/88.42"},
        {"mg/dL": "mg/dL", "µmol/L": "umol/L", "umol/L": "umol/L"},
    ),
    Dim.CALCIUM: UnitTable(
        "mg/dL",
        {"mg/dL": "1", "mmol/L": "/0.2495"},
        {"mg/dL": "mg/dL", "mmol/L": "mmol/L"},
    ),
    Dim.CLEARANCE: UnitTable("mL/min", {"mL/min": "1"}, {"mL/min": "mL/min"}),
    Dim.EGFR: UnitTable(
        "mL/min/1.73m2",
        {"mL/min/1.73m2": "1", "mL/min/1.73m²": "1"},
        {"mL/min/1.73m2": "mL/min/{1.73_m2}", "mL/min/1.73m²": "mL/min/{1.73_m2}"},
    ),
    Dim.PERCENT: UnitTable("%", {"%": "1"}, {"%": "%"}),
    Dim.COUNT: UnitTable("count", {"count": "1"}, {"count": "{count}"}),
    Dim.MASS: UnitTable("kg", {"kg": "1", "lb": "0.45359237"}, {"kg": "kg", "lb": "[lb_av]"}),
    Dim.LENGTH: UnitTable(
        "cm", {"cm": "1", "m": "100", "in": "2.54"}, {"cm": "cm", "m": "m", "in": "[in_i]"}
    ),
    Dim.NATRIURETIC_PEPTIDE: UnitTable(
        "ng/L", {"ng/L": "1", "pg/mL": "1"}, {"ng/L": "ng/L", "pg/mL": "pg/mL"}
    ),
    Dim.TROPONIN: UnitTable(
        "ng/mL",
        {"ng/mL": "1", "µg/L": "1", "ug/L": "1", "ng/L": "0.001"},
        {"ng/mL": "ng/mL", "µg/L": "ug/L", "ug/L": "ug/L", "ng/L": "ng/L"},
    ),
    Dim.BMI: UnitTable("kg/m2", {"kg/m2": "1", "kg/m²": "1"}, {"kg/m2": "kg/m2", "kg/m²": "kg/m2"}),
    Dim.YEARS: UnitTable("years", {"years": "1", "a": "1"}, {"years": "a", "a": "a"}),
}


class UnitError(ValueError):
    """A unit the field does not accept."""


def accepted_units(dim: Dim) -> list[str]:
    """The spellings accepted for ``dim``, canonical first."""
    table = UNITS[dim]
    return [table.canonical, *[u for u in table.factors if u != table.canonical]]


def _factor(unit: str, dim: Dim) -> tuple[Decimal, bool]:
    """The factor for ``unit`` and whether it divides (True) or multiplies (False)."""
    cached = _PARSED.get((dim, unit))
    if cached is not None:
        return cached
    factor = UNITS[dim].factors.get(unit)
    if factor is None:
        raise UnitError(
            f"unit {unit!r} is not accepted; use one of: {', '.join(accepted_units(dim))}"
        )
    parsed = (Decimal(factor[1:]), True) if factor.startswith("/") else (Decimal(factor), False)
    _PARSED[(dim, unit)] = parsed
    return parsed


_PARSED: dict[tuple[Dim, str], tuple[Decimal, bool]] = {}
_ONE = Decimal(1)


def to_canonical(value: float, unit: str, dim: Dim) -> float:
    """Convert ``value`` in ``unit`` to the canonical unit of ``dim`` exactly (then to float)."""
    factor, divides = _factor(unit, dim)
    if factor == _ONE:
        return round(float(value), 12)
    with localcontext() as ctx:
        ctx.prec = 28
        given = Decimal(repr(float(value)))
        exact = given / factor if divides else given * factor
        return float(round(exact, 12))


def from_canonical(value: float, unit: str, dim: Dim) -> float:
    """Convert a canonical value of ``dim`` into ``unit`` (inverse of :func:`to_canonical`)."""
    factor, divides = _factor(unit, dim)
    if factor == _ONE:
        return round(float(value), 12)
    with localcontext() as ctx:
        ctx.prec = 28
        given = Decimal(repr(float(value)))
        exact = given * factor if divides else given / factor
        return float(round(exact, 12))


def _q(x: float) -> float:
    # Rounding to COMPARE_PLACES decimals (correctly rounded by Python's round) removes binary
    # float noise such as 10.8 - 9.8 = 1.0000000000000009 before a threshold comparison.
    return round(x, COMPARE_PLACES)


# The comparisons below give exactly ``round(a, COMPARE_PLACES) OP round(b, COMPARE_PLACES)``
# but round only when the two are within _NEAR (ten grid steps) of each other: rounding to a fixed
# number of decimals is monotone, so a ≥ b implies round(a) ≥ round(b), and values further apart
# than a grid step cannot round to the same value or to the reverse order. Rounding is the costly
# part of a comparison (issue 18); tests/unit/domain/test_units_compare.py checks the equivalence.
_NEAR = 10.0 ** -(COMPARE_PLACES - 1)


def ge(a: float, b: float) -> bool:
    """a ≥ b, compared after rounding away float noise."""
    d = a - b
    if d >= 0:
        return True
    if d < -_NEAR:
        return False
    return round(a, COMPARE_PLACES) >= round(b, COMPARE_PLACES)


def gt(a: float, b: float) -> bool:
    """a > b, compared after rounding away float noise."""
    d = a - b
    if d > _NEAR:
        return True
    if d <= 0:
        return False
    return round(a, COMPARE_PLACES) > round(b, COMPARE_PLACES)


def le(a: float, b: float) -> bool:
    """a ≤ b, compared after rounding away float noise."""
    return ge(b, a)


def lt(a: float, b: float) -> bool:
    """a < b, compared after rounding away float noise."""
    return gt(b, a)


def sub(a: float, b: float) -> float:
    """a − b without float noise (10.8 − 9.8 == 1.0)."""
    return _q(_q(a) - _q(b))


# How a laboratory prints a unit that the input accepts in an ASCII spelling (docs/assess.md).
_PRINTED = {
    "mg/24h": "mg/24 h",
    "g/24h": "g/24 h",
    "mL/min/1.73m2": "mL/min/1.73 m²",
    "mL/min/1.73m²": "mL/min/1.73 m²",
    "kg/m2": "kg/m²",
    "umol/L": "µmol/L",
    "ug/L": "µg/L",
    "ug/mL": "µg/mL",
}


def unit_label(unit: str) -> str:
    """A unit as the laboratory prints it ("mg/24h" → "mg/24 h", "umol/L" → "µmol/L").

    The one unit-display function: explanations (through :func:`fmt`), screens and reports use
    it, so every unit is printed the same way wherever it is shown.
    """
    return _PRINTED.get(unit, unit)


def fmt(value: float, unit: str = "") -> str:
    """Human form of a number: no trailing zeros, unit (as printed) appended when given."""
    text = f"{value:.6g}" if abs(value) < 1e6 else f"{value:.0f}"
    # unit_label(unit), inlined (issue 18: fmt runs about twenty times per assessment)
    return f"{text} {_PRINTED.get(unit, unit)}".rstrip() if unit else text
