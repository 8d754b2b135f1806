"""`tfgen setup`: checkov's own environment."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option(
    "--checkov-env",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where checkov's environment is (default: tfgen's cache folder).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Build a new environment even when the one there works.",
)
def setup(checkov_env: Path | None, force: bool) -> None:
    """Install the pinned checkov into a virtual environment of its own (checkov cannot share
    tfgen's: both need a package named hcl2). About 300 MB on disk and 30 s on a fast network
    (minutes on a slow one); once per checkov version.

    An environment that works (`checkov --version` prints the pinned version) is reused. A new
    one (none there, a broken one, or --force) is built beside it and swapped in only once it
    runs: a render running meanwhile keeps the checkov it started with, and a failed install
    leaves the environment that was there."""
    from generator.scan.checkov import CHECKOV_VERSION, install_checkov

    executable = install_checkov(checkov_env, force=force)
    click.echo(f"checkov {CHECKOV_VERSION} ready: {executable}")
