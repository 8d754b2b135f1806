"""`tfgen render`: answers files in, verified and scanned modules out (one, or a batch)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from generator.cli.exits import DEPLOYMENTS_ROOT, MODULES_ROOT, finish
from generator.cli.options import (
    CACHE_OPTION,
    CHECKOV_OPTION,
    FORMAT_OPTION,
    LAYOUT_OPTION,
    MODULE_DIR_OPTION,
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
    help="The module folder to write, for one answers file (default: <root>/<name>). As for "
    "init, import and migrate, -o names what is written; with several answers files it is "
    "deprecated (read as --root, with a warning): use --root.",
)
@click.option(
    "--root",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder that receives each module as <DIR>/<name>, for one answers file or many "
    "(default: modules, or deployments in the deployment layout; as check --modules-root).",
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
@LAYOUT_OPTION
@MODULE_DIR_OPTION
@click.option("--force", is_flag=True, help="Replace an output folder tfgen did not write.")
@click.option(
    "--drop-retired",
    is_flag=True,
    help="Remove the provider aliases of retired peers (retired_peers), once `terraform apply` "
    "has destroyed their resources.",
)
@click.option(
    "--check",
    "dry_run",
    is_flag=True,
    help="Dry run: render in memory, write nothing, show a diff and exit 1 when a render "
    "would create or change a module.",
)
@click.option(
    "--fail-on-change",
    is_flag=True,
    help="Write as usual, then exit 1 when a module was created or changed, naming each (for "
    "pre-commit hooks, which see new untracked files as no change).",
)
@SCAN_OPTION
@CACHE_OPTION
@FORMAT_OPTION
@REPORT_OPTION
@CHECKOV_OPTION
def render(
    answers: tuple[Path, ...],
    output: Path | None,
    root: Path | None,
    jobs: int | None,
    scan_chunk: int | None,
    shard: str | None,
    layout: str | None,
    module_dir: Path,
    force: bool,
    drop_retired: bool,
    dry_run: bool,
    fail_on_change: bool,
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
    from generator.run.deployment import holds_deployments, layout_of, render_deployment_to_folder
    from generator.run.module import render_to_folder

    options = run_options(no_scan, no_cache, force, checkov, jobs, scan_chunk, drop_retired)
    reporting = report_options(output_format, report_file)
    batch = len(answers) > 1 or answers[0].is_dir() or bool(shard)
    output, root = output_and_root(output, root, batch)
    if batch and layout is None and root is not None and holds_deployments(root):
        layout = "deployment"
    if dry_run:
        _dry_run(answers, output, root, shard, reporting, layout, module_dir)
    if batch:
        if any(str(path) == "-" for path in answers):
            raise UsageError("'-' (stdin) works for a single answers file only")
        if layout == "deployment":
            _render_batch(
                answers,
                root or DEPLOYMENTS_ROOT,
                options,
                reporting,
                shard,
                fail_on_change,
                module_dir,
            )
        _render_batch(answers, root or MODULES_ROOT, options, reporting, shard, fail_on_change)
    source = answers[0]
    model = (
        load_answers_stream(sys.stdin.buffer, "stdin")
        if str(source) == "-"
        else load_answers(source)
    )
    answers_path = None if str(source) == "-" else source
    if layout_of(layout, model, output, root or DEPLOYMENTS_ROOT) == "deployment":
        target = output or (root or DEPLOYMENTS_ROOT) / model.name
        result = render_deployment_to_folder(model, target, module_dir, options, answers_path)
    else:
        target = output or (root or MODULES_ROOT) / model.name
        result = render_to_folder(model, target, options, answers_path)
    answers_file = None if str(source) == "-" else str(source)

    def report() -> int:
        report_run("render", result, reporting, answers_file)
        return max(result.exit_code, _changed_exit([result.path], [result.change], fail_on_change))

    finish(report)


RENDER_O_BATCH_NOTE = (
    "tfgen: warning: -o {output} with several answers files (or a folder, or --shard) is "
    "deprecated and is an error from the next release: -o names the one module folder to "
    "write; use --root {output} (each module goes to {output}/<name>, as now)"
)


def output_and_root(
    output: Path | None, root: Path | None, batch: bool
) -> tuple[Path | None, Path | None]:
    """(-o, --root) as the render uses them: -o is the module folder of one answers file;
    for a batch it still means --root (deprecated, with a warning on stderr)."""
    from generator.core.errors import UsageError

    if output is not None and root is not None:
        raise UsageError(
            "-o names the module folder to write and --root the folder of <name> folders: "
            "give one of them"
        )
    if batch and output is not None:
        click.echo(RENDER_O_BATCH_NOTE.format(output=output), err=True)
        return None, output
    return output, root


def _render_batch(
    answers: tuple[Path, ...],
    out_root: Path,
    options: RunOptions,
    reporting: ReportOptions,
    shard: str | None,
    fail_on_change: bool = False,
    module_dir: Path | None = None,
) -> NoReturn:
    from generator.core.errors import UsageError
    from generator.report.batch import report_batch
    from generator.report.progress import (
        chunks_file,
        remember_chunks,
        remembered_chunks,
        stages_of,
    )
    from generator.report.progress_display import batch_progress
    from generator.report.text import batch_exit_code, console
    from generator.run.batch import expand_sources, parse_shard, render_batch, select_shard

    started = time.monotonic()
    sources = expand_sources(list(answers))
    if not sources:
        raise UsageError("no answers files (*.yaml, *.yml, *.json) found")
    if shard:
        sources = select_shard(sources, *parse_shard(shard))
    stages = stages_of(options.scan, one_step=module_dir is not None)
    remembered = chunks_file()
    earlier = remembered_chunks(remembered) if options.scan else []
    showing = batch_progress(reporting.text, len(sources), stages, console(), prior=earlier)
    with showing as progress:
        if module_dir is not None:  # the deployment layout
            from generator.run.deployment import render_deployments

            items = render_deployments(sources, out_root, module_dir, options, progress)
        else:
            items = render_batch(sources, out_root, options, progress=progress)
    remember_chunks(remembered, progress.checkov_samples(), earlier)

    def report() -> int:
        report_batch(items, reporting, time.monotonic() - started)
        done = [item.result for item in items if item.result is not None]
        changed = _changed_exit(
            [result.path for result in done], [result.change for result in done], fail_on_change
        )
        return max(batch_exit_code(items), changed)

    finish(report)


def _changed_exit(paths: list[str], changes: list[str | None], fail_on_change: bool) -> int:
    """With --fail-on-change: 1 (and each module named on stderr) when one was created or
    changed."""
    changed = [(path, change) for path, change in zip(paths, changes, strict=True)]
    changed = [(path, change) for path, change in changed if change in ("created", "changed")]
    if not fail_on_change or not changed:
        return 0
    for path, change in changed:
        from generator.report.text import echo

        echo(f"tfgen: {change} {path} (--fail-on-change)", err=True)
    return 1


def _dry_run(
    answers: tuple[Path, ...],
    output: Path | None,
    root: Path | None,
    shard: str | None,
    reporting: ReportOptions,
    layout: str | None = None,
    module_dir: Path | None = None,
) -> NoReturn:
    """`render --check`: what a render would change, as `tfgen check` shows drift (in the
    deployment layout: the root's own files and the shared module)."""
    from generator.answers.load import load_answers
    from generator.core.errors import UsageError
    from generator.report.text import report_drift
    from generator.run.compare import compare_module
    from generator.run.deployment import layout_of
    from generator.run.gate import (
        check_sources,
        expected_deployment_files,
        expected_files,
        gate_sources,
    )
    from generator.run.shared import expected_shared_files

    started = time.monotonic()
    if any(str(path) == "-" for path in answers):
        raise UsageError("--check reads answers files, not stdin")
    single = len(answers) == 1 and not answers[0].is_dir() and not shard
    if single:
        model = load_answers(answers[0])
        if layout_of(layout, model, output, root or DEPLOYMENTS_ROOT) == "deployment":
            shared = module_dir or Path("modules/lambda-endpoint")
            target = output or (root or DEPLOYMENTS_ROOT) / model.name
            expected = expected_deployment_files(model, target, shared, answers[0])
            reports = [
                compare_module(target, model.name, expected, owned=set(expected)),
                compare_module(shared, shared.name, expected_shared_files()),
            ]
        else:
            target = output or (root or MODULES_ROOT) / model.name
            expected = expected_files(model, target, answers[0])
            reports = [compare_module(target, model.name, expected)]
        elapsed = time.monotonic() - started
        finish(lambda: report_drift(reports, reporting, elapsed=elapsed, command="render --check"))
    sources, selected = gate_sources(list(answers), shard)
    deployments = layout == "deployment"
    found, errors = check_sources(
        sources,
        root or (DEPLOYMENTS_ROOT if deployments else MODULES_ROOT),
        selected,
        whole_set=False,
        module_dir=module_dir if deployments else None,
    )
    elapsed = time.monotonic() - started
    finish(lambda: report_drift(found, reporting, errors, elapsed, "render --check"))
