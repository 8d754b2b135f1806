"""Batch render: many answers files in one run.

Render and verify run in parallel across processes; the modules that pass are staged in one
folder beside their targets. Modules scanned clean before come from the scan cache; the others
are scanned in chunks (generator/scan/chunks.py), one checkov process per chunk and several
at once, each chunk as soon as its modules are verified, while the rest still render. Each
clean module is then moved into place. One bad answers file does not stop the others: each
gets its own result, and the run's exit code is the worst.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from generator.answers.load import load_answers
from generator.core.errors import TfgenError, UsageError
from generator.moduledir.write import (
    STAGING_MARK,
    check_target,
    staging_folder,
    target_lock,
    write_files,
)
from generator.run.module import (
    DEFAULT_OPTIONS,
    Prepared,
    Rendered,
    RunOptions,
    RunResult,
    commit_module,
    prepare,
    render_and_verify,
    rendered_result,
    scan_cache_key,
    scanned,
)
from generator.scan.checkov import ScanReport, ensure_checkov
from generator.scan.chunks import ChunkScanner, chunk_size

ANSWERS_SUFFIXES = (".yaml", ".yml", ".json")

# (answers source, what happened): "error", "rendered and verified", "verify failed",
# "scan cached", "scanned", "scan failed", "written" (generator/report/progress.py counts them)
Progress = Callable[[str, str], None]


@runtime_checkable
class ScanProgress(Protocol):
    """A Progress that also wants to know when a chunk of modules goes to checkov (their
    "scanned" events come when the chunk's report is back)."""

    def __call__(self, source: str, event: str) -> None: ...

    def scanning(self, sources: Sequence[str], lanes: int) -> None: ...


@dataclass
class BatchItem:
    """One answers file of a batch: its module result, or the error that stopped it."""

    source: str
    result: RunResult | None = None
    error: TfgenError | None = None

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return self.error.exit_code
        assert self.result is not None, "an item has a result or an error"
        return self.result.exit_code

    @property
    def module(self) -> RunResult:
        """The module result of an item past loading (render_batch sets it before use)."""
        assert self.result is not None, f"{self.source} has no module result"
        return self.result

    def to_json(self) -> dict[str, Any]:
        if self.error is None:
            return {"source": self.source, **self.module.to_json()}
        return {
            "source": self.source,
            "status": "error",
            "exit_code": self.exit_code,
            "errors": self.error.problems_json(),
        }


def expand_sources(paths: list[Path]) -> list[Path]:
    """Answers files as given; a folder stands for its *.yaml, *.yml and *.json files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in ANSWERS_SUFFIXES)
        else:
            found.append(path)
    return found


def parse_shard(text: str) -> tuple[int, int]:
    """`I/N` (1 <= I <= N) -> (I, N); UsageError naming what is allowed otherwise."""
    index, slash, total = text.partition("/")
    if slash and index.strip().isdigit() and total.strip().isdigit():
        shard = int(index), int(total)
        if 1 <= shard[0] <= shard[1]:
            return shard
    raise UsageError(f"--shard: {text[:40]!r} is not I/N with 1 <= I <= N (e.g. 1/4)")


def select_shard(paths: list[Path], index: int, total: int) -> list[Path]:
    """Shard I of N: sorted by file name (then by path, for equal names), every N-th from the
    I-th. The split depends only on the names, so N CI jobs given the same files cover each
    exactly once, in shards that differ in size by at most one."""
    ranked = sorted(range(len(paths)), key=lambda i: (paths[i].name, str(paths[i])))
    chosen = {i for rank, i in enumerate(ranked) if rank % total == index - 1}
    return [path for i, path in enumerate(paths) if i in chosen]


def render_batch(
    sources: list[Path],
    out_root: Path,
    options: RunOptions = DEFAULT_OPTIONS,
    progress: Progress | None = None,
) -> list[BatchItem]:
    """Render every answers file into out_root/<name>; nothing half-written on any failure.

    `options.jobs` is both the number of render workers and of checkov processes at once
    (default: the CPUs); `options.scan_chunk` caps the modules per checkov process (its memory
    grows with them).
    """
    note = progress or (lambda source, event: None)
    items = [BatchItem(str(source)) for source in sources]
    models = load_models(items, sources, out_root, options, note)
    if not models:
        return items
    jobs = options.jobs or os.cpu_count() or 1
    size = chunk_size(len(models), jobs, options.scan_chunk)
    lanes = min(jobs, -(-len(models) // size))
    staged: dict[int, Path] = {}
    # locked while it lives: a later run removes it only once this one is gone
    with staging_folder(out_root, f"{STAGING_MARK}batch-", parent_locked=False) as batch:
        scans = StagedScans(
            items,
            staged,
            batch,
            checkov=options.checkov,
            cache=options.cache,
            lanes=lanes,
            size=size,
            note=note,
            chunks=progress if isinstance(progress, ScanProgress) else None,
        )
        with scans:
            for index, rendered in render_all(models, jobs):
                result = items[index].result = rendered_result(models[index], rendered)
                if result.findings:
                    note(items[index].source, "verify failed")
                    continue
                note(items[index].source, "rendered and verified")
                staged[index] = batch / "ready" / models[index].answers.name
                write_files(staged[index], rendered[0])
                if options.scan:
                    scans.add(index)
                scans.collect(block=False)  # chunks already back, reported as they come
            scans.wait()
        for index, folder in staged.items():
            result = items[index].module
            if not result.findings:
                prepared = models[index]
                with target_lock(prepared.target):
                    # again: another run may have written it since
                    check_target(prepared.target, options.force)
                    commit_module(folder, prepared, result)
                note(items[index].source, "written")
    return items


def load_models(
    items: list[BatchItem],
    sources: list[Path],
    out_root: Path,
    options: RunOptions,
    note: Progress,
) -> dict[int, Prepared]:
    """Each source that loads, has a name of its own and a writable target, prepared (step 1
    of render_to_folder: `prepare`)."""
    models: dict[int, Prepared] = {}
    owners: dict[str, str] = {}
    for index, (item, source) in enumerate(zip(items, sources, strict=True)):
        try:
            answers = load_answers(source)
            if answers.name in owners:
                raise UsageError(
                    f"module name {answers.name!r} is also the name in {owners[answers.name]}"
                )
            owners[answers.name] = item.source
            target = out_root / answers.name
            models[index] = prepare(answers, target, options, str(target), source)
        except TfgenError as error:
            item.error = error
            note(item.source, "error")
    return models


def render_all(models: dict[int, Prepared], jobs: int) -> Iterator[tuple[int, Rendered]]:
    """(index, (files, verify findings, warnings)) in the sources' order, as workers finish."""
    from generator.core.hcl import hcl_parser

    order = sorted(models)
    workers = min(jobs, len(order))
    if workers <= 1:
        for index in order:
            yield index, render_and_verify(models[index].answers, models[index].source)
        return
    hcl_parser()  # built (or loaded from its cache) once, before the workers fork
    with ProcessPoolExecutor(max_workers=workers) as pool:
        answers = [models[i].answers for i in order]
        sources = [models[i].source for i in order]
        yield from zip(order, pool.map(render_and_verify, answers, sources), strict=True)


class StagedScans:
    """The scan of a batch's verified modules: the scan cache first, then chunks of the rest,
    each chunk handed to a checkov process as soon as it is full; results into the items.
    `staged` (module index -> folder) follows the folders into their chunk folders."""

    def __init__(
        self,
        items: list[BatchItem],
        staged: dict[int, Path],
        batch: Path,
        *,
        checkov: str | None,
        cache: bool,
        lanes: int,
        size: int,
        note: Progress,
        chunks: ScanProgress | None = None,
    ) -> None:
        self.items, self.staged, self.batch, self.note = items, staged, batch, note
        self.progress = chunks
        self.checkov, self.lanes, self.size = checkov, lanes, size
        self.cache = cache
        self.scanner: ChunkScanner | None = None
        self.pending: list[int] = []
        self.chunks: list[tuple[list[int], Future[dict[Path, ScanReport]]]] = []
        self.keys: dict[int, str] = {}
        self.reported: set[int] = set()  # positions in self.chunks whose reports are in

    def __enter__(self) -> StagedScans:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if self.scanner is not None:
            self.scanner.close(abandon=error is not None)

    def add(self, index: int) -> None:
        """A verified, staged module: from the scan cache, or into the current chunk."""
        from generator.scan import cache as scan_cache

        key = scan_cache_key(self.staged[index], self.checkov, self.cache)
        if key is not None:
            self.keys[index] = key
            hit = scan_cache.load(key)
            if hit is not None:
                self.items[index].module.scan = hit
                self.note(self.items[index].source, "scan cached")
                return
        if self.scanner is None:  # the first module to scan: checkov starts warming up now
            self.scanner = ChunkScanner(ensure_checkov(self.checkov), self.lanes)
            self.scanner.start()
        self.pending.append(index)
        if len(self.pending) >= self.size:
            self.flush()

    def flush(self) -> None:
        if not self.pending or self.scanner is None:
            return
        chunk = self.batch / f"scan-{len(self.chunks)}"
        chunk.mkdir()
        for index in self.pending:
            moved = chunk / self.staged[index].name
            os.rename(self.staged[index], moved)
            self.staged[index] = moved
        self.chunks.append((self.pending, self.scanner.submit(chunk)))
        if self.progress is not None:
            self.progress.scanning([self.items[i].source for i in self.pending], self.lanes)
        self.pending = []

    def wait(self) -> None:
        """Scan what is left, then every chunk's reports into the items."""
        self.flush()
        if self.scanner is not None:
            self.scanner.finish()
        self.collect(block=True)

    def collect(self, block: bool) -> None:
        """The reports of the chunks that are back into their items, as they come back (with
        `block`: until every chunk is back). A chunk that failed raises here."""
        from generator.scan import cache as scan_cache

        while True:
            for position, (indexes, future) in enumerate(self.chunks):
                if position in self.reported or not future.done():
                    continue
                self.reported.add(position)
                reports = future.result()
                for index in indexes:
                    report = reports[self.staged[index]]
                    scanned(self.items[index].module, report)
                    if index in self.keys:
                        scan_cache.store(self.keys[index], report)
                    event = "scan failed" if report.findings else "scanned"
                    self.note(self.items[index].source, event)
            running = [f for n, (_i, f) in enumerate(self.chunks) if n not in self.reported]
            if not block or not running:
                return
            wait_for(running, return_when=FIRST_COMPLETED)
