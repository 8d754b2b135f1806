"""The `tfgen` command: argument parsing, exit codes, output formats. No domain logic here.

Exit codes: 0 success; 1 the module has findings; 2 bad input or usage (nothing written).
Heavy imports (pydantic, jinja2, python-hcl2, rich) happen inside the commands, so that
`tfgen --help` starts fast.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from generator import __version__

if TYPE_CHECKING:
    from generator.errors import TfgenError
    from generator.pipeline import RunResult
    from generator.sarif import Issue


def _console():
    from rich.console import Console

    # No markup and no :emoji: codes by default: user text (names, paths, tag keys) prints as
    # written; tfgen's own labels are styled through _say.
    return Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)


def _say(console, label: str, style: str, text: str = "", end: str = "\n") -> None:
    """`label` in `style`, then `text` exactly as given (a Text is never read as markup)."""
    from rich.text import Text

    console.print(Text.assemble((label, style), text), end=end)


def _remember(name: str):
    """Option callback keeping --format / --report in ctx.meta for the last-resort handler."""

    def remember(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        ctx.meta[f"tfgen.{name}"] = value
        return value

    return remember


FORMAT_OPTION = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    callback=_remember("format"),
    show_default=True,
    help="text for people; json for pipelines, sarif (SARIF 2.1.0) for code scanning: one "
    "document on stdout.",
)
REPORT_HELP = (
    "Also write the report to FILE (atomically): SARIF with --format sarif, else the JSON report."
)
REPORT_OPTION = click.option(
    "--report",
    "report_file",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_remember("report"),
    help=REPORT_HELP,
)
REPORT_OPTION_SHORT = click.option(
    "-o",
    "--report",
    "report_file",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_remember("report"),
    help=REPORT_HELP,
)
SCAN_OPTION = click.option("--no-scan", is_flag=True, help="Skip the checkov scan.")
SHARD_OPTION = click.option(
    "--shard",
    metavar="I/N",
    help="Only shard I of N (1 <= I <= N): files sorted by name, every N-th from the I-th, so "
    "N CI jobs cover each exactly once.",
)
CACHE_OPTION = click.option(
    "--no-cache", is_flag=True, help="Scan even if an identical module was scanned clean before."
)
CHECKOV_OPTION = click.option(
    "--checkov",
    metavar="PATH",
    envvar="TFGEN_CHECKOV",
    help=(
        "checkov executable to run (default: tfgen's own checkov environment). [env: TFGEN_CHECKOV]"
    ),
)


def _report(command: str, status: str, exit_code: int, **details: Any) -> dict[str, Any]:
    return {
        "tfgen_version": __version__,
        "command": command,
        "status": status,
        "exit_code": exit_code,
        **details,
    }


def _sarif(command: str, exit_code: int, issues: list[Issue]) -> dict[str, Any]:
    from generator.sarif import sarif_log

    return sarif_log(issues, command=command, exit_code=exit_code, base=Path.cwd())


def _publish(
    command: str,
    exit_code: int,
    output_format: str,
    report_file: Path | None,
    json_report: dict[str, Any],
    issues: Callable[[], list[Issue]],
) -> None:
    """The machine-readable report: on stdout for --format json/sarif, and into --report FILE
    (SARIF with --format sarif, else JSON). Text output is the caller's."""
    if output_format == "text" and report_file is None:
        return
    document = _sarif(command, exit_code, issues()) if output_format == "sarif" else json_report
    text = json.dumps(document, indent=2)
    if report_file is not None:
        from generator.write import write_text_atomic

        try:
            write_text_atomic(report_file, text + "\n")
        except OSError as error:
            _say(
                _console(),
                "error",
                "bold red",
                f": cannot write the report {report_file}: {error.strerror or error}",
            )
            sys.exit(2)
    if output_format != "text":
        click.echo(text)


