"""The `tfgen` command: argument parsing and exit codes. No domain logic and no report shaping
here (the library does the work, report.py says what happened).

Exit codes: 0 success; 1 the module has findings; 2 bad input or usage (nothing written).
Heavy imports (pydantic, jinja2, python-hcl2, rich) happen inside the commands, so that
`tfgen --help` starts fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from generator import __version__
from generator.cli_options import (
    CACHE_OPTION,
    CHECKOV_OPTION,
    FORMAT_OPTION,
    REPORT_OPTION,
    SCAN_OPTION,
    SHARD_OPTION,
    report_options,
    reporting_options,
    run_options,
)

if TYPE_CHECKING:
    from generator.errors import TfgenError
    from generator.pipeline import RunOptions
    from generator.report import ReportOptions

# Where modules go when no -o/--output is given: modules/<name>.
MODULES_ROOT = Path("modules")


def _text() -> ReportOptions:
    from generator.report import ReportOptions

    return ReportOptions()


def _exit(report: Callable[[], int]) -> NoReturn:
    """Publish a report (the callable returns the exit code) and exit with its code; a report
    file that cannot be written is exit 2."""
    from generator.report import ReportNotWritten, print_error_line

    try:
        code = report()
    except ReportNotWritten as error:
        print_error_line(str(error))
        sys.exit(2)
    sys.exit(code)


def _fail(error: TfgenError, command: str, options: ReportOptions | None = None) -> NoReturn:
    from generator.report import report_error

    def report() -> int:
        report_error(error, command, options or _text())
        return error.exit_code

    _exit(report)


TEXT = None  # _fail(error, command, TEXT): the text form only


class _Tfgen(click.Group):
    """The command group, with the last-resort handler: an exception tfgen did not expect
    (a bug, or an input nothing checked) becomes one line and exit 2, never a traceback, and
    --format json/sarif still prints one well-formed document."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as error:  # noqa: BLE001 - the last resort, by design
            _last_resort(ctx, error)


def _last_resort(ctx: click.Context, error: Exception) -> None:
    from generator.errors import TfgenError

    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        text = f"{where}{error.strerror or error}"
    else:
        first = str(error).strip().splitlines()
        detail = f": {first[0][:200]}" if first else ""
        text = f"unexpected {type(error).__name__}{detail} (tfgen could not handle this input)"
    command = ctx.invoked_subcommand or "tfgen"
    from generator.report import ReportOptions

    options = ReportOptions(ctx.meta.get("tfgen.format", "text"), ctx.meta.get("tfgen.report"))
    _fail(TfgenError(text), command, options)


