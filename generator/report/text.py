"""Results -> what people and pipelines read: text on stderr/stdout, the JSON report, SARIF.

Every command's result object knows its own JSON (`RunResult.to_json`, `BatchItem.to_json`,
`DriftReport.to_json`, `ScanReport.to_json`, `Finding.to_json`); this module puts it in the
report envelope, writes the report file and prints the text form. The CLI only chooses.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from generator import __version__
from generator.core.markers import terminal_text
from generator.report.progress import duration_text

if TYPE_CHECKING:
    from rich.console import Console

    from generator.core.errors import Problem, TfgenError
    from generator.report.sarif import Issue
    from generator.run.batch import BatchItem
    from generator.run.compare import DriftReport
    from generator.run.module import RunResult
    from generator.scan.checkov import ScanReport

FORMATS = ("text", "json", "sarif")


@dataclass(frozen=True)
class ReportOptions:
    """How a command reports: `--format` on stdout, and `--report FILE` if given."""

    output_format: str = "text"
    report_file: Path | None = None

    @property
    def text(self) -> bool:
        return self.output_format == "text"


class ReportNotWritten(Exception):
    """The report file could not be written (the CLI says so and exits 2)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot write the report {path}: {reason}")


def echo(text: str = "", **options: Any) -> None:
    """click.echo of `text` as `terminal_text` shows it."""
    click.echo(terminal_text(text), **options)


def console() -> Console:
    from rich.console import Console

    # No markup and no :emoji: codes: user text (names, paths, tag keys) prints as written;
    # tfgen's own labels are styled through `say`.
    return Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)


def say(out: Console, label: str, style: str, text: str = "", end: str = "\n") -> None:
    """`label` in `style`, then `text` exactly as given (a Text is never read as markup)."""
    from rich.text import Text

    out.print(Text.assemble((label, style), terminal_text(text)), end=end)


def envelope(command: str, status: str, exit_code: int, **details: Any) -> dict[str, Any]:
    """The JSON report: tfgen version, command, status, exit code, then the command's own."""
    return {
        "tfgen_version": __version__,
        "command": command,
        "status": status,
        "exit_code": exit_code,
        **details,
    }


def publish(
    command: str,
    exit_code: int,
    options: ReportOptions,
    json_report: dict[str, Any],
    issues: Callable[[], list[Issue]],
) -> None:
    """The machine-readable report: on stdout for --format json/sarif, and into --report FILE
    (SARIF with --format sarif, else JSON). Text output is the caller's."""
    if options.text and options.report_file is None:
        return
    if options.output_format == "sarif":
        from generator.report.sarif import sarif_log

        document = sarif_log(issues(), command=command, exit_code=exit_code, base=Path.cwd())
    else:
        document = json_report
    text = json.dumps(document, indent=2)
    if options.report_file is not None:
        from generator.core.files import write_text_atomic

        try:
            write_text_atomic(options.report_file, text + "\n")
        except OSError as error:
            raise ReportNotWritten(options.report_file, str(error.strerror or error)) from None
    if not options.text:
        click.echo(text)  # JSON: json.dumps escapes controls; a machine reads it


# ---- errors ---------------------------------------------------------------------------------


def report_error(error: TfgenError, command: str, options: ReportOptions) -> None:
    """An error that stopped the command: its report, and the text form on stderr."""

    def issues() -> list[Issue]:
        from generator.report.sarif import error_issues

        return error_issues(error)

    json_report = envelope(command, "error", error.exit_code, errors=error.problems_json())
    publish(command, error.exit_code, options, json_report, issues)
    if options.text:
        print_error(error, console())


def print_error(error: TfgenError, out: Console) -> None:
    """The text form of an error that stopped a command (or one folder of it)."""
    from generator.core.errors import AnswersError

    if isinstance(error, AnswersError):
        say(
            out,
            "error",
            "bold red",
            f": {error.source}: {len(error.problems)} problem(s), nothing written",
        )
        for problem in error.problems:  # in the order of the file
            where = f"line {problem.line}: " if problem.line else ""
            out.print(terminal_text(f"  {where}{problem}"))
    else:
        print_error_line(str(error), out)


def print_error_line(message: str, out: Console | None = None) -> None:
    """`error: message`, the message printed as it is (no rich markup read from it)."""
    say(out or console(), "error", "bold red", f": {message}")


# ---- render and validate --------------------------------------------------------------------