def _fail(
    error: TfgenError, command: str, output_format: str, report_file: Path | None = None
) -> None:
    from generator.errors import AnswersError

    problems = getattr(error, "problems", [])
    errors = (
        [{"path": p.path, "message": p.message} for p in problems]
        if isinstance(error, AnswersError)
        else [{"path": "", "message": str(error)}]
    )

    def issues() -> list[Issue]:
        from generator.sarif import error_issues

        return error_issues(error)

    json_report = _report(command, "error", error.exit_code, errors=errors)
    _publish(command, error.exit_code, output_format, report_file, json_report, issues)
    if output_format == "text":
        console = _console()
        if isinstance(error, AnswersError):
            _say(
                console,
                "error",
                "bold red",
                f": {error.source}: {len(problems)} problem(s), nothing written",
            )
            for problem in problems:
                console.print(f"  {problem}")
        else:
            _say(console, "error", "bold red", f": {error}")
    sys.exit(error.exit_code)


def _result_report(command: str, result: RunResult) -> dict[str, Any]:
    scan = result.scan
    return _report(
        command,
        "findings" if result.findings else "ok",
        result.exit_code,
        module={
            "name": result.module,
            "path": result.path,
            "written": result.written,
            "files": result.files,
        },
        findings=[finding.to_json() for finding in result.findings],
        warnings=[{"path": w.path, "message": w.message} for w in result.warnings],
        scan=None
        if scan is None
        else {
            "passed": scan.passed,
            "failed": scan.failed,
            "skipped": scan.skipped,
            "skips": scan.skips,
            "checkov_version": scan.checkov_version,
            "cached": scan.cached,
        },
    )


def _print_warnings(console, warnings) -> None:
    for warning in warnings:
        _say(console, "warning", "yellow", f" {warning}")


def _print_result(
    command: str,
    result: RunResult,
    output_format: str,
    report_file: Path | None = None,
    answers_file: str | None = None,
) -> None:
    def issues() -> list[Issue]:
        from generator.sarif import run_issues

        return run_issues(result, answers_file)

    json_report = _result_report(command, result)
    _publish(command, result.exit_code, output_format, report_file, json_report, issues)
    if output_format != "text":
        return
    console = _console()
    _print_warnings(console, result.warnings)
    for finding in result.findings:
        _say(console, "finding", "red", f" {finding}")
    scan = result.scan
    scanned = (
        f"checkov: {scan.passed} passed, {scan.failed} failed, {scan.skipped} skipped"
        + (" (cached)" if scan.cached else "")
        if scan
        else "checkov: not run (--no-scan)"
    )
    if result.findings:
        _say(
            console,
            result.module,
            "bold red",
            f": {len(result.findings)} finding(s); "
            f"{'nothing written' if command == 'render' else result.path}; {scanned}",
        )
    elif command == "render":
        _say(
            console,
            "wrote",
            "bold green",
            f" {result.path} ({len(result.files)} files): verified; {scanned}",
        )
    else:
        _say(console, "ok", "bold green", f" {result.path}: verified; {scanned}")


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
    output_format = ctx.meta.get("tfgen.format", "text")
    _fail(TfgenError(text), command, output_format, ctx.meta.get("tfgen.report"))


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
    help="At most N modules per checkov process in a batch (default 100; checkov's memory "
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
    from generator.answers import load_answers, load_answers_stream
    from generator.errors import TfgenError, UsageError
    from generator.pipeline import render_to_folder

    if len(answers) > 1 or answers[0].is_dir() or shard:
        if any(str(path) == "-" for path in answers):
            _fail(
                UsageError("'-' (stdin) works for a single answers file only"),
                "render",
                output_format,
                report_file,
            )
        _render_batch(
            answers,
            output,
            force,
            no_scan,
            no_cache,
            output_format,
            checkov,
            jobs,
            report_file,
            shard=shard,
            scan_chunk=scan_chunk,
            drop_retired=drop_retired,
        )
        return
    source = answers[0]
    try:
        model = (
            load_answers_stream(sys.stdin.buffer, "stdin")
            if str(source) == "-"
            else load_answers(source)
        )
        target = output or Path("modules") / model.name
        result = render_to_folder(
            model,
            target,
            scan=not no_scan,
            force=force,
            checkov=checkov,
            cache=not no_cache,
            drop_retired=drop_retired,
        )
    except TfgenError as error:
        _fail(error, "render", output_format, report_file)
    answers_file = None if str(source) == "-" else str(source)
    _print_result("render", result, output_format, report_file, answers_file)
    sys.exit(result.exit_code)


