"""tfgen's cache folder (platformdirs' user cache dir): compiled templates, the HCL parser's
tables and the scan cache. All of them are optimizations: a folder that is missing, read-only
or not a folder costs time, never a run, and tfgen says so once per process."""

from __future__ import annotations

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
