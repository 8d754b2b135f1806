"""tfgen's cache folder (platformdirs' user cache dir): compiled templates, the HCL parser's
tables and the scan cache. All of them are optimizations: a folder that is missing, read-only
or not a folder costs time, never a run, and tfgen says so once per process."""

from __future__ import annotations

import hashlib
import os
import sys
from functools import cache
from pathlib import Path

_warned: list[str] = []


def cache_root() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tfgen"))


def without_cache(folder: Path, reason: object) -> None:
    """Say once, on stderr, that the caches are off and why."""
    if _warned:
        return
    _warned.append(str(folder))
    print(
        f"tfgen: the cache folder {folder} cannot be written ({reason}): running without "
        "its caches (slower)",
        file=sys.stderr,
    )


@cache
def cache_folder(name: str) -> Path | None:
    """`<cache root>/<name>`, created if need be; None (said once) when it cannot be written."""
    folder = cache_root() / name if name else cache_root()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        without_cache(folder, error.strerror or error)
        return None
    if not os.access(folder, os.W_OK | os.X_OK):
        without_cache(folder, "not writable")
        return None
    return folder


# What tfgen's output is a function of, besides its inputs: the libraries that render, parse
# and serialize it (their versions) and the Python that runs them.
RENDERING_DISTRIBUTIONS = (
    "jinja2",
    "markupsafe",
    "pyyaml",
    "pydantic",
    "pydantic-core",
    "python-hcl2",
    "lark",
    "platformdirs",
)


@cache
def code_digest() -> str:
    """A hash of the code that renders: the content of every file of tfgen's package and of
    its templates (a checkout's `templates/` too), the versions of the libraries it renders
    with, and the Python version. An edited template or module, an upgrade: another digest.
    Caches of what tfgen renders are keyed by it (never by a version number alone)."""
    from importlib.metadata import PackageNotFoundError, version

    package = Path(__file__).resolve().parent.parent  # generator/
    digest = hashlib.sha256(f"tfgen code {sys.version}\n".encode())
    for name in RENDERING_DISTRIBUTIONS:
        try:
            found = version(name)
        except PackageNotFoundError:
            found = "-"
        digest.update(f"{name} {found}\n".encode())
    for root in (package, package.parent / "templates"):
        if not root.is_dir():
            continue
        for folder, folders, files in os.walk(root):
            # tools' caches (__pycache__, .mypy_cache, ...) are not code, and appear mid-run
            folders[:] = sorted(
                name for name in folders if name != "__pycache__" and not name.startswith(".")
            )
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = Path(folder, name)
                relative = path.relative_to(package.parent).as_posix()
                digest.update(
                    f"{relative}\0{hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode()
                )
    return digest.hexdigest()
