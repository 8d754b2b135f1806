"""Atomic writes: a failed run leaves the previous module untouched and no temp folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import pipeline
from generator.errors import UsageError
from generator.findings import Finding
from generator.pipeline import render_to_folder, rendered_files
from generator.scan import ScanReport
from generator.write import MANIFEST_FILE, check_target, commit, read_manifest, staged, write_files


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_manifest_lists_every_file(example_answers, tmp_path: Path):
    files = rendered_files(example_answers)
    write_files(tmp_path, files)
    manifest = read_manifest(tmp_path)
    assert set(manifest["files"]) == set(files) - {MANIFEST_FILE}
    assert manifest["answers_sha256"] == example_answers.digest()


def test_failed_scan_keeps_previous_module(example_answers, tmp_path: Path, monkeypatch):
    target = tmp_path / "out"
    assert render_to_folder(example_answers, target, scan=False).written
    before = snapshot(target)

    def failing_scan(folder: Path, checkov, cache=True):
        assert folder != target and folder.parent == target.parent  # staged beside the target
        return ScanReport(failed=1, findings=[Finding("scan", "main.tf", "boom", check_id="CKV_X")])

    monkeypatch.setattr(pipeline, "scan_folder", failing_scan)
    result = render_to_folder(example_answers, target, scan=True)
    assert result.exit_code == 1 and not result.written
    assert snapshot(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_crash_during_scan_leaves_no_temp_folder(example_answers, tmp_path: Path, monkeypatch):
    def crash(folder: Path, checkov, cache=True):
        raise RuntimeError("killed")

    monkeypatch.setattr(pipeline, "scan_folder", crash)
    with pytest.raises(RuntimeError):
        render_to_folder(example_answers, tmp_path / "out", scan=True)
    assert list(tmp_path.iterdir()) == []


def test_commit_swaps_in_place(tmp_path: Path):
    target = tmp_path / "m"
    write_files(target, {"old.tf": "old"})
    with staged(target, {"new.tf": "new"}) as stage:
        commit(stage, target)
    assert snapshot(target) == {"new.tf": b"new"}
    assert [p.name for p in tmp_path.iterdir()] == ["m"]


def test_symlinked_target_refused(tmp_path: Path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(UsageError, match="symbolic link"):
        check_target(tmp_path / "link", force=True)


def test_file_as_target_refused(tmp_path: Path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(UsageError, match="not a folder"):
        check_target(tmp_path / "f", force=True)
