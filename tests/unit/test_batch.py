"""Batch render: many answers files, parallel render+verify, chunked checkov runs, worst exit
code."""

from __future__ import annotations

import copy
import json
from concurrent.futures import Future
from pathlib import Path

import pytest
import yaml

from generator.run.batch import BatchItem, StagedScans, expand_sources, render_batch
from generator.run.module import RunOptions, RunResult
from generator.scan.checkov import ScanReport
from tests.conftest import example_data
from tests.unit.test_cli import tfgen

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
    result = tfgen(
        "render", "answers", "--root", "out", "--no-scan", "--format", "json", cwd=tmp_path
    )
    assert result.returncode == 2, result.stderr
    report = json.loads(result.stdout)
    by_source = {Path(m["source"]).name: m for m in report["modules"]}
    failed = sorted(name for name, m in by_source.items() if m["exit_code"])
    assert failed == ["m03.yaml", "m11.yaml"]
    assert by_source["m03.yaml"]["errors"][0]["path"] == "subnets[0].id"
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == [f"m{i:02d}" for i in range(20) if i not in INVALID]
    assert tfgen("check", "out/m00", cwd=tmp_path).returncode == 0


def test_text_output_without_a_terminal_is_plain_lines_and_one_result_per_line(tmp_path: Path):
    write_batch(tmp_path / "answers", 4)
    result = tfgen("render", "answers", "--root", "out", "--no-scan", cwd=tmp_path)
    assert result.returncode == 2
    assert "\nanswers/m03.yaml: error: answers/m03.yaml: 1 problem(s)\n" in result.stderr
    assert "\nanswers/m00.yaml: written (created) out/m00: not scanned\n" in result.stderr
    assert "tfgen: [3/3] written; " in result.stderr
    assert "┃" not in result.stderr  # no table in a log
    assert "\nrender: 3 of 4 module(s) written, 1 failed (" in result.stderr


def test_duplicate_module_names_are_refused_for_the_second(tmp_path: Path):
    folder = tmp_path / "answers"
    folder.mkdir()
    for name in ("a.yaml", "b.yaml"):
        (folder / name).write_text(yaml.safe_dump(example_data(), sort_keys=False))
    items = render_batch(expand_sources([folder]), tmp_path / "out", RunOptions(scan=False, jobs=1))
    assert [item.exit_code for item in items] == [0, 2]
    assert "also the name in" in str(items[1].error)


def test_stdin_is_refused_in_a_batch(tmp_path: Path):
    write_batch(tmp_path / "answers", 2)
    result = tfgen("render", "answers", "-", cwd=tmp_path)
    assert result.returncode == 2
    assert "stdin" in result.stdout + result.stderr


