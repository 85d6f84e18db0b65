"""Three-valued logic: unknown never silently becomes False or True."""

from __future__ import annotations

import pytest

from myeloma_desk.domain.logic import tri_all, tri_any


@pytest.mark.parametrize(
    ("values", "all_", "any_"),
    [
        ([True, True], True, True),
        ([True, False], False, True),
        ([False, False], False, False),
        ([True, None], None, True),
        ([False, None], False, None),
        ([None, None], None, None),
        ([], True, False),
    ],
)
def test_kleene_truth_tables(
    values: list[bool | None], all_: bool | None, any_: bool | None
) -> None:
    assert tri_all(values) is all_
    assert tri_any(values) is any_
