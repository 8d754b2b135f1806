"""The shared module folder (modules/lambda-endpoint): rendered, verified and written once per
repository, whatever the number of deployments."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from generator import __version__
from generator.core.errors import InternalError, UsageError
from generator.core.findings import Finding
from generator.core.layout import MANIFEST_FILE
from generator.moduledir.write import (
    check_target,
    commit,
    manifest_json,
    read_manifest,
    sha256_text,
    staged,
    target_lock,
)

SHARED_KIND = "shared-module"


def shared_manifest_text(files: dict[str, str]) -> str:
    """The shared module's manifest: what it is, the tfgen version that rendered it (what a
    deployment pins) and one checksum per file."""
    return manifest_json(
        {
            "kind": SHARED_KIND,
            "tfgen_version": __version__,
            "files": {name: sha256_text(text) for name, text in sorted(files.items())},
        }
    )


def shared_module_files() -> dict[str, str]:
    """Every file of the shared module folder, manifest included."""
    from generator.render.shared import render_shared_module  # where it runs: see drift.py

    files = render_shared_module()
    files[MANIFEST_FILE] = shared_manifest_text(files)
    return files


@cache
def shared_module_findings() -> tuple[Finding, ...]:
    """verify of the shared module: the same files in every render, so verified once."""
    from generator.render.shared import render_shared_module
    from generator.verify.shared import verify_shared_module

    return tuple(verify_shared_module(render_shared_module()))


def is_shared_module(folder: Path) -> bool:
    """Whether `folder` holds a shared module that tfgen wrote (its manifest says so)."""
    manifest = read_manifest(folder)
    return manifest is not None and manifest.get("kind") == SHARED_KIND


def expected_shared_files() -> dict[str, bytes]:
    """What the shared module folder must hold, as bytes (drift and the gate compare these)."""
    return {name: text.encode("utf-8") for name, text in shared_module_files().items()}


def shared_module_version(folder: Path) -> str | None:
    """The tfgen version that rendered the shared module in `folder` (None: none there)."""
    manifest = read_manifest(folder)
    if manifest is None or manifest.get("kind") != SHARED_KIND:
        return None
    version = manifest.get("tfgen_version")
    return version if isinstance(version, str) else None


def write_shared_module(target: Path, force: bool = False) -> str:
    """Write the shared module into `target` (atomically, under its lock) unless it is already
    there byte for byte: `created`, `changed` or `unchanged`."""
    from generator.run.module import change_of

    files = shared_module_files()
    findings = shared_module_findings()
    if findings:  # the same for every deployment: a fault of tfgen's templates
        raise InternalError(f"the shared module does not verify: {findings[0]}")
    target = Path(os.path.abspath(target))
    try:
        with target_lock(target):
            change = change_of(target, files)
            if change == "unchanged":
                return change
            check_target(target, force)
            with staged(target, files) as stage:
                commit(stage, target)
            return change
    except OSError as error:
        raise UsageError(f"cannot write {error.filename or target}: {error.strerror}") from None
