"""Drift: does a module on disk still hold exactly what its own answers file renders to?

A module is re-rendered in memory from its ``tfgen.answers.yaml`` and compared byte for byte
with the folder: edited, missing and extra files are drift. Terraform's own working files
(``.terraform/``, the lock file, state, plans) are not part of a module and are ignored.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from generator.answers import load_answers
from generator.errors import UsageError
from generator.render import ANSWERS_FILE
from generator.write import module_files, write_text_atomic


@dataclass(frozen=True)
class FileDrift:
    """One file that differs: `edited`, `missing` (tfgen renders it) or `extra` (it does not)."""

    path: str
    kind: str
    diff: str


@dataclass
class DriftReport:
    module: str
    path: str
    drift: list[FileDrift] = field(default_factory=list)
    fixed: bool = False

    @property
    def exit_code(self) -> int:
        return 1 if self.drift and not self.fixed else 0


def unified(path: str, old: bytes | None, new: bytes | None) -> str:
    def lines(data: bytes | None) -> list[str]:
        return [] if data is None else data.decode("utf-8", "replace").splitlines(keepends=True)

    diff = difflib.unified_diff(
        lines(old),
        lines(new),
        fromfile=f"a/{path}" if old is not None else "/dev/null",
        tofile=f"b/{path}" if new is not None else "/dev/null",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in diff)


def check_module(folder: Path) -> DriftReport:
    """Compare a module folder with what its answers render to now (nothing is written)."""
    from generator.pipeline import rendered_files

    if not (folder / ANSWERS_FILE).is_file():
        raise UsageError(f"{folder}: not a tfgen module (no {ANSWERS_FILE})")
    answers = load_answers(folder / ANSWERS_FILE)
    expected = {name: text.encode("utf-8") for name, text in rendered_files(answers).items()}
    actual = {relative: path.read_bytes() for relative, path in module_files(folder)}
    report = DriftReport(answers.name, str(folder))
    for name in sorted(expected.keys() | actual.keys()):
        want, have = expected.get(name), actual.get(name)
        if want == have:
            continue
        kind = "missing" if have is None else "extra" if want is None else "edited"
        # the diff reads as "what --fix would do": from the disk to the rendered bytes
        report.drift.append(FileDrift(name, kind, unified(name, have, want)))
    return report


def fix_module(folder: Path, report: DriftReport) -> None:
    """Make the folder match its answers again: rewrite edited/missing files, remove extras.

    Each file is replaced atomically (temp file + rename); terraform's working files stay.
    """
    from generator.pipeline import rendered_files

    expected = rendered_files(load_answers(folder / ANSWERS_FILE))
    for item in report.drift:
        target = folder / item.path
        if item.kind == "extra":
            target.unlink()
            continue
        write_text_atomic(target, expected[item.path])
    report.fixed = True
