"""The CLI store commands on both backends: this computer's SQLite store and the clinic's
PostgreSQL store (``--store``, the throwaway cluster of conftest.py, as clinician ``cleo``).

``demo``, ``patients list/verify/audit``, ``report`` (a visit and the course) and the
self-test's store check each run the same way on both; no password ever reaches argv, the
output, the logs or the settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from myeloma_desk.cli import main
from myeloma_desk.cli import self_test as st
from myeloma_desk.store.demo import demo_bundles

BACKENDS = ["local", "server"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """The global options of one backend: a data folder, plus ``--store`` for the server."""
    home = tmp_path / "home"
    if request.param == "local":
        return {"name": "local", "argv": ["--data-dir", str(home)], "home": home, "site": None}
    site = request.getfixturevalue("server_site")
    target = site.target("cleo")
    argv = ["--data-dir", str(home), "--store", target]
    return {"name": "server", "argv": argv, "home": home, "site": site, "target": target}


def run(
    capsys: pytest.CaptureFixture[str], backend: dict[str, Any], *args: str
) -> tuple[int, str, str]:
    code = main([*backend["argv"], *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _first_demo() -> tuple[str, str]:
    """A demo patient's identifier and the date of their first visit."""
    bundle = next(b for b in demo_bundles() if b.visits)
    assert bundle.patient.identifier is not None
    return bundle.patient.identifier, bundle.visits[0].date.isoformat()


def test_demo_list_report_audit_and_verify(
    backend: dict[str, Any], capsys: pytest.CaptureFixture[str], tmp_path: Path, qapp: object
) -> None:
    count = len(demo_bundles())
    code, out, _ = run(capsys, backend, "demo")
    assert code == 0 and f"added {count} demo patient(s)" in out
    code, out, _ = run(capsys, backend, "demo")
    assert code == 0 and "nothing added" in out
    code, out, _ = run(capsys, backend, "patients", "list")
    assert code == 0 and f"{count} patient(s)" in out

    identifier, day = _first_demo()
    visit_pdf, course_pdf = tmp_path / "visit.pdf", tmp_path / "course.pdf"
    code, _, err = run(
        capsys, backend, "report", "--patient", identifier, "--visit", day, "-o", str(visit_pdf)
    )
    assert code == 0, err
    assert visit_pdf.read_bytes().startswith(b"%PDF")
    code, _, err = run(
        capsys, backend, "report", "--course", "--patient", identifier, "-o", str(course_pdf)
    )
    assert code == 0, err
    assert course_pdf.read_bytes().startswith(b"%PDF")

    code, out, _ = run(capsys, backend, "patients", "audit")
    assert code == 0 and out.count("print") >= 2
    if backend["name"] == "server":
        assert "by cleo" in out  # the login role, filled in by the server
    code, out, _ = run(capsys, backend, "patients", "verify")
    assert code == 0 and "audit log intact" in out


def test_report_of_an_unknown_patient(
    backend: dict[str, Any], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, backend, "demo")
    code, _, err = run(
        capsys, backend, "report", "--course", "--patient", "NOBODY-1", "-o", str(tmp_path / "x")
    )
    assert code == 2 and "no patient with identifier 'NOBODY-1'" in err
    assert not (tmp_path / "x").exists()


def test_self_test_checks_the_chosen_store(backend: dict[str, Any]) -> None:
    ctx = st.Context(data_dir=str(backend["home"]), server=backend.get("target"))
    try:
        detail = st.check_store(ctx)
    finally:
        if ctx.scratch is not None:
            import shutil

            shutil.rmtree(ctx.scratch, ignore_errors=True)
    if backend["name"] == "server":
        assert detail.startswith("clinic server: signed in as cleo (clinician), schema version")
        assert "audit log and its protections intact" in detail
    else:
        assert detail.startswith("opened: schema version")


def test_an_unreachable_server_is_one_message_for_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    target = f"host=127.0.0.1 port={port} dbname=myeloma user=cleo connect_timeout=2"
    argv = ["--data-dir", str(tmp_path / "home"), "--store", target]
    for args in (["demo"], ["report", "--course", "--patient", "X", "-o", str(tmp_path / "x")]):
        code = main([*argv, *args])
        err = capsys.readouterr().err
        assert code in (1, 3) and "cannot be reached: connection refused" in err, args
        assert "Traceback" not in err
    ctx = st.Context(data_dir=str(tmp_path / "home"), server=target)
    with pytest.raises(st.CheckFailed, match="cannot be reached"):
        st.check_store(ctx)


def test_no_password_reaches_output_logs_or_settings(
    server_site: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    home = tmp_path / "home"
    target = server_site.target("cleo")
    main(["--data-dir", str(home), "--store", target, "demo"])
    main(["--data-dir", str(home), "--store", target, "patients", "list"])
    identifier, _day = _first_demo()
    out_pdf = tmp_path / "c.pdf"
    main(["--data-dir", str(home), "--store", target, "report", "--course", "--patient",
          identifier, "-o", str(out_pdf)])  # fmt: skip
    captured = capsys.readouterr()
    passwords = list(server_site.cluster.passwords.values())
    assert "password" not in target  # the address itself carries none: libpq's password file
    texts = [captured.out, captured.err]
    texts += [p.read_bytes().decode("latin-1") for p in home.rglob("*") if p.is_file()]
    texts.append(out_pdf.read_bytes().decode("latin-1"))
    for text in texts:
        for secret in passwords:
            assert secret not in text


def test_export_and_import_on_either_backend(
    backend: dict[str, Any], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, backend, "demo")
    exported = tmp_path / "p.json"
    code, _, err = run(
        capsys, backend, "patients", "export", "DEMO-0009", "--format", "json", "-o", str(exported)
    )
    assert code == 0 and "written" in err
    other = tmp_path / "other"  # a fresh local store takes it ...
    assert main(["--data-dir", str(other), "patients", "import", str(exported)]) == 0
    assert "DEMO Ivanova, Nadia" in capsys.readouterr().out
    # ... and the store it came from refuses it again, with nothing written
    code, _, err = run(capsys, backend, "patients", "import", str(exported))
    assert code == 2 and "already exists" in err and "nothing was written" in err
    code, out, _ = run(capsys, backend, "patients", "audit")
    assert code == 0 and "export" in out


def test_the_window_opens_on_the_server_given_with_store(
    server_site: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os
    import subprocess
    import sys

    from myeloma_desk.paths import AppPaths
    from myeloma_desk.settings import load_settings

    home = tmp_path / "home"
    target = server_site.target("cleo")
    main(["--data-dir", str(home), "--store", target, "demo"])
    capsys.readouterr()
    # the window runs its own event loop: in a process of its own, as a user starts it
    shown = subprocess.run(
        [sys.executable, "-c", "from myeloma_desk.cli import main; raise SystemExit(main())",
         "--data-dir", str(home), "--store", target, "--check-start"],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert "patients: Patients\n" in shown.stdout  # the list, not "store unavailable"
    assert load_settings(AppPaths.resolve(str(home))).server_store == target

    secret = "host=db.clinic dbname=myeloma user=cleo password=hunter2"
    assert main(["--data-dir", str(home), "--store", secret, "--check-start"]) == 2
    err = capsys.readouterr().err
    assert "must not contain a password" in err and "hunter2" not in err
