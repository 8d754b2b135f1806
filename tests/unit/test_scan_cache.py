"""The scan cache: an unchanged module is not scanned twice; any change, or --no-cache, or an
explicit checkov scans again; failed scans are never cached."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.core.findings import Finding
from generator.moduledir.write import write_files
from generator.run import module as pipeline
from generator.run.module import rendered_files, scan_folder
from generator.scan import cache as scan_cache
from generator.scan.checkov import ScanReport


class Runs(list):
    """The folders checkov was run on, and the report the fake checkov gives."""

    report = ScanReport(passed=23, checkov_version="3.3.30")


@pytest.fixture
def calls(monkeypatch, tmp_path: Path) -> Runs:
    """Record checkov runs instead of running it; the cache lives in tmp_path."""
    runs = Runs()

    def fake_run(folders, executable):
        runs.append(folders[0])
        return runs.report

    monkeypatch.setattr(pipeline, "run_checkov", fake_run)
    monkeypatch.setattr(pipeline, "ensure_checkov", lambda explicit=None: Path("checkov"))
    monkeypatch.setattr(scan_cache, "cache_dir", lambda: tmp_path / "cache")
    monkeypatch.delenv("TFGEN_CHECKOV", raising=False)
    return runs


@pytest.fixture
def module(example_answers, tmp_path: Path) -> Path:
    folder = tmp_path / "m"
    write_files(folder, rendered_files(example_answers))
    return folder


def test_unchanged_module_is_scanned_once(calls, module: Path):
    first = scan_folder(module, None)
    second = scan_folder(module, None)
    assert len(calls) == 1
    assert not first.cached and second.cached
    assert (second.passed, second.failed, second.checkov_version) == (23, 0, "3.3.30")


def test_same_files_elsewhere_hit_and_terraform_files_do_not_matter(calls, module, tmp_path):
    scan_folder(module, None)
    copy = tmp_path / "copy"
    write_files(
        copy,
        {p.relative_to(module).as_posix(): p.read_text() for p in module.rglob("*") if p.is_file()},
    )
    (copy / "example" / ".terraform").mkdir()
    (copy / "example" / ".terraform" / "x").write_text("cache")
    assert scan_folder(copy, None).cached
    assert len(calls) == 1


def test_any_change_scans_again(calls, module: Path):
    scan_folder(module, None)
    (module / "main.tf").write_text((module / "main.tf").read_text() + "\n")
    scan_folder(module, None)
    (module / "extra.tf").write_text("")
    scan_folder(module, None)
    assert len(calls) == 3


def test_no_cache_and_explicit_checkov_always_scan(calls, module: Path):
    scan_folder(module, None)
    scan_folder(module, None, cache=False)
    scan_folder(module, "/opt/other/checkov")
    assert len(calls) == 3


def test_failed_scans_are_not_cached(calls, module: Path):
    calls.report = ScanReport(
        failed=1, findings=[Finding("scan", "main.tf", "x", check_id="CKV_X")]
    )
    assert scan_folder(module, None).failed == 1
    assert scan_folder(module, None).failed == 1
    assert len(calls) == 2


def test_damaged_entry_is_a_miss(calls, module: Path, tmp_path: Path):
    scan_folder(module, None)
    for entry in (tmp_path / "cache").glob("*.json"):
        entry.write_text("{not json")
    assert not scan_folder(module, None).cached
    assert len(calls) == 2


def test_changed_policy_pack_scans_again(calls, module: Path, monkeypatch):
    """A clean result is only as good as the checks that produced it: the key holds the pack."""
    scan_folder(module, None)
    assert scan_folder(module, None).cached
    monkeypatch.setattr(scan_cache, "policy_pack_digest", lambda: "another pack")
    assert not scan_folder(module, None).cached
    assert len(calls) == 2
