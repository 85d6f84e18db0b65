"""Serum free light chains (FLC): the one home of the κ/λ ratio and its reference range.

Reference range of the κ/λ ratio 0.26–1.65 (Katzmann 2002 Clin Chem, the range IMWG 2014 uses
for light-chain MGUS, Rajkumar 2014 Lancet Oncol Panel 2, and IMWG 2016 for a "normal FLC
ratio"; ../shared/reference/criteria-summary.md). Chains are in mg/L (the canonical FLC unit).

Ratio at a zero denominator, defined once: a/0 is infinite when a > 0 (the other chain is
undetectable: as abnormal as a ratio can be) and undefined (None) when both are 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Literal

from myeloma_desk.domain.snapshot import Snapshot
from myeloma_desk.domain.units import fmt, ge, gt, lt

FLC_RATIO_LOW = 0.26  # κ/λ < 0.26 is abnormal (Katzmann 2002; Rajkumar 2014, light-chain MGUS)
FLC_RATIO_HIGH = 1.65  # κ/λ > 1.65 is abnormal


# 28 significant digits, rounding half to even: the decimal defaults, held in one context object
# so that a division needs no context manager (issue 18).
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)


def divide(a: float, b: float) -> float | None:
    """a / b exactly (decimal); ∞ when b is 0 and a > 0; None when both are 0."""
    if b == 0:
        return math.inf if a > 0 else None
    return float(_CONTEXT.divide(Decimal(repr(a)), Decimal(repr(b))))


def _both_ways(a: float, b: float) -> tuple[float | None, float | None]:
    """(a / b, b / a) exactly as :func:`divide` gives each, both values read into decimals once."""
    if a == 0 or b == 0:
        return divide(a, b), divide(b, a)
    da, db = Decimal(repr(a)), Decimal(repr(b))
    return float(_CONTEXT.divide(da, db)), float(_CONTEXT.divide(db, da))


def kappa_lambda_ratio(kappa: float | None, lam: float | None) -> float | None:
    """κ/λ (see the module docstring for λ = 0); None if either chain is missing."""
    if kappa is None or lam is None:
        return None
    return divide(kappa, lam)


@dataclass(frozen=True)
class Flc:
    """Serum free light chains with the involved chain chosen as stated in ``chosen_by``."""

    kappa: float
    lambda_: float
    involved: Literal["kappa", "lambda"]
    chosen_by: str
    ratio: float | None  # involved/uninvolved; math.inf if the uninvolved chain is 0
    kappa_lambda: float | None  # kappa/lambda; math.inf if lambda is 0

    @property
    def involved_value(self) -> float:
        return self.kappa if self.involved == "kappa" else self.lambda_

    @property
    def uninvolved_value(self) -> float:
        return self.lambda_ if self.involved == "kappa" else self.kappa

    def describe(self, s: Snapshot) -> str:
        ratio = "undefined" if self.ratio is None else fmt_ratio(self.ratio)
        return (
            f"κ {s.shown('free_kappa')}, λ {s.shown('free_lambda')}; involved {self.involved} "
            f"({self.chosen_by}); involved/uninvolved ratio {ratio}"
        )


def fmt_ratio(ratio: float) -> str:
    return "∞ (uninvolved chain 0)" if math.isinf(ratio) else fmt(round(ratio, 4))


def ratio_ge(ratio: float, threshold: float) -> bool:
    """ratio ≥ threshold for a ratio that may be infinite."""
    return math.isinf(ratio) or ge(ratio, threshold)


def ratio_gt(ratio: float, threshold: float) -> bool:
    """ratio > threshold for a ratio that may be infinite."""
    return math.isinf(ratio) or gt(ratio, threshold)


def flc(s: Snapshot) -> Flc | None:
    """FLC facts, or None if kappa or lambda is missing (computed once per snapshot)."""
    return s.derived("diagnosis.flc", _flc)


def _flc(s: Snapshot) -> Flc | None:
    """FLC facts.

    Involved chain: ``m_protein_light_chain`` when given, otherwise the higher of the two chains
    (kappa when they are equal); ``chosen_by`` says which was used.
    """
    kappa = s.get("free_kappa")
    lam = s.get("free_lambda")
    if kappa is None or lam is None:
        return None
    involved: Literal["kappa", "lambda"]
    if s.m_protein_light_chain is not None:
        involved = s.m_protein_light_chain
        chosen_by = "from the M-protein light chain"
    else:
        involved = "kappa" if kappa >= lam else "lambda"
        chosen_by = "the higher chain; M-protein light chain not recorded"
    if involved == "kappa":  # the involved/uninvolved ratio is κ/λ itself
        kappa_lambda = divide(kappa, lam)
        return Flc(kappa, lam, involved, chosen_by, kappa_lambda, kappa_lambda)
    kappa_lambda, lambda_kappa = _both_ways(kappa, lam)
    return Flc(kappa, lam, involved, chosen_by, lambda_kappa, kappa_lambda)


def flc_ratio_abnormal(f: Flc) -> bool | None:
    """kappa/lambda < 0.26 or > 1.65 (None if both chains are 0)."""
    if f.kappa_lambda is None:
        return None
    return ratio_gt(f.kappa_lambda, FLC_RATIO_HIGH) or lt(f.kappa_lambda, FLC_RATIO_LOW)
