"""`tfgen example`: the built-in example answers."""

from __future__ import annotations

import click


@click.command()
def example() -> None:
    """Print the built-in example answers (the AWS guide's own policy)."""
    from importlib import resources

    click.echo(
        resources.files("generator.catalog")
        .joinpath("example.answers.yaml")
        .read_text(encoding="utf-8"),
        nl=False,
    )
