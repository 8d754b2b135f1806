"""File-system primitives every stage uses: bounded reads of regular files, the folder walk
that leaves Terraform's working files out, refusal of FIFOs, devices and links leaving a folder,
and the atomic writer (files get the user's umask)."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

from generator.core.errors import UsageError

# Terraform's own working files: never part of a module, kept across re-renders.
TERRAFORM_DIRS = frozenset({".terraform"})


TERRAFORM_NAMES = frozenset({".terraform.lock.hcl", ".terraform.tfstate.lock.info"})


TERRAFORM_SUFFIXES = (".tfstate", ".tfstate.backup", ".tfplan")


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most max_bytes. Anything else (a FIFO, a device such
    as /dev/zero behind a symlink, a folder named *.yaml) or anything larger is refused before
    a byte is read, so a read can neither hang nor fill the memory. Raises UsageError."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{path} is {_kind(info.st_mode)}, not a regular file")
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        info = os.fstat(descriptor)  # the file opened, not the one stat() saw before
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{path} is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > max_bytes:
            raise UsageError(f"{path} is {info.st_size} bytes; at most {max_bytes} bytes")
        with os.fdopen(os.dup(descriptor), "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    if len(data) > max_bytes:
        raise UsageError(f"{path} is larger than {max_bytes} bytes")
    return data


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a file")


def links_leaving(folder: Path) -> list[str]:
    """Symbolic links under folder that point outside it (relative paths, sorted): writing or
    reading through one would touch files that are not the module's. Terraform's working files
    (`.terraform/` and the like) are not the module's and are moved, never written through."""
    root = folder.resolve()
    leaving = []
    for relative, path in walk(folder):
        if is_terraform_working_file(relative):
            continue  # `terraform init` links providers from its cache; tfgen never writes there
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            leaving.append(relative)
    return leaving


def refuse_special_files(folder: Path, suffixes: tuple[str, ...]) -> None:
    """Refuse a folder in which a file a tool would read (by its suffix) is a FIFO, a device
    or a socket: reading one can hang or never end. Terraform's working files are skipped."""
    for relative, path in walk(folder):
        if is_terraform_working_file(relative) or not relative.endswith(suffixes):
            continue
        try:
            mode = path.stat().st_mode
        except OSError:
            continue  # a dangling link: the tool reports it
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise UsageError(f"{path} is {_kind(mode)}, not a regular file; refusing to read it")


def refuse_links_leaving(folder: Path) -> None:
    leaving = links_leaving(folder)
    if leaving:
        raise UsageError(
            f"{folder}: {', '.join(leaving)} is a symbolic link leaving the module; tfgen "
            "never reads or writes through one (replace it with the real file or folder)"
        )


def is_terraform_working_file(relative: str) -> bool:
    """True for `.terraform/...`, lock files, state and plan files (a /-separated path)."""
    parts = relative.split("/")
    return (
        any(part in TERRAFORM_DIRS for part in parts)
        or parts[-1] in TERRAFORM_NAMES
        or parts[-1].endswith(TERRAFORM_SUFFIXES)
    )


def walk(folder: Path) -> Iterator[tuple[str, Path]]:
    """Everything under folder as (relative /-separated path, path), sorted."""
    for path in sorted(folder.rglob("*")):
        yield path.relative_to(folder).as_posix(), path


def module_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """The files of a module folder (relative path, path), sorted; terraform's working files
    (`.terraform/`, lock files, state, plans) are not part of a module and are left out.
    Everything that is not a folder counts (a FIFO or a link too): readers refuse what is not
    a regular file rather than skip it unseen."""
    for relative, path in walk(folder):
        if is_terraform_working_file(relative):
            continue
        if path.is_symlink() or not path.is_dir():
            yield relative, path


def umask_mode(mode: int) -> int:
    """The mode a new file (0o666) or folder (0o777) gets under the process's umask."""
    umask = os.umask(0)
    os.umask(umask)
    return mode & ~umask


def write_text_atomic(path: Path, text: str) -> None:
    """`write_bytes_atomic` for text: UTF-8, newlines written as they are."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write one file atomically (a temp file beside it, then os.replace): readers see the
    old content or the new, never half of it. Missing parent folders are created. The file
    gets the user's umask like any file they create (mkstemp alone would make it 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, umask_mode(0o666))
        os.replace(temp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise
