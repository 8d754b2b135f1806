"""Drift: does a module on disk still hold exactly what its own answers file renders to?

A module is re-rendered in memory from its ``tfgen.answers.yaml`` and compared byte for byte
with the folder: edited, missing and extra files are drift. Terraform's own working files
(``.terraform/``, the lock file, state, plans) are not part of a module and are ignored.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import __version__
from generator.answers.load import load_answers
from generator.core.errors import TfgenError, UsageError
from generator.core.files import module_files, refuse_links_leaving
from generator.core.layout import ANSWERS_FILE, MANIFEST_FILE
from generator.moduledir.write import read_manifest, read_module_file

UPGRADE = "upgrade"
HAND_EDIT = "hand edit"
ANSWERS_CHANGED = "answers changed"

if TYPE_CHECKING:
    from generator.run.module import RunOptions


@dataclass(frozen=True)
class FileDrift:
    """One file that differs: `edited`, `missing` (tfgen renders it) or `extra` (it does not)."""

    path: str
    kind: str
    diff: str
    # Why, from the manifest: `hand edit` (the bytes differ from what tfgen wrote, or the file
    # was added/removed by hand), `upgrade` (tfgen wrote these bytes, and another tfgen version
    # renders the same answers differently), `answers changed` (same version, the answers
    # file was edited without a re-render).
    cause: str = HAND_EDIT


@dataclass
class DriftReport:
    module: str
    path: str
    drift: list[FileDrift] = field(default_factory=list)
    fixed: bool = False
    rendered_by: str | None = None  # tfgen version in the module's manifest

    @property
    def upgraded(self) -> bool:
        """The module was rendered by another tfgen version than this one."""
        return self.rendered_by is not None and self.rendered_by != __version__

    def summary(self) -> str | None:
        """One line on where the drift comes from, or None without drift."""
        if not self.drift:
            return None
        causes = sorted({item.cause for item in self.drift})
        if self.upgraded:
            return f"rendered by tfgen {self.rendered_by}, this is tfgen {__version__}: " + (
                "the drift comes from the upgrade (re-render to take the new output)"
                if causes == [UPGRADE]
                else "drift from the upgrade and from hand edits, file by file below"
            )
        return f"rendered by this tfgen ({__version__}): the drift is a {' and '.join(causes)}"

    @property
    def exit_code(self) -> int:
        return 1 if self.drift and not self.fixed else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.module,
            "path": self.path,
            "fixed": self.fixed,
            "rendered_by": self.rendered_by,
            "summary": self.summary(),
            "drift": [
                {"file": d.path, "kind": d.kind, "cause": d.cause, "diff": d.diff}
                for d in self.drift
            ],
        }


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
    from generator.run.module import rendered_files

    if not (folder / ANSWERS_FILE).is_file():
        raise UsageError(f"{folder}: not a tfgen module (no {ANSWERS_FILE})")
    refuse_links_leaving(folder)  # nothing outside the module is read, or written by --fix
    answers = load_answers(folder / ANSWERS_FILE)
    expected = {name: text.encode("utf-8") for name, text in rendered_files(answers).items()}
    actual = {relative: read_module_file(path) for relative, path in module_files(folder)}
    manifest = read_manifest(folder) or {}
    written: dict[str, str] = manifest.get("files", {})
    version = manifest.get("tfgen_version")
    report = DriftReport(
        answers.name, str(folder), rendered_by=version if isinstance(version, str) else None
    )
    answers_edited = written.get(ANSWERS_FILE) != sha256_bytes(actual.get(ANSWERS_FILE, b""))
    for name in sorted(expected.keys() | actual.keys()):
        want, have = expected.get(name), actual.get(name)
        if want == have:
            continue
        kind = "missing" if have is None else "extra" if want is None else "edited"
        # tfgen wrote these bytes (the manifest is never in its own checksums)
        as_written = name == MANIFEST_FILE or (
            have is not None and written.get(name) == sha256_bytes(have)
        )
        cause = HAND_EDIT if not as_written else ANSWERS_CHANGED if answers_edited else UPGRADE
        # the diff reads as "what --fix would do": from the disk to the rendered bytes
        report.drift.append(FileDrift(name, kind, unified(name, have, want), cause))
    return report


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


PARALLEL_FROM = 24  # below this, starting worker processes costs more than it saves


def check_modules(folders: list[Path], jobs: int | None = None) -> list[DriftReport]:
    """check_module for each folder, in the folders' order; a larger set in worker processes
    (forked after the templates and the HCL parser are loaded, so none loads them again).
    The first folder that cannot be checked raises its error, as one after another would."""
    jobs = min(jobs or os.cpu_count() or 1, len(folders))
    if jobs <= 1 or len(folders) < PARALLEL_FROM:
        return [check_module(folder) for folder in folders]
    from generator.core.hcl import hcl_parser
    from generator.render.templates import environment

    hcl_parser()
    environment()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chunk = max(1, len(folders) // (jobs * 4))
        found = list(pool.map(_check_in_worker, folders, chunksize=chunk))
    # a folder that failed is checked again here, so its error is raised as tfgen raised it
    # (an AnswersError does not survive pickling between processes)
    return [report or check_module(folder) for folder, report in zip(folders, found, strict=True)]


def _check_in_worker(folder: Path) -> DriftReport | None:
    try:
        return check_module(folder)
    except TfgenError:
        return None


def fix_module(folder: Path, report: DriftReport, options: RunOptions | None = None) -> None:
    """Make the folder match its answers again through the one render (render_to_folder):
    rendered from its own answers, verified and scanned in a staging folder, swapped in under
    the folder's lock (Terraform's working files stay). A module whose render has findings is
    left as it was (`report.fixed` stays False)."""
    from generator.run.module import DEFAULT_OPTIONS, render_to_folder

    refuse_links_leaving(folder)
    # the folder is a tfgen module the user named: a deleted manifest is drift to repair
    options = replace(options or DEFAULT_OPTIONS, force=True)
    result = render_to_folder(load_answers(folder / ANSWERS_FILE), folder, options)
    report.fixed = result.written
