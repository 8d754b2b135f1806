"""mypy, configured in pyproject.toml ([tool.mypy]), finds nothing in generator/; the checkov
pack's shared helpers are checked as checkov loads them."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_mypy_is_clean_on_the_library():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_mypy_is_clean_on_the_policy_packs_shared_code():
    """The pack's shared files, as checkov imports them (by file name, from the pack folder);
    checkov itself is not installed here, so its types are unknown to mypy (Any)."""
    from generator.scan.checkov import policy_pack_dir

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--no-incremental",
            "--ignore-missing-imports",
            "--disallow-untyped-defs",
            "--check-untyped-defs",
            "--explicit-package-bases",
            "tfgen_graph.py",
            "tfgen_endpoints.py",
            "tfgen_lib.py",
        ],
        cwd=policy_pack_dir(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
