"""Code systems and the diagnosis → ICD-10-CM / ICD-O-3 table used by FHIR exchange.

Each code was checked against a public source (listed in docs/store.md, "Codes"). Categories
without a verified code export only the app's own coding, never a guessed one.
"""

from __future__ import annotations

from dataclasses import dataclass

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
# The app's own code systems (URNs, so they can never collide with a real registry).
APP_DIAGNOSIS = "urn:myeloma-desk:diagnosis"
APP_DRUG = "urn:myeloma-desk:drug"
APP_MRN = "urn:myeloma-desk:identifier"
EXT_BEST_RESPONSE = "urn:myeloma-desk:fhir:best-response"
EXT_REFRACTORY = "urn:myeloma-desk:fhir:refractory"
EXT_PHASE = (
    "urn:myeloma-desk:fhir:line-phase"  # induction / transplant / consolidation / maintenance
)


@dataclass(frozen=True)
class Coded:
    code: str
    display: str


@dataclass(frozen=True)
class DiagnosisCodes:
    icd10cm: Coded | None
    icdo3: Coded | None


_MM = Coded("C90.00", "Multiple myeloma not having achieved remission")
_PCM = Coded("9732/3", "Plasma cell myeloma")
_MGUS = Coded("D47.2", "Monoclonal gammopathy")
_MGUS_O3 = Coded("9765/1", "Monoclonal gammopathy")
_SP = Coded("C90.30", "Solitary plasmacytoma not having achieved remission")

DIAGNOSIS_CODES: dict[str, DiagnosisCodes] = {
    "active_multiple_myeloma": DiagnosisCodes(_MM, _PCM),
    # Smoldering myeloma is not a C90 code: AHA Coding Clinic for ICD-10-CM/PCS 2021 Q3 (vol. 8
    # no. 3) assigns D47.2; SEER codes asymptomatic (smoldering) plasma cell myeloma 9732/3.
    "smoldering_multiple_myeloma": DiagnosisCodes(_MGUS, _PCM),
    "non_igm_mgus": DiagnosisCodes(_MGUS, _MGUS_O3),
    "igm_mgus": DiagnosisCodes(_MGUS, _MGUS_O3),
    "light_chain_mgus": DiagnosisCodes(_MGUS, _MGUS_O3),
    "solitary_plasmacytoma": DiagnosisCodes(_SP, Coded("9731/3", "Plasmacytoma of bone")),
    # Minimal marrow involvement may accompany a bone or an extramedullary lesion: no ICD-O.
    "solitary_plasmacytoma_minimal_marrow": DiagnosisCodes(_SP, None),
    "extramedullary_plasmacytoma": DiagnosisCodes(
        Coded("C90.20", "Extramedullary plasmacytoma not having achieved remission"),
        Coded("9734/3", "Extraosseous plasmacytoma"),
    ),
    # ICD-O-3 9733/3 (plasma cell leukemia) could not be confirmed from a source: not sent.
    "plasma_cell_leukemia": DiagnosisCodes(
        Coded("C90.10", "Plasma cell leukemia not having achieved remission"), None
    ),
    "al_amyloidosis": DiagnosisCodes(Coded("E85.81", "Light chain (AL) amyloidosis"), None),
    # No single ICD-10-CM code for POEMS syndrome was verified: app coding only.
    "poems_syndrome": DiagnosisCodes(None, None),
}

KNOWN_ICD10CM = {c.icd10cm.code for c in DIAGNOSIS_CODES.values() if c.icd10cm}
KNOWN_ICDO3 = {c.icdo3.code for c in DIAGNOSIS_CODES.values() if c.icdo3}
# Codes that name exactly one of the app's categories (used when a file has no app coding).
UNAMBIGUOUS_ICD10CM: dict[str, str] = {
    code: diagnosis
    for diagnosis, codes in DIAGNOSIS_CODES.items()
    if codes.icd10cm
    and (code := codes.icd10cm.code)
    and sum(1 for other in DIAGNOSIS_CODES.values() if other.icd10cm and other.icd10cm.code == code)
    == 1
}
