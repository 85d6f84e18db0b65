"""``myeloma-desk self-test``: each check passes on a good install and fails clearly otherwise."""

from __future__ import annotations

import io
import sys
import types
from pathlib import Path

import pytest

from myeloma_desk.cli import build_parser, main
from myeloma_desk.cli import self_test as st


def ctx(tmp_path: Path) -> st.Context:
    return st.Context(data_dir=str(tmp_path / "home"))


def test_registered_as_self_test_with_data_dir_before_or_after() -> None:
    parser = build_parser()
    after = parser.parse_args(["self-test", "--data-dir", "/x"])
    before = parser.parse_args(["--data-dir", "/y", "self-test"])
    neither = parser.parse_args(["self-test"])
    assert after.handler is st.run and after.data_dir == "/x"
    assert before.data_dir == "/y"
    assert neither.data_dir is None


def test_resources_pass_with_the_bundled_pdq_text(tmp_path: Path) -> None:
    detail = st.check_resources(ctx(tmp_path))
    assert f"{st.PDQ_SIZE} bytes" in detail
    assert "headings" in detail


def test_resources_fail_when_the_text_differs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(st, "PDQ_SHA256", "0" * 64)
    with pytest.raises(st.CheckFailed, match="changed or damaged"):
        st.check_resources(ctx(tmp_path))


def test_engine_known_cases_pass(tmp_path: Path) -> None:
    assert "4 known cases" in st.check_engine(ctx(tmp_path))


def test_engine_fails_on_a_wrong_expectation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = (("ISS III mislabelled", st.ENGINE_CASES[2][1], "determined", "II"),)
    monkeypatch.setattr(st, "ENGINE_CASES", wrong)
    with pytest.raises(st.CheckFailed, match="ISS gave determined 'III', expected determined 'II'"):
        st.check_engine(ctx(tmp_path))


def test_data_folder_writable_and_left_clean(tmp_path: Path) -> None:
    st.check_data_dir(ctx(tmp_path))
    home = tmp_path / "home"
    assert sorted(p.name for p in home.iterdir()) == ["cache", "config", "data", "logs"]
    assert not any(p.is_file() for p in home.rglob("*"))


def test_data_folder_that_cannot_be_created_fails(tmp_path: Path) -> None:
    blocker = tmp_path / "home"
    blocker.write_text("a file where the data folder should be")
    outcome = st.run_checks(ctx(tmp_path), (st.Check("data folder", st.check_data_dir),))[0]
    assert not outcome.passed
    assert "Error" in outcome.detail


def test_optional_module_absent_vs_broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert st.optional_module("myeloma_desk.no_such_component") is None
    (tmp_path / "broken_component_xyz.py").write_text("import dependency_missing_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    # Present but broken (as a frozen bundle missing a dependency would be): not "absent".
    with pytest.raises(ModuleNotFoundError, match="dependency_missing_xyz"):
        st.optional_module("broken_component_xyz")
    monkeypatch.delitem(sys.modules, "broken_component_xyz", raising=False)


def _fake_module(monkeypatch: pytest.MonkeyPatch, name: str, **attributes: object) -> None:
    """A stand-in module ``name`` with ``attributes`` in sys.modules, for this test only."""
    module = types.ModuleType(name)
    for attribute, value in attributes.items():
        setattr(module, attribute, value)
    monkeypatch.setitem(sys.modules, name, module)


def _fake_loader(monkeypatch: pytest.MonkeyPatch, evidence: object) -> None:
    _fake_module(monkeypatch, "myeloma_desk.evidence.loader", load=lambda: evidence)


def test_evidence_absent_fails_not_silently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "myeloma_desk.evidence.loader", None)  # import -> absent
    with pytest.raises(st.CheckFailed, match="not available in this build"):
        st.check_evidence(ctx(tmp_path))


def test_evidence_empty_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_loader(monkeypatch, types.SimpleNamespace(findings={}, trials={"t": 1}))
    with pytest.raises(st.CheckFailed, match="empty"):
        st.check_evidence(ctx(tmp_path))


def test_evidence_with_rows_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_loader(monkeypatch, types.SimpleNamespace(findings={"f": 1}, trials={"a": 1, "b": 2}))
    assert "1 findings, 2 trials" in st.check_evidence(ctx(tmp_path))


def test_store_absent_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(st, "optional_module", lambda name: None)
    with pytest.raises(st.CheckFailed, match="not available in this build"):
        st.check_store(ctx(tmp_path))


def test_pdf_renders_offscreen(tmp_path: Path, qapp: object) -> None:
    context = ctx(tmp_path)
    detail = st.check_pdf(context)
    assert "page(s)" in detail and "Qt platform offscreen" in detail


def test_plain_pdf_has_text_font(tmp_path: Path, qapp: object) -> None:
    target = tmp_path / "plain.pdf"
    assert st._render_plain_pdf(target) == 1
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and b"/Font" in data


