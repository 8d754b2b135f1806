"""The tests of tests/unit/test_batch.py that run real processes:
(checkov, terraform, a console, a timeout)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.run.batch import expand_sources, render_batch
from generator.run.module import RunOptions
from generator.scan import chunks as chunked_scan
from generator.scan.checkov import checkov_executable
from tests.conftest import example_data
from tests.unit.test_batch import (  # noqa: F401
    INVALID,
    write_batch,
)


@pytest.mark.checkov
@pytest.mark.skipif(checkov_executable() is None, reason="CHECKOV TESTS NOT RUN: run `tfgen setup`")
def test_one_checkov_process_per_chunk_and_cache_on_rerun(tmp_path: Path, monkeypatch):
    runs: list[list[str]] = []
    real = chunked_scan.run_checkov_each

    def counting(root: Path, executable: Path, process=None):
        runs.append(sorted(p.name for p in root.iterdir()))
        return real(root, executable, process=process)

    monkeypatch.setattr(chunked_scan, "run_checkov_each", counting)
    sources = expand_sources([write_batch(tmp_path / "answers", 6)])
    items = render_batch(sources, tmp_path / "out", RunOptions(jobs=2))
    # 5 valid modules, 2 lanes: two chunks (3 + 2), each module in exactly one
    assert sorted(len(chunk) for chunk in runs) == [2, 3]
    assert sorted(name for chunk in runs for name in chunk) == ["m00", "m01", "m02", "m04", "m05"]
    written = [item for item in items if item.exit_code == 0]
    assert len(written) == 5 and all(item.result.scan.passed > 10 for item in written)
    again = render_batch(sources, tmp_path / "out", RunOptions(jobs=2))
    assert len(runs) == 2  # every clean module came from the scan cache
    assert all(item.result.scan.cached for item in again if item.exit_code == 0)
    assert not list((tmp_path / "out").glob(".tfgen-*"))  # no staging leftovers


@pytest.mark.checkov
@pytest.mark.skipif(checkov_executable() is None, reason="CHECKOV TESTS NOT RUN: run `tfgen setup`")
def test_chunked_scan_reports_equal_one_process_over_the_batch(tmp_path: Path):
    """Every module's report (counts, findings with lines, skips and their reasons, guidelines)
    is the same whether checkov scans it in a chunk or in one process over the whole batch."""
    from generator.answers.load import parse_answers
    from generator.moduledir.write import write_files
    from generator.run.module import rendered_files
    from generator.scan.checkov import run_checkov_each
    from generator.scan.chunks import ChunkScanner
    from tests.support.golden_cases import case_answers, case_names

    executable = checkov_executable()
    whole = tmp_path / "whole"
    for name in case_names():
        write_files(whole / name, rendered_files(parse_answers(case_answers(name))))
    write_files(whole / "example", rendered_files(parse_answers(example_data())))
    (whole / "broken").mkdir()
    (whole / "broken" / "main.tf").write_text(
        'resource "aws_security_group" "open" {\n  name = "open"\n  ingress {\n'
        '    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n'
        '    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
    )
    modules = sorted(p.name for p in whole.iterdir())
    one = {folder.name: report for folder, report in run_checkov_each(whole, executable).items()}

    scanner = ChunkScanner(executable, lanes=2)
    futures = []
    for number, start in enumerate(range(0, len(modules), 3)):
        chunk = tmp_path / f"chunk-{number}"
        chunk.mkdir()
        for name in modules[start : start + 3]:
            shutil.copytree(whole / name, chunk / name)
        futures.append(scanner.submit(chunk))
    scanner.finish()
    chunked = {folder.name: report for f in futures for folder, report in f.result().items()}
    scanner.close()
    assert len(futures) == -(-len(modules) // 3) > 1 and sorted(chunked) == modules
    assert one["broken"].failed and one["example"].passed > 10
    assert any(report.skips for report in one.values())
    for name in modules:
        assert chunked[name] == one[name], name
