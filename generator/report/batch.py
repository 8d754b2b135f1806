"""A batch render's results: its report, and its text as a table that fits the terminal or,
without one (a CI log) or on one too narrow, one result per line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from generator.core.markers import terminal_text
from generator.report.text import (
    ReportOptions,
    batch_exit_code,
    console,
    envelope,
    print_warnings,
    publish,
    took,
)

if TYPE_CHECKING:
    from rich.console import Console

    from generator.report.sarif import Issue
    from generator.run.batch import BatchItem


def report_batch(
    items: Sequence[BatchItem], options: ReportOptions, elapsed: float | None = None
) -> None:
    code = batch_exit_code(items)
    status = "ok" if code == 0 else "error" if code == 2 else "findings"

    def issues() -> list[Issue]:
        from generator.report.sarif import batch_issues

        return batch_issues(items)

    modules = [item.to_json() for item in items]
    publish("render", code, options, envelope("render", status, code, modules=modules), issues)
    if options.text:
        out = console()
        print_batch_results(items, out)
        failed = sum(1 for item in items if item.exit_code)
        summary = (
            f"render: {len(items) - failed} of {len(items)} module(s) written, {failed} failed"
        )
        out.print(terminal_text(summary + took(elapsed)))


Row = tuple[str, str, str, str, str]  # answers, module, result, its style, detail

TABLE_DETAIL_MIN = 30  # a table whose detail column would be narrower: one result per line


def batch_rows(items: Sequence[BatchItem]) -> list[Row]:
    rows: list[Row] = []
    for item in items:
        if item.error or item.result is None:
            rows.append((item.source, "", "error", "red", str(item.error)))
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
            rows.append((item.source, result.path, "findings", "red", detail))
        else:
            warned = f"; {len(result.warnings)} warning(s)" if result.warnings else ""
            change = f"written ({result.change})"
            rows.append((item.source, result.path, change, "green", scanned + warned))
    return rows


def table_fits(rows: Sequence[Row], width: int) -> bool:
    """Whether the table fits `width` columns with the answers, module and result columns
    unwrapped and at least TABLE_DETAIL_MIN for the detail."""
    widths = [
        max([len(header), *(len(terminal_text(row[column])) for row in rows)])
        for column, header in ((0, "answers"), (1, "module"), (2, "result"))
    ]
    return sum(widths) + TABLE_DETAIL_MIN + 13 <= width  # 13: 4 columns of borders, padding


def print_batch_results(items: Sequence[BatchItem], out: Console) -> None:
    """A table that fits the terminal; without a terminal (a CI log), or on one too narrow
    for it, one result per line (never wrapped mid-word), an error's problems indented below."""
    from rich.text import Text

    rows = batch_rows(items)
    if out.is_terminal and table_fits(rows, out.width):
        print_batch_table(rows, out)
    else:
        for source, path, result, style, detail in rows:
            head, _newline, rest = detail.partition("\n")
            where = f" {path}" if path else ""
            shown = (
                terminal_text(source),
                (f": {result}", style),
                terminal_text(f"{where}: {head}"),
            )
            out.print(Text.assemble(*shown), soft_wrap=True)
            for line in rest.splitlines():
                out.print(terminal_text(line), soft_wrap=True)
    for item in items:
        if item.result is not None and item.result.warnings:
            out.print(terminal_text(f"{item.source}:"))
            print_warnings(out, item.result.warnings)


def print_batch_table(rows: Sequence[Row], out: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="tfgen render", show_lines=False)
    for column in ("answers", "module", "result"):
        table.add_column(column, no_wrap=True)
    table.add_column("detail", overflow="fold", min_width=TABLE_DETAIL_MIN)
    for source, path, result, style, detail in rows:
        table.add_row(
            Text(terminal_text(source)),
            Text(terminal_text(path)),
            Text(result, style),
            Text(terminal_text(detail)),
        )
    out.print(table)
