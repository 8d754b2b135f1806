"""checkov in its own environment: one process per batch of folders, its JSON read back.

checkov pins bc-python-hcl2, which installs a top-level package `hcl2` just like python-hcl2 8
does; in one environment the last one installed silently wins. So tfgen never imports checkov:
it runs the executable of a separate virtual environment (created by `tfgen setup`, or on first
use) or the one named by TFGEN_CHECKOV / --checkov.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import ScannerUnavailable
from generator.findings import Finding

CHECKOV_VERSION = "3.3.30"
CHECKOV_ENV_VAR = "TFGEN_CHECKOV"
SCAN_TIMEOUT_SECONDS = 1800


@dataclass
class ScanReport:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    findings: list[Finding] = field(default_factory=list)
    skips: list[dict[str, str]] = field(default_factory=list)
    checkov_version: str = ""
    cached: bool = False  # reused from the scan cache (same files, same checkov)


def managed_env_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tfgen")) / f"checkov-{CHECKOV_VERSION}"


def _env_executable(env_dir: Path) -> Path:
    return env_dir / ("Scripts/checkov.cmd" if os.name == "nt" else "bin/checkov")


def checkov_executable(explicit: str | None = None) -> Path | None:
    """The checkov to run: --checkov, then TFGEN_CHECKOV, then tfgen's managed environment."""
    chosen = explicit or os.environ.get(CHECKOV_ENV_VAR)
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise ScannerUnavailable(
                f"checkov executable {chosen} does not exist "
                f"(from {'--checkov' if explicit else CHECKOV_ENV_VAR})"
            )
        return path
    managed = _env_executable(managed_env_dir())
    return managed if managed.is_file() else None


def install_checkov(env_dir: Path | None = None, quiet: bool = False) -> Path:
    """Create the checkov environment with the pinned version; return its executable."""
    env_dir = env_dir or managed_env_dir()
    if not quiet:
        print(
            f"tfgen: installing checkov {CHECKOV_VERSION} into {env_dir} (one time)",
            file=sys.stderr,
        )
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    command = [
        str(python),
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "-q",
        f"checkov=={CHECKOV_VERSION}",
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise ScannerUnavailable(
            f"could not install checkov {CHECKOV_VERSION}:\n{result.stderr[-2000:]}"
        )
    return _env_executable(env_dir)


def ensure_checkov(explicit: str | None = None) -> Path:
    return checkov_executable(explicit) or install_checkov()


def run_checkov(folders: list[Path], executable: Path) -> ScanReport:
    """One checkov process over every folder, offline (--skip-download), JSON on stdout."""
    command = [
        str(executable),
        "--framework",
        "terraform",
        "--skip-download",
        "--output",
        "json",
        "--compact",
    ]
    for folder in folders:
        command += ["--directory", str(folder)]
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_NO_OUTPUT": "", "LOG_LEVEL": "ERROR"}
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=SCAN_TIMEOUT_SECONDS
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ScannerUnavailable(f"checkov did not run: {error}") from None
    try:
        documents = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise ScannerUnavailable(
            f"checkov exited {result.returncode} without a JSON report:\n{result.stderr[-2000:]}"
        ) from None
    return parse_report(documents if isinstance(documents, list) else [documents], folders)


def _relative(path: str, folders: list[Path]) -> str:
    absolute = Path(path)
    for folder in folders:
        try:
            return absolute.resolve().relative_to(folder.resolve()).as_posix()
        except ValueError:
            continue
    return path


def parse_report(documents: list[dict[str, Any]], folders: list[Path]) -> ScanReport:
    report = ScanReport()
    for document in documents:
        summary = document.get("summary", document)
        report.passed += summary.get("passed", 0)
        report.failed += summary.get("failed", 0)
        report.skipped += summary.get("skipped", 0)
        report.checkov_version = summary.get("checkov_version", report.checkov_version)
        results = document.get("results", {})
        for check in results.get("failed_checks", []):
            file = _relative(check.get("file_abs_path", check.get("file_path", "")), folders)
            lines = check.get("file_line_range") or [None]
            report.findings.append(
                Finding(
                    "scan",
                    file,
                    check.get("check_name", ""),
                    line=lines[0],
                    check_id=check.get("check_id"),
                    resource=check.get("resource"),
                )
            )
        for check in results.get("skipped_checks", []):
            reason = (check.get("check_result") or {}).get("suppress_comment", "")
            report.skips.append(
                {
                    "id": check.get("check_id", ""),
                    "resource": check.get("resource", ""),
                    "reason": reason,
                }
            )
    report.findings.sort()
    return report
