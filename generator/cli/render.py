"""`tfgen render`: answers files in, verified and scanned modules out (one, or a batch)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from generator.cli.exits import MODULES_ROOT, finish
from generator.cli.options import (
    CACHE_OPTION,
    CHECKOV_OPTION,
    FORMAT_OPTION,
    REPORT_OPTION,
    SCAN_OPTION,
    SHARD_OPTION,
    report_options,
    run_options,
)

if TYPE_CHECKING:
    from generator.report.text import ReportOptions
    from generator.run.module import RunOptions


@click.command()
@click.argument("answers", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: modules/<name>); with several answers files, the folder "
    "that receives every <name> (default: modules).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes for a batch, and checkov processes at once (default: CPUs).",
)
@click.option(
    "--scan-chunk",
    type=click.IntRange(min=1),
    metavar="N",
    help="At most N modules per checkov process in a batch (default 75; checkov's memory "
    "grows about 1.3 MiB per module).",
)
@SHARD_OPTION
@click.option("--force", is_flag=True, help="Replace an output folder tfgen did not write.")
@click.option(
    "--drop-retired",
    is_flag=True,
    help="Remove the provider aliases of retired peers (retired_peers), once `terraform apply` "
    "has destroyed their resources.",
)
@SCAN_OPTION
@CACHE_OPTION
@FORMAT_OPTION
@REPORT_OPTION
@CHECKOV_OPTION
def render(
    answers: tuple[Path, ...],
    output: Path | None,
    jobs: int | None,
    scan_chunk: int | None,
    shard: str | None,
    force: bool,
    drop_retired: bool,
    no_scan: bool,
    no_cache: bool,
    output_format: str,
    report_file: Path | None,
    checkov: str | None,
) -> None:
    """Render ANSWERS (YAML or JSON; '-' for stdin) into a module folder.

    Several answers files, or a folder of them, render as one batch: in parallel, scanned in
    chunks by checkov processes running at once; the exit code is the worst of them."""
    from generator.answers.load import load_answers, load_answers_stream
    from generator.core.errors import UsageError
    from generator.report.text import report_run
    from generator.run.module import render_to_folder

    options = run_options(no_scan, no_cache, force, checkov, jobs, scan_chunk, drop_retired)
    reporting = report_options(output_format, report_file)
    if len(answers) > 1 or answers[0].is_dir() or shard:
        if any(str(path) == "-" for path in answers):
            raise UsageError("'-' (stdin) works for a single answers file only")
        _render_batch(answers, output or MODULES_ROOT, options, reporting, shard)
    source = answers[0]
    model = (
        load_answers_stream(sys.stdin.buffer, "stdin")
        if str(source) == "-"
        else load_answers(source)
    )
    result = render_to_folder(model, output or MODULES_ROOT / model.name, options)
    answers_file = None if str(source) == "-" else str(source)

    def report() -> int:
        report_run("render", result, reporting, answers_file)
        return result.exit_code

    finish(report)


def _render_batch(
    answers: tuple[Path, ...],
    out_root: Path,
    options: RunOptions,
    reporting: ReportOptions,
    shard: str | None,
) -> NoReturn:
    from generator.core.errors import UsageError
    from generator.report.text import batch_exit_code, batch_progress, report_batch
    from generator.run.batch import expand_sources, parse_shard, render_batch, select_shard

    sources = expand_sources(list(answers))
    if not sources:
        raise UsageError("no answers files (*.yaml, *.yml, *.json) found")
    if shard:
        sources = select_shard(sources, *parse_shard(shard))
    shown, progress = batch_progress(reporting, len(sources))
    with shown:
        items = render_batch(sources, out_root, options, progress=progress)

    def report() -> int:
        report_batch(items, reporting)
        return batch_exit_code(items)

    finish(report)
