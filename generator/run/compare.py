"""A module folder against the bytes its answers render: each edited, missing and extra file
with its unified diff and its cause (a hand edit, an upgrade, answers changed since). The one
comparison behind `tfgen check`, the gate, `render --check` and `validate`."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import __version__
from generator.core.files import module_files
from generator.core.layout import ANSWERS_FILE, MANIFEST_FILE
from generator.moduledir.write import read_manifest, read_module_file

UPGRADE = "upgrade"


HAND_EDIT = "hand edit"


ANSWERS_CHANGED = "answers changed"


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
    missing_module: str | None = None  # the gate: this answers file has no committed module

    @property
    def upgraded(self) -> bool:
        """The module was rendered by another tfgen version than this one."""
        return self.rendered_by is not None and self.rendered_by != __version__

    def summary(self) -> str | None:
        """One line on where the drift comes from, or None without drift."""
        if not self.drift:
            return None
        if self.missing_module is not None:
            return f"no committed module: {self.missing_module} renders it (run tfgen render)"
        kinds = {item.kind for item in self.drift}
        if kinds & {"duplicate name", "no answers"}:
            return "; ".join(item.diff.strip() for item in self.drift)
        causes = sorted({item.cause for item in self.drift})
        if self.upgraded:
            return f"rendered by tfgen {self.rendered_by}, this is tfgen {__version__}: " + (
                "the drift comes from the upgrade (re-render to take the new output)"
                if causes == [UPGRADE]
                else "drift from the upgrade and from hand edits, file by file below"
            )
        return f"rendered by this tfgen ({__version__}); drift from: {' and '.join(causes)}"

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
            "missing_module": self.missing_module,
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


def compare_module(
    folder: Path, name: str, expected: dict[str, bytes], owned: set[str] | None = None
) -> DriftReport:
    """The folder's files against the bytes the answers render (`expected`): each edited,
    missing and extra file with its diff and its cause. Terraform's working files are not part
    of a module, unless git tracks them there (committed, they change what the module does)."""
    manifest = read_manifest(folder) or {} if folder.is_dir() else {}
    written: dict[str, str] = manifest.get("files", {})
    # `owned` (a deployment root): only tfgen's files are compared, the rendered ones and
    # those the manifest lists; the folder's other files are the user's
    mine = None if owned is None else owned | set(written) | {MANIFEST_FILE}
    actual = (
        {
            relative: read_module_file(path)
            for relative, path in module_files(folder)
            if mine is None or relative in mine
        }
        if folder.is_dir()
        else {}
    )
    version = manifest.get("tfgen_version")
    report = DriftReport(
        name, str(folder), rendered_by=version if isinstance(version, str) else None
    )
    # the answers changed since the render: the record was edited, or (the record's source is
    # elsewhere) what the source renders as the record is no longer the record on disk
    answers_edited = written.get(ANSWERS_FILE) != sha256_bytes(
        actual.get(ANSWERS_FILE, b"")
    ) or expected.get(ANSWERS_FILE) != actual.get(ANSWERS_FILE)
    for file in sorted(expected.keys() | actual.keys()):
        want, have = expected.get(file), actual.get(file)
        if want == have:
            continue
        kind = "missing" if have is None else "extra" if want is None else "edited"
        # tfgen wrote these bytes (the manifest is never in its own checksums)
        as_written = file == MANIFEST_FILE or (
            have is not None and written.get(file) == sha256_bytes(have)
        )
        cause = HAND_EDIT if not as_written else ANSWERS_CHANGED if answers_edited else UPGRADE
        # the diff reads as "what --fix would do": from the disk to the rendered bytes
        report.drift.append(FileDrift(file, kind, unified(file, have, want), cause))
    for file in tracked_working_files(folder) if folder.is_dir() else []:
        report.drift.append(FileDrift(file, "committed working file", "", HAND_EDIT))
    return report


def tracked_working_files(folder: Path) -> list[str]:
    """Terraform's working files under folder that git tracks (a committed `.terraform/`, a
    lock or state file): Terraform reads them, so they are part of what is reviewed. git is
    asked only when such files are there and the folder is in a git work tree; outside one
    there is nothing to tell, and nothing is reported."""
    import shutil
    import subprocess

    from generator.core.files import is_terraform_working_file, walk

    present = any(is_terraform_working_file(relative) for relative, _path in walk(folder))
    git = shutil.which("git")
    if not present or git is None or not in_git_work_tree(folder):
        return []
    try:
        listed = subprocess.run(
            [git, "ls-files", "-z", "--", "."],
            cwd=folder,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if listed.returncode != 0:
        return []
    files = [name.decode("utf-8", "replace") for name in listed.stdout.split(b"\0") if name]
    return sorted(name for name in files if is_terraform_working_file(name))


def in_git_work_tree(folder: Path) -> bool:
    """A `.git` (folder or file) in folder or a parent: the cheap test, no process."""
    here = folder.resolve()
    return any((parent / ".git").exists() for parent in (here, *here.parents))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
