"""R-ISS (Palumbo 2015 J Clin Oncol) and R2-ISS (D'Agostino 2022 J Clin Oncol): stage rules,
points, thresholds below/at/above, missing inputs decided by the others, PDQ Table 2 wording."""

from __future__ import annotations

from typing import Any

import pytest
from engine1_build import build

from myeloma_desk.domain.criteria.staging import r2_iss, r_iss

ISS_I = {"beta2_microglobulin": (3.0, "mg/L"), "albumin": (4.0, "g/dL")}
ISS_II = {"beta2_microglobulin": (4.0, "mg/L"), "albumin": (4.0, "g/dL")}
ISS_III = {"beta2_microglobulin": (6.0, "mg/L"), "albumin": (3.0, "g/dL")}
LDH_NORMAL = {"ldh": (200, "U/L"), "ldh_upper_limit": (250, "U/L")}
LDH_HIGH = {"ldh": (251, "U/L"), "ldh_upper_limit": (250, "U/L")}


def stage(rule: Any, **fields: Any) -> tuple[str, Any]:
    r = rule(build(**fields))
    return r.status, r.result


@pytest.mark.parametrize(
    ("iss", "ldh", "fish", "expected"),
    [
        (ISS_I, LDH_NORMAL, [], "I"),
        (ISS_I, LDH_NORMAL, ["hyperdiploidy", "t(11;14)", "gain1q"], "I"),  # not R-ISS high risk
        (ISS_I, LDH_HIGH, [], "II"),
        (ISS_I, LDH_NORMAL, ["t(4;14)"], "II"),
        (ISS_II, LDH_HIGH, ["del17p"], "II"),
        (ISS_III, LDH_NORMAL, [], "II"),
        (ISS_III, LDH_HIGH, [], "III"),
        (ISS_III, LDH_NORMAL, ["t(14;16)"], "III"),
        (ISS_III, LDH_NORMAL, ["del17p"], "III"),
    ],
)
def test_r_iss_stages(iss: dict, ldh: dict, fish: list[str], expected: str) -> None:
    assert stage(r_iss, **iss, **ldh, fish=fish) == ("determined", expected)


@pytest.mark.parametrize(("ldh", "high"), [(249, False), (250, False), (251, True)])
def test_ldh_at_the_uln_is_normal(ldh: float, high: bool) -> None:
    fields = {**ISS_III, "ldh": (ldh, "U/L"), "ldh_upper_limit": (250, "U/L"), "fish": []}
    assert stage(r_iss, **fields)[1] == ("III" if high else "II")


def test_r_iss_survival_and_pdq_wording() -> None:
    r = r_iss(build(**ISS_III, **LDH_HIGH, fish=[]))
    assert r.detail["median_os_months"] == 43
    assert r.detail["five_year_os_percent"] == 40
    first = r_iss(build(**ISS_I, **LDH_NORMAL, fish=[]))
    assert first.detail["median_os_months"] is None
    assert first.detail["median_os_text"] == "not reached"
    assert "R-ISS" in first.detail["pdq_difference"]
    assert first.detail["pdq_wording"]["II"].startswith("Not R-ISS I or III")


def test_iss_iii_with_high_ldh_needs_no_fish() -> None:
    r = r_iss(build(**ISS_III, **LDH_HIGH))
    assert (r.status, r.result) == ("determined", "III")
    assert "fish" in r.missing


def test_iss_ii_is_r_iss_ii_whatever_else() -> None:
    r = r_iss(build(**ISS_II))
    assert (r.status, r.result) == ("determined", "II")
    assert set(r.missing) == {"ldh", "ldh_upper_limit", "fish"}


def test_iss_i_without_fish_cannot_determine() -> None:
    r = r_iss(build(**ISS_I, **LDH_NORMAL))
    assert r.status == "cannot_determine"
    assert r.detail["possible"] == ["I", "II"]
    assert r.missing == ["fish"]


def test_iss_i_with_high_ldh_is_ii_without_fish() -> None:
    assert stage(r_iss, **ISS_I, **LDH_HIGH) == ("determined", "II")


@pytest.mark.parametrize("missing", ["beta2_microglobulin", "albumin", "ldh", "ldh_upper_limit"])
def test_r_iss_each_input_missing(missing: str) -> None:
    fields: dict[str, Any] = {**ISS_I, **LDH_NORMAL, "fish": []}
    fields[missing] = None
    r = r_iss(build(**fields))
    assert r.status == "cannot_determine"
    assert missing in r.missing


def test_r_iss_b2m_unknown_but_low_albumin_rules_out_i() -> None:
    # without B2M, albumin < 3.5 excludes ISS I; normal LDH and FISH leave II (ISS II or III)
    r = r_iss(build(albumin=(3.0, "g/dL"), **LDH_NORMAL, fish=[]))
    assert (r.status, r.result) == ("determined", "II")


# --- R2-ISS ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iss", "ldh", "fish", "points", "group"),
    [
        (ISS_I, LDH_NORMAL, [], 0, "I"),
        (ISS_I, LDH_NORMAL, ["gain1q"], 0.5, "II"),
        (ISS_I, LDH_NORMAL, ["amp1q"], 0.5, "II"),
        (ISS_II, LDH_NORMAL, [], 1, "II"),
        (ISS_I, LDH_NORMAL, ["t(4;14)", "gain1q"], 1.5, "III"),
        (ISS_III, LDH_NORMAL, [], 1.5, "III"),
        (ISS_II, LDH_HIGH, ["gain1q"], 2.5, "III"),
        (ISS_II, LDH_HIGH, ["del17p"], 3, "IV"),
        (ISS_III, LDH_HIGH, ["del17p", "t(4;14)", "gain1q"], 5, "IV"),
        (ISS_I, LDH_NORMAL, ["t(14;16)", "t(14;20)", "del13"], 0, "I"),  # not scored in R2-ISS
    ],
)
def test_r2_iss_points(iss: dict, ldh: dict, fish: list[str], points: float, group: str) -> None:
    r = r2_iss(build(**iss, **ldh, fish=fish))
    assert (r.status, r.result) == ("determined", group)
    assert r.detail["points"] == points


def test_r2_iss_worked_example_and_survival() -> None:
    # D'Agostino 2022 scoring: ISS III (1.5) + del(17p) (1) + high LDH (1) = 3.5 → R2-ISS IV.
    r = r2_iss(build(**ISS_III, **LDH_HIGH, fish=["del17p"]))
    assert (r.result, r.detail["points"]) == ("IV", 3.5)
    assert r.detail["median_os_months"] == 37.9
    assert "could not be checked" in r.detail["survival_verification"]
    low = r2_iss(build(**ISS_I, **LDH_NORMAL, fish=[]))
    assert low.detail["median_os_text"] == "not reached"


def test_r2_iss_decided_despite_missing_fish() -> None:
    # ISS III + high LDH = 2.5 at least; FISH can add up to 2.5 → III or IV: undecided
    r = r2_iss(build(**ISS_III, **LDH_HIGH))
    assert r.status == "cannot_determine"
    assert r.detail["possible"] == ["III", "IV"]
    assert r.detail["points_range"] == [2.5, 5.0]


@pytest.mark.parametrize("missing", ["beta2_microglobulin", "albumin", "ldh", "fish"])
def test_r2_iss_each_input_missing(missing: str) -> None:
    fields: dict[str, Any] = {**ISS_I, **LDH_NORMAL, "fish": []}
    fields[missing] = None
    r = r2_iss(build(**fields))
    assert r.status == "cannot_determine"
    assert missing in r.missing
