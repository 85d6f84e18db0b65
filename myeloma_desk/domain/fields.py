"""What each measured field of a snapshot is: its dimension, plausible range and label.

Plausibility limits are *data-entry* limits in the canonical unit, wide enough for any real
patient and narrow enough to catch a wrong unit (albumin 35 "g/dL" is g/L typed with the wrong
unit). They are not clinical thresholds and no rule uses them.
"""

from __future__ import annotations

from dataclasses import dataclass

from myeloma_desk.domain.units import Dim


@dataclass(frozen=True)
class FieldSpec:
    """One measured field: dimension, plausible range (canonical unit) and display label."""

    name: str
    dim: Dim
    low: float
    high: float
    label: str
    # LOINC code, filled only where verified (FHIR export sends only these fields; the codes and
    # where each was confirmed are listed in docs/store.md, "LOINC codes").
    loinc: str | None = None


MEASURED_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("weight", Dim.MASS, 1, 400, "Weight", loinc="29463-7"),
        FieldSpec("height", Dim.LENGTH, 30, 250, "Height", loinc="8302-2"),
        FieldSpec("serum_m_protein", Dim.SERUM_PROTEIN, 0, 20, "Serum M-protein", loinc="33358-3"),
        FieldSpec("urine_m_protein_24h", Dim.URINE_PROTEIN_24H, 0, 100_000, "Urine M-protein"),
        FieldSpec("free_kappa", Dim.FREE_LIGHT_CHAIN, 0, 100_000, "Free kappa", loinc="36916-5"),
        FieldSpec("free_lambda", Dim.FREE_LIGHT_CHAIN, 0, 100_000, "Free lambda", loinc="33944-0"),
        FieldSpec(
            "beta2_microglobulin",
            Dim.BETA2_MICROGLOBULIN,
            0,
            200,
            "β2-microglobulin",
            loinc="1952-1",
        ),
        FieldSpec("albumin", Dim.SERUM_PROTEIN, 0.5, 7.0, "Albumin", loinc="1751-7"),
        FieldSpec("ldh", Dim.ENZYME_ACTIVITY, 1, 20_000, "LDH", loinc="2532-0"),
        FieldSpec("ldh_upper_limit", Dim.ENZYME_ACTIVITY, 50, 2_000, "LDH upper limit of normal"),
        FieldSpec("creatinine", Dim.CREATININE, 0.1, 30, "Creatinine", loinc="2160-0"),
        FieldSpec("creatinine_clearance", Dim.CLEARANCE, 0, 250, "Creatinine clearance"),
        FieldSpec("calcium", Dim.CALCIUM, 3, 25, "Calcium", loinc="17861-6"),
        FieldSpec("calcium_upper_limit", Dim.CALCIUM, 8, 12, "Calcium upper limit of normal"),
        FieldSpec("hemoglobin", Dim.HEMOGLOBIN, 2, 25, "Hemoglobin", loinc="718-7"),
        FieldSpec("hemoglobin_lower_limit", Dim.HEMOGLOBIN, 8, 18, "Hemoglobin lower limit"),
        FieldSpec("bone_marrow_plasma_cells_percent", Dim.PERCENT, 0, 100, "Clonal BMPC"),
        FieldSpec(
            "circulating_plasma_cells_percent", Dim.PERCENT, 0, 100, "Circulating plasma cells"
        ),
        FieldSpec("del17p_clonal_fraction_percent", Dim.PERCENT, 0, 100, "del(17p) fraction"),
        FieldSpec("lytic_lesions", Dim.COUNT, 0, 1_000, "Osteolytic lesions"),
        FieldSpec("mri_focal_lesions", Dim.COUNT, 0, 1_000, "MRI focal lesions"),
        FieldSpec("nt_probnp", Dim.NATRIURETIC_PEPTIDE, 0, 1_000_000, "NT-proBNP", loinc="33762-6"),
        FieldSpec("bnp", Dim.NATRIURETIC_PEPTIDE, 0, 100_000, "BNP", loinc="30934-4"),
        FieldSpec("troponin_t", Dim.TROPONIN, 0, 100, "Troponin T", loinc="6598-7"),
        FieldSpec("troponin_i", Dim.TROPONIN, 0, 1_000, "Troponin I", loinc="10839-9"),
        FieldSpec("proteinuria_24h", Dim.PROTEINURIA_24H, 0, 100, "Proteinuria", loinc="2889-4"),
        FieldSpec("egfr", Dim.EGFR, 0, 250, "eGFR"),
        FieldSpec("bmi", Dim.BMI, 5, 100, "BMI", loinc="39156-5"),
    )
}
