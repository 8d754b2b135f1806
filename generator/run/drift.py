"""Drift: does a module on disk still hold exactly what its own answers file renders to?

A module is re-rendered in memory from its ``tfgen.answers.yaml`` and compared byte for byte
with the folder: edited, missing and extra files are drift. Terraform's own working files
(``.terraform/``, the lock file, state, plans) are not part of a module and are ignored.

What a render writes is a function of its inputs (the module's manifest, its answers record,
the answers file the manifest names) and of tfgen's code, so the checksums of each render are
kept in the cache folder (``check/``), keyed by a hash of all of them (`render_key`): a module
whose inputs were rendered before is compared, every file of it, with those checksums, without
rendering again. Any difference (a changed byte, a missing or extra file) renders it as
before, for the diff; a changed input or code is another key.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator.core.errors import TfgenError, UsageError
from generator.core.files import (
    is_terraform_working_file,
    read_regular_file,
    refuse_links_leaving,
    walk,
    write_bytes_atomic,
)
from generator.core.layout import ANSWERS_FILE, MANIFEST_FILE
from generator.moduledir.write import read_module_file
from generator.run.compare import (
    HAND_EDIT,
    DriftReport,
    FileDrift,
    compare_module,
    tracked_working_files,
)

if TYPE_CHECKING:
    from generator.run.module import RunOptions


def check_module(folder: Path) -> DriftReport:
    """Compare a module folder with what its answers render to now (nothing is written)."""
    refuse_links_leaving(folder)  # nothing outside the module is read, or written by --fix
    key = render_key(folder)
    if key is not None and (report := unchanged_report(folder, key)) is not None:
        return report
    from generator.run.module import folder_plan, planned_files
    from generator.run.shared import expected_shared_files, is_shared_module

    if is_shared_module(folder):
        return compare_module(folder, folder.name, expected_shared_files())
    from generator.run.deployment import check_deployment, is_deployment

    if is_deployment(folder):
        return check_deployment(folder)
    plan, _warnings = folder_plan(folder)
    expected = {name: text.encode("utf-8") for name, text in planned_files(plan).items()}
    if key is not None:
        remember(key, plan.answers.name, expected)
    return compare_module(folder, plan.answers.name, expected)


PARALLEL_FROM = 24  # below this, starting worker processes costs more than it saves


def check_modules(folders: list[Path], jobs: int | None = None) -> list[DriftReport]:
    """check_module for each folder, in the folders' order; a larger set in worker processes
    (forked after the templates and the HCL parser are loaded, so none loads them again).
    Modules whose render is remembered (`unchanged_report`) are compared here first, and
    only the others rendered. The first folder that cannot be checked raises its error, as
    one after another would."""
    known = [_remembered(folder) for folder in folders]
    todo = [folder for folder, report in zip(folders, known, strict=True) if report is None]
    jobs = min(jobs or os.cpu_count() or 1, len(todo))
    if jobs <= 1 or len(todo) < PARALLEL_FROM:
        return [
            report or check_module(folder) for folder, report in zip(folders, known, strict=True)
        ]
    from generator.core.hcl import hcl_parser
    from generator.render.templates import environment

    hcl_parser()
    environment()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chunk = max(1, len(todo) // (jobs * 4))
        rendered = dict(zip(todo, pool.map(_check_in_worker, todo, chunksize=chunk), strict=True))
    # a folder that failed is checked again here, so its error is raised as tfgen raised it
    # (an AnswersError does not survive pickling between processes)
    return [
        report or rendered.get(folder) or check_module(folder)
        for folder, report in zip(folders, known, strict=True)
    ]


def _remembered(folder: Path) -> DriftReport | None:
    """`unchanged_report` for a folder, None for anything else (its error is raised later,
    in the folders' order, by check_module)."""
    try:
        refuse_links_leaving(folder)
        key = render_key(folder)
        return None if key is None else unchanged_report(folder, key)
    except (TfgenError, OSError):
        return None


# ---- the render cache: checksums of what each module's inputs rendered to --------------
RENDER_CACHE = "check"
RENDER_CACHE_FORMAT = 1
MAX_INPUT_BYTES = 16 * 1024 * 1024


def render_key(folder: Path) -> str | None:
    """The hash of everything a render of this module folder reads (its manifest, answers
    record and the answers file the manifest names, each by its bytes, or their absence) and
    of tfgen's code (`code_digest`); None for a folder that is not a plain module (a shared
    module or a deployment root: kind in the manifest), one whose inputs cannot be read (the
    render reports why), or without a cache folder."""
    from generator.core.cachedir import cache_folder, code_digest
    from generator.run.module import SAFE_SOURCE, relative_source

    if cache_folder(RENDER_CACHE) is None:
        return None
    try:
        manifest_bytes = read_module_file(folder / MANIFEST_FILE)
        manifest = json.loads(manifest_bytes.decode("utf-8"))
        if not isinstance(manifest, dict) or "kind" in manifest:
            return None
        named = manifest.get("answers_source")
        source = folder / named if isinstance(named, str) and SAFE_SOURCE.fullmatch(named) else None
        inputs = [
            manifest_bytes,
            _read_if_file(folder / ANSWERS_FILE),
            _read_if_file(source) if source is not None else None,
            None if source is None else relative_source(source, folder),
        ]
    except (UsageError, ValueError, OSError):
        return None
    digest = hashlib.sha256(f"tfgen render {RENDER_CACHE_FORMAT} {code_digest()}\n".encode())
    for part in inputs:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(b"-\n" if data is None else f"{len(data)}\n".encode() + data)
    return digest.hexdigest()


def _read_if_file(path: Path) -> bytes | None:
    return read_regular_file(path, MAX_INPUT_BYTES) if path.is_file() else None


def _entry_path(key: str) -> Path | None:
    from generator.core.cachedir import cache_folder

    folder = cache_folder(RENDER_CACHE)
    return None if folder is None else folder / f"{key}.json"


def remember(key: str, name: str, expected: dict[str, bytes]) -> None:
    """Keep the checksums of a render (an optimization: a failed write is a miss later)."""
    path = _entry_path(key)
    files = {file: hashlib.sha256(data).hexdigest() for file, data in sorted(expected.items())}
    entry = json.dumps({"name": name, "files": files}, sort_keys=True).encode("utf-8")
    if path is not None:
        with contextlib.suppress(OSError):
            write_bytes_atomic(path, entry)


def unchanged_report(folder: Path, key: str) -> DriftReport | None:
    """The report of a module whose every file (and nothing else) has the checksum its
    inputs rendered to before, without rendering; None on any difference or doubt (then it
    is rendered and compared, for the diff)."""
    where = _entry_path(key)
    if where is None:
        return None
    try:
        entry = json.loads(where.read_bytes())
        expected, name = entry["files"], entry["name"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if not isinstance(expected, dict) or not isinstance(name, str):
        return None
    actual: dict[str, str] = {}
    working = False
    try:
        for relative, path in walk(folder):
            if is_terraform_working_file(relative):
                working = True
            elif path.is_symlink() or not path.is_dir():
                actual[relative] = hashlib.sha256(read_module_file(path)).hexdigest()
        if actual != expected:
            return None
        version = json.loads(read_module_file(folder / MANIFEST_FILE)).get("tfgen_version")
    except (UsageError, OSError, ValueError, AttributeError):
        return None
    report = DriftReport(
        name, str(folder), rendered_by=version if isinstance(version, str) else None
    )
    for file in tracked_working_files(folder) if working else []:
        report.drift.append(FileDrift(file, "committed working file", "", HAND_EDIT))
    return report


def _check_in_worker(folder: Path) -> DriftReport | None:
    try:
        return check_module(folder)
    except TfgenError:
        return None


def fix_module(folder: Path, report: DriftReport, options: RunOptions | None = None) -> None:
    """Make the folder match its answers again through the one render (render_to_folder):
    rendered from its own answers, verified and scanned in a staging folder, swapped in under
    the folder's lock (Terraform's working files stay). A module whose render has findings is
    left as it was (`report.fixed` stays False)."""
    from generator.run.module import DEFAULT_OPTIONS, folder_answers, render_to_folder
    from generator.run.shared import is_shared_module, write_shared_module

    refuse_links_leaving(folder)
    if is_shared_module(folder):
        write_shared_module(folder, force=True)
        report.fixed = True
        return
    from generator.run.deployment import fix_deployment, is_deployment

    if is_deployment(folder):
        report.fixed = fix_deployment(folder, options or DEFAULT_OPTIONS)
        return
    # the folder is a tfgen module the user named: a deleted manifest is drift to repair
    options = replace(options or DEFAULT_OPTIONS, force=True)
    answers, source, _warnings = folder_answers(folder)
    result = render_to_folder(answers, folder, options, source)
    report.fixed = result.written
