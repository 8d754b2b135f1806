"""SARIF 2.1.0 reports: findings, drift and bad answers as results for code scanning.

Pure functions over tfgen's own result objects (RunResult, BatchItem, DriftReport and the
errors behind exit code 2): each becomes a list of `Issue`s, and `sarif_log` turns those into
one SARIF log with one run. Every result has a rule id (checkov's check id, or `tfgen/<stage>`),
a level, a message and, where the problem has a file, a physical location whose URI is
relative to `base` (the current directory) with forward slashes, plus the line (and for
answers problems the column) when known.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from generator import __version__
from generator.core.errors import AnswersError, Problem, TfgenError
from generator.core.findings import Finding

if TYPE_CHECKING:
    from generator.run.batch import BatchItem
    from generator.run.compare import DriftReport
    from generator.run.module import RunResult

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
STDIN_SOURCE = "stdin"  # the source name of answers read from standard input: no file

Level = Literal["error", "warning", "note"]

RULE_VERIFY = "tfgen/verify"
RULE_SCHEMA = "tfgen/schema"
RULE_SCAN = "tfgen/scan"
RULE_DRIFT = "tfgen/drift"
RULE_ANSWERS = "tfgen/answers"
RULE_ANSWERS_WARNING = "tfgen/answers-warning"
RULE_ERROR = "tfgen/error"

RULE_DESCRIPTIONS: dict[str, str] = {
    RULE_VERIFY: "The rendered module does not hold what its answers ask for.",
    RULE_SCHEMA: "The rendered module breaks the AWS provider schema.",
    RULE_SCAN: "A checkov check failed on the rendered module.",
    RULE_DRIFT: "A module file differs from what its tfgen.answers.yaml renders to.",
    RULE_ANSWERS: "The answers file is malformed or breaks a rule.",
    RULE_ANSWERS_WARNING: "The answers are valid but incomplete.",
    RULE_ERROR: "tfgen could not run (bad usage, unreadable input, checkov unavailable).",
}
STAGE_RULES: dict[str, str] = {"verify": RULE_VERIFY, "schema": RULE_SCHEMA, "scan": RULE_SCAN}


@dataclass(frozen=True)
class Issue:
    """One SARIF result before it is placed: `file` is a path as tfgen names it (relative to
    the current directory, or absolute); `description` describes the rule (first one wins)."""

    rule_id: str
    message: str
    file: str | None = None
    line: int | None = None
    level: Level = "error"
    column: int | None = None
    description: str | None = None
    properties: dict[str, Any] = field(default_factory=dict, compare=False)


def _join(folder: str, name: str) -> str:
    return (PurePath(folder) / name).as_posix()


def finding_issues(findings: Iterable[Finding], module_path: str) -> list[Issue]:
    """Verify, schema and scan findings; their files are relative to the module folder."""
    issues = []
    for finding in findings:
        rule_id = finding.check_id or STAGE_RULES.get(finding.stage, f"tfgen/{finding.stage}")
        subject = f" [{finding.resource}]" if finding.resource else ""
        properties: dict[str, Any] = {"stage": finding.stage}
        if finding.resource:
            properties["resource"] = finding.resource
        description = (
            f"checkov {finding.check_id}: {finding.message}"
            if finding.check_id and finding.stage == "scan"
            else RULE_DESCRIPTIONS.get(rule_id)
        )
        issues.append(
            Issue(
                rule_id,
                f"{finding.message}{subject}",
                file=_join(module_path, finding.file),
                line=finding.line,
                description=description,
                properties=properties,
            )
        )
    return issues


def problem_issues(
    problems: Iterable[Problem], answers_file: str | None, level: Level = "error"
) -> list[Issue]:
    """Answers problems (errors, or warnings) located at the answers file; the message
    starts with the field path, which is also the `field` property."""
    rule_id = RULE_ANSWERS if level == "error" else RULE_ANSWERS_WARNING
    problems = list(problems)
    if answers_file and any(problem.line is None for problem in problems):
        where = _positions(answers_file)  # warnings come from the model: place them here
        problems = [problem if problem.line else problem.at(where) for problem in problems]
    return [
        Issue(
            rule_id,
            str(problem),
            file=answers_file,
            line=problem.line if answers_file else None,
            column=problem.column if answers_file else None,
            level=level,
            properties={"field": problem.path},
        )
        for problem in problems
    ]


def _positions(answers_file: str) -> dict[str, tuple[int, int]]:
    """The field positions of an answers file, or none when it cannot be read."""
    from generator.answers.load import MAX_ANSWERS_BYTES
    from generator.answers.yamlsafe import positions

    try:
        with open(answers_file, "rb") as stream:
            return positions(stream.read(MAX_ANSWERS_BYTES).decode("utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}


def error_issues(error: TfgenError, file: str | None = None) -> list[Issue]:
    """The error behind an exit code 2. For answers errors the location is `file`, or else
    the answers file the error names (none for stdin); other errors are located at `file`."""
    if isinstance(error, AnswersError):
        if file is None and error.source != STDIN_SOURCE:
            file = error.source
        return problem_issues(error.problems, file)
    return [Issue(RULE_ERROR, str(error), file=file)]


def run_issues(result: RunResult, answers_file: str | None = None) -> list[Issue]:
    """One render or validate: its findings, then its answers warnings (level warning)."""
    return [
        *finding_issues(result.findings, result.path),
        *problem_issues(result.warnings, answers_file, level="warning"),
    ]


def batch_issues(items: Iterable[BatchItem]) -> list[Issue]:
    """A batch render: each answers file's error, or its module's findings and warnings."""
    issues: list[Issue] = []
    for item in items:
        if item.error is not None:
            issues += error_issues(item.error, item.source)
        elif item.result is not None:
            issues += run_issues(item.result, item.source)
    return issues


_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@")


def first_changed_line(diff: str) -> int | None:
    """The line (1-based, on disk: the diff's `from` side) of a unified diff's first change."""
    line: int | None = None
    for text in diff.splitlines():
        if line is None:
            if match := _HUNK.match(text):
                line = int(match.group(1))
                # "-0,0": nothing on the `from` side before the change
                line = max(line, 1)
            continue
        if text.startswith(("-", "+")):
            return line
        if text.startswith(" "):
            line += 1
    return None


def drift_issues(reports: Iterable[DriftReport]) -> list[Issue]:
    """`tfgen check`: one result per drifted file (level note once --fix has fixed it)."""
    issues = []
    for report in reports:
        for item in report.drift:
            what = {
                "edited": "differs from what the module's answers render",
                "missing": "is missing: the module's answers render it",
                "extra": "is not rendered by the module's answers",
            }.get(item.kind, item.kind)
            fixed = " (fixed by --fix)" if report.fixed else ""
            issues.append(
                Issue(
                    RULE_DRIFT,
                    f"{item.path} {what} ({item.cause}; {report.summary()}){fixed}",
                    file=_join(report.path, item.path),
                    line=first_changed_line(item.diff) if item.kind == "edited" else None,
                    level="note" if report.fixed else "error",
                    properties={
                        "module": report.module,
                        "kind": item.kind,
                        "cause": item.cause,
                        "rendered_by": report.rendered_by,
                        "fixed": report.fixed,
                        "diff": item.diff,
                    },
                )
            )
    return issues


def artifact_uri(file: str, base: Path) -> str:
    """`file` relative to `base` with forward slashes (percent-encoded); a file outside
    `base` gets an absolute file: URI."""
    root = Path(os.path.abspath(base))
    path = Path(os.path.normpath(root / file))
    try:
        relative = path.relative_to(root)
    except ValueError:
        return path.as_uri()
    return quote(relative.as_posix()) if relative.parts else "."


def _result(issue: Issue, rule_index: int, base: Path) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": issue.rule_id,
        "ruleIndex": rule_index,
        "level": issue.level,
        "message": {"text": issue.message},
    }
    if issue.file is not None:
        physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(issue.file, base)}}
        if issue.line is not None and issue.line >= 1:
            physical["region"] = {"startLine": issue.line}
            if issue.column is not None and issue.column >= 1:
                physical["region"]["startColumn"] = issue.column
        result["locations"] = [{"physicalLocation": physical}]
    if issue.properties:
        result["properties"] = dict(issue.properties)
    return result


def sarif_log(
    issues: Sequence[Issue], *, command: str, exit_code: int, base: Path
) -> dict[str, Any]:
    """One SARIF 2.1.0 log, one run: tfgen's rules (in order of first use) and results."""
    rules: list[dict[str, Any]] = []
    index_of: dict[str, int] = {}
    results = []
    for issue in issues:
        if issue.rule_id not in index_of:
            index_of[issue.rule_id] = len(rules)
            description = issue.description or RULE_DESCRIPTIONS.get(issue.rule_id) or issue.rule_id
            rules.append(
                {
                    "id": issue.rule_id,
                    "shortDescription": {"text": description},
                    "defaultConfiguration": {
                        "level": "warning" if issue.rule_id == RULE_ANSWERS_WARNING else "error"
                    },
                }
            )
        results.append(_result(issue, index_of[issue.rule_id], base))
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "tfgen",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": exit_code != 2,
                        "exitCode": exit_code,
                        "properties": {"command": command},
                    }
                ],
                "results": results,
            }
        ],
    }