@click.group(cls=_Tfgen, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tfgen")
def cli() -> None:
    """Turn an answers file into a verified, scanned Terraform module for private access to
    the AWS Lambda API through an interface VPC endpoint."""


@cli.command()
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
    from generator.errors import TfgenError, UsageError
    from generator.load import load_answers, load_answers_stream
    from generator.pipeline import render_to_folder
    from generator.report import report_run

    options = run_options(no_scan, no_cache, force, checkov, jobs, scan_chunk, drop_retired)
    reporting = report_options(output_format, report_file)
    if len(answers) > 1 or answers[0].is_dir() or shard:
        if any(str(path) == "-" for path in answers):
            _fail(
                UsageError("'-' (stdin) works for a single answers file only"), "render", reporting
            )
        _render_batch(answers, output or MODULES_ROOT, options, reporting, shard)
    source = answers[0]
    try:
        model = (
            load_answers_stream(sys.stdin.buffer, "stdin")
            if str(source) == "-"
            else load_answers(source)
        )
        result = render_to_folder(model, output or MODULES_ROOT / model.name, options)
    except TfgenError as error:
        _fail(error, "render", reporting)
    answers_file = None if str(source) == "-" else str(source)

    def report() -> int:
        report_run("render", result, reporting, answers_file)
        return result.exit_code

    _exit(report)


def _render_batch(
    answers: tuple[Path, ...],
    out_root: Path,
    options: RunOptions,
    reporting: ReportOptions,
    shard: str | None,
) -> NoReturn:
    from generator.batch import expand_sources, parse_shard, render_batch, select_shard
    from generator.errors import TfgenError, UsageError
    from generator.report import batch_exit_code, batch_progress, report_batch

    sources = expand_sources(list(answers))
    if not sources:
        _fail(UsageError("no answers files (*.yaml, *.yml, *.json) found"), "render", reporting)
    if shard:
        try:
            sources = select_shard(sources, *parse_shard(shard))
        except TfgenError as error:
            _fail(error, "render", reporting)
    shown, progress = batch_progress(reporting, len(sources))
    try:
        with shown:
            items = render_batch(sources, out_root, options, progress=progress)
    except TfgenError as error:
        _fail(error, "render", reporting)

    def report() -> int:
        report_batch(items, reporting)
        return batch_exit_code(items)

    _exit(report)


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@SCAN_OPTION
@CACHE_OPTION
@reporting_options
@CHECKOV_OPTION
def validate(
    folder: Path,
    no_scan: bool,
    no_cache: bool,
    output_format: str,
    report_file: Path | None,
    legacy_report: Path | None,
    checkov: str | None,
) -> None:
    """Verify (and scan) a module FOLDER against its own tfgen.answers.yaml."""
    from generator.errors import TfgenError
    from generator.pipeline import validate_folder
    from generator.render import ANSWERS_FILE
    from generator.report import report_run

    reporting = report_options(output_format, report_file, legacy_report)
    try:
        result = validate_folder(folder, run_options(no_scan, no_cache, checkov=checkov))
    except TfgenError as error:
        _fail(error, "validate", reporting)

    def report() -> int:
        report_run("validate", result, reporting, str(folder / ANSWERS_FILE))
        return result.exit_code

    _exit(report)


@cli.command()
@click.argument("folders", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
@click.option("--fix", is_flag=True, help="Re-render drifted files in place from the answers.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPUs).")
@SHARD_OPTION
@reporting_options
def check(
    folders: tuple[Path, ...],
    fix: bool,
    jobs: int | None,
    shard: str | None,
    output_format: str,
    report_file: Path | None,
    legacy_report: Path | None,
) -> None:
    """Drift check: each module FOLDER (default: every tfgen module under modules/) must
    hold exactly what its tfgen.answers.yaml renders to. Drift is exit 1 with a diff.
    --shard splits the module folders by folder name."""
    from generator.batch import parse_shard, select_shard
    from generator.drift import check_modules, fix_module
    from generator.errors import TfgenError, UsageError
    from generator.pipeline import modules_in
    from generator.report import report_drift
    from generator.write import find_modules

    reporting = report_options(output_format, report_file, legacy_report)
    try:
        targets = modules_in(folders) if folders else find_modules(MODULES_ROOT)
        if not targets:
            raise UsageError(f"no tfgen modules under {MODULES_ROOT}/: name the module folders")
        if shard:
            targets = select_shard(targets, *parse_shard(shard))
        reports = check_modules(targets, jobs)
        for folder, report in zip(targets, reports, strict=True):
            if fix and report.drift:
                fix_module(folder, report)
    except TfgenError as error:
        _fail(error, "check", reporting)
    _exit(lambda: report_drift(reports, reporting))


@cli.command()
@click.argument(
    "folders", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path)
)
def docs(folders: tuple[Path, ...]) -> None:
    """Regenerate only README.md of each module FOLDER from its tfgen.answers.yaml (and its
    checksum in tfgen.manifest.json), atomically. The .tf files are not touched."""
    from generator.errors import TfgenError
    from generator.pipeline import regenerate_readme
    from generator.render import README_FILE

    try:
        for folder in folders:
            changed = regenerate_readme(folder)
            click.echo(f"{'wrote' if changed else 'unchanged'} {folder / README_FILE}")
    except TfgenError as error:
        _fail(error, "docs", TEXT)


@cli.command()
def schema() -> None:
    """Print the answers file's JSON Schema (for editors: yaml-language-server)."""
    from generator.answers import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


@cli.command()
def example() -> None:
    """Print the built-in example answers (the AWS guide's own policy)."""
    from importlib import resources

    click.echo(
        resources.files("generator.catalog")
        .joinpath("example.answers.yaml")
        .read_text(encoding="utf-8"),
        nl=False,
    )


@cli.command()
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
    from generator.errors import TfgenError
    from generator.pipeline import render_to_folder
    from generator.questionnaire import run_init
    from generator.report import report_run

    try:
        answers, written = run_init(output, no_input=no_input, force=force)
        if not then_render:
            return
        target = MODULES_ROOT / answers.name
        result = render_to_folder(answers, target, run_options(no_scan, checkov=checkov))
    except TfgenError as error:
        _fail(error, "init", TEXT)

    def report() -> int:
        report_run("render", result, _text(), str(written))
        return result.exit_code

    _exit(report)


@cli.command("import")
@click.argument("endpoint_id", metavar="VPCE_ID")
@click.option("--region", help="Region of the endpoint (default: the AWS configuration's).")
@click.option(
    "--endpoint-url",
    metavar="URL",
    help="EC2 API URL (moto, LocalStack); boto3 also reads AWS_ENDPOINT_URL.",
)
@click.option(
    "--name", help="Module name (default: from the endpoint's Name tag, else lambda-<id>)."
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    help="Answers file to write (default: answers/<name>.yaml; - for stdout).",
)
@click.option("--force", is_flag=True, help="Replace an existing answers file.")
def import_endpoint(
    endpoint_id: str,
    region: str | None,
    endpoint_url: str | None,
    name: str | None,
    output: Path | None,
    force: bool,
) -> None:
    """Read an existing Lambda interface endpoint (Describe calls only) and write answers that
    adopt it: rendering them adds import blocks, so the first apply creates nothing twice."""
    from generator.adopt import run_import
    from generator.errors import TfgenError
    from generator.report import report_import

    try:
        adoption, text, path = run_import(
            endpoint_id,
            region=region,
            endpoint_url=endpoint_url,
            name=name,
            output=output,
            force=force,
        )
    except TfgenError as error:
        _fail(error, "import", TEXT)
    report_import(adoption.warnings, text, path)


@cli.command()
@click.option(
    "--checkov-env",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to create checkov's environment (default: tfgen's cache folder).",
)
def setup(checkov_env: Path | None) -> None:
    """Create the separate environment checkov runs in (pinned version)."""
    from generator.errors import TfgenError
    from generator.scan import CHECKOV_VERSION, install_checkov

    try:
        executable = install_checkov(checkov_env)
    except TfgenError as error:
        _fail(error, "setup", TEXT)
    click.echo(f"checkov {CHECKOV_VERSION} ready: {executable}")


