"""`tfgen import`: answers that adopt an existing Lambda interface endpoint."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("import")
@click.argument("endpoint_id", metavar="VPCE_ID")
@click.option("--region", help="Region of the endpoint (default: the AWS configuration's).")
@click.option(
    "--endpoint-url",
    metavar="URL",
    help="EC2 API URL (moto, LocalStack); boto3 also reads AWS_ENDPOINT_URL.",
)
@click.option(
    "--name", help="Module name (default: from the endpoint's Name tag, else lambda-<id>)."
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    help="Answers file to write (default: answers/<name>.yaml; - for stdout).",
)
@click.option("--force", is_flag=True, help="Replace an existing answers file.")
def import_endpoint(
    endpoint_id: str,
    region: str | None,
    endpoint_url: str | None,
    name: str | None,
    output: Path | None,
    force: bool,
) -> None:
    """Read an existing Lambda interface endpoint (Describe calls only) and write answers that
    adopt it: rendering them adds import blocks, so the first apply creates nothing twice."""
    from generator.adopt.command import run_import
    from generator.report.text import report_import

    adoption, text, path = run_import(
        endpoint_id,
        region=region,
        endpoint_url=endpoint_url,
        name=name,
        output=output,
        force=force,
    )
    report_import(adoption.warnings, text, path)
