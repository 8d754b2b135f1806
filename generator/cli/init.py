"""`tfgen init`: the questionnaire on the terminal, then an answers file."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.exits import MODULES_ROOT, finish, text_report
from generator.cli.options import (
    CHECKOV_OPTION,
    SCAN_OPTION,
    run_options,
)


@click.command()
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Answers file to write (default: answers/<name>.yaml).",
)
@click.option("--render", "then_render", is_flag=True, help="Then render it into modules/<name>.")
@click.option(
    "--no-input", is_flag=True, help="Ask nothing, write the defaults (works without a terminal)."
)
@click.option("--force", is_flag=True, help="Replace an existing answers file without asking.")
@SCAN_OPTION
@CHECKOV_OPTION
def init(
    output: Path | None,
    then_render: bool,
    no_input: bool,
    force: bool,
    no_scan: bool,
    checkov: str | None,
) -> None:
    """Answer the questionnaire on the terminal (each answer checked as you go) and write a
    commented answers file; --render goes straight on to render it."""
    from generator.report.text import report_run
    from generator.run.module import render_to_folder
    from generator.scaffold.questionnaire import run_init

    answers, written = run_init(output, no_input=no_input, force=force)
    if not then_render:
        return
    target = MODULES_ROOT / answers.name
    result = render_to_folder(
        answers, target, run_options(no_scan, checkov=checkov), source=written
    )

    def report() -> int:
        report_run("render", result, text_report(), str(written))
        return result.exit_code

    finish(report)