def run_report(command: str, result: RunResult) -> dict[str, Any]:
    details = result.to_json()
    return envelope(command, details.pop("status"), details.pop("exit_code"), **details)


def scan_summary(scan: ScanReport | None, not_run: str = "--no-scan") -> str:
    if scan is None:
        return f"checkov: not run ({not_run})"
    return f"checkov: {scan.counts_text()}" + (" (cached)" if scan.cached else "")


def print_warnings(out: Console, warnings: Sequence[Problem | str]) -> None:
    for warning in warnings:
        say(out, "warning", "yellow", f" {warning}")


def report_run(
    command: str,
    result: RunResult,
    options: ReportOptions,
    answers_file: str | None = None,
    summary: str | None = None,
) -> None:
    """One render or validate: its report, and the text form on stderr (`summary` last)."""

    def issues() -> list[Issue]:
        from generator.report.sarif import run_issues

        return run_issues(result, answers_file)

    publish(command, result.exit_code, options, run_report(command, result), issues)
    if options.text:
        out = console()
        print_run(command, result, out)
        if summary is not None:
            out.print(terminal_text(summary))


def print_run(command: str, result: RunResult, out: Console) -> None:
    """The text form of one render or validate: warnings, findings, one closing line."""
    print_warnings(out, result.warnings)
    for finding in result.findings:
        say(out, "finding", "red", f" {finding}")
    scanned = scan_summary(result.scan)
    if result.findings:
        say(
            out,
            result.module,
            "bold red",
            f": {len(result.findings)} finding(s); "
            f"{'nothing written' if command == 'render' else result.path}; {scanned}",
        )
    elif command == "render":
        say(
            out,
            "wrote",
            "bold green",
            f" {result.path} ({len(result.files)} files, {result.change}): verified; {scanned}",
        )
    else:
        say(out, "ok", "bold green", f" {result.path}: verified; {scanned}")


def report_validations(
    items: Sequence[BatchItem], options: ReportOptions, elapsed: float | None = None
) -> int:
    """`tfgen validate` of several folders (each item's source is its folder): one report with
    a `modules` list, as a batch render's; each folder's text in turn, then one summary line.
    Exit: the worst."""
    from generator.core.layout import ANSWERS_FILE

    code = batch_exit_code(items)
    status = "ok" if code == 0 else "error" if code == 2 else "findings"

    def issues() -> list[Issue]:
        from generator.report.sarif import error_issues, run_issues

        found: list[Issue] = []
        for item in items:
            answers = str(Path(item.source) / ANSWERS_FILE)
            if item.error is not None:
                found += error_issues(item.error, answers)
            elif item.result is not None:
                found += run_issues(item.result, answers)
        return found

    modules = [item.to_json() for item in items]
    publish("validate", code, options, envelope("validate", status, code, modules=modules), issues)
    if options.text:
        out = console()
        for item in items:
            if item.error is not None:
                print_error(item.error, out)
            else:
                print_run("validate", item.module, out)
        out.print(validate_summary(items, elapsed))
    return code


def validate_summary(items: Sequence[BatchItem], elapsed: float | None) -> str:
    """`validate: 2 of 3 module(s) verified, 1 with findings (4.2 s)`."""
    errors = sum(1 for item in items if item.error is not None)
    findings = sum(1 for item in items if item.error is None and item.exit_code)
    return (
        f"validate: {len(items) - errors - findings} of {len(items)} module(s) verified"
        + (f", {findings} with findings" if findings else "")
        + (f", {errors} could not be validated" if errors else "")
        + took(elapsed)
    )


def report_import(warnings: Sequence[str], text: str, path: Path | None) -> None:
    """`tfgen import`: its warnings, then the answers on stdout or where they were written."""
    out = console()
    print_warnings(out, warnings)
    if path is None:
        click.echo(text, nl=False)  # the answers file itself (YAML escapes what it must)
    else:
        out.print(terminal_text(f"wrote {path}: render it with `tfgen render {path}`"))


# ---- batch render ---------------------------------------------------------------------------


def batch_exit_code(items: Sequence[BatchItem]) -> int:
    return max((item.exit_code for item in items), default=0)


def took(elapsed: float | None) -> str:
    """` (1.2 s)` after a summary line, or nothing."""
    return f" ({duration_text(elapsed)})" if elapsed is not None else ""


# ---- drift check ----------------------------------------------------------------------------


