"""`tfgen schema`: the answers file's JSON Schema."""

from __future__ import annotations

import json

import click


@click.command()
def schema() -> None:
    """Print the answers file's JSON Schema (for editors: yaml-language-server)."""
    from generator.answers.schema import json_schema

    click.echo(json.dumps(json_schema(), indent=2))
