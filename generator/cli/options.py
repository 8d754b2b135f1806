"""The command-line options tfgen's commands share, and the typed options they become
(RunOptions for a run, ReportOptions for its report). No command here: see cli.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from generator.report.text import ReportOptions
    from generator.run.module import RunOptions

F = TypeVar("F", bound=Callable[..., object])


def remember(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """Option callback keeping --format / --report in ctx.meta for the last-resort handler."""

    def keep(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        if value is not None or f"tfgen.{name}" not in ctx.meta:
            ctx.meta[f"tfgen.{name}"] = value
        return value

    return keep


FORMAT_OPTION = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    callback=remember("format"),
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
    callback=remember("report"),
    type=click.Path(dir_okay=False, path_type=Path),
    help=REPORT_HELP,
)
# The report file was `-o` on validate, check and scan; -o is the output folder everywhere
# now. The old spelling still works for one release, with a note on stderr.
LEGACY_REPORT_OPTION = click.option(
    "-o",
    "legacy_report",
    metavar="FILE",
    callback=remember("report"),
    hidden=True,
    type=click.Path(dir_okay=False, path_type=Path),
)
LEGACY_REPORT_NOTE = (
    "tfgen: warning: -o FILE for the report is deprecated and goes away in the next release "
    "(-o means the output folder, as in `tfgen render`); use --report FILE"
)
SCAN_OPTION = click.option("--no-scan", is_flag=True, help="Skip the checkov scan.")
SHARD_OPTION = click.option(
    "--shard",
    metavar="I/N",
    help="Only shard I of N (1 <= I <= N): files sorted by name, every N-th from the I-th, so "
    "N CI jobs cover each exactly once.",
)
LAYOUT_OPTION = click.option(
    "--layout",
    type=click.Choice(["module", "deployment"]),
    help="deployment: a thin root (default deployments/<name>) that calls the shared module "
    "(--module-dir); module: the self-contained module folder of tfgen 0.2. Default: the layout "
    "of what is already there (-o, or deployments/<name>), deployment when the answers say "
    "where the module is (deployment:), else module.",
)
MODULE_DIR_OPTION = click.option(
    "--module-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("modules/lambda-endpoint"),
    show_default=True,
    help="With the deployment layout: where the shared module is (written when it differs).",
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


def reporting_options(command: F) -> F:
    """--format, --report FILE and the deprecated -o FILE."""
    return FORMAT_OPTION(REPORT_OPTION(LEGACY_REPORT_OPTION(command)))


def report_options(
    output_format: str, report_file: Path | None, legacy_report: Path | None = None
) -> ReportOptions:
    from generator.report.text import ReportOptions

    if legacy_report is not None:
        click.echo(LEGACY_REPORT_NOTE, err=True)
        report_file = report_file or legacy_report
    check_report_path(report_file)
    return ReportOptions(output_format, report_file)


def check_report_path(path: Path | None) -> None:
    """--report FILE must be writable before any work starts: a render that wrote its module
    and then failed on the report would leave a change behind a failed command."""
    import os

    from generator.core.errors import UsageError

    if path is None:
        return
    # the nearest folder that exists: write_text_atomic creates the missing ones below it
    parent = Path(os.path.abspath(path)).parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    problem = (
        "is a folder; give a file name"
        if path.is_dir()
        else f"{parent} is not a folder"
        if not parent.is_dir()
        else f"the folder {parent} is not writable"
        if not os.access(parent, os.W_OK | os.X_OK)
        else None
    )
    if problem is not None:
        context = click.get_current_context(silent=True)
        if context is not None:  # the error itself cannot go into that report
            context.find_root().meta["tfgen.report"] = None
        raise UsageError(f"--report {path}: {problem}")


def require_folders(folders: tuple[Path, ...]) -> None:
    """A FOLDER argument that is not there is exit 2 saying so (not "not a tfgen module")."""
    from generator.core.errors import UsageError

    for folder in folders:
        if not folder.exists():
            raise UsageError(f"{folder} does not exist")


def run_options(
    no_scan: bool,
    no_cache: bool = False,
    force: bool = False,
    checkov: str | None = None,
    jobs: int | None = None,
    scan_chunk: int | None = None,
    drop_retired: bool = False,
) -> RunOptions:
    from generator.run.module import DEFAULT_OPTIONS, RunOptions

    return RunOptions(
        scan=not no_scan,
        cache=not no_cache,
        force=force,
        checkov=checkov,
        jobs=jobs,
        scan_chunk=scan_chunk or DEFAULT_OPTIONS.scan_chunk,
        drop_retired=drop_retired,
    )
