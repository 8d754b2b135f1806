"""`tfgen version`: tfgen's version and the versions it pins or renders for."""

from __future__ import annotations

import json

import click


@click.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one document on stdout (the report envelope, as the other commands' reports).",
)
def version(output_format: str) -> None:
    """tfgen's version, the checkov version it installs and runs (`tfgen setup`), and the
    Terraform and AWS provider versions the modules it renders require."""
    from generator.render.templates import AWS_PROVIDER_CONSTRAINT, TERRAFORM_VERSION_CONSTRAINT
    from generator.report.text import envelope
    from generator.scan.checkov import CHECKOV_VERSION

    if output_format == "json":
        document = envelope(
            "version",
            "ok",
            0,
            checkov_version=CHECKOV_VERSION,
            terraform_constraint=TERRAFORM_VERSION_CONSTRAINT,
            aws_provider_constraint=AWS_PROVIDER_CONSTRAINT,
        )
        click.echo(json.dumps(document, indent=2))
        return
    from generator import __version__

    rows = (
        ("tfgen", __version__),
        ("checkov", f"{CHECKOV_VERSION} (pinned: `tfgen setup` installs it)"),
        ("terraform", f"{TERRAFORM_VERSION_CONSTRAINT} (required by the modules tfgen renders)"),
        ("hashicorp/aws", f"{AWS_PROVIDER_CONSTRAINT} (required by the modules tfgen renders)"),
    )
    for name, value in rows:
        click.echo(f"{name:<15}{value}")
