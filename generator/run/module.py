"""The pipeline, stage by stage: answers -> plan -> render -> verify -> scan -> write; and the
commands over a module folder (validate, `tfgen docs`). The plan is built once per module."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.core.errors import Problem, UsageError
from generator.core.files import module_files, refuse_links_leaving, write_text_atomic
from generator.core.findings import Finding
from generator.core.layout import ANSWERS_FILE, MANIFEST_FILE, README_FILE, WRITTEN_FILES
from generator.moduledir.write import (
    check_target,
    commit,
    manifest_json,
    manifest_text,
    read_manifest,
    read_module_file,
    sha256_text,
    staged,
    target_lock,
)
from generator.run.record import answers_for_target, load_record
from generator.scan.checkov import (
    CheckovProcess,
    ScanReport,
    ensure_checkov,
    run_checkov,
    warm_checkov,
)
from generator.scan.chunks import MAX_CHUNK
from generator.verify.skips import unexpected_skips

if TYPE_CHECKING:
    # loading answers, the plan, the renderer and verify are imported where they run: `tfgen
    # check` of modules whose render is remembered (generator/run/drift.py) needs none of them
    from generator.answers.model import Answers
    from generator.plan.module_plan import ModulePlan


@dataclass(frozen=True)
class RunOptions:
    """How a render, validate or batch runs (the command-line switches, typed, in one place)."""

    scan: bool = True  # --no-scan
    cache: bool = True  # --no-cache
    force: bool = False  # --force: replace a folder tfgen did not write
    checkov: str | None = None  # --checkov / TFGEN_CHECKOV
    jobs: int | None = None  # -j: render workers and checkov processes of a batch (None: CPUs)
    scan_chunk: int = MAX_CHUNK  # --scan-chunk: at most this many modules per checkov process
    drop_retired: bool = False  # --drop-retired: remove retired peers' provider aliases


DEFAULT_OPTIONS = RunOptions()


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
    change: str | None = None  # once written: created, changed or unchanged
    # The checks the plan renders a skip for: the only ones a scan of it may skip.
    skips: tuple[tuple[str, str], ...] = ()

    @property
    def exit_code(self) -> int:
        return 1 if self.findings else 0

    @property
    def status(self) -> str:
        return "findings" if self.findings else "ok"

    def to_json(self) -> dict[str, Any]:
        """status, exit code, module, findings, warnings and scan, as the JSON report has them."""
        return {
            "status": self.status,
            "exit_code": self.exit_code,
            "module": {
                "name": self.module,
                "path": self.path,
                "written": self.written,
                "change": self.change,
                "files": self.files,
            },
            "findings": [finding.to_json() for finding in self.findings],
            "warnings": [warning.to_json() for warning in self.warnings],
            "scan": None if self.scan is None else self.scan.to_json(),
        }


def render_plan(plan: ModulePlan) -> dict[str, str]:
    """generator/render/templates.py's render_plan, imported where it runs."""
    from generator.render import templates

    return templates.render_plan(plan)


def verify_plan(plan: ModulePlan, files: dict[str, str]) -> list[Finding]:
    """generator/verify/module.py's verify_plan, imported where it runs."""
    from generator.verify import module

    return module.verify_plan(plan, files)


def rendered_files(answers: Answers, source: str | None = None) -> dict[str, str]:
    """Every file of the module folder, manifest included."""
    from generator.plan.module_plan import plan_module

    return planned_files(plan_module(answers, source))


def planned_files(plan: ModulePlan) -> dict[str, str]:
    """`rendered_files` from a plan already built."""
    files = render_plan(plan)
    files[MANIFEST_FILE] = manifest_text(files, plan.answers.digest(), plan.source)
    return files


def render_and_verify(
    answers: Answers, source: str | None = None
) -> tuple[dict[str, str], list[Finding], list[Problem], tuple[tuple[str, str], ...]]:
    """Plan once, render, verify: (files, findings, warnings, the plan's checkov skips)."""
    from generator.plan.module_plan import plan_module

    plan = plan_module(answers, source)
    files = planned_files(plan)
    return files, verify_plan(plan, files), list(plan.warnings), plan.skips


