"""The Linux installer end to end: build the .deb, install, self-test offline, upgrade, remove.

Slow (one PyInstaller build, about a minute on 2 cores, plus a repackage). Needs root and dpkg,
as CI has; elsewhere it is skipped with the reason. It refuses (fails) to run where the package
is already installed rather than replace someone's installation. It leaves the machine as it
found it: the package is removed (purged) at the end even when a step fails.
"""

from __future__ import annotations

import faulthandler
import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from myeloma_desk import __version__

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "packaging" / "linux" / "build-deb.sh"
PKG = "myeloma-desk"
INSTALL_DIR = Path("/opt/myeloma-desk")
MAX_INSTALLED_BYTES = 150 * 1000 * 1000  # installed size budget: 150 MB
V1 = __version__
V2 = f"{__version__}+upgrade1"  # a newer Debian version of the same code (dpkg sorts + after)


def _skip_reason() -> str | None:
    if os.name != "posix" or os.geteuid() != 0:
        return "needs root (dpkg -i installs system-wide); CI runs as root"
    for tool in ("dpkg", "dpkg-deb", "dpkg-query"):
        if shutil.which(tool) is None:
            return f"{tool} is missing: not a Debian/Ubuntu machine"
    return None


def run(
    cmd: list[str], *, timeout: float = 300, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)  # type: ignore[call-overload, no-any-return]


def must(cmd: list[str], *, timeout: float = 300, **kwargs: object) -> str:
    done = run(cmd, timeout=timeout, **kwargs)
    assert done.returncode == 0, (
        f"{' '.join(cmd)} exited {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n"
        f"{done.stderr}"
    )
    return done.stdout


def installed_version() -> str | None:
    done = run(["dpkg-query", "-W", "-f=${Status} ${Version}", PKG])
    if done.returncode != 0 or "ok installed" not in done.stdout:
        return None
    return done.stdout.split()[-1]


@dataclass(frozen=True)
class Debs:
    old: Path
    new: Path


def no_hang_dump() -> None:
    """Builds and installs take longer than the suite's 120 s hang detector (faulthandler),
    which would print every thread's stack mid-build; each subprocess here has its own
    timeout instead."""
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="module")
def debs(tmp_path_factory: pytest.TempPathFactory) -> Debs:
    no_hang_dump()
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    if installed_version() is not None:  # not a skip: the test would silently never run again
        pytest.fail(f"{PKG} is already installed here; remove it (dpkg -r {PKG}) to run this test")
    out = tmp_path_factory.mktemp("debs")
    # One freeze; the "newer" package repackages the same frozen app with a higher version.
    # The build's own self-test is skipped: the test below runs the *installed* copy's.
    old = must(
        ["bash", str(BUILD), "--version", V1, "--no-self-test", "--out", str(out)], timeout=1800
    )
    new = must(
        ["bash", str(BUILD), "--version", V2, "--repackage", "--no-self-test", "--out", str(out)]
    )
    return Debs(Path(old.strip().splitlines()[-1]), Path(new.strip().splitlines()[-1]))


@pytest.fixture
def clean_machine() -> Iterator[None]:
    """Whatever happens, purge the package at the end."""
    try:
        yield
    finally:
        if run(["dpkg-query", "-W", PKG]).returncode == 0:
            run(["dpkg", "--purge", PKG])


# Xvfb, to open the installed app's window through the real desktop platform (xcb).
TEST_TOOLS = ("xvfb", "xauth")


def depends_installed(deb: Path) -> None:
    """Install the package's Depends (and Xvfb) with apt first, so `dpkg -i` can configure it."""
    depends = ", ".join([must(["dpkg-deb", "-f", str(deb), "Depends"]).strip(), *TEST_TOOLS])
    missing = []
    for alternatives in depends.split(","):
        choices = [c.strip().split()[0] for c in alternatives.split("|")]
        if not any(
            "ok installed" in run(["dpkg-query", "-W", "-f=${Status}", c]).stdout for c in choices
        ):
            missing.append(choices[0])
    if missing:
        must(["apt-get", "update", "-qq"], timeout=600)
        must(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
            timeout=900,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )


def app_env(home: Path) -> dict[str, str]:
    """A clinician's session without a display: own HOME, offscreen Qt."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen")
    for key in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env.pop(key, None)
    env.pop("MYELOMA_DESK_HOME", None)
    env["PATH"] = "/usr/bin:/bin:/usr/sbin:/sbin"  # the installed launcher, not a venv's
    return env


def offline(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` in a new network namespace: only a downed loopback, no route anywhere."""
    return run(["unshare", "--net", "--", *cmd], env=env, timeout=300)


def self_test_offline(env: dict[str, str]) -> str:
    """The installed ``myeloma-desk self-test`` run offline; every check must pass."""
    done = offline(["myeloma-desk", "self-test"], env)
    report = f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    assert done.returncode == 0, f"installed self-test failed offline\n{report}"
    assert f"frozen bundle in {INSTALL_DIR}" in done.stdout, report
    lines = [line for line in done.stdout.splitlines() if line[:4] in ("PASS", "FAIL")]
    assert len(lines) >= 6 and all(line.startswith("PASS") for line in lines), report
    return done.stdout


def store_state(report: str) -> tuple[int, int] | None:
    """(schema version, patient count) from the self-test's store line; None without a store."""
    for line in report.splitlines():
        found = re.search(r"schema version (\d+), (\d+) patient\(s\)", line)
        if line.startswith("PASS") and "patient store" in line and found:
            return int(found.group(1)), int(found.group(2))
    return None


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix not in (".lock", ".log")
    }