def _render_batch(
    answers: tuple[Path, ...],
    output: Path | None,
    force: bool,
    no_scan: bool,
    no_cache: bool,
    output_format: str,
    checkov: str | None,
    jobs: int | None,
    report_file: Path | None = None,
    *,
    shard: str | None = None,
    scan_chunk: int | None = None,
    drop_retired: bool = False,
) -> None:
    from generator.batch import expand_sources, parse_shard, render_batch, select_shard
    from generator.errors import TfgenError, UsageError

    sources = expand_sources(list(answers))
    if not sources:
        _fail(
            UsageError("no answers files (*.yaml, *.yml, *.json) found"),
            "render",
            output_format,
            report_file,
        )
    if shard:
        try:
            sources = select_shard(sources, *parse_shard(shard))
        except TfgenError as error:
            _fail(error, "render", output_format, report_file)
    console = _console()
    if console.is_terminal and output_format == "text":
        from rich.progress import Progress

        bar = Progress(console=console, transient=True)
        task = bar.add_task("rendering", total=len(sources))
        done: set[str] = set()
        shown: Any = bar

        def progress(source: str, event: str) -> None:
            if event in ("error", "verify failed", "scan failed", "written") and (
                source not in done
            ):
                done.add(source)
                bar.advance(task)

    else:
        shown = contextlib.nullcontext()

        def progress(source: str, event: str) -> None:
            if output_format == "text":
                click.echo(f"{source}: {event}", err=True)

    with shown:
        items = _run_batch(
            render_batch,
            sources,
            output,
            force,
            no_scan,
            no_cache,
            checkov,
            jobs,
            progress,
            output_format,
            report_file,
            **({"scan_chunk": scan_chunk} if scan_chunk else {}),
            drop_retired=drop_retired,
        )
    code = max((item.exit_code for item in items), default=0)
    modules = [_batch_item_report(item) for item in items]
    status = "ok" if code == 0 else "error" if code == 2 else "findings"

    def issues() -> list[Issue]:
        from generator.sarif import batch_issues

        return batch_issues(items)

    json_report = _report("render", status, code, modules=modules)
    _publish("render", code, output_format, report_file, json_report, issues)
    if output_format == "text":
        _print_batch_table(items, console)
    sys.exit(code)


def _batch_item_report(item) -> dict[str, Any]:
    if item.error is None:
        report = _result_report("render", item.result)
        report.pop("tfgen_version")
        report.pop("command")
        return {"source": item.source, **report}
    problems = getattr(item.error, "problems", None)
    errors = (
        [{"path": p.path, "message": p.message} for p in problems]
        if problems
        else [{"path": "", "message": str(item.error)}]
    )
    return {"source": item.source, "status": "error", "exit_code": item.exit_code, "errors": errors}


def _run_batch(
    render_batch,
    sources,
    output,
    force,
    no_scan,
    no_cache,
    checkov,
    jobs,
    progress,
    output_format,
    report_file=None,
    **options,
):
    from generator.errors import TfgenError

    try:
        return render_batch(
            sources,
            output or Path("modules"),
            scan=not no_scan,
            force=force,
            checkov=checkov,
            cache=not no_cache,
            jobs=jobs,
            progress=progress,
            **options,
        )
    except TfgenError as error:
        _fail(error, "render", output_format, report_file)


