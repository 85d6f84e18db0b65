"""Files the app writes are owner-only, whatever the user's umask."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CODE = """
import os
os.umask(0o022)  # a typical user umask: group and others could read new files
from myeloma_desk.cli import main
try:
    main(["--version"])
except SystemExit:
    pass
print(oct(os.umask(0o022)))
"""


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_command_line_sets_an_owner_only_umask() -> None:
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "0o77"
