"""`tfgen setup` with the real checkov (issue 28): the environment scripts/install built is
reused (its `checkov --version` is the pin), nothing is built again. The builds, the swap and
failures are tested with a fake installer in tests/unit/test_setup.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.scan.checkov import CHECKOV_ENV_VAR, checkov_executable
from generator.scan.environment import CHECKOV_VERSION, builds_dir, managed_env_dir, works
from tests.support.cli import tfgen_process

pytestmark = [
    pytest.mark.checkov,
    pytest.mark.skipif(
        os.environ.get(CHECKOV_ENV_VAR) is not None or checkov_executable() is None,
        reason="CHECKOV TESTS NOT RUN: no managed checkov environment; run `tfgen setup`",
    ),
]


def test_setup_reuses_the_working_environment():
    env = managed_env_dir()
    assert works(env)
    before = Path(os.path.realpath(env))
    result = tfgen_process("setup", timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"checkov {CHECKOV_VERSION} works in {env}: reused" in result.stderr
    assert "installing" not in result.stderr
    assert Path(os.path.realpath(env)) == before
    assert [build for build in builds_dir(env).iterdir() if build != before] == []
