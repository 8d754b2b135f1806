"""Batch render: many answers files in one run.

Render and verify run in parallel across processes; the modules that pass are staged in one
folder beside their targets and scanned by a single checkov process (modules scanned clean
before come from the scan cache); each clean module is then moved into place. One bad answers
file does not stop the others: each gets its own result, and the run's exit code is the worst.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator.answers import Answers, load_answers
from generator.errors import TfgenError, UsageError
from generator.findings import Finding
from generator.pipeline import RunResult, answer_warnings, rendered_files
from generator.scan import CHECKOV_ENV_VAR, CHECKOV_VERSION, ensure_checkov, run_checkov_each
from generator.verify import verify_module
from generator.write import check_target, commit, target_lock, write_files

ANSWERS_SUFFIXES = (".yaml", ".yml", ".json")

Progress = Callable[[str, str], None]  # (answers source, what happened)


@dataclass
class BatchItem:
    """One answers file of a batch: its module result, or the error that stopped it."""

    source: str
    result: RunResult | None = None
    error: TfgenError | None = None

    @property
    def exit_code(self) -> int:
        return self.error.exit_code if self.error else self.result.exit_code


def expand_sources(paths: list[Path]) -> list[Path]:
    """Answers files as given; a folder stands for its *.yaml, *.yml and *.json files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in ANSWERS_SUFFIXES)
        else:
            found.append(path)
    return found


def render_and_verify(answers: Answers) -> tuple[dict[str, str], list[Finding]]:
    """The per-module work that runs in a worker process."""
    files = rendered_files(answers)
    return files, verify_module(answers, files)


def render_batch(
    sources: list[Path],
    out_root: Path,
    *,
    scan: bool = True,
    force: bool = False,
    checkov: str | None = None,
    cache: bool = True,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> list[BatchItem]:
    """Render every answers file into out_root/<name>; nothing half-written on any failure."""
    note = progress or (lambda source, event: None)
    items = [BatchItem(str(source)) for source in sources]
    models: dict[int, Answers] = {}
    owners: dict[str, str] = {}
    for index, (item, source) in enumerate(zip(items, sources, strict=True)):
        try:
            answers = load_answers(source)
            if answers.name in owners:
                raise UsageError(
                    f"module name {answers.name!r} is also the name in {owners[answers.name]}"
                )
            owners[answers.name] = item.source
            check_target(out_root / answers.name, force)
            models[index] = answers
        except TfgenError as error:
            item.error = error
            note(item.source, "error")

    workers = min(jobs or os.cpu_count() or 1, max(len(models), 1))
    order = sorted(models)
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            outputs = list(pool.map(render_and_verify, [models[i] for i in order]))
    else:
        outputs = [render_and_verify(models[i]) for i in order]
    files_of: dict[int, dict[str, str]] = {}
    for index, (files, findings) in zip(order, outputs, strict=True):
        answers = models[index]
        items[index].result = RunResult(
            answers.name,
            str(out_root / answers.name),
            files=sorted(files),
            findings=findings,
            warnings=answer_warnings(answers),
        )
        if findings:
            note(items[index].source, "verify failed")
        else:
            files_of[index] = files
            note(items[index].source, "rendered and verified")
    if not files_of:
        return items

    out_root.mkdir(parents=True, exist_ok=True)
    batch = Path(tempfile.mkdtemp(prefix=".tfgen-batch-", dir=out_root))
    try:
        staged = {index: batch / "ready" / models[index].name for index in files_of}
        for index, folder in staged.items():
            write_files(folder, files_of[index])
        if scan:
            scan_staged(items, staged, batch, checkov, cache, note)
        for index, folder in staged.items():
            result = items[index].result
            if not result.findings:
                target = out_root / models[index].name
                with target_lock(target):
                    check_target(target, force)  # again: another run may have written it since
                    commit(folder, target)
                result.written = True
                note(items[index].source, "written")
    finally:
        shutil.rmtree(batch, ignore_errors=True)
    return items


def scan_staged(
    items: list[BatchItem],
    staged: dict[int, Path],
    batch: Path,
    checkov: str | None,
    cache: bool,
    note: Progress,
) -> None:
    """Scan cache first; every other module in one checkov process; results into the items."""
    from generator import scan_cache

    pinned = cache and not (checkov or os.environ.get(CHECKOV_ENV_VAR))
    keys = {i: scan_cache.cache_key(folder, CHECKOV_VERSION) for i, folder in staged.items()}
    to_scan = batch / "scan"
    pending: dict[Path, int] = {}
    for index, folder in staged.items():
        hit = scan_cache.load(keys[index]) if pinned else None
        if hit is not None:
            items[index].result.scan = hit
            note(items[index].source, "scan cached")
            continue
        to_scan.mkdir(exist_ok=True)
        os.rename(folder, to_scan / folder.name)
        staged[index] = to_scan / folder.name
        pending[staged[index]] = index
    if not pending:
        return
    reports = run_checkov_each(to_scan, ensure_checkov(checkov))
    for folder, index in pending.items():
        report = reports[folder]
        result = items[index].result
        result.scan = report
        result.findings = report.findings
        if pinned:
            scan_cache.store(keys[index], report)
        note(items[index].source, "scan failed" if report.findings else "scanned")
