"""Criteria rules, one module per published criteria family.

MODULES lists them in output order; the engine imports each once. A module registers its rules
with ``myeloma_desk.domain.engine.rule``.
"""

MODULES: tuple[str, ...] = (
    "diagnosis",
    "staging",
    "cytogenetics",
    "precursor_risk",
    "response",
    "amyloidosis",
    "renal",
    "fitness",
    "thrombosis",
    "therapy",
    "supportive",
)
