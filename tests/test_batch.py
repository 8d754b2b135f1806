"""Batch render: many answers files, parallel render+verify, one checkov run, worst exit code."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from generator import batch
from generator.batch import expand_sources, render_batch
from generator.scan import checkov_executable
from tests.conftest import example_data
from tests.test_cli import tfgen

INVALID = (3, 11)


def write_batch(folder: Path, count: int = 20) -> Path:
    folder.mkdir(parents=True)
    for index in range(count):
        data = copy.deepcopy(example_data())
        data["name"] = f"m{index:02d}"
        if index in INVALID:
            data["subnets"][0]["id"] = "subnet-zz"
        (folder / f"m{index:02d}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    (folder / "notes.txt").write_text("not an answers file")
    return folder


def test_a_folder_stands_for_its_answers_files(tmp_path: Path):
    folder = write_batch(tmp_path / "answers", 3)
    assert [p.name for p in expand_sources([folder])] == ["m00.yaml", "m01.yaml", "m02.yaml"]


def test_twenty_with_two_invalid_writes_eighteen_exit_2(tmp_path: Path):
    write_batch(tmp_path / "answers")
    result = tfgen("render", "answers", "-o", "out", "--no-scan", "--format", "json", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    report = json.loads(result.stdout)
    by_source = {Path(m["source"]).name: m for m in report["modules"]}
    failed = sorted(name for name, m in by_source.items() if m["exit_code"])
    assert failed == ["m03.yaml", "m11.yaml"]
    assert by_source["m03.yaml"]["errors"][0]["path"] == "subnets[0].id"
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == [f"m{i:02d}" for i in range(20) if i not in INVALID]
    assert tfgen("check", "out/m00", cwd=tmp_path).returncode == 0


def test_text_output_without_a_terminal_is_plain_lines_and_a_table(tmp_path: Path):
    write_batch(tmp_path / "answers", 4)
    result = tfgen("render", "answers", "-o", "out", "--no-scan", cwd=tmp_path)
    assert result.returncode == 2
    assert "answers/m03.yaml: error" in result.stderr
    assert "answers/m00.yaml: written" in result.stderr
    assert "3 of 4 module(s) written, 1 failed" in " ".join(result.stderr.split())


def test_duplicate_module_names_are_refused_for_the_second(tmp_path: Path):
    folder = tmp_path / "answers"
    folder.mkdir()
    for name in ("a.yaml", "b.yaml"):
        (folder / name).write_text(yaml.safe_dump(example_data(), sort_keys=False))
    items = render_batch(expand_sources([folder]), tmp_path / "out", scan=False, jobs=1)
    assert [item.exit_code for item in items] == [0, 2]
    assert "also the name in" in str(items[1].error)


def test_stdin_is_refused_in_a_batch(tmp_path: Path):
    write_batch(tmp_path / "answers", 2)
    result = tfgen("render", "answers", "-", cwd=tmp_path)
    assert result.returncode == 2
    assert "stdin" in result.stdout + result.stderr


@pytest.mark.checkov
@pytest.mark.skipif(checkov_executable() is None, reason="CHECKOV TESTS NOT RUN: run `tfgen setup`")
def test_one_checkov_process_for_the_batch_and_cache_on_rerun(tmp_path: Path, monkeypatch):
    runs: list[Path] = []
    real = batch.run_checkov_each

    def counting(root: Path, executable: Path):
        runs.append(root)
        return real(root, executable)

    monkeypatch.setattr(batch, "run_checkov_each", counting)
    sources = expand_sources([write_batch(tmp_path / "answers", 6)])
    items = render_batch(sources, tmp_path / "out", jobs=2)
    assert len(runs) == 1
    written = [item for item in items if item.exit_code == 0]
    assert len(written) == 5 and all(item.result.scan.passed > 10 for item in written)
    again = render_batch(sources, tmp_path / "out", jobs=2)
    assert len(runs) == 1  # every clean module came from the scan cache
    assert all(item.result.scan.cached for item in again if item.exit_code == 0)
    assert not list((tmp_path / "out").glob(".tfgen-*"))  # no staging leftovers
