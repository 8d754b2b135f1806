"""Atomic writes: stage the module beside the target, swap it in only once it passed.

A module folder tfgen owns carries `tfgen.manifest.json` (tfgen version, answers hash, one
checksum per file); tfgen refuses to replace a non-empty folder without one unless forced.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from generator import __version__
from generator.errors import UsageError

MANIFEST_FILE = "tfgen.manifest.json"
# Terraform's own working files: never part of a module, kept across re-renders.
TERRAFORM_DIRS = frozenset({".terraform"})
TERRAFORM_NAMES = frozenset({".terraform.lock.hcl", ".terraform.tfstate.lock.info"})
TERRAFORM_SUFFIXES = (".tfstate", ".tfstate.backup", ".tfplan")


def is_terraform_working_file(relative: str) -> bool:
    """True for `.terraform/...`, lock files, state and plan files (a /-separated path)."""
    parts = relative.split("/")
    return (
        any(part in TERRAFORM_DIRS for part in parts)
        or parts[-1] in TERRAFORM_NAMES
        or parts[-1].endswith(TERRAFORM_SUFFIXES)
    )


def terraform_working_paths(folder: Path) -> list[str]:
    """Top-most terraform working files and folders under folder, relative, sorted."""
    found: list[str] = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if any(relative.startswith(kept + "/") for kept in found):
            continue
        if is_terraform_working_file(relative) and (path.name in TERRAFORM_DIRS or path.is_file()):
            found.append(relative)
    return found


def hand_changes(target: Path, manifest: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(files edited since tfgen wrote them, files tfgen did not write) in a module folder."""
    listed: dict[str, str] = manifest.get("files", {})
    edited, extra = [], []
    for path in sorted(target.rglob("*")):
        relative = path.relative_to(target).as_posix()
        if not path.is_file() or is_terraform_working_file(relative) or relative == MANIFEST_FILE:
            continue
        if relative not in listed:
            extra.append(relative)
        elif hashlib.sha256(path.read_bytes()).hexdigest() != listed[relative]:
            edited.append(relative)
    return edited, extra


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_text(files: dict[str, str], answers_digest: str) -> str:
    manifest = {
        "tfgen_version": __version__,
        "answers_sha256": answers_digest,
        "files": {name: sha256_text(text) for name, text in sorted(files.items())},
    }
    return json.dumps(manifest, indent=2, sort_keys=True) + "\n"


def read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "files" in data else None


def check_target(target: Path, force: bool) -> None:
    """Refuse to replace anything that is not a tfgen module folder, unless forced."""
    if target.is_symlink():
        raise UsageError(f"{target} is a symbolic link; give the real folder")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder")
    if not target.is_dir() or force or not any(target.iterdir()):
        return
    manifest = read_manifest(target)
    if manifest is None:
        raise UsageError(
            f"{target} is not empty and holds no {MANIFEST_FILE}: it is not a tfgen module, "
            "so tfgen will not replace it (use --force to replace it anyway)"
        )
    edited, extra = hand_changes(target, manifest)
    if edited or extra:
        found = [f"edited by hand: {', '.join(edited)}"] if edited else []
        found += [f"not written by tfgen: {', '.join(extra)}"] if extra else []
        raise UsageError(
            f"{target} has changes a re-render would lose ({'; '.join(found)}): "
            "move them into the answers, or use --force to replace them"
        )


def write_files(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)


@contextmanager
def target_lock(target: Path) -> Iterator[None]:
    """Serialize tfgen runs that write into the same folder: an exclusive lock on the folder
    that holds the target (a lock on a directory leaves no lock file behind), held from the
    check of the target until the staged module is in place. Released when the process ends,
    however it ends."""
    import fcntl

    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing the last descriptor releases the lock


@contextmanager
def staged(target: Path, files: dict[str, str]) -> Iterator[Path]:
    """A complete copy of the module in a temp folder beside `target`; removed on the way out
    unless `commit` moved it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.tfgen-", dir=target.parent))
    try:
        write_files(stage, files)
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def commit(stage: Path, target: Path) -> None:
    """Swap the staged folder into place: two renames on one file system."""
    if not target.exists():
        os.rename(stage, target)
        return
    backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.tfgen-old-", dir=target.parent))
    os.rmdir(backup)
    os.rename(target, backup)
    kept = terraform_working_paths(backup)
    for relative in kept:  # terraform's working files and state move into the new folder
        (stage / relative).parent.mkdir(parents=True, exist_ok=True)
        os.rename(backup / relative, stage / relative)
    try:
        os.rename(stage, target)
    except BaseException:  # an OSError, or the run interrupted between the two renames
        for relative in kept:
            os.rename(stage / relative, backup / relative)
        os.rename(backup, target)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def read_module(folder: Path, names: list[str]) -> dict[str, str]:
    files = {}
    for name in names:
        path = folder / name
        if path.is_file():
            files[name] = path.read_text(encoding="utf-8")
    return files


def write_text_atomic(path: Path, text: str) -> None:
    """Write one file atomically (a temp file beside it, then os.replace): readers see the
    old content or the new, never half of it. Missing parent folders are created."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes it 0600; a report is a normal file
        os.replace(temp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise
