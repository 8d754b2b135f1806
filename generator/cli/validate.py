"""`tfgen validate`: verify (and scan) module folders against their answers files."""

from __future__ import annotations

import time
from pathlib import Path

import click

from generator.cli.exits import finish
from generator.cli.options import (
    CACHE_OPTION,
    CHECKOV_OPTION,
    SCAN_OPTION,
    report_options,
    reporting_options,
    require_folders,
    run_options,
)


@click.command()
@click.argument(
    "folders", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path)
)
@SCAN_OPTION
@CACHE_OPTION
@reporting_options
@CHECKOV_OPTION
def validate(
    folders: tuple[Path, ...],
    no_scan: bool,
    no_cache: bool,
    output_format: str,
    report_file: Path | None,
    legacy_report: Path | None,
    checkov: str | None,
) -> None:
    """Verify (and scan) each module FOLDER against its own tfgen.answers.yaml (a deployment
    root: against its answers and the shared module). Several folders: one report with a
    `modules` list (as a batch render's), a folder that cannot be validated is an error of
    its own, and the exit code is the worst of them."""
    from generator.core.errors import TfgenError
    from generator.core.layout import ANSWERS_FILE
    from generator.report.text import report_run, report_validations, validate_summary
    from generator.run.batch import BatchItem
    from generator.run.deployment import is_deployment, validate_deployment
    from generator.run.module import RunResult, validate_folder

    started = time.monotonic()
    reporting = report_options(output_format, report_file, legacy_report)
    require_folders(folders)
    options = run_options(no_scan, no_cache, checkov=checkov)

    def validated(folder: Path) -> RunResult:
        check = validate_deployment if is_deployment(folder) else validate_folder
        return check(folder, options)

    if len(folders) == 1:
        (folder,) = folders
        result = validated(folder)

        def report() -> int:
            item = BatchItem(str(folder), result=result)
            summary = validate_summary([item], time.monotonic() - started)
            report_run("validate", result, reporting, str(folder / ANSWERS_FILE), summary)
            return result.exit_code

        finish(report)
    items = []
    for folder in folders:
        try:
            items.append(BatchItem(str(folder), result=validated(folder)))
        except TfgenError as error:
            items.append(BatchItem(str(folder), error=error))
    finish(lambda: report_validations(items, reporting, time.monotonic() - started))
