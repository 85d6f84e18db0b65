"""UI tests: a model tester's failure fails the test.

pytest-qt's ``qtmodeltester`` uses Qt's QAbstractItemModelTester, which reports what it finds
as Qt warnings ("FAIL! …") and would let the test pass; this makes every such warning, in any
UI test, a failure.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _model_tester_failures_fail(qtlog: pytest.FixtureDef) -> Iterator[None]:
    yield
    failures = [r.message for r in qtlog.records if "FAIL!" in r.message]  # type: ignore[attr-defined]
    assert not failures, "the model tester found problems:\n" + "\n".join(failures)
