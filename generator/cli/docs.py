"""`tfgen docs`: regenerate only the README of module folders."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.options import require_folders


@click.command()
@click.argument(
    "folders", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path)
)
def docs(folders: tuple[Path, ...]) -> None:
    """Regenerate only README.md of each module FOLDER from its tfgen.answers.yaml (and its
    checksum in tfgen.manifest.json), atomically. The .tf files are not touched."""
    from generator.core.layout import README_FILE
    from generator.run.module import regenerate_readme

    require_folders(folders)
    for folder in folders:
        changed = regenerate_readme(folder)
        from generator.report.text import echo

        echo(f"{'wrote' if changed else 'unchanged'} {folder / README_FILE}")
