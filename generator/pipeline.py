"""The pipeline, stage by stage: answers -> render -> verify -> scan -> write."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.answers import Answers, load_answers
from generator.errors import Problem
from generator.findings import Finding
from generator.render import (
    ANSWERS_FILE,
    MODULE_TEMPLATES,
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
    manifest_text,
    read_manifest,
    read_module,
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
    (`target_lock`)."""
    with target_lock(target):
        check_target(target, force)
        answers = answers_for_target(answers, target, drop_retired, force)
        files = rendered_files(answers)
        result = RunResult(
            answers.name, str(target), files=sorted(files), warnings=answer_warnings(answers)
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
    answers = load_answers(folder / ANSWERS_FILE)
    names = [*MODULE_TEMPLATES, *PEERING_TEMPLATES, README_FILE, ANSWERS_FILE]
    files = read_module(folder, names)
    result = RunResult(
        answers.name, str(folder), files=sorted(files), warnings=answer_warnings(answers)
    )
    result.findings = verify_module(answers, files)
    if scan:
        result.scan = scan_folder(folder, checkov, cache=cache)
        result.findings += result.scan.findings
    return result
