"""The one tfgen runner of the tests: in-process through click's runner (fast, the default),
or as a separate process where a test needs one (a timeout against a hang, a real exit)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

TFGEN = [sys.executable, "-m", "generator.cli"]


@dataclass
class Run:
    """What a tfgen run did, shaped like subprocess.CompletedProcess."""

    returncode: int
    stdout: str
    stderr: str


def tfgen(
    *args: str,
    cwd: Path | None = None,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> Run:
    """`tfgen ARGS` in this process: its exit code, stdout and stderr (stdin: text, or none
    and not a terminal). `env` is added to the environment for the run."""
    from generator.cli.main import cli

    runner = CliRunner()
    where = contextlib.chdir(cwd) if cwd is not None else contextlib.nullcontext()
    with where:
        result = runner.invoke(cli, list(args), input=stdin or "", env=env, prog_name="tfgen")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a bug the CLI let through: the test shows its traceback
    return Run(result.exit_code, result.stdout, result.stderr)


def tfgen_process(
    *args: str,
    cwd: Path | None = None,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """`tfgen ARGS` as its own process (`python -m generator.cli`); `env` replaces the
    environment when given."""
    return subprocess.run(
        [*TFGEN, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        env=env if env is not None else os.environ.copy(),
        timeout=timeout,
        check=False,
    )


def console_script() -> Path:
    """The installed `tfgen` console script beside this Python (scripts/install puts it in
    .venv/bin)."""
    script = Path(sys.executable).parent / "tfgen"
    assert script.is_file(), f"no tfgen console script beside {sys.executable}: pip install -e ."
    return script


def tfgen_script(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`tfgen ARGS` through the installed console script, stdin not a terminal."""
    return subprocess.run(
        [str(console_script()), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=600,
        check=False,
    )