def old_schema_store(data_dir: Path) -> None:
    """A patient store as a release with schema version 1 wrote it (one patient, one visit).

    Both test packages hold the same code, so the store written by the installed V1 does not
    need migrating; this one does, and the upgraded app must migrate it and keep its patient.
    """
    import sqlite3

    from myeloma_desk.paths import make_private_dir
    from myeloma_desk.store.db import DB_NAME
    from myeloma_desk.store.migrations import migrate

    make_private_dir(data_dir)
    connection = sqlite3.connect(data_dir / DB_NAME, isolation_level=None)
    connection.execute("BEGIN")
    migrate(connection, target=1)
    now = "2024-01-01T00:00:00+00:00"
    connection.execute(
        "INSERT INTO patients (id, uid, name, identifier, birth_date, sex, notes, archived, "
        "created_at, updated_at) VALUES (1, 'u1', 'Berg, Ann', 'MRN-OLD-1', '1950-03-04', "
        "'female', '', 0, ?, ?)",
        (now, now),
    )
    connection.execute(
        "INSERT INTO visits (patient_id, visit_date, snapshot_json, created_at, updated_at) "
        "VALUES (1, '2024-01-05', ?, ?, ?)",
        ('{"date":"2024-01-05","serum_m_protein":{"value":3.2,"unit":"g/dL"}}', now, now),
    )
    connection.execute("COMMIT")
    connection.close()


def disk_usage(folder: Path) -> int:
    return int(must(["du", "-s", "--block-size=1", str(folder)]).split()[0])


def test_install_offline_self_test_upgrade_keeps_data_and_remove(
    debs: Debs, clean_machine: None, tmp_path: Path
) -> None:
    no_hang_dump()
    assert run(["dpkg", "--compare-versions", V2, "gt", V1]).returncode == 0

    # Install.
    depends_installed(debs.old)
    must(["dpkg", "-i", str(debs.old)])
    assert installed_version() == V1
    for path in (
        Path("/usr/bin/myeloma-desk"),
        INSTALL_DIR / "myeloma-desk",
        Path("/usr/share/applications/myeloma-desk.desktop"),
        Path("/usr/share/icons/hicolor/256x256/apps/myeloma-desk.png"),
        Path("/usr/share/icons/hicolor/scalable/apps/myeloma-desk.svg"),
    ):
        assert path.exists(), f"{path} not installed"
    verify = run(["dpkg", "--verify", PKG])  # every installed file matches the package
    assert verify.returncode == 0 and verify.stdout == "", verify.stdout + verify.stderr
    used = disk_usage(INSTALL_DIR)
    assert used <= MAX_INSTALLED_BYTES, f"{INSTALL_DIR} uses {used / 1e6:.1f} MB > 150 MB"

    # The network really is cut inside the namespace the app runs in.
    interfaces = must(["unshare", "--net", "cat", "/proc/net/dev"]).splitlines()[2:]
    assert [line.split(":")[0].strip() for line in interfaces] == ["lo"]

    # Self-test of the installed copy, offline, in a fresh profile.
    home = tmp_path / "home"
    home.mkdir()
    env = app_env(home)
    self_test_offline(env)

    # The real desktop platform too: under Xvfb the window opens through the bundled xcb
    # plugin and the system X/xcb libraries named in Depends.
    xenv = {k: v for k, v in env.items() if k != "QT_QPA_PLATFORM"}
    shown = run(["xvfb-run", "-a", "myeloma-desk", "--check-start"], env=xenv, timeout=300)
    assert shown.returncode == 0 and "started and visited" in shown.stdout, (
        shown.stdout + shown.stderr
    )

    # Data made with the installed app, in the user's profile (where a clinician's data lives):
    # demo patients in the store when this build has the store CLI, and a file of our own.
    data_dir = home / ".local" / "share" / PKG
    has_demo = run(["myeloma-desk", "demo", "--help"], env=env).returncode == 0
    if has_demo:
        must(["unshare", "--net", "--", "myeloma-desk", "demo"], env=env)
    marker = data_dir / "upgrade-marker.txt"
    marker.write_text(f"written beside the data of the installed {V1} package\n")
    store_before = store_state(self_test_offline(env))
    before = tree_digest(data_dir)
    # A second profile holds a store written by an older schema (version 1).
    old_home = tmp_path / "old-home"
    old_home.mkdir()
    old_env = app_env(old_home)
    old_schema_store(old_home / ".local" / "share" / PKG)

    # Upgrade over it; the new version opens the store (migrating it if its schema moved on).
    must(["dpkg", "-i", str(debs.new)])
    assert installed_version() == V2
    store_after = store_state(self_test_offline(env))
    after = tree_digest(data_dir)
    assert set(before) <= set(after), f"files lost in the upgrade: {set(before) - set(after)}"
    assert after[marker.name] == before[marker.name]
    # The new version opened the store: same schema version (both packages hold the same code)
    # and the same patients.
    assert store_after == store_before
    if has_demo:
        assert store_before is not None and store_before[1] > 0, "demo made no patients"
        # The upgraded app migrates the older store to its schema and keeps the patient.
        from myeloma_desk.store.migrations import LATEST

        assert store_state(self_test_offline(old_env)) == (LATEST, 1)
        listed = must(["unshare", "--net", "--", "myeloma-desk", "patients", "list"], env=old_env)
        assert "MRN-OLD-1" in listed and "Berg, Ann" in listed, listed

    # Remove: the program goes, the user's data stays (dpkg never touches home folders).
    must(["dpkg", "-r", PKG])
    assert installed_version() is None
    assert not INSTALL_DIR.exists() and not Path("/usr/bin/myeloma-desk").exists()
    assert tree_digest(data_dir).keys() >= before.keys()
    must(["dpkg", "--purge", PKG])
    assert run(["dpkg-query", "-W", PKG]).returncode != 0
