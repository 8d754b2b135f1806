"""Drift: does a module on disk still hold exactly what its own answers file renders to?

A module is re-rendered in memory from its ``tfgen.answers.yaml`` and compared byte for byte
with the folder: edited, missing and extra files are drift. Terraform's own working files
(``.terraform/``, the lock file, state, plans) are not part of a module and are ignored.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator.core.errors import TfgenError
from generator.core.files import refuse_links_leaving
from generator.run.compare import (
    DriftReport,
    compare_module,
)

if TYPE_CHECKING:
    from generator.run.module import RunOptions


def check_module(folder: Path) -> DriftReport:
    """Compare a module folder with what its answers render to now (nothing is written)."""
    from generator.run.module import folder_plan, planned_files
    from generator.run.shared import expected_shared_files, is_shared_module

    refuse_links_leaving(folder)  # nothing outside the module is read, or written by --fix
    if is_shared_module(folder):
        return compare_module(folder, folder.name, expected_shared_files())
    from generator.run.deployment import check_deployment, is_deployment

    if is_deployment(folder):
        return check_deployment(folder)
    plan, _warnings = folder_plan(folder)
    expected = {name: text.encode("utf-8") for name, text in planned_files(plan).items()}
    return compare_module(folder, plan.answers.name, expected)


PARALLEL_FROM = 24  # below this, starting worker processes costs more than it saves


def check_modules(folders: list[Path], jobs: int | None = None) -> list[DriftReport]:
    """check_module for each folder, in the folders' order; a larger set in worker processes
    (forked after the templates and the HCL parser are loaded, so none loads them again).
    The first folder that cannot be checked raises its error, as one after another would."""
    jobs = min(jobs or os.cpu_count() or 1, len(folders))
    if jobs <= 1 or len(folders) < PARALLEL_FROM:
        return [check_module(folder) for folder in folders]
    from generator.core.hcl import hcl_parser
    from generator.render.templates import environment

    hcl_parser()
    environment()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chunk = max(1, len(folders) // (jobs * 4))
        found = list(pool.map(_check_in_worker, folders, chunksize=chunk))
    # a folder that failed is checked again here, so its error is raised as tfgen raised it
    # (an AnswersError does not survive pickling between processes)
    return [report or check_module(folder) for folder, report in zip(folders, found, strict=True)]


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
