"""A scan cache: an unchanged module is not scanned twice on the same machine.

The key is the checkov version, tfgen's policy pack (a hash of its files: a changed check
invalidates clean results) and the content of every file of the module (relative path and
bytes; terraform's working files aside). Only clean reports (no failed check) are kept, so a
cached result can never hide a finding. The cache is used only with tfgen's own pinned checkov:
an explicit executable (--checkov, TFGEN_CHECKOV) has no version tfgen can vouch for.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from generator.core.files import module_files, write_text_atomic
from generator.scan.checkov import ScanReport, policy_pack_digest

CACHE_FORMAT = 2


def cache_dir() -> Path:
    from generator.core.cachedir import cache_root

    return cache_root() / "scan-cache"


def cache_key(folder: Path, checkov_version: str) -> str:
    pack = policy_pack_digest()
    digest = hashlib.sha256(
        f"tfgen-scan-cache {CACHE_FORMAT} checkov {checkov_version} pack {pack}\n".encode()
    )
    for relative, path in module_files(folder):
        digest.update(f"{relative}\0{hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    return digest.hexdigest()


def load(key: str, root: Path | None = None) -> ScanReport | None:
    try:
        data = json.loads(((root or cache_dir()) / f"{key}.json").read_text(encoding="utf-8"))
        return ScanReport(
            passed=int(data["passed"]),
            skipped=int(data["skipped"]),
            skips=list(data["skips"]),
            checkov_version=str(data["checkov_version"]),
            cached=True,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a missing or damaged entry is a miss, never an error


def store(key: str, report: ScanReport, root: Path | None = None) -> None:
    if report.failed or report.findings:
        return
    entry = {
        "passed": report.passed,
        "skipped": report.skipped,
        "skips": report.skips,
        "checkov_version": report.checkov_version,
    }
    folder = root or cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_text_atomic(folder / f"{key}.json", json.dumps(entry, sort_keys=True))
    except OSError as error:  # the cache is an optimization: the scan stands without it
        from generator.core.cachedir import without_cache

        without_cache(folder, error.strerror or error)