@cli.command()
@click.argument(
    "folders",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option(
    "--pack-only",
    is_flag=True,
    help="Run only tfgen's own checks (CKV_TFGEN_1..8), not checkov's built-in ones.",
)
@reporting_options
@CHECKOV_OPTION
def scan(
    folders: tuple[Path, ...],
    pack_only: bool,
    output_format: str,
    report_file: Path | None,
    legacy_report: Path | None,
    checkov: str | None,
) -> None:
    """Scan Terraform FOLDERS (any Terraform, not only tfgen's) with checkov and tfgen's
    policy pack for Lambda interface endpoints (CKV_TFGEN_1..8). Exit 1 when a check fails."""
    from generator.errors import TfgenError
    from generator.report import report_scan
    from generator.scan import PACK_CHECK_IDS, ensure_checkov, run_checkov

    reporting = report_options(output_format, report_file, legacy_report)
    checks = list(PACK_CHECK_IDS) if pack_only else None
    try:
        executable = ensure_checkov(checkov)
        # One checkov process per folder: checkov 3.3.30 scans only the first of several -d.
        reports = [(folder, run_checkov([folder], executable, checks)) for folder in folders]
    except TfgenError as error:
        _fail(error, "scan", reporting)
    _exit(lambda: report_scan(reports, reporting))


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
