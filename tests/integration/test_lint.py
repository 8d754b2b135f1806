"""The code stays lint-clean and formatted: ruff check and ruff format --check over the repo."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
PATHS = ["generator", "tests", "scripts", "bench"]

pytestmark = pytest.mark.skipif(RUFF is None, reason="RUFF NOT INSTALLED: pip install -e .[test]")


def existing() -> list[str]:
    return [path for path in PATHS if (REPO / path).is_dir()]


def test_ruff_check_is_clean():
    result = subprocess.run([RUFF, "check", *existing()], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_finds_nothing_to_change():
    result = subprocess.run(
        [RUFF, "format", "--check", *existing()], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
