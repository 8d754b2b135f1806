"""`tfgen setup`: checkov's own environment."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option(
    "--checkov-env",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to create checkov's environment (default: tfgen's cache folder).",
)
def setup(checkov_env: Path | None) -> None:
    """Create the separate environment checkov runs in (pinned version)."""
    from generator.scan.checkov import CHECKOV_VERSION, install_checkov

    executable = install_checkov(checkov_env)
    click.echo(f"checkov {CHECKOV_VERSION} ready: {executable}")
