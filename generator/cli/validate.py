"""`tfgen validate`: verify (and scan) a module folder against its answers file."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.exits import finish
from generator.cli.options import (
    CACHE_OPTION,
    CHECKOV_OPTION,
    SCAN_OPTION,
    report_options,
    reporting_options,
    run_options,
)


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@SCAN_OPTION
@CACHE_OPTION
@reporting_options
@CHECKOV_OPTION
def validate(
    folder: Path,
    no_scan: bool,
    no_cache: bool,
    output_format: str,
    report_file: Path | None,
    legacy_report: Path | None,
    checkov: str | None,
) -> None:
    """Verify (and scan) a module FOLDER against its own tfgen.answers.yaml."""
    from generator.core.layout import ANSWERS_FILE
    from generator.report.text import report_run
    from generator.run.module import validate_folder

    reporting = report_options(output_format, report_file, legacy_report)
    from generator.run.deployment import is_deployment, validate_deployment

    options = run_options(no_scan, no_cache, checkov=checkov)
    check = validate_deployment if is_deployment(folder) else validate_folder
    result = check(folder, options)

    def report() -> int:
        report_run("validate", result, reporting, str(folder / ANSWERS_FILE))
        return result.exit_code

    finish(report)
