"""How a command ends: its report published with its exit code, and the one error handler
every command shares.

Exit codes: 0 success; 1 findings (drift, a failed check); 2 bad input or usage, nothing
written; 3 a bug in tfgen (an exception nothing expected): one line naming the log file that
holds the traceback, or the traceback itself with `tfgen --debug` / TFGEN_DEBUG=1.
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from generator.core.errors import TfgenError
    from generator.report.text import ReportOptions

# Where modules go when no -o/--output is given: modules/<name>.
MODULES_ROOT = Path("modules")
DEPLOYMENTS_ROOT = Path("deployments")  # deployment roots of the shared-module layout
DEBUG_ENV_VAR = "TFGEN_DEBUG"
BUG_EXIT = 3


def text_report() -> ReportOptions:
    from generator.report.text import ReportOptions

    return ReportOptions()


def finish(report: Callable[[], int]) -> NoReturn:
    """Publish a report (the callable returns the exit code) and exit with its code; a report
    file that cannot be written is exit 2."""
    from generator.report.text import ReportNotWritten, print_error_line

    try:
        code = report()
    except ReportNotWritten as error:
        print_error_line(str(error))
        sys.exit(2)
    sys.exit(code)


def fail(ctx: click.Context, error: TfgenError) -> NoReturn:
    """An error that stopped the command, in the command's report format, and its exit code."""
    from generator.report.text import ReportOptions, report_error

    options = ReportOptions(ctx.meta.get("tfgen.format") or "text", ctx.meta.get("tfgen.report"))
    command = ctx.invoked_subcommand or "tfgen"

    def report() -> int:
        report_error(error, command, options)
        return error.exit_code

    finish(report)


def debugging(ctx: click.Context) -> bool:
    return bool(ctx.meta.get("tfgen.debug")) or os.environ.get(DEBUG_ENV_VAR, "") not in ("", "0")


def handle(ctx: click.Context, error: Exception) -> NoReturn:
    """The one handler: tfgen's own errors keep their exit code, a file system that refuses
    is bad input (2), anything else is a bug (3)."""
    from generator.core.errors import InternalError, TfgenError

    if isinstance(error, TfgenError):
        fail(ctx, error)
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        fail(ctx, TfgenError(f"{where}{error.strerror or error}"))
    first = str(error).strip().splitlines()
    what = f"{type(error).__name__}{': ' + first[0][:200] if first else ''}"
    trace = traceback.format_exc()
    if debugging(ctx):
        click.echo(trace, err=True, nl=False)
        where = "the traceback is above"
    else:
        log = write_bug_log(trace)
        where = f"the traceback is in {log}" if log else "no log could be written"
        where += f" (tfgen --debug or {DEBUG_ENV_VAR}=1 prints it)"
    fail(ctx, InternalError(f"tfgen bug: unexpected {what}; {where}; please report it"))


def log_dir() -> Path:
    """tfgen's log folder: the user state dir's log folder (platformdirs)."""
    import platformdirs

    return platformdirs.user_log_path("tfgen", appauthor=False)


def write_bug_log(trace: str) -> Path | None:
    """The traceback into a new file in the log folder (else the temp folder); its path."""
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"bug-{stamp}-{os.getpid()}.log"
    for folder in (log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            path.write_text(f"tfgen {_version()} {sys.argv!r}\n{trace}", encoding="utf-8")
            return path
        except OSError:
            continue
    return None


def _version() -> str:
    from generator import __version__

    return __version__
