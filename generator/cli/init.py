"""`tfgen init`: the questionnaire on the terminal, then an answers file."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.exits import DEPLOYMENTS_ROOT, MODULES_ROOT, finish, text_report
from generator.cli.options import (
    CHECKOV_OPTION,
    LAYOUT_OPTION,
    MODULE_DIR_OPTION,
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
@click.option(
    "--render",
    "then_render",
    is_flag=True,
    help="Then render it: into modules/<name>, or with --layout deployment into "
    "deployments/<name> and the shared module.",
)
@click.option(
    "--no-input", is_flag=True, help="Ask nothing, write the defaults (works without a terminal)."
)
@click.option("--force", is_flag=True, help="Replace an existing answers file without asking.")
@LAYOUT_OPTION
@MODULE_DIR_OPTION
@SCAN_OPTION
@CHECKOV_OPTION
def init(
    output: Path | None,
    then_render: bool,
    no_input: bool,
    force: bool,
    layout: str | None,
    module_dir: Path,
    no_scan: bool,
    checkov: str | None,
) -> None:
    """Answer the questionnaire on the terminal (each answer checked as you go) and write a
    commented answers file; --render goes straight on to render it."""
    from generator.report.text import report_run
    from generator.run.deployment import layout_of, render_deployment_to_folder
    from generator.run.module import render_to_folder
    from generator.scaffold.questionnaire import run_init

    answers, written = run_init(output, no_input=no_input, force=force)
    if not then_render:
        return
    options = run_options(no_scan, checkov=checkov)
    if layout_of(layout, answers, None, DEPLOYMENTS_ROOT) == "deployment":
        result = render_deployment_to_folder(
            answers, DEPLOYMENTS_ROOT / answers.name, module_dir, options, written
        )
    else:
        result = render_to_folder(answers, MODULES_ROOT / answers.name, options, source=written)

    def report() -> int:
        report_run("render", result, text_report(), str(written))
        return result.exit_code

    finish(report)
