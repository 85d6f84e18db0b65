"""Drugs named in the PDQ summary and their classes (one table for the engine and evidence).

Classes follow the refractoriness definitions of Rajkumar SV et al., Blood 2015;126:921 and the
PDQ's own grouping (../shared/reference/criteria-summary.md, "Therapy lines and eligibility"):
triple-class = a proteasome inhibitor, an immunomodulatory drug and an anti-CD38 antibody;
penta-refractory = bortezomib, carfilzomib, lenalidomide, pomalidomide and an anti-CD38 antibody.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DrugClass(StrEnum):
    """Drug classes used by refractoriness, eligibility and the regimen browser."""

    PROTEASOME_INHIBITOR = "proteasome_inhibitor"
    IMMUNOMODULATORY = "immunomodulatory_drug"
    ANTI_CD38 = "anti_cd38_antibody"
    ANTI_SLAMF7 = "anti_slamf7_antibody"
    BCMA_ADC = "bcma_antibody_drug_conjugate"
    BCMA_BISPECIFIC = "bcma_bispecific_antibody"
    GPRC5D_BISPECIFIC = "gprc5d_bispecific_antibody"
    BCMA_CAR_T = "bcma_car_t"
    XPO1_INHIBITOR = "xpo1_inhibitor"
    BCL2_INHIBITOR = "bcl2_inhibitor"
    BRAF_MEK_INHIBITOR = "braf_mek_inhibitor"
    ALKYLATOR = "alkylating_agent"
    ANTHRACYCLINE = "anthracycline"
    VINCA_ALKALOID = "vinca_alkaloid"
    CORTICOSTEROID = "corticosteroid"
    INTERFERON = "interferon"
    BISPHOSPHONATE = "bisphosphonate"
    RANKL_ANTIBODY = "rankl_antibody"
    ANTI_FIBRIL_ANTIBODY = "anti_amyloid_fibril_antibody"


# Each class in words, as a clinician writes it (the one home for these labels).
CLASS_LABELS: dict[DrugClass, str] = {
    DrugClass.PROTEASOME_INHIBITOR: "Proteasome inhibitor",
    DrugClass.IMMUNOMODULATORY: "Immunomodulatory drug",
    DrugClass.ANTI_CD38: "Anti-CD38 antibody",
    DrugClass.ANTI_SLAMF7: "Anti-SLAMF7 antibody",
    DrugClass.BCMA_ADC: "BCMA antibody–drug conjugate",
    DrugClass.BCMA_BISPECIFIC: "BCMA bispecific antibody",
    DrugClass.GPRC5D_BISPECIFIC: "GPRC5D bispecific antibody",
    DrugClass.BCMA_CAR_T: "BCMA CAR T-cell therapy",
    DrugClass.XPO1_INHIBITOR: "XPO1 inhibitor",
    DrugClass.BCL2_INHIBITOR: "BCL2 inhibitor",
    DrugClass.BRAF_MEK_INHIBITOR: "BRAF and MEK inhibitors",
    DrugClass.ALKYLATOR: "Alkylating agent",
    DrugClass.ANTHRACYCLINE: "Anthracycline",
    DrugClass.VINCA_ALKALOID: "Vinca alkaloid",
    DrugClass.CORTICOSTEROID: "Corticosteroid",
    DrugClass.INTERFERON: "Interferon",
    DrugClass.BISPHOSPHONATE: "Bisphosphonate",
    DrugClass.RANKL_ANTIBODY: "RANKL antibody",
    DrugClass.ANTI_FIBRIL_ANTIBODY: "Anti-amyloid fibril antibody",
}


def class_label(drug_class: DrugClass) -> str:
    """A drug class in words ("BCMA antibody–drug conjugate")."""
    return CLASS_LABELS[drug_class]


# Classes whose members are "BCMA-directed" (belantamab, teclistamab, elranatamab, ide-cel,
# cilta-cel).
BCMA_DIRECTED = frozenset({DrugClass.BCMA_ADC, DrugClass.BCMA_BISPECIFIC, DrugClass.BCMA_CAR_T})


@dataclass(frozen=True)
class Drug:
    """A drug: canonical name (lower case, as the PDQ writes it), class and synonyms."""

    name: str
    drug_class: DrugClass
    # Brand names and common short forms for search. Single letters (V, R, d ...) are regimen
    # abbreviations whose meaning depends on the regimen, so they are not synonyms here.
    synonyms: tuple[str, ...] = ()


DRUGS: tuple[Drug, ...] = (
    Drug("bortezomib", DrugClass.PROTEASOME_INHIBITOR, ("velcade", "bort")),
    Drug("carfilzomib", DrugClass.PROTEASOME_INHIBITOR, ("kyprolis", "carf")),
    Drug("ixazomib", DrugClass.PROTEASOME_INHIBITOR, ("ninlaro", "ixa")),
    Drug("thalidomide", DrugClass.IMMUNOMODULATORY, ("thalomid", "thal")),
    Drug("lenalidomide", DrugClass.IMMUNOMODULATORY, ("revlimid", "len")),
    Drug("pomalidomide", DrugClass.IMMUNOMODULATORY, ("pomalyst", "pom")),
    Drug("daratumumab", DrugClass.ANTI_CD38, ("darzalex", "dara")),
    Drug("isatuximab", DrugClass.ANTI_CD38, ("sarclisa", "isa")),
    Drug("elotuzumab", DrugClass.ANTI_SLAMF7, ("empliciti", "elo")),
    Drug("belantamab mafodotin", DrugClass.BCMA_ADC, ("blenrep", "belantamab", "belamaf")),
    Drug("teclistamab", DrugClass.BCMA_BISPECIFIC, ("tecvayli", "tec")),
    Drug("elranatamab", DrugClass.BCMA_BISPECIFIC, ("elrexfio",)),
    Drug("talquetamab", DrugClass.GPRC5D_BISPECIFIC, ("talvey", "tal")),
    Drug("idecabtagene vicleucel", DrugClass.BCMA_CAR_T, ("ide-cel", "abecma", "car-t")),
    Drug("ciltacabtagene autoleucel", DrugClass.BCMA_CAR_T, ("cilta-cel", "carvykti", "car-t")),
    Drug("selinexor", DrugClass.XPO1_INHIBITOR, ("xpovio", "sel")),
    Drug("venetoclax", DrugClass.BCL2_INHIBITOR, ("venclexta", "ven")),
    Drug("encorafenib", DrugClass.BRAF_MEK_INHIBITOR, ()),
    Drug("binimetinib", DrugClass.BRAF_MEK_INHIBITOR, ()),
    Drug("melphalan", DrugClass.ALKYLATOR, ("mel",)),
    Drug("cyclophosphamide", DrugClass.ALKYLATOR, ("cy",)),
    Drug("bendamustine", DrugClass.ALKYLATOR, ()),
    Drug("doxorubicin", DrugClass.ANTHRACYCLINE, ("pegylated liposomal doxorubicin", "pld")),
    Drug("vincristine", DrugClass.VINCA_ALKALOID, ()),
    Drug("dexamethasone", DrugClass.CORTICOSTEROID, ("dex",)),
    Drug("prednisone", DrugClass.CORTICOSTEROID, ("pred",)),
    Drug("interferon", DrugClass.INTERFERON, ()),
    Drug("zoledronic acid", DrugClass.BISPHOSPHONATE, ("zoledronate", "zometa")),
    Drug("pamidronate", DrugClass.BISPHOSPHONATE, ("aredia",)),
    Drug("clodronate", DrugClass.BISPHOSPHONATE, ()),
    Drug("denosumab", DrugClass.RANKL_ANTIBODY, ("xgeva",)),
    Drug("anselamimab", DrugClass.ANTI_FIBRIL_ANTIBODY, ()),
)

BY_NAME: dict[str, Drug] = {drug.name: drug for drug in DRUGS}


def drug_class(name: str) -> DrugClass | None:
    """The class of drug ``name`` (canonical name, case-insensitive), or None if unknown."""
    drug = BY_NAME.get(name.strip().lower())
    return drug.drug_class if drug else None


def _synonym_index() -> dict[str, Drug]:
    """Lower-case names and unambiguous synonyms -> drug ("car-t" names two drugs: left out)."""
    counts: dict[str, int] = {}
    for drug in DRUGS:
        for synonym in drug.synonyms:
            counts[synonym] = counts.get(synonym, 0) + 1
    index: dict[str, Drug] = {}
    for drug in DRUGS:
        for synonym in drug.synonyms:
            if counts[synonym] == 1 and synonym not in BY_NAME:
                index[synonym] = drug
        index[drug.name] = drug
    return index


_BY_ANY_NAME = _synonym_index()


def resolve_drug(name: str) -> Drug | None:
    """The drug called ``name`` (canonical name or unambiguous synonym, any case), or None."""
    return _BY_ANY_NAME.get(" ".join(name.strip().lower().split()))
