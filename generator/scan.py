"""checkov in its own environment: one process per batch of folders, its JSON read back.

checkov pins bc-python-hcl2, which installs a top-level package `hcl2` just like python-hcl2 8
does; in one environment the last one installed silently wins. So tfgen never imports checkov:
it runs the executable of a separate virtual environment (created by `tfgen setup`, or on first
use) or the one named by TFGEN_CHECKOV / --checkov.

Every run includes tfgen's own policy pack (generator/checkov_policies, CKV_TFGEN_1..8) through
`--external-checks-dir`; checkov loads those files itself, in its environment.
"""

from __future__ import annotations

import hashlib
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
POLICY_PACK_DIR = Path(__file__).resolve().parent / "checkov_policies"
PACK_CHECK_IDS = tuple(f"CKV_TFGEN_{number}" for number in range(1, 9))
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


def run_checkov(
    folders: list[Path], executable: Path, checks: list[str] | None = None
) -> ScanReport:
    """checkov (with tfgen's policy pack) over one module folder, offline (--skip-download);
    `checks` limits it to those check ids."""
    if len(folders) != 1:
        # checkov 3.3.30 prints a report per --directory but scans only the first folder
        raise ValueError("run_checkov takes one folder; scan a batch with run_checkov_each")
    return parse_report(checkov_documents(folders[0], executable, checks), folders)


def run_checkov_each(
    root: Path, executable: Path, checks: list[str] | None = None
) -> dict[Path, ScanReport]:
    """One checkov process over every module folder directly under root; a report each."""
    documents = checkov_documents(root, executable, checks)
    folders = sorted(path for path in root.iterdir() if path.is_dir())
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


def checkov_documents(
    folder: Path, executable: Path, checks: list[str] | None = None
) -> list[dict[str, Any]]:
    """checkov's JSON report(s) for everything under one folder, tfgen's pack included."""
    command = [
        str(executable),
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
    if checks:
        command += ["--check", ",".join(checks)]
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_NO_OUTPUT": "", "LOG_LEVEL": "ERROR"}
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=SCAN_TIMEOUT_SECONDS
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ScannerUnavailable(f"checkov did not run: {error}") from None
    try:
        return decode_documents(result.stdout)
    except json.JSONDecodeError:
        raise ScannerUnavailable(
            f"checkov exited {result.returncode} without a JSON report:\n{result.stderr[-2000:]}"
        ) from None


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
    for _file, check in skipped:
        reason = (check.get("check_result") or {}).get("suppress_comment", "")
        report.skips.append(
            {
                "id": check.get("check_id", ""),
                "resource": check.get("resource", ""),
                "reason": reason,
            }
        )
    report.findings.sort()
    report.skips.sort(key=lambda skip: (skip["resource"], skip["id"]))
    return report
