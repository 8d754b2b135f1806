"""Writing to disk, the one place that does it: the atomic file writer, the module folder walk,
the staged folder swap, the directory lock and the manifest.

A module folder tfgen owns carries `tfgen.manifest.json` (tfgen version, answers hash, one
checksum per file); tfgen refuses to replace a non-empty folder without one unless forced.
Files and folders are created with the user's umask (0644/0755 under umask 022).
"""

from __future__ import annotations

import contextlib
import fcntl
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
from generator.core.errors import UsageError
from generator.core.files import (
    TERRAFORM_DIRS,
    is_terraform_working_file,
    module_files,
    read_regular_file,
    refuse_links_leaving,
    umask_mode,
    walk,
)
from generator.core.layout import MANIFEST_FILE

# Folders tfgen stages in beside its targets: `.NAME.tfgen-*`, `.NAME.tfgen-old-*` (the previous
# module during the swap) and `.tfgen-batch-*`. Never modules, removed once their run is gone.
STAGING_MARK = ".tfgen-"
OLD_MARK = ".tfgen-old-"
# No file tfgen writes comes near this; a larger file in a module folder is refused unread.
MAX_MODULE_FILE_BYTES = 10_000_000


def is_staging(name: str) -> bool:
    """True for the name of a folder tfgen stages in (module names never start with '.')."""
    return name.startswith(".") and STAGING_MARK in name


def find_modules(root: Path) -> list[Path]:
    """Every tfgen module folder under root (a folder holding a tfgen manifest), sorted;
    tfgen's own staging folders (left by a killed run) are not modules."""
    return sorted(
        path.parent
        for relative, path in module_files(root)
        if path.name == MANIFEST_FILE and not any(is_staging(part) for part in relative.split("/"))
    )


def terraform_working_paths(folder: Path) -> list[str]:
    """Top-most terraform working files and folders under folder, relative, sorted."""
    found: list[str] = []
    for relative, path in walk(folder):
        if any(relative.startswith(kept + "/") for kept in found):
            continue
        if is_terraform_working_file(relative) and (path.name in TERRAFORM_DIRS or path.is_file()):
            found.append(relative)
    return found


