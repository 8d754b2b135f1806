"""`tfgen scan`: checkov and the CKV_TFGEN pack over any Terraform folders."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.exits import finish
from generator.cli.options import (
    CHECKOV_OPTION,
    report_options,
    reporting_options,
)


@click.command()
@click.argument(
    "folders",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option(
    "--pack-only",
    is_flag=True,
    help="Run only tfgen's own checks (CKV_TFGEN_*), not checkov's built-in ones.",
)
@reporting_options
@CHECKOV_OPTION
def scan(
    folders: tuple[Path, ...],
    pack_only: bool,
    output_format: str,
    report_file: Path | None,
    legacy_report: Path | None,
    checkov: str | None,
) -> None:
    """Scan Terraform FOLDERS (any Terraform, not only tfgen's) with checkov and tfgen's
    policy pack for Lambda interface endpoints (CKV_TFGEN_*). Exit 1 when a check fails."""
    from generator.report.text import report_scan
    from generator.scan.checkov import PACK_CHECK_IDS, ensure_checkov, run_checkov

    reporting = report_options(output_format, report_file, legacy_report)
    checks = list(PACK_CHECK_IDS) if pack_only else None
    executable = ensure_checkov(checkov)
    # One checkov process per folder: checkov 3.3.30 scans only the first of several -d.
    from generator.run.deployment import is_deployment, scan_deployment

    reports = [
        (
            folder,
            scan_deployment(folder, executable, checks)
            if is_deployment(folder)
            else run_checkov([folder], executable, checks),
        )
        for folder in folders
    ]
    finish(lambda: report_scan(reports, reporting))