def report_drift(
    reports: Sequence[DriftReport],
    options: ReportOptions,
    errors: Sequence[tuple[str, TfgenError]] = (),
    elapsed: float | None = None,
    command: str = "check",
) -> int:
    """`tfgen check`: per module, ok or its drift with a diff; answers files that do not load
    (the gate) are errors of their own; one summary line last (on stderr). Exit: the worst
    (drift 1, bad answers 2)."""
    code = max(
        [report.exit_code for report in reports] + [error.exit_code for _s, error in errors],
        default=0,
    )

    def issues() -> list[Issue]:
        from generator.report.sarif import drift_issues

        return drift_issues(reports)

    modules = [report.to_json() for report in reports]
    failed = [{"source": source, "errors": error.problems_json()} for source, error in errors]
    status = "error" if errors else "drift" if code else "ok"
    json_report = envelope(
        "check", status, code, modules=modules, **({"answers_errors": failed} if errors else {})
    )
    publish("check", code, options, json_report, issues)
    if options.text:
        for source, error in errors:
            print_error_line(f"{source}: {error}")
        for report in reports:
            if not report.drift:
                echo(f"ok {report.path}: matches its answers")
                continue
            verb = "fixed" if report.fixed else "drift"
            echo(f"{verb} {report.path}: {report.summary()}")
            for item in report.drift:
                echo(f"{verb} {report.path}/{item.path}: {item.kind} ({item.cause})")
                if not report.fixed:
                    echo(item.diff, nl=False)
        echo(drift_summary(reports, len(errors), elapsed, command), err=True)
    return code


def drift_summary(
    reports: Sequence[DriftReport], errors: int, elapsed: float | None, command: str = "check"
) -> str:
    """`check: 20 of 22 module(s) match their answers, 2 differ (1.2 s)`."""
    drifted = sum(1 for report in reports if report.drift and not report.fixed)
    fixed = sum(1 for report in reports if report.fixed)
    return (
        f"{command}: {len(reports) - drifted} of {len(reports)} module(s) match their answers"
        + (f", {drifted} differ" if drifted else "")
        + (f", {fixed} fixed" if fixed else "")
        + (f"; {errors} answers file(s) with errors" if errors else "")
        + took(elapsed)
    )


# ---- scan -----------------------------------------------------------------------------------


def scan_folder_json(folder: Path, report: ScanReport) -> dict[str, Any]:
    return {
        "path": str(folder),
        "passed": report.passed,
        "failed": report.failed,
        "skipped": report.skipped,
        "skips": report.skips,
        "checkov_version": report.checkov_version,
        "findings": [finding.to_json() for finding in report.findings],
    }


def report_scan(reports: Sequence[tuple[Path, ScanReport]], options: ReportOptions) -> int:
    code = 1 if any(report.failed for _folder, report in reports) else 0
    guidelines: dict[str, str] = {}
    for _folder, report in reports:
        for check_id, text in report.guidelines.items():
            guidelines.setdefault(check_id, text)

    def issues() -> list[Issue]:
        from generator.report.sarif import finding_issues

        return [
            issue
            for folder, report in reports
            for issue in finding_issues(report.findings, str(folder))
        ]

    json_report = envelope(
        "scan",
        "findings" if code else "ok",
        code,
        folders=[scan_folder_json(folder, report) for folder, report in reports],
        guidelines=dict(sorted(guidelines.items())),
    )
    publish("scan", code, options, json_report, issues)
    if options.text:
        print_scan(reports, guidelines)
    return code


def print_scan(reports: Sequence[tuple[Path, ScanReport]], guidelines: dict[str, str]) -> None:
    shown: set[str] = set()
    for folder, report in reports:
        for finding in report.findings:
            where = (Path(folder) / finding.file).as_posix()
            where += f":{finding.line}" if finding.line else ""
            subject = f" [{finding.resource}]" if finding.resource else ""
            echo(f"FAILED {finding.check_id} {finding.message}: {where}{subject}")
            guideline = guidelines.get(finding.check_id or "")
            if guideline and finding.check_id not in shown:
                shown.add(finding.check_id or "")
                echo(f"  guideline: {guideline}")
        for skip in report.skips:
            echo(f"skipped {skip['id']} [{skip['resource']}]: {skip['reason']}")
        echo(f"{folder}: {report.counts_text()} (checkov {report.checkov_version or '?'})")
