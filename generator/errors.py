"""The few named errors the CLI turns into messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass

PREVIEW_CHARS = 40


def preview(value: object) -> str:
    """A value as shown in an error: its repr cut to a few characters, so a report never
    echoes more of a long input (a secret pasted into a condition, say) than it needs."""
    text = repr(value)
    if len(text) <= PREVIEW_CHARS:
        return text
    return f"{text[: PREVIEW_CHARS - 10]}... ({len(text)} characters)"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located by its field path (``subnets[0].az_id``)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class TfgenError(Exception):
    """Base class: every error tfgen raises on purpose."""

    exit_code = 2


class AnswersError(TfgenError):
    """The answers file is malformed or breaks a rule; all problems are reported at once."""

    exit_code = 2

    def __init__(self, problems: list[Problem], source: str = "answers") -> None:
        self.problems = sorted(set(problems), key=lambda p: (p.path, p.message))
        self.source = source
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s)\n{lines}")


class UsageError(TfgenError):
    """Bad command-line usage or an output folder tfgen must not touch."""

    exit_code = 2


class ScannerUnavailable(TfgenError):
    """checkov cannot be started (its environment is missing or broken)."""

    exit_code = 2
