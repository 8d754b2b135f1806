"""`tfgen check`: the drift check of committed modules against their answers."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.exits import MODULES_ROOT, finish
from generator.cli.options import (
    CHECKOV_OPTION,
    SCAN_OPTION,
    SHARD_OPTION,
    report_options,
    reporting_options,
    run_options,
)


@click.command()
@click.argument("folders", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
@click.option("--fix", is_flag=True, help="Re-render drifted files in place from the answers.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPUs).")
@SHARD_OPTION
@SCAN_OPTION
@CHECKOV_OPTION
@reporting_options
def check(
    folders: tuple[Path, ...],
    fix: bool,
    jobs: int | None,
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
    from generator.run.batch import parse_shard, select_shard
    from generator.run.drift import check_modules, fix_module
    from generator.run.module import modules_in

    reporting = report_options(output_format, report_file, legacy_report)
    targets = modules_in(folders) if folders else find_modules(MODULES_ROOT)
    if not targets:
        raise UsageError(f"no tfgen modules under {MODULES_ROOT}/: name the module folders")
    if shard:
        targets = select_shard(targets, *parse_shard(shard))
    reports = check_modules(targets, jobs)
    for folder, report in zip(targets, reports, strict=True):
        if fix and report.drift:
            fix_module(folder, report, run_options(no_scan, checkov=checkov))
    finish(lambda: report_drift(reports, reporting))