def scan_cache_key(folder: Path, checkov: str | None, cache: bool) -> str | None:
    """The one cache rule: a module's scan is looked up and stored by the hash of its files
    (and of the pack) only with tfgen's own pinned checkov and unless --no-cache."""
    from generator.scan import cache as scan_cache
    from generator.scan.checkov import CHECKOV_ENV_VAR, CHECKOV_VERSION

    pinned = not (checkov or os.environ.get(CHECKOV_ENV_VAR))
    return scan_cache.cache_key(folder, CHECKOV_VERSION) if cache and pinned else None


def scan_folder(
    folder: Path, checkov: str | None, cache: bool = True, process: CheckovProcess | None = None
) -> ScanReport:
    """checkov over one module folder; a clean result is reused while nothing changed.
    `process`: a checkov started ahead (warm) to scan it with."""
    from generator.scan import cache as scan_cache

    key = scan_cache_key(folder, checkov, cache)
    if key is not None and (hit := scan_cache.load(key)) is not None:
        return hit
    executable = ensure_checkov(checkov)
    if process is None:
        report = run_checkov([folder], executable)
    else:
        report = run_checkov([folder], executable, process=process)
    if key is not None:
        scan_cache.store(key, report)
    return report


# ---- render one module, step by step: prepare, render + verify, stage, scan, commit -------
# render_to_folder runs the steps one after another; the batch (batch.py) schedules the same
# steps over many modules (render in worker processes, scans in chunks).


@dataclass
class Prepared:
    """A module about to be rendered: its answers with what its target carries over
    (`retired_peers`), the warnings a render over that target needs, and where it goes."""

    answers: Answers
    target: Path
    shown: str  # the target as the user wrote it, for reports
    warnings: list[Problem]
    source: str | None = None  # the answers file, relative to the target (posix)


def prepare(
    answers: Answers, target: Path, options: RunOptions, shown: str, source: Path | None = None
) -> Prepared:
    """Step 1: the target may be written (`check_target`), and what it carries over."""
    check_target(target, options.force)
    carried, upgrade = answers_for_target(answers, target, options.drop_retired, options.force)
    return Prepared(carried, target, shown, upgrade, relative_source(source, target))


SAFE_SOURCE = re.compile(r"[A-Za-z0-9._+/-]{1,255}", re.ASCII)


def relative_source(source: Path | None, target: Path) -> str | None:
    """The answers file as the module folder's record names it: relative to the folder.
    None when there is no file (stdin), when the record itself is the source, or when the
    path holds characters that a README or a YAML comment could misread (it is then not
    recorded, and the module's texts name tfgen.answers.yaml as today)."""
    if source is None:
        return None
    relative = Path(os.path.relpath(os.path.abspath(source), os.path.abspath(target))).as_posix()
    if relative == ANSWERS_FILE or not SAFE_SOURCE.fullmatch(relative):
        return None
    return relative


def change_of(target: Path, files: dict[str, str]) -> str:
    """`created` (no module there yet), `changed` or `unchanged`: the rendered files against
    the module's files on disk (Terraform's working files aside)."""
    if not (target / MANIFEST_FILE).is_file():
        return "created"
    actual = {relative: path for relative, path in module_files(target)}
    if actual.keys() != files.keys():
        return "changed"
    for name, text in files.items():
        if read_module_file(actual[name]) != text.encode("utf-8"):
            return "changed"
    return "unchanged"


Rendered = tuple[dict[str, str], list[Finding], list[Problem], tuple[tuple[str, str], ...]]


def rendered_result(prepared: Prepared, rendered: Rendered) -> RunResult:
    """Step 2's result: `render_and_verify` of the prepared answers, as the module's result."""
    files, findings, warnings, skips = rendered
    return RunResult(
        prepared.answers.name,
        prepared.shown,
        files=sorted(files),
        findings=findings,
        warnings=warnings + prepared.warnings,
        skips=skips,
    )


