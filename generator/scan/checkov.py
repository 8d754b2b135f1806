"""checkov in its own environment: one process per batch of folders, its JSON read back.

checkov pins bc-python-hcl2, which installs a top-level package `hcl2` just like python-hcl2 8
does; in one environment the last one installed silently wins. So tfgen never imports checkov:
it runs the executable of a separate virtual environment (created by `tfgen setup`, or on first
use) or the one named by TFGEN_CHECKOV / --checkov.

Every run includes tfgen's own policy pack (generator/scan/policies, CKV_TFGEN_*) through
`--external-checks-dir`; checkov loads those files itself, in its environment.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.core.errors import ScannerUnavailable
from generator.core.files import refuse_special_files
from generator.core.findings import Finding
from generator.scan.environment import CHECKOV_VERSION as CHECKOV_VERSION  # the one pin
from generator.scan.environment import install_checkov, managed_env_dir, use_environment

# The files checkov's terraform framework reads in a folder.
TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")

CHECKOV_ENV_VAR = "TFGEN_CHECKOV"
SCAN_TIMEOUT_SECONDS = 1800
POLICY_PACK_DIR = Path(__file__).resolve().parent / "policies"
_PACK_ID = re.compile(r'^ID = "(CKV_TFGEN_[0-9]+)"$', re.M)


def pack_check_ids(directory: Path = POLICY_PACK_DIR) -> tuple[str, ...]:
    """The pack's check ids, read from its check files (each declares `ID = "CKV_TFGEN_N"`;
    checkov loads the files in its own environment, so they are read here, not imported): a
    new check file is a new id everywhere, with nothing else to edit."""
    found = {
        match
        for path in directory.glob("tfgen_*.py")
        for match in _PACK_ID.findall(path.read_text(encoding="utf-8"))
    }
    return tuple(sorted(found, key=lambda check_id: int(check_id.rsplit("_", 1)[1])))


PACK_CHECK_IDS = pack_check_ids()
_PACK_SUFFIXES = (".py", ".yaml", ".yml", ".json")


def policy_pack_dir() -> Path:
    """tfgen's checkov policy pack: the folder passed to --external-checks-dir."""
    return POLICY_PACK_DIR


def policy_pack_files(directory: Path | None = None) -> list[Path]:
    """The pack's check files (no bytecode caches), in a stable order."""
    directory = directory or policy_pack_dir()
    return sorted(
        path
        for path in directory.rglob("*")
        if path.is_file() and path.suffix in _PACK_SUFFIXES and "__pycache__" not in path.parts
    )