def test_unexpected_error_is_a_failure_with_its_place(tmp_path: Path) -> None:
    def boom(_ctx: st.Context) -> str:
        raise ZeroDivisionError("division by zero")

    def fine(_ctx: st.Context) -> str:
        return "ok"

    outcomes = st.run_checks(ctx(tmp_path), (st.Check("boom", boom), st.Check("fine", fine)))
    assert [o.passed for o in outcomes] == [False, True]  # a failure never stops the rest
    assert outcomes[0].detail.startswith("ZeroDivisionError: division by zero (test_self_test.py:")


def test_report_lines_and_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def good(_ctx: st.Context) -> str:
        return "fine"

    def bad(_ctx: st.Context) -> str:
        raise st.CheckFailed("broken on purpose")

    monkeypatch.setattr(st, "CHECKS", (st.Check("alpha", good), st.Check("beta", bad)))
    assert main(["self-test", "--data-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        "PASS  alpha  fine",
        "FAIL  beta   broken on purpose",
        "self-test FAILED: 1 passed, 1 failed (beta)",
    ]
    monkeypatch.setattr(st, "CHECKS", (st.Check("alpha", good),))
    assert main(["self-test", "--data-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "self-test passed: all 1 checks"


def test_scratch_folder_removed_after_run(tmp_path: Path, qapp: object) -> None:
    main(["self-test", "--data-dir", str(tmp_path)])
    assert list((tmp_path / "cache").iterdir()) == []


class FakeStore:
    def __init__(self, log: list[tuple[str, object]], passphrase: object) -> None:
        self.log = log
        self.log.append(("open", passphrase))

    def schema_version(self) -> int:
        return 3

    def count_patients(self) -> int:
        return 9

    def close(self) -> None:
        self.log.append(("close", None))


def _fake_store(
    monkeypatch: pytest.MonkeyPatch, encryption: bool | None, log: list[tuple[str, object]]
) -> None:

    def open_store(paths: object, passphrase: object = None, **kwargs: object) -> FakeStore:
        assert kwargs == {"backup_on_open": False}  # the self-test never rotates backups
        return FakeStore(log, passphrase)

    _fake_module(monkeypatch, "myeloma_desk.store", open_store=open_store)
    if encryption is None:
        monkeypatch.setitem(sys.modules, "myeloma_desk.store.db", None)
    else:
        _fake_module(monkeypatch, "myeloma_desk.store.db", encryption_available=lambda: encryption)


def test_store_opens_and_reports_counts_without_encryption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log: list[tuple[str, object]] = []
    _fake_store(monkeypatch, encryption=False, log=log)
    detail = st.check_store(ctx(tmp_path))
    assert detail.startswith("opened: schema version 3, 9 patient(s)")
    assert "encryption at rest: not in this build" in detail
    assert log == [("open", None), ("close", None)]


def test_store_round_trips_an_encrypted_scratch_store_when_sqlcipher_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log: list[tuple[str, object]] = []
    _fake_store(monkeypatch, encryption=True, log=log)
    detail = st.check_store(ctx(tmp_path))
    assert detail.endswith("encryption at rest: SQLCipher works")
    secret = "self-test passphrase"
    assert log == [("open", None), ("close", None)] + [("open", secret), ("close", None)] * 2


@pytest.mark.parametrize(
    ("error", "passed", "says"),
    [
        ("PassphraseRequiredError", True, "encrypted store found; not opened"),
        ("StoreLockedError", False, "open in a running Myeloma Desk"),
        ("StoreCorruptError", False, "StoreCorruptError: boom"),
    ],
)
def test_store_open_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: str, passed: bool, says: str
) -> None:
    kind = type(error, (Exception,), {})

    def open_store(paths: object, passphrase: object = None, **kwargs: object) -> None:
        raise kind("boom")

    _fake_module(monkeypatch, "myeloma_desk.store", open_store=open_store)
    monkeypatch.setitem(sys.modules, "myeloma_desk.store.db", None)
    outcome = st.run_checks(ctx(tmp_path), (st.Check("patient store", st.check_store),))[0]
    assert outcome.passed is passed
    assert says in outcome.detail


def test_report_survives_a_console_that_cannot_encode_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    buffer = io.BytesIO()
    ascii_console = io.TextIOWrapper(buffer, encoding="ascii")

    def fancy(_ctx: st.Context) -> str:
        return "β2-microglobulin ≥ 5.5 mg/L …"

    monkeypatch.setattr(sys, "stdout", ascii_console)
    monkeypatch.setattr(st, "CHECKS", (st.Check("unicode", fancy),))
    assert main(["self-test", "--data-dir", str(tmp_path)]) == 0
    ascii_console.flush()
    assert "PASS  unicode  \\u03b22-microglobulin \\u2265 5.5" in buffer.getvalue().decode()


def test_qt_plugins_pass_and_a_missing_image_format_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: object
) -> None:
    assert "SVG icon" in st.check_qt_plugins(ctx(tmp_path))
    monkeypatch.setattr(st, "IMAGE_FORMATS", ("png", "no-such-format"))
    with pytest.raises(st.CheckFailed, match="image format plugins missing: no-such-format"):
        st.check_qt_plugins(ctx(tmp_path))
