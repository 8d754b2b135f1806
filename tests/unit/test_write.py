"""Atomic writes: a failed run leaves the previous module untouched and no temp folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.core.errors import UsageError
from generator.core.findings import Finding
from generator.core.layout import MANIFEST_FILE
from generator.moduledir.write import check_target, commit, read_manifest, staged, write_files
from generator.run import module as pipeline
from generator.run.module import RunOptions, render_to_folder, rendered_files
from generator.scan.checkov import ScanReport


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
    assert render_to_folder(example_answers, target, RunOptions(scan=False)).written
    before = snapshot(target)

    def failing_scan(folder: Path, checkov, cache=True, process=None):
        assert folder != target and folder.parent == target.parent  # staged beside the target
        return ScanReport(failed=1, findings=[Finding("scan", "main.tf", "boom", check_id="CKV_X")])

    monkeypatch.setattr(pipeline, "scan_folder", failing_scan)
    monkeypatch.setattr(pipeline, "warm_checkov", lambda checkov: None)  # no process here
    result = render_to_folder(example_answers, target, RunOptions(scan=True))
    assert result.exit_code == 1 and not result.written
    assert snapshot(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_crash_during_scan_leaves_no_temp_folder(example_answers, tmp_path: Path, monkeypatch):
    def crash(folder: Path, checkov, cache=True, process=None):
        raise RuntimeError("killed")

    monkeypatch.setattr(pipeline, "scan_folder", crash)
    monkeypatch.setattr(pipeline, "warm_checkov", lambda checkov: None)  # no process here
    with pytest.raises(RuntimeError):
        render_to_folder(example_answers, tmp_path / "out", RunOptions(scan=True))
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


def test_concurrent_renders_into_one_folder_are_serialized(example_answers, tmp_path: Path):
    import threading

    from generator.moduledir.write import target_lock

    target = tmp_path / "out"
    events: list[str] = []
    with target_lock(target):
        worker = threading.Thread(
            target=lambda: events.append(
                "written"
                if render_to_folder(example_answers, target, RunOptions(scan=False)).written
                else "x"
            )
        )
        worker.start()
        worker.join(timeout=2)
        assert worker.is_alive(), "the render did not wait for the lock"
        assert not target.exists()
        events.append("released")
    worker.join(timeout=30)
    assert events == ["released", "written"]
    assert (target / "main.tf").is_file()


def test_symlink_inside_a_module_is_not_written_through(example_answers, tmp_path: Path):
    outside = tmp_path / "outside.tf"
    outside.write_text("precious\n")
    target = tmp_path / "out"
    assert render_to_folder(example_answers, target, RunOptions(scan=False)).written
    (target / "main.tf").unlink()
    (target / "main.tf").symlink_to(outside)
    # a link leaving the module is refused, even forced: a person must look at it (issue 16)
    with pytest.raises(UsageError, match="symbolic link leaving the module"):
        render_to_folder(example_answers, target, RunOptions(scan=False, force=True))
    assert outside.read_text() == "precious\n"
    (target / "main.tf").unlink()
    (target / "main.tf").symlink_to(target / "README.md")  # a link that stays inside
    assert render_to_folder(example_answers, target, RunOptions(scan=False, force=True)).written
    assert outside.read_text() == "precious\n"
    assert not (target / "main.tf").is_symlink()


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def modes(folder: Path) -> set[tuple[str, int]]:
    """(kind, permission bits) of a folder and of everything under it."""
    return {
        ("dir" if p.is_dir() else "file", p.stat().st_mode & 0o777)
        for p in [folder, *folder.rglob("*")]
    }


def test_every_writer_follows_the_umask(umask_022, example_answers, tmp_path: Path, monkeypatch):
    from generator.run import drift
    from generator.run.module import regenerate_readme
    from generator.scan import cache as scan_cache
    from generator.scan.checkov import ScanReport

    target = tmp_path / "out"
    assert render_to_folder(example_answers, target, RunOptions(scan=False)).written
    assert modes(target) == {("dir", 0o755), ("file", 0o644)}  # render: staged folder swapped in
    (target / "main.tf").write_text("# edited\n")
    os.chmod(target / "main.tf", 0o600)
    (target / "README.md").unlink()
    report = drift.check_module(target)
    drift.fix_module(target, report, RunOptions(scan=False))  # drift --fix rewrites main.tf
    (target / "README.md").unlink()
    assert regenerate_readme(target)  # docs
    assert modes(target) == {("dir", 0o755), ("file", 0o644)}
    key = scan_cache.cache_key(target, "3.3.30")
    scan_cache.store(key, ScanReport(passed=1), root=tmp_path / "cache")
    assert modes(tmp_path / "cache") == {("dir", 0o755), ("file", 0o644)}
    assert scan_cache.load(key, root=tmp_path / "cache").passed == 1


def test_module_files_walk_leaves_out_terraform_working_files(tmp_path: Path):
    from generator.core.files import module_files
    from generator.moduledir.write import find_modules

    write_files(tmp_path / "a", {"main.tf": "x", MANIFEST_FILE: "{}", "example/main.tf": "y"})
    write_files(tmp_path / "a", {".terraform/modules/m/" + MANIFEST_FILE: "{}"})
    write_files(tmp_path / "a", {"example/terraform.tfstate": "{}", ".terraform.lock.hcl": ""})
    assert [rel for rel, _ in module_files(tmp_path / "a")] == [
        "example/main.tf",
        "main.tf",
        MANIFEST_FILE,
    ]
    assert find_modules(tmp_path) == [tmp_path / "a"]
