"""`python -m generator.cli`: the `tfgen` command."""

from generator.cli.main import run

run()
