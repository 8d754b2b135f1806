"""The tests of tests/unit/test_progress.py that run checkov: a batch's progress with real
chunks coming back, and the chunk times it keeps for the next batch's estimate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.report import progress
from generator.scan.checkov import checkov_executable
from tests.support.cli import tfgen
from tests.unit.test_progress import write_batch


@pytest.mark.checkov
@pytest.mark.skipif(checkov_executable() is None, reason="CHECKOV TESTS NOT RUN: run `tfgen setup`")
def test_a_scanned_batch_counts_chunks_back_and_keeps_their_times(tmp_path: Path, monkeypatch):
    kept = tmp_path / "checkov-chunks.json"
    monkeypatch.setattr(progress, "chunks_file", lambda: kept)
    write_batch(tmp_path / "answers", 4)
    args = ("render", "answers", "--root", "out", "--no-cache", "-j", "2", "--scan-chunk", "2")
    result = tfgen(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.startswith("tfgen: [")]
    assert lines[0].startswith("tfgen: [0/4] answers files to verify, scan, write; ")
    assert any(line.startswith("tfgen: [2/4] in checkov (2 processes at once); ") for line in lines)
    assert any(line.startswith("tfgen: [4/4] scanned; ") for line in lines)
    assert lines[-1].startswith("tfgen: [4/4] written; ")
    chunks = json.loads(kept.read_text())["chunks"]
    assert sorted(n for n, _seconds in chunks) == [2, 2]
    assert all(0 < seconds < 120 for _n, seconds in chunks)
    again = tfgen(*args, cwd=tmp_path)  # the next batch starts with an estimate
    assert again.returncode == 0, again.stderr
    handed = next(line for line in again.stderr.splitlines() if " in checkov " in line)
    assert " s left" in handed or "almost done" in handed, handed
    assert len(json.loads(kept.read_text())["chunks"]) == 4
