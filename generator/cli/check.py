"""`tfgen check`: the drift check of committed modules against their answers."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.cli.exits import MODULES_ROOT, finish
from generator.cli.options import (
    CHECKOV_OPTION,
    SCAN_OPTION,
    SHARD_OPTION,
    report_options,
    reporting_options,
    require_folders,
    run_options,
)

if TYPE_CHECKING:
    from generator.report.text import ReportOptions


@click.command()
@click.argument("folders", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
@click.option("--fix", is_flag=True, help="Re-render drifted files in place from the answers.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPUs).")
@click.option(
    "--answers",
    "answers_dir",
    metavar="DIR",
    type=click.Path(path_type=Path),
    help="The gate: render every answers file in DIR (or the files named) in memory and "
    "compare with the modules under --modules-root; writes nothing. Fails on a differing "
    "file, an answers file without a module, two answers files naming one module, and a "
    "folder with Terraform files that no answers file renders.",
)
@click.option(
    "--modules-root",
    metavar="DIR",
    type=click.Path(path_type=Path),
    default=MODULES_ROOT,
    show_default=True,
    help="With --answers: where the modules are (<root>/<name>).",
)
@click.option(
    "--deployments-root",
    metavar="DIR",
    type=click.Path(path_type=Path),
    help="With --answers: the answers render as deployment roots <DIR>/<name> (the "
    "deployment layout), and the shared module --module-dir is checked too.",
)
@click.option(
    "--module-dir",
    metavar="DIR",
    type=click.Path(path_type=Path),
    default=Path("modules/lambda-endpoint"),
    show_default=True,
    help="With --deployments-root: the shared module's folder.",
)
@SHARD_OPTION
@SCAN_OPTION
@CHECKOV_OPTION
@reporting_options
def check(
    folders: tuple[Path, ...],
    fix: bool,
    jobs: int | None,
    answers_dir: Path | None,
    modules_root: Path,
    deployments_root: Path | None,
    module_dir: Path,
    shard: str | None,
    no_scan: bool,
    checkov: str | None,
    output_format: str,
    report_file: Path | None,
    legacy_report: Path | None,
) -> None:
    """Drift check: each module FOLDER (default: every tfgen module under modules/) must
    hold exactly what its tfgen.answers.yaml renders to. Drift is exit 1 with a diff.
    --shard splits the module folders by folder name. --fix renders each drifted module again
    from its answers, as `tfgen render` does (verified, scanned unless --no-scan)."""
    from generator.core.errors import UsageError
    from generator.moduledir.write import find_modules
    from generator.report.text import report_drift
    from generator.run.drift import check_modules, fix_module
    from generator.run.gate import unrendered_folders
    from generator.run.module import modules_in

    started = time.monotonic()
    reporting = report_options(output_format, report_file, legacy_report)
    require_folders(folders)
    if answers_dir is not None:
        if folders or fix:
            raise UsageError("--answers checks the modules its answers render: no FOLDER or --fix")
        if deployments_root is not None:
            gate(answers_dir, deployments_root, shard, reporting, module_dir, started)
        gate(answers_dir, modules_root, shard, reporting, started=started)
    targets = modules_in(folders) if folders else find_modules(MODULES_ROOT)
    unowned = []
    if not folders:
        # a folder that lost its manifest keeps its record: still checked, never skipped; one
        # with Terraform files and neither is reported
        targets = sorted({*targets, *recorded_modules(MODULES_ROOT)})
        unowned = unrendered_folders(MODULES_ROOT, {target.name for target in targets})
    if not targets and not unowned:
        raise UsageError(f"no tfgen modules under {MODULES_ROOT}/: name the module folders")
    if shard:
        # imported here: run.batch loads the answers machinery, which a check of modules it
        # rendered before does not need
        from generator.run.batch import parse_shard, select_shard

        targets = select_shard(targets, *parse_shard(shard))
    reports = check_modules(targets, jobs)
    for folder, report in zip(targets, reports, strict=True):
        if fix and report.drift:
            fix_module(folder, report, run_options(no_scan, checkov=checkov))
    found = [*reports, *unowned]
    finish(lambda: report_drift(found, reporting, elapsed=time.monotonic() - started))


def recorded_modules(root: Path) -> list[Path]:
    """Folders directly under root that hold a tfgen answers record."""
    from generator.core.layout import ANSWERS_FILE

    if not root.is_dir():
        return []
    return sorted(path for path in root.iterdir() if (path / ANSWERS_FILE).is_file())


def gate(
    answers: Path,
    modules_root: Path,
    shard: str | None,
    reporting: ReportOptions,
    module_dir: Path | None = None,
    started: float | None = None,
) -> None:
    """`tfgen check --answers DIR`: the gate (generator/run/gate.py)."""
    from generator.core.errors import UsageError
    from generator.report.text import report_drift
    from generator.run.gate import check_sources, gate_sources

    if not answers.exists():
        raise UsageError(f"--answers {answers}: no such file or folder")
    sources, selected = gate_sources([answers], shard)
    reports, errors = check_sources(sources, modules_root, selected, module_dir=module_dir)
    began = time.monotonic() if started is None else started
    finish(lambda: report_drift(reports, reporting, errors, time.monotonic() - began))