def scanned(result: RunResult, report: ScanReport) -> None:
    """Step 4 into the result: the scan's findings are the module's findings, and so is every
    check checkov skipped without a skip of the plan (`unexpected_skips`)."""
    result.scan = report
    result.findings = report.findings + unexpected_skips(report.skips, result.skips, None)


def commit_module(stage: Path, prepared: Prepared, result: RunResult) -> None:
    """Step 5: the staged module replaces the target (under the target's lock); the result
    says whether that created, changed or left the module as it was."""
    result.change = change_of(prepared.target, {n: t for n, t in _texts(stage, result.files)})
    commit(stage, prepared.target)
    result.written = True


def _texts(stage: Path, names: list[str]) -> list[tuple[str, str]]:
    return [(name, (stage / name).read_text(encoding="utf-8")) for name in names]


def render_to_folder(
    answers: Answers,
    target: Path,
    options: RunOptions = DEFAULT_OPTIONS,
    source: Path | None = None,
) -> RunResult:
    """Render, verify and scan in a staging folder; move it into `target` only if all passed.

    Into an existing module, peers removed from the answers keep their provider alias
    (`retired_peers`) unless `drop_retired`. Runs into the same folder are serialized
    (`target_lock`). A file system that refuses the write (parent is a file, name too long,
    read-only, full) is a UsageError; the previous module stays as it was. `source`: the
    answers file, which the module's record and README name as the one to edit."""
    try:
        return _render_to_folder(answers, target, options, source)
    except OSError as error:
        where = error.filename or target
        raise UsageError(f"cannot write {where}: {error.strerror or error}") from None


def _render_to_folder(
    answers: Answers, target: Path, options: RunOptions, source: Path | None
) -> RunResult:
    shown = str(target)
    target = Path(os.path.abspath(target))  # `-o .` has a parent to stage in and lock
    warm = warm_checkov(options.checkov) if options.scan else None  # overlaps render, verify
    try:
        with target_lock(target):
            prepared = prepare(answers, target, options, shown, source)
            rendered = render_and_verify(prepared.answers, prepared.source)
            result = rendered_result(prepared, rendered)
            if result.findings:
                return result
            with staged(target, rendered[0]) as stage:
                if options.scan:
                    report = scan_folder(stage, options.checkov, options.cache, warm)
                    scanned(result, report)
                if not result.findings:
                    commit_module(stage, prepared, result)
            return result
    finally:
        if warm is not None:
            warm.close()


def validate_folder(folder: Path, options: RunOptions = DEFAULT_OPTIONS) -> RunResult:
    """Verify (and scan) a module folder already on disk against its answers (the source the
    manifest names, else its tfgen.answers.yaml). What tfgen wrote is decided by rendering
    those answers, never by the folder's own manifest."""
    refuse_links_leaving(folder)
    plan, warnings = folder_plan(folder)
    files, unreadable = _module_texts(folder, list(WRITTEN_FILES))
    result = RunResult(
        plan.answers.name, str(folder), files=sorted(files), warnings=[*warnings, *plan.warnings]
    )
    expected = planned_files(plan)
    result.findings = unreadable + verify_plan(plan, files) + _hand_findings(folder, expected)
    if options.scan:
        result.scan = scan_folder(folder, options.checkov, cache=options.cache)
        result.findings += result.scan.findings
        result.findings += unexpected_skips(result.scan.skips, plan.skips, None)
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


def _hand_findings(folder: Path, expected: dict[str, str]) -> list[Finding]:
    """What tfgen did not write, by rendering: Terraform reads every *.tf in the folder, so a
    file added by hand (an *_override.tf, a provisioner) changes the module; a committed
    `.terraform/` (a modules.json pointing the call elsewhere) does too."""
    from generator.run.compare import compare_module

    report = compare_module(
        folder, "", {name: text.encode("utf-8") for name, text in expected.items()}
    )
    words = {
        "edited": "differs from what its answers render (edited by hand, or the answers "
        "changed since: re-render)",
        "missing": "missing: its answers render it",
        "extra": "not written by tfgen: Terraform reads it with the module",
        "committed working file": "a Terraform working file committed in the module: "
        "Terraform reads it (remove it from git)",
    }
    return [Finding("verify", item.path, words.get(item.kind, item.kind)) for item in report.drift]