def _print_batch_table(items, console) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="tfgen render", show_lines=False)
    for column in ("answers", "module", "result", "detail"):
        table.add_column(column, overflow="fold")
    for item in items:
        if item.error:
            table.add_row(Text(item.source), "", Text("error", "red"), Text(str(item.error)))
            continue
        result = item.result
        scan = result.scan
        scanned = (
            f"checkov {scan.passed} passed, {scan.failed} failed"
            + (" (cached)" if scan.cached else "")
            if scan
            else "not scanned"
        )
        if result.findings:
            detail = "; ".join(str(finding) for finding in result.findings[:5])
            table.add_row(
                Text(item.source), Text(result.path), Text("findings", "red"), Text(detail)
            )
        else:
            warned = f"; {len(result.warnings)} warning(s)" if result.warnings else ""
            table.add_row(
                Text(item.source), Text(result.path), Text("written", "green"), scanned + warned
            )
    console.print(table)
    for item in items:
        if item.result is not None and item.result.warnings:
            console.print(f"{item.source}:")
            _print_warnings(console, item.result.warnings)
    failed = sum(1 for item in items if item.exit_code)
    console.print(f"{len(items) - failed} of {len(items)} module(s) written, {failed} failed")


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@SCAN_OPTION
@CACHE_OPTION
@FORMAT_OPTION
@REPORT_OPTION_SHORT
@CHECKOV_OPTION
def validate(
    folder: Path,
    no_scan: bool,
    no_cache: bool,
    output_format: str,
    report_file: Path | None,
    checkov: str | None,
) -> None:
    """Verify (and scan) a module FOLDER against its own tfgen.answers.yaml."""
    from generator.errors import TfgenError
    from generator.pipeline import validate_folder
    from generator.render import ANSWERS_FILE

    try:
        result = validate_folder(folder, scan=not no_scan, checkov=checkov, cache=not no_cache)
    except TfgenError as error:
        _fail(error, "validate", output_format, report_file)
    answers_file = str(folder / ANSWERS_FILE)
    _print_result("validate", result, output_format, report_file, answers_file)
    sys.exit(result.exit_code)


@cli.command()
@click.argument("folders", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
@click.option("--fix", is_flag=True, help="Re-render drifted files in place from the answers.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPUs).")
@SHARD_OPTION
@FORMAT_OPTION
@REPORT_OPTION_SHORT
def check(
    folders: tuple[Path, ...],
    fix: bool,
    jobs: int | None,
    shard: str | None,
    output_format: str,
    report_file: Path | None,
) -> None:
    """Drift check: each module FOLDER (default: every tfgen module under modules/) must
    hold exactly what its tfgen.answers.yaml renders to. Drift is exit 1 with a diff.
    --shard splits the module folders by folder name."""
    from generator.batch import parse_shard, select_shard
    from generator.drift import check_modules, fix_module
    from generator.errors import TfgenError, UsageError
    from generator.write import find_modules

    try:
        targets = _modules_in(folders) if folders else find_modules(Path("modules"))
        if not targets:
            raise UsageError("no tfgen modules under modules/: name the module folders")
        if shard:
            targets = select_shard(targets, *parse_shard(shard))
        reports = check_modules(targets, jobs)
        for folder, report in zip(targets, reports, strict=True):
            if fix and report.drift:
                fix_module(folder, report)
    except TfgenError as error:
        _fail(error, "check", output_format, report_file)
    code = max((report.exit_code for report in reports), default=0)
    modules = [
        {
            "name": r.module,
            "path": r.path,
            "fixed": r.fixed,
            "rendered_by": r.rendered_by,
            "summary": r.summary(),
            "drift": [
                {"file": d.path, "kind": d.kind, "cause": d.cause, "diff": d.diff} for d in r.drift
            ],
        }
        for r in reports
    ]
    status = "drift" if code else "ok"

    def issues() -> list[Issue]:
        from generator.sarif import drift_issues

        return drift_issues(reports)

    json_report = _report("check", status, code, modules=modules)
    _publish("check", code, output_format, report_file, json_report, issues)
    if output_format == "text":
        for report in reports:
            if not report.drift:
                click.echo(f"ok {report.path}: matches its answers")
                continue
            verb = "fixed" if report.fixed else "drift"
            click.echo(f"{verb} {report.path}: {report.summary()}")
            for item in report.drift:
                click.echo(f"{verb} {report.path}/{item.path}: {item.kind} ({item.cause})")
                if not report.fixed:
                    click.echo(item.diff, nl=False)
    sys.exit(code)


def _modules_in(folders: tuple[Path, ...]) -> list[Path]:
    """Each FOLDER that is a module, or else every module under it (`tfgen check modules/`)."""
    from generator.errors import UsageError
    from generator.render import ANSWERS_FILE
    from generator.write import find_modules

    targets: list[Path] = []
    for folder in folders:
        if (folder / ANSWERS_FILE).is_file() or not folder.is_dir():
            targets.append(folder)
            continue
        found = find_modules(folder)
        if not found:
            raise UsageError(
                f"{folder}: not a tfgen module (no {ANSWERS_FILE}) and no tfgen modules under it"
            )
        targets += found
    return targets


@cli.command()
@click.argument(
    "folders", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path)
)
def docs(folders: tuple[Path, ...]) -> None:
    """Regenerate only README.md of each module FOLDER from its tfgen.answers.yaml (and its
    checksum in tfgen.manifest.json), atomically. The .tf files are not touched."""
    from generator.docs import regenerate_readme
    from generator.errors import TfgenError

    try:
        for folder in folders:
            changed = regenerate_readme(folder)
            click.echo(f"{'wrote' if changed else 'unchanged'} {folder / 'README.md'}")
    except TfgenError as error:
        _fail(error, "docs", "text")


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

    try:
        answers, written = run_init(output, no_input=no_input, force=force)
        if not then_render:
            return
        target = Path("modules") / answers.name
        result = render_to_folder(answers, target, scan=not no_scan, checkov=checkov)
    except TfgenError as error:
        _fail(error, "init", "text")
    _print_result("render", result, "text", None, str(written))
    sys.exit(result.exit_code)


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
        _fail(error, "import", "text")
    console = _console()
    _print_warnings(console, adoption.warnings)
    if path is None:
        click.echo(text, nl=False)
    else:
        console.print(f"wrote {path}: render it with `tfgen render {path}`", markup=False)


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
        _fail(error, "setup", "text")
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
@FORMAT_OPTION
@REPORT_OPTION_SHORT
@CHECKOV_OPTION
def scan(
    folders: tuple[Path, ...],
    pack_only: bool,
    output_format: str,
    report_file: Path | None,
    checkov: str | None,
) -> None:
    """Scan Terraform FOLDERS (any Terraform, not only tfgen's) with checkov and tfgen's
    policy pack for Lambda interface endpoints (CKV_TFGEN_1..8). Exit 1 when a check fails."""
    from generator.errors import TfgenError
    from generator.scan import PACK_CHECK_IDS, ensure_checkov, run_checkov

    checks = list(PACK_CHECK_IDS) if pack_only else None
    try:
        executable = ensure_checkov(checkov)
        # One checkov process per folder: checkov 3.3.30 scans only the first of several -d.
        reports = [(folder, run_checkov([folder], executable, checks)) for folder in folders]
    except TfgenError as error:
        _fail(error, "scan", output_format, report_file)
    _print_scan(reports, output_format, report_file)


