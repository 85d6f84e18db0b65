"""Result vocabularies shared by the engine, the store and the UI (one definition each).

Fixed from outside by ../shared/reference/assessment-interchange.md.
"""

from __future__ import annotations

from typing import Literal, get_args

# The result values of the `diagnosis` rule.
Diagnosis = Literal[
    "active_multiple_myeloma",
    "smoldering_multiple_myeloma",
    "non_igm_mgus",
    "igm_mgus",
    "light_chain_mgus",
    "solitary_plasmacytoma",
    "solitary_plasmacytoma_minimal_marrow",
    "extramedullary_plasmacytoma",
    "plasma_cell_leukemia",
    "al_amyloidosis",
    "poems_syndrome",
    "no_plasma_cell_neoplasm",
]
DIAGNOSES: tuple[str, ...] = get_args(Diagnosis)