def policy_pack_digest(directory: Path | None = None) -> str:
    """A hash of every pack file's path and bytes: a changed pack is a different scanner."""
    directory = directory or policy_pack_dir()
    digest = hashlib.sha256(b"tfgen-policy-pack\n")
    for path in policy_pack_files(directory):
        relative = path.relative_to(directory).as_posix()
        digest.update(f"{relative}\0{hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    return digest.hexdigest()


@dataclass
class ScanReport:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    findings: list[Finding] = field(default_factory=list)
    skips: list[dict[str, str]] = field(default_factory=list)
    checkov_version: str = ""
    cached: bool = False  # reused from the scan cache (same files, same checkov)
    guidelines: dict[str, str] = field(default_factory=dict)  # check id -> guideline (failed)

    def counts_text(self) -> str:
        """`23 passed, 0 failed, 2 skipped`: the one way a scan is summed up in text."""
        return f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped"

    def to_json(self) -> dict[str, Any]:
        """The scan as a run's report gives it."""
        return {
            "passed": self.passed,
            "failed": self.failed,
            "skipped": self.skipped,
            "skips": self.skips,
            "checkov_version": self.checkov_version,
            "cached": self.cached,
        }


def checkov_executable(explicit: str | None = None) -> Path | None:
    """The checkov to run: --checkov, then TFGEN_CHECKOV, then tfgen's managed environment
    (held for this run: see generator/scan/environment.py); None when there is none yet."""
    chosen = explicit or os.environ.get(CHECKOV_ENV_VAR)
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise ScannerUnavailable(
                f"checkov executable {chosen} does not exist "
                f"(from {'--checkov' if explicit else CHECKOV_ENV_VAR})"
            )
        return path
    return use_environment(managed_env_dir())


def ensure_checkov(explicit: str | None = None) -> Path:
    """The checkov to run, installed first when there is none (`tfgen setup`'s install)."""
    found = checkov_executable(explicit)
    if found is not None:
        return found
    install_checkov()
    found = use_environment(managed_env_dir())
    if found is None:
        raise ScannerUnavailable(f"checkov's environment {managed_env_dir()} is missing")
    return found


def warm_checkov(explicit: str | None = None) -> CheckovProcess | None:
    """A checkov started now for a scan to come: its import (most of its start-up) runs on
    another core while tfgen renders and verifies. None when none is installed (the scan
    installs it, after verify) or the one named does not exist (the scan says so)."""
    try:
        if checkov_executable(explicit) is None:
            return None
    except ScannerUnavailable:
        return None
    return CheckovProcess(ensure_checkov(explicit))


def run_checkov(
    folders: list[Path],
    executable: Path,
    checks: list[str] | None = None,
    process: CheckovProcess | None = None,
) -> ScanReport:
    """checkov (with tfgen's policy pack) over one module folder, offline (--skip-download);
    `checks` limits it to those check ids; `process`: a checkov started ahead to run it in."""
    if len(folders) != 1:
        # checkov 3.3.30 prints a report per --directory but scans only the first folder
        raise ValueError("run_checkov takes one folder; scan a batch with run_checkov_each")
    refuse_special_files(folders[0], TERRAFORM_SUFFIXES)  # a FIFO would hang checkov
    if process is None:
        return parse_report(checkov_documents(folders[0], executable, checks), folders)
    return parse_report(process.scan(folders[0]), folders)


def run_checkov_each(
    root: Path,
    executable: Path,
    checks: list[str] | None = None,
    process: CheckovProcess | None = None,
) -> dict[Path, ScanReport]:
    """One checkov process over every module folder directly under root; a report each.

    `process`, when given, is a checkov started ahead (see CheckovProcess) to run it in."""
    process = process or CheckovProcess(executable, checks, warm=False)
    return split_reports(process.scan(root), sorted(p for p in root.iterdir() if p.is_dir()))


def split_reports(documents: list[dict[str, Any]], folders: list[Path]) -> dict[Path, ScanReport]:
    """checkov's report(s) over a folder of modules, as one ScanReport per module folder."""
    # Split the checks by module folder in one pass, then parse each module's share: parsing
    # every document once per folder is quadratic (minutes at a few hundred modules).
    owner = {folder.resolve(): folder for folder in folders}
    shares: dict[Path, list[dict[str, Any]]] = {folder: [] for folder in folders}
    for document in documents:
        split: dict[Path, dict[str, list[dict[str, Any]]]] = {}
        for kind, found in (document.get("results") or {}).items():
            for check in found if isinstance(found, list) else []:
                path = Path(check.get("file_abs_path", check.get("file_path", ""))).resolve()
                folder = next((owner[p] for p in (path, *path.parents) if p in owner), None)
                if folder is not None:
                    split.setdefault(folder, {}).setdefault(kind, []).append(check)
        for folder in folders:
            results = split.get(folder, {})
            shares[folder].append({"summary": document.get("summary", {}), "results": results})
    return {folder: parse_report(shares[folder], [folder]) for folder in folders}


def checkov_arguments(folder: Path, checks: list[str] | None = None) -> list[str]:
    """checkov's command-line arguments (after the executable) for one folder."""
    arguments = [
        "--framework",
        "terraform",
        "--skip-download",
        "--output",
        "json",
        "--compact",
        "--external-checks-dir",
        str(policy_pack_dir()),
        "--directory",
        str(folder),
    ]
    return [*arguments, "--check", ",".join(checks)] if checks else arguments


def checkov_environment() -> dict[str, str]:
    return {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_NO_OUTPUT": "", "LOG_LEVEL": "ERROR"}


def checkov_documents(
    folder: Path, executable: Path, checks: list[str] | None = None
) -> list[dict[str, Any]]:
    """checkov's JSON report(s) for everything under one folder, tfgen's pack included."""
    return CheckovProcess(executable, checks, warm=False).scan(folder)


# Runs in checkov's own Python: imports checkov (most of its start-up) before the folder exists,
# then reads its command line as one JSON line and runs checkov's CLI (see driver.py).
DRIVER = Path(__file__).resolve().parent / "driver.py"


def driver_source() -> str:
    """The text of driver.py, run with `python -c` (a script path would put this folder, with
    its checkov.py, first on checkov's import path)."""
    return DRIVER.read_text(encoding="utf-8")


def checkov_python(executable: Path) -> Path | None:
    """The Python of a checkov console script (its `#!` line), when it is checkov's standard
    entry point (`from checkov.main import Checkov`); None for anything else (a wrapper)."""
    try:
        with executable.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return None
    first = head.splitlines()[0] if head else ""
    if not first.startswith("#!") or "from checkov.main import Checkov" not in head:
        return None
    interpreter = Path(first[2:].strip())
    return interpreter if " " not in first[2:].strip() and interpreter.is_file() else None


class CheckovProcess:
    """One checkov run through driver.py in checkov's own Python. Started warm (the default),
    it imports checkov at once and waits for its folder, so that start-up overlaps tfgen's
    render and verify; not warm, it starts when its folder is ready. A checkov that is not a
    standard console script is simply run when its folder is ready."""

    def __init__(
        self, executable: Path, checks: list[str] | None = None, *, warm: bool = True
    ) -> None:
        self.executable = executable
        self.checks = checks
        self.process: subprocess.Popen[str] | None = None  # started, not yet given a folder
        self.running: subprocess.Popen[str] | None = None  # scanning its folder
        self.python = checkov_python(executable)
        if warm:
            self.start()

    def start(self) -> None:
        """Start checkov's import now (idempotent; nothing for a checkov that is not a standard
        console script)."""
        if self.process is None and self.running is None and self.python is not None:
            command = [str(self.python), "-c", driver_source()]
            self.process = self._start(command, stdin=subprocess.PIPE)

    @staticmethod
    def _start(command: list[str], stdin: int | None = None) -> subprocess.Popen[str]:
        try:
            return subprocess.Popen(
                command,
                stdin=stdin if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=checkov_environment(),
            )
        except OSError as error:
            raise ScannerUnavailable(f"checkov did not run: {error}") from None

    def scan(self, folder: Path) -> list[dict[str, Any]]:
        """checkov's JSON report(s) for everything under the folder, tfgen's pack included."""
        arguments = checkov_arguments(folder, self.checks)
        self.start()
        if self.process is None:  # not a standard console script: run it as it is
            self.process = self._start([str(self.executable), *arguments])
            request = None
        else:
            request = json.dumps([str(self.executable), *arguments]) + "\n"
        process, self.process = self.process, None
        self.running = process
        try:
            stdout, stderr = process.communicate(request, timeout=SCAN_TIMEOUT_SECONDS)
        except (OSError, subprocess.TimeoutExpired) as error:
            process.kill()
            process.communicate()
            raise ScannerUnavailable(f"checkov did not run: {error}") from None
        try:
            return decode_documents(stdout)
        except json.JSONDecodeError:
            raise ScannerUnavailable(
                f"checkov exited {process.returncode} without a JSON report:\n{stderr[-2000:]}"
            ) from None

    def close(self) -> None:
        """Stop a warm checkov that was never given a folder (it has only imported)."""
        process, self.process = self.process, None
        if process is not None:
            process.kill()
            process.communicate()

    def kill(self) -> None:
        """Stop it whatever it is doing (a run that is being abandoned)."""
        for process in (self.process, self.running):
            if process is not None and process.poll() is None:
                process.kill()


def decode_documents(text: str) -> list[dict[str, Any]]:
    """Every JSON value printed one after another, lists flattened."""
    decoder = json.JSONDecoder()
    documents: list[dict[str, Any]] = []
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            break
        value, index = decoder.raw_decode(text, index)
        documents += value if isinstance(value, list) else [value]
    if not documents:
        raise json.JSONDecodeError("no JSON document", text, 0)
    return documents


def _relative(path: str, folders: list[Path]) -> str | None:
    """The path relative to the folder that holds it; None when none of them does."""
    absolute = Path(path).resolve()
    for folder in folders:
        try:
            return absolute.relative_to(folder.resolve()).as_posix()
        except ValueError:
            continue
    return None


def _unique_checks(documents: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """The checks of one kind across documents, each once (checkov may repeat a result)."""
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for document in documents:
        for check in document.get("results", {}).get(kind, []):
            key = (
                check.get("check_id"),
                check.get("file_abs_path", check.get("file_path")),
                check.get("resource"),
                tuple(check.get("file_line_range") or ()),
            )
            seen.setdefault(key, check)
    return list(seen.values())


def parse_report(documents: list[dict[str, Any]], folders: list[Path]) -> ScanReport:
    """The checks of the documents that concern files under `folders`, counted once each."""
    report = ScanReport()
    for document in documents:
        version = document.get("summary", {}).get("checkov_version")
        report.checkov_version = version or report.checkov_version

    def mine(kind: str) -> list[tuple[str, dict[str, Any]]]:
        found = []
        for check in _unique_checks(documents, kind):
            file = _relative(check.get("file_abs_path", check.get("file_path", "")), folders)
            if file is not None:
                found.append((file, check))
        return found

    report.passed = len(mine("passed_checks"))
    failed = mine("failed_checks")
    report.failed = len(failed)
    for file, check in failed:
        lines = check.get("file_line_range") or [None]
        if check.get("guideline") and check.get("check_id"):
            report.guidelines.setdefault(check["check_id"], str(check["guideline"]))
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
    skipped = mine("skipped_checks")
    report.skipped = len(skipped)
    for file, check in skipped:
        reason = (check.get("check_result") or {}).get("suppress_comment", "")
        report.skips.append(
            {
                "id": check.get("check_id", ""),
                "resource": check.get("resource", ""),
                "reason": reason,
                "file": file,
            }
        )
    report.findings.sort()
    report.skips.sort(key=lambda skip: (skip["resource"], skip["id"]))
    return report
