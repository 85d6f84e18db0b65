"""Level-of-evidence codes explained as NCI defines them (tooltips, legends, exports).

The PDQ's "[Level of evidence B1]" markers use NCI's scheme, *Levels of Evidence for Adult and
Pediatric Cancer Treatment Studies (PDQ®)*; its definitions are in resources/evidence/meta.yaml
(``levels``), restated from ../shared/reference/levels-of-evidence.md with the source URL and
the scheme's revision date. Every text here names NCI as the source: the definitions are
NCI's, not ours. The letter is a tier, not the design alone (A1 and B1 are both randomized
trials; A2 is a meta-analysis).

Pure Python (no Qt).
"""

from __future__ import annotations

from myeloma_desk.evidence.loader import load
from myeloma_desk.evidence.schema import LevelOfEvidence, LevelsScheme


def _scheme() -> LevelsScheme:
    return load().db.levels


def attribution(scheme: LevelsScheme | None = None) -> str:
    """Who defines the codes, where, and the revision date (NCI, title, revised, URL)."""
    s = scheme or _scheme()
    revised = f", revised {s.revised}" if s.revised else ""
    return (
        f"Definitions from the National Cancer Institute (NCI): {s.title}{revised}, {s.source_url}"
    )


def definition(code: str, scheme: LevelsScheme | None = None) -> LevelOfEvidence | None:
    """NCI's entry for ``code`` ("B1"), or None when the code is not in the scheme."""
    s = scheme or _scheme()
    return next((lv for lv in s.levels if lv.code == code), None)


def describe(code: str | None, scheme: LevelsScheme | None = None) -> str:
    """One line for a tooltip: the code with NCI's meaning, or why there is none."""
    if code is None:
        return "No level-of-evidence marker: the PDQ reports this result without one."
    entry = definition(code, scheme)
    if entry is None:
        return f"Level of evidence {code}: this code is not in NCI's scheme as bundled."
    meaning = entry.definition or f"{entry.design}; end point {entry.end_point}"
    return f"Level of evidence {code} (NCI): {meaning}."


def legend(scheme: LevelsScheme | None = None) -> list[tuple[str, str]]:
    """(code, NCI's meaning) for every code of the scheme, strongest first, as NCI orders them."""
    s = scheme or _scheme()
    return [(lv.code, lv.definition or f"{lv.design}; end point {lv.end_point}") for lv in s.levels]
