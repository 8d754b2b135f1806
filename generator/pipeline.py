"""The pipeline, stage by stage: answers -> render -> verify -> scan -> write."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.answers import Answers, load_answers
from generator.errors import Problem, UsageError
from generator.findings import Finding
from generator.render import (
    ANSWERS_FILE,
    MODULE_TEMPLATES,
    MOVED_TEMPLATES,
    PEERING_TEMPLATES,
    README_FILE,
    render_module,
)
from generator.scan import ScanReport, ensure_checkov, run_checkov
from generator.verify import verify_module
from generator.write import (
    MANIFEST_FILE,
    check_target,
    commit,
    hand_changes,
    manifest_text,
    read_manifest,
    read_module_file,
    refuse_links_leaving,
    staged,
    target_lock,
)


@dataclass
class RunResult:
    """What one render or validate did; the CLI turns it into text or JSON and an exit code."""

    module: str
    path: str
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    scan: ScanReport | None = None
    written: bool = False
    warnings: list[Problem] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.findings else 0


def answer_warnings(answers: Answers) -> list[Problem]:
    from generator.rules import warnings

    return warnings(answers)


def committed_answers(target: Path, force: bool = False) -> Answers | None:
    """The answers a tfgen module folder was last rendered from (None for a new folder, or
    with `force` when they cannot be read)."""
    from generator.errors import AnswersError, UsageError

    if read_manifest(target) is None or not (target / ANSWERS_FILE).is_file():
        return None
    try:
        return load_answers(target / ANSWERS_FILE)
    except AnswersError as error:
        if force:
            return None
        raise UsageError(
            f"{target / ANSWERS_FILE} (the module's committed answers) cannot be read, so "
            f"removed peers cannot be told: {error}; fix it or use --force"
        ) from None


def answers_for_target(answers: Answers, target: Path, drop_retired: bool, force: bool) -> Answers:
    """The answers with `retired_peers` carried over from the module already in `target`."""
    from generator.peering import retire_removed_peers

    previous = committed_answers(target, force)
    return retire_removed_peers(answers, previous, drop=drop_retired)


def rendered_files(answers: Answers) -> dict[str, str]:
    """Every file of the module folder, manifest included."""
    files = render_module(answers)
    files[MANIFEST_FILE] = manifest_text(files, answers.digest())
    return files


def scan_folder(folder: Path, checkov: str | None, cache: bool = True) -> ScanReport:
    """checkov over one module folder; a clean result is reused while nothing changed."""
    from generator import scan_cache
    from generator.scan import CHECKOV_ENV_VAR, CHECKOV_VERSION

    pinned = not (checkov or os.environ.get(CHECKOV_ENV_VAR))
    key = scan_cache.cache_key(folder, CHECKOV_VERSION) if cache and pinned else None
    if key is not None and (hit := scan_cache.load(key)) is not None:
        return hit
    report = run_checkov([folder], ensure_checkov(checkov))
    if key is not None:
        scan_cache.store(key, report)
    return report


def render_to_folder(
    answers: Answers,
    target: Path,
    *,
    scan: bool = True,
    force: bool = False,
    checkov: str | None = None,
    cache: bool = True,
    drop_retired: bool = False,
) -> RunResult:
    """Render, verify and scan in a staging folder; move it into `target` only if all passed.

    Into an existing module, peers removed from the answers keep their provider alias
    (`retired_peers`) unless `drop_retired`. Runs into the same folder are serialized
    (`target_lock`). A file system that refuses the write (parent is a file, name too long,
    read-only, full) is a UsageError; the previous module stays as it was."""
    try:
        return _render_to_folder(answers, target, scan, force, checkov, cache, drop_retired)
    except OSError as error:
        where = error.filename or target
        raise UsageError(f"cannot write {where}: {error.strerror or error}") from None


def _render_to_folder(
    answers: Answers,
    target: Path,
    scan: bool,
    force: bool,
    checkov: str | None,
    cache: bool,
    drop_retired: bool,
) -> RunResult:
    shown = str(target)
    target = Path(os.path.abspath(target))  # `-o .` has a parent to stage in and lock
    with target_lock(target):
        check_target(target, force)
        answers = answers_for_target(answers, target, drop_retired, force)
        files = rendered_files(answers)
        result = RunResult(
            answers.name, shown, files=sorted(files), warnings=answer_warnings(answers)
        )
        result.findings = verify_module(answers, files)
        if result.findings:
            return result
        with staged(target, files) as stage:
            if scan:
                result.scan = scan_folder(stage, checkov, cache=cache)
                result.findings = result.scan.findings
            if not result.findings:
                commit(stage, target)
                result.written = True
        return result


def validate_folder(
    folder: Path, *, scan: bool = True, checkov: str | None = None, cache: bool = True
) -> RunResult:
    """Verify (and scan) a module folder already on disk against its own answers file."""
    refuse_links_leaving(folder)
    answers = load_answers(folder / ANSWERS_FILE)
    names = [*MODULE_TEMPLATES, *PEERING_TEMPLATES, *MOVED_TEMPLATES, README_FILE, ANSWERS_FILE]
    files, unreadable = _module_texts(folder, names)
    result = RunResult(
        answers.name, str(folder), files=sorted(files), warnings=answer_warnings(answers)
    )
    result.findings = unreadable + verify_module(answers, files) + _hand_findings(folder)
    if scan:
        result.scan = scan_folder(folder, checkov, cache=cache)
        result.findings += result.scan.findings
    return result


def _module_texts(folder: Path, names: list[str]) -> tuple[dict[str, str], list[Finding]]:
    """The named module files as text, and a finding for each that is not UTF-8."""
    files: dict[str, str] = {}
    findings = []
    for name in names:
        path = folder / name
        if not (path.is_file() or path.is_symlink()):
            continue
        try:
            files[name] = read_module_file(path).decode("utf-8")
        except UnicodeDecodeError as error:
            findings.append(
                Finding("verify", name, f"not UTF-8 text (byte {error.start}); tfgen writes UTF-8")
            )
    return files, findings


def _hand_findings(folder: Path) -> list[Finding]:
    """What tfgen did not write, by the manifest: Terraform reads every *.tf in the folder,
    so a file added by hand (an *_override.tf, a provisioner) changes the module."""
    manifest = read_manifest(folder)
    if manifest is None:
        return [Finding("verify", MANIFEST_FILE, "missing or unreadable: cannot tell which "
                        "files tfgen wrote")]  # fmt: skip
    edited, extra = hand_changes(folder, manifest)
    return [
        *(Finding("verify", name, "edited since tfgen wrote it (checksum differs from "
                  f"{MANIFEST_FILE})") for name in edited),
        *(Finding("verify", name, "not written by tfgen: Terraform reads it with the module")
          for name in extra),
    ]  # fmt: skip
