"""The few named errors the CLI turns into messages and exit codes."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

PREVIEW_CHARS = 40


def preview(value: object, escape: bool = False) -> str:
    """A value as shown in an error: its repr cut to a few characters, so a report never
    echoes more of a long input (a secret pasted into a condition, say) than it needs;
    `escape`: every non-ASCII character as its \\u escape (to tell look-alikes apart)."""
    text = ascii(value) if escape else repr(value)
    if len(text) <= PREVIEW_CHARS:
        return text
    return f"{text[: PREVIEW_CHARS - 10]}... ({len(text)} characters)"


def closest(value: str, choices: Iterable[str], cutoff: float) -> str | None:
    """The choice most like `value`, for a "did you mean" hint; None when none is close."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=cutoff)
    return close[0] if close else None


PATH_PART_CHARS = 64  # a key of a path longer than this is cut (tag keys: 128 at most)
LONG_PATH_PART = re.compile(r"[^.\[\]]{" + str(PATH_PART_CHARS + 1) + ",}")


def _short_part(match: re.Match[str]) -> str:
    part = match.group(0)
    return f"{part[:30]}...({len(part)} characters)"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located by its field path (``subnets[0].az_id``) and,
    when the answers file is known, its line and column there (1-based; not compared: the
    position follows from the path)."""

    path: str
    message: str
    line: int | None = field(default=None, compare=False)
    column: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # A path names keys of the answers (a condition operator, a tag key): a hostile key
        # of a thousand characters is shown as a short preview there too.
        object.__setattr__(self, "path", LONG_PATH_PART.sub(_short_part, self.path))

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def to_json(self) -> dict[str, str | int]:
        found: dict[str, str | int] = {"path": self.path, "message": self.message}
        if self.line is not None:
            found["line"] = self.line
        if self.column is not None:
            found["column"] = self.column
        return found

    def at(self, positions: dict[str, tuple[int, int]]) -> Problem:
        """The problem with the line and column of its path in the file (`positions`: path
        -> position, from yamlsafe.positions), or of the nearest enclosing field there."""
        path = self.path
        while path not in positions and path:
            path = path[: max(path.rfind("."), path.rfind("["), 0)]
        if path not in positions:
            return self
        line, column = positions[path]
        return replace(self, line=line, column=column)

    def sort_key(self) -> tuple[int, int, str, str]:
        """By line in the file (problems of no line first), then path."""
        return (self.line or 0, self.column or 0, self.path, self.message)


class TfgenError(Exception):
    """Base class: every error tfgen raises on purpose."""

    exit_code = 2

    def problems_json(self) -> list[dict[str, str | int]]:
        """The error as the `errors` list of a JSON report."""
        return [{"path": "", "message": str(self)}]


class AnswersError(TfgenError):
    """The answers file is malformed or breaks a rule; all problems are reported at once."""

    exit_code = 2

    def __init__(self, problems: list[Problem], source: str = "answers") -> None:
        self.problems = sorted(set(problems), key=Problem.sort_key)
        self.source = source
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s)\n{lines}")

    def problems_json(self) -> list[dict[str, str | int]]:
        return [problem.to_json() for problem in self.problems] or super().problems_json()


class UsageError(TfgenError):
    """Bad command-line usage or an output folder tfgen must not touch."""

    exit_code = 2


class ScannerUnavailable(TfgenError):
    """checkov cannot be started (its environment is missing or broken)."""

    exit_code = 2


def did_you_mean(value: str, choices: list[str]) -> str:
    """`; did you mean 'x'?` after an answers problem, or nothing."""
    close = closest(value, choices, cutoff=0.75)
    return f"; did you mean {close!r}?" if close else ""


def duplicate_problems(path: str, values: list[str]) -> Iterator[Problem]:
    """One problem per value listed again after its first place in `path`."""
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield Problem(f"{path}[{index}]", f"{value} is listed twice")
        seen.add(value)


class InternalError(TfgenError):
    """A bug in tfgen: an exception nothing expected (the CLI's one handler makes it this)."""

    exit_code = 3