def _print_scan(reports, output_format: str, report_file: Path | None) -> None:
    code = 1 if any(report.failed for _folder, report in reports) else 0
    guidelines: dict[str, str] = {}
    for _folder, report in reports:
        for check_id, text in report.guidelines.items():
            guidelines.setdefault(check_id, text)

    def issues() -> list[Issue]:
        from generator.sarif import finding_issues

        return [
            issue
            for folder, report in reports
            for issue in finding_issues(report.findings, str(folder))
        ]

    json_report = _report(
        "scan",
        "findings" if code else "ok",
        code,
        folders=[
            {
                "path": str(folder),
                "passed": report.passed,
                "failed": report.failed,
                "skipped": report.skipped,
                "skips": report.skips,
                "checkov_version": report.checkov_version,
                "findings": [finding.to_json() for finding in report.findings],
            }
            for folder, report in reports
        ],
        guidelines=dict(sorted(guidelines.items())),
    )
    _publish("scan", code, output_format, report_file, json_report, issues)
    if output_format == "text":
        shown: set[str] = set()
        for folder, report in reports:
            for finding in report.findings:
                where = (Path(folder) / finding.file).as_posix()
                where += f":{finding.line}" if finding.line else ""
                subject = f" [{finding.resource}]" if finding.resource else ""
                click.echo(f"FAILED {finding.check_id} {finding.message}: {where}{subject}")
                guideline = guidelines.get(finding.check_id or "")
                if guideline and finding.check_id not in shown:
                    shown.add(finding.check_id)
                    click.echo(f"  guideline: {guideline}")
            for skip in report.skips:
                click.echo(f"skipped {skip['id']} [{skip['resource']}]: {skip['reason']}")
            click.echo(
                f"{folder}: {report.passed} passed, {report.failed} failed, "
                f"{report.skipped} skipped (checkov {report.checkov_version or '?'})"
            )
    sys.exit(code)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
