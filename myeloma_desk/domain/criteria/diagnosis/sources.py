"""The sources the diagnosis criteria sets cite (each registered once)."""

from __future__ import annotations

from myeloma_desk.domain.results import source

RAJKUMAR_2014 = source(
    "Rajkumar 2014 Lancet Oncol",
    "Rajkumar SV, Dimopoulos MA, Palumbo A, et al. International Myeloma Working Group updated "
    "criteria for the diagnosis of multiple myeloma. Lancet Oncol. 2014;15(12):e538-e548.",
)
FERNANDEZ_DE_LARREA_2021 = source(
    "Fernández de Larrea 2021 Blood Cancer J",
    "Fernández de Larrea C, Kyle R, Rosiñol L, et al. Primary plasma cell leukemia: consensus "
    "definition by the International Myeloma Working Group according to peripheral blood plasma "
    "cell percentage. Blood Cancer J. 2021;11(12):192.",
)
JELINEK_2023 = source(
    "Jelinek 2023 J Clin Oncol",
    "Jelinek T, Bezdekova R, Zihala D, et al. More Than 2% of Circulating Tumor Plasma Cells "
    "Defines Plasma Cell Leukemia-Like Multiple Myeloma. J Clin Oncol. 2023;41(7):1383-1392.",
)
DISPENZIERI_2019 = source(
    "Dispenzieri 2019 Am J Hematol",
    "Dispenzieri A. POEMS syndrome: 2019 Update on diagnosis, risk-stratification, and "
    "management. Am J Hematol. 2019;94(7):812-827 (criteria as in the 2011 update, Am J Hematol "
    "2011;86(7):591-601, which the PDQ cites).",
)
COCKCROFT_GAULT_1976 = source(
    "Cockcroft 1976 Nephron",
    "Cockcroft DW, Gault MH. Prediction of creatinine clearance from serum creatinine. Nephron. "
    "1976;16(1):31-41.",
)