def test_chunks_are_whole_rounds_of_lanes_and_bounded():
    from generator.scan.chunks import chunk_size

    assert chunk_size(100, 2) == 50
    assert chunk_size(40, 2) == 20
    assert chunk_size(1000, 2) == 72  # 14 chunks of at most MAX_CHUNK = 75: seven rounds
    assert chunk_size(1000, 2, limit=100) == 100
    assert chunk_size(1001, 2, limit=100) == 84  # 12 chunks: six rounds of two
    assert chunk_size(100, 1) == 50  # one lane, two chunks under the 75 cap
    assert chunk_size(100, 1, limit=100) == 100
    assert chunk_size(5, 8) == 1
    for count in (1, 7, 99, 250, 1000):
        for lanes in (1, 2, 3, 8):
            size = chunk_size(count, lanes, limit=60)
            assert 1 <= size <= max(60, 1)
            chunks = -(-count // size)
            assert chunks <= max(lanes, -(-count // 60)) + lanes


def test_shards_cover_every_answers_file_exactly_once():
    from generator.run.batch import select_shard

    paths = [Path(f"dir{i % 3}/m{(i * 7) % 23:02d}.yaml") for i in range(23)]
    paths += [Path("other/m05.yaml")]  # the same name in another folder
    for total in (1, 2, 3, 5, 24, 30):
        shards = [select_shard(paths, index, total) for index in range(1, total + 1)]
        union = [path for shard in shards for path in shard]
        assert sorted(map(str, union)) == sorted(map(str, paths)), total
        assert max(map(len, shards)) - min(map(len, shards)) <= 1
        # by name only: the order the files are given in does not move a file
        again = [select_shard(list(reversed(paths)), index, total) for index in range(1, total + 1)]
        assert [sorted(map(str, s)) for s in again] == [sorted(map(str, s)) for s in shards]


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0", "-1/2", "", "1/2/3"])
def test_a_bad_shard_is_a_usage_error(text: str):
    from generator.core.errors import UsageError
    from generator.run.batch import parse_shard

    with pytest.raises(UsageError, match="I/N"):
        parse_shard(text)


def test_render_and_check_shards_split_the_batch(tmp_path: Path):
    write_batch(tmp_path / "answers", 5)
    seen: list[str] = []
    for index in (1, 2):
        out = tmp_path / f"out{index}"
        result = tfgen(
            "render", "answers", "--root", str(out), "--no-scan", "--shard", f"{index}/2",
            "--format", "json", cwd=tmp_path,
        )  # fmt: skip
        report = json.loads(result.stdout)
        seen += [Path(module["source"]).name for module in report["modules"]]
    assert sorted(seen) == [f"m{i:02d}.yaml" for i in range(5)]
    assert len(set(seen)) == 5
    modules = sorted((tmp_path / "out1").iterdir()) + sorted((tmp_path / "out2").iterdir())
    checked = []
    for index in (1, 2, 3):
        result = tfgen(
            "check", *map(str, modules), "--shard", f"{index}/3", "--format", "json",
            cwd=tmp_path,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        checked += [module["name"] for module in json.loads(result.stdout)["modules"]]
    assert sorted(checked) == ["m00", "m01", "m02", "m04"]  # m03 is invalid
    result = tfgen("render", "answers", "--shard", "3/2", cwd=tmp_path)
    assert result.returncode == 2 and "I/N" in result.stderr


class Recorder:
    """A batch progress that records what it is told (as generator/report/progress.py is)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []
        self.chunks: list[tuple[list[str], int]] = []

    def __call__(self, source: str, event: str) -> None:
        self.events.append((source, event))

    def scanning(self, sources, lanes: int) -> None:
        self.chunks.append((list(sources), lanes))


class FakeScanner:
    def __init__(self) -> None:
        self.futures: list[Future] = []

    def submit(self, folder: Path) -> Future:
        self.futures.append(Future())
        return self.futures[-1]


def staged_scans(tmp_path: Path, count: int, progress: Recorder) -> StagedScans:
    items = [
        BatchItem(f"m{i}.yaml", result=RunResult(module=f"m{i}", path="")) for i in range(count)
    ]
    staged = {}
    for index in range(count):
        staged[index] = tmp_path / "ready" / f"m{index}"
        staged[index].mkdir(parents=True)
    scans = StagedScans(
        items,
        staged,
        tmp_path,
        checkov=None,
        cache=False,
        lanes=2,
        size=2,
        note=progress,
        chunks=progress,
    )
    scans.scanner = FakeScanner()  # type: ignore[assignment]
    return scans


def test_a_chunk_handed_to_checkov_is_told_to_the_progress(tmp_path: Path):
    progress = Recorder()
    scans = staged_scans(tmp_path, 3, progress)
    scans.pending = [0, 1]
    scans.flush()
    assert progress.chunks == [(["m0.yaml", "m1.yaml"], 2)]


def test_each_chunk_is_reported_when_it_is_back_not_in_submission_order(tmp_path: Path):
    progress = Recorder()
    scans = staged_scans(tmp_path, 4, progress)
    for pending in ([0, 1], [2, 3]):
        scans.pending = pending
        scans.flush()
    first, second = scans.scanner.futures  # type: ignore[union-attr]
    second.set_result({scans.staged[i]: ScanReport(passed=1) for i in (2, 3)})
    scans.collect(block=False)
    assert progress.events == [("m2.yaml", "scanned"), ("m3.yaml", "scanned")]
    assert scans.items[2].module.scan is not None and scans.items[0].module.scan is None
    first.set_result({scans.staged[i]: ScanReport(passed=1) for i in (0, 1)})
    scans.collect(block=True)
    assert [source for source, _event in progress.events] == [
        "m2.yaml",
        "m3.yaml",
        "m0.yaml",
        "m1.yaml",
    ]
    scans.collect(block=True)  # nothing twice
    assert len(progress.events) == 4