def module_source(folder: Path) -> Path | None:
    """The answers file the folder's manifest names as its source, when it is there."""
    manifest = read_manifest(folder)
    named = manifest.get("answers_source") if manifest else None
    if not isinstance(named, str) or not SAFE_SOURCE.fullmatch(named):
        return None
    path = folder / named
    return path if path.is_file() else None


def folder_answers(folder: Path) -> tuple[Answers, Path | None, list[Problem]]:
    """The one source of truth of a module folder: (the answers a render into it uses, their
    source file or None, warnings). The source is the answers file the manifest names when it
    is there, else the folder's own tfgen.answers.yaml; the answers carry the folder's retired
    peers over, as a render does. With both files, a warning says when the record no longer
    matches its source (the source wins)."""
    from generator.answers.load import load_answers
    from generator.core.errors import AnswersError

    record = folder / ANSWERS_FILE
    source = module_source(folder)
    if source is None:
        if not record.is_file():
            raise UsageError(f"{folder}: not a tfgen module (no {ANSWERS_FILE})")
        return load_record(record), None, []  # the record carries its own retired peers
    carried, _upgrade = answers_for_target(
        load_answers(source), folder, drop_retired=False, force=True
    )
    try:
        kept = load_record(record) if record.is_file() else None
    except AnswersError:
        kept = None
    warnings = []
    if kept is None or kept.normalized() != carried.normalized():
        warnings.append(
            Problem(
                "",
                f"{record} differs from its source {source}: tfgen uses the source; "
                f"re-render to update the record (tfgen render {source})",
            )
        )
    return carried, source, warnings


def folder_plan(folder: Path) -> tuple[ModulePlan, list[Problem]]:
    """The plan of what a render into the folder from its answers would write, and warnings."""
    from generator.plan.module_plan import plan_module

    answers, source, warnings = folder_answers(folder)
    return plan_module(answers, relative_source(source, folder)), warnings


def regenerate_readme(folder: Path) -> bool:
    """`tfgen docs`: rewrite only README.md of a module folder from its tfgen.answers.yaml, and
    its checksum in the manifest. Each file is replaced atomically. True when README.md changed."""
    refuse_links_leaving(folder)
    text = render_plan(folder_plan(folder)[0])[README_FILE]
    with target_lock(folder):
        manifest = read_manifest(folder)
        if manifest is None:
            raise UsageError(f"{folder}: not a tfgen module (no readable {MANIFEST_FILE})")
        path = folder / README_FILE
        # a regular file of bounded size, or none (then written): never a FIFO or a device
        old = read_module_file(path) if path.exists() or path.is_symlink() else None
        changed = old != text.encode("utf-8")
        if changed:
            write_text_atomic(path, text)
        digest = sha256_text(text)
        if manifest["files"].get(README_FILE) != digest:
            manifest["files"][README_FILE] = digest
            write_text_atomic(folder / MANIFEST_FILE, manifest_json(manifest))
    return changed


def modules_in(folders: tuple[Path, ...]) -> list[Path]:
    """Each FOLDER that is a module, or else every module under it (`tfgen check modules/`)."""
    from generator.moduledir.write import find_modules

    targets: list[Path] = []
    for folder in folders:
        if (folder / ANSWERS_FILE).is_file() or not folder.is_dir():
            targets.append(folder)
            continue
        found = find_modules(folder)
        if not found:
            raise UsageError(
                f"{folder}: not a tfgen module (no {ANSWERS_FILE}) and no tfgen modules under it"
            )
        targets += found
    return targets