def hand_changes(target: Path, manifest: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(files edited since tfgen wrote them, files tfgen did not write) in a module folder."""
    listed: dict[str, str] = manifest.get("files", {})
    edited: list[str] = []
    extra: list[str] = []
    for relative, path in module_files(target):
        if relative == MANIFEST_FILE:
            continue
        if relative not in listed:
            extra.append(relative)
        elif hashlib.sha256(read_module_file(path)).hexdigest() != listed[relative]:
            edited.append(relative)
    return edited, extra


def read_module_file(path: Path) -> bytes:
    return read_regular_file(path, MAX_MODULE_FILE_BYTES)


def sha256_text(text: str) -> str:
    """The checksum a manifest lists for a file's text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_text(files: dict[str, str], answers_digest: str, source: str | None = None) -> str:
    """The manifest of a rendered module: tfgen version, answers hash (and the answers file
    it was rendered from, relative to the folder), one checksum per file."""
    manifest: dict[str, Any] = {
        "tfgen_version": __version__,
        "answers_sha256": answers_digest,
        **({"answers_source": source} if source is not None else {}),
        "files": {name: sha256_text(text) for name, text in sorted(files.items())},
    }
    return manifest_json(manifest)


def manifest_json(manifest: dict[str, Any]) -> str:
    """A manifest as its file holds it (sorted keys, two-space indent, final newline)."""
    return json.dumps(manifest, indent=2, sort_keys=True) + "\n"


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """A module folder's manifest, or None when it has none (or an unreadable one)."""
    try:
        # a regular file of bounded size only: a FIFO or a link to /dev/zero named like the
        # manifest makes the folder "not a tfgen module", never a hang
        data = json.loads(read_module_file(folder / MANIFEST_FILE).decode("utf-8"))
    except (UsageError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(files := data.get("files"), dict):
        return None  # a malformed manifest is no manifest: nothing is read from it
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        return None
    return data


def check_target(target: Path, force: bool) -> None:
    """Refuse to replace anything that is not a tfgen module folder, unless forced."""
    if target.is_symlink():
        raise UsageError(f"{target} is a symbolic link; give the real folder")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder")
    if target.is_dir():
        refuse_links_leaving(target)  # even with --force: it must be looked at by a person
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
    """Write a module's files into a staging folder (atomicity comes from `commit`)."""
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
    however it ends. Staging folders a killed run left there are cleared first."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent):
        remove_stale_staging(target.parent)
        yield


@contextmanager
def _locked(folder: Path, wait: bool = True) -> Iterator[None]:
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(descriptor)  # closing the last descriptor releases the lock


def _in_use(folder: Path) -> bool:
    try:
        with _locked(folder, wait=False):
            return False
    except BlockingIOError:
        return True
    except OSError:
        return True  # cannot tell: leave it


def remove_stale_staging(parent: Path) -> None:
    """Clear what a killed run left in parent (the caller holds parent's lock): staging folders
    no live run holds locked are removed; the previous module caught mid-swap (its folder
    renamed away, the new one not yet in place) is put back."""
    for entry in sorted(parent.iterdir()):
        if not is_staging(entry.name) or entry.is_symlink() or not entry.is_dir():
            continue
        if OLD_MARK in entry.name:  # only made during a swap, under this same lock: stale
            original = parent / entry.name[1 : entry.name.rindex(OLD_MARK)]
            if original.name and not original.exists() and not original.is_symlink():
                os.rename(entry, original)
                continue
        elif _in_use(entry):
            continue
        shutil.rmtree(entry, ignore_errors=True)


@contextmanager
def staging_folder(parent: Path, prefix: str, *, parent_locked: bool) -> Iterator[Path]:
    """A new folder in parent, locked for as long as it lives: a later run that can lock it
    knows its owner is gone and removes it. It is made under parent's lock (taken here unless
    the caller holds it), so no cleanup sees it before it is locked."""
    parent.mkdir(parents=True, exist_ok=True)
    with contextlib.nullcontext() if parent_locked else _locked(parent):
        folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
    try:
        os.chmod(folder, umask_mode(0o777))  # mkdtemp makes it 0700; it may become a module
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(descriptor)


@contextmanager
def staged(target: Path, files: dict[str, str]) -> Iterator[Path]:
    """A complete copy of the module in a temp folder beside `target` (call it holding
    `target_lock`); removed on the way out unless `commit` moved it into place."""
    with staging_folder(
        target.parent, f".{target.name}{STAGING_MARK}", parent_locked=True
    ) as stage:
        write_files(stage, files)
        yield stage


def commit(stage: Path, target: Path) -> None:
    """Swap the staged folder into place: two renames on one file system."""
    if not target.exists():
        os.rename(stage, target)
        return
    with _following_cwd(target):
        _swap(stage, target)


@contextmanager
def _following_cwd(target: Path) -> Iterator[None]:
    """`tfgen render tfgen.answers.yaml -o .` swaps the folder the process stands in: stand in
    the new one afterwards (a shell there needs `cd .`)."""
    try:
        cwd = os.getcwd()
    except OSError:
        cwd = None
    inside = cwd is not None and Path(cwd).is_relative_to(target.resolve())
    try:
        yield
    finally:
        if inside and cwd is not None:
            with suppress(OSError):
                os.chdir(cwd if os.path.isdir(cwd) else target)


def _swap(stage: Path, target: Path) -> None:
    backup = Path(tempfile.mkdtemp(prefix=f".{target.name}{OLD_MARK}", dir=target.parent))
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
    """The named files of a module folder that exist, as text."""
    files = {}
    for name in names:
        path = folder / name
        if path.is_file():
            files[name] = read_module_file(path).decode("utf-8")
    return files
