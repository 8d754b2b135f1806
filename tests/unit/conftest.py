"""The unit tier runs in this process only: no subprocess (no checkov, terraform, console
script or moto server). A test that needs one belongs in tests/integration."""

from __future__ import annotations

import subprocess

import pytest


@pytest.fixture(autouse=True)
def no_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(self: object, args: object, *rest: object, **kwargs: object) -> None:
        # pytest.fail is a BaseException: no `except Exception` in tfgen can swallow it
        pytest.fail(f"a unit test started a process ({args!r:.80}): move it to tests/integration")

    monkeypatch.setattr(subprocess.Popen, "__init__", refused)
