"""What a batch shows while it runs (generator/report/progress.py) and the one summary line
render, check and validate end with: a fake clock, a fake terminal and a plain stream."""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from generator.report.batch import print_batch_results
from generator.report.progress import (
    SCANNED,
    VERIFIED,
    WRITTEN,
    BatchProgress,
    duration_text,
    stages_of,
)
from generator.report.progress_display import PlainLines, Showing, TerminalBar, batch_progress
from generator.run.batch import BatchItem, ScanProgress
from generator.run.module import RunResult
from tests.conftest import example_data
from tests.support.cli import tfgen

ALL = (VERIFIED, SCANNED, WRITTEN)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


def plain(total: int, stages=ALL) -> tuple[BatchProgress, io.StringIO, FakeClock]:
    clock, stream = FakeClock(), io.StringIO()
    progress = BatchProgress(total, stages, clock, PlainLines(stream, heartbeat=None))
    return progress, stream, clock


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_plain_lines_carry_done_total_and_elapsed_at_each_stage():
    progress, stream, clock = plain(4)
    with batch_progress_of(progress):
        progress("a.yaml", "error")
        for source in ("b.yaml", "c.yaml", "d.yaml"):
            clock.tick(2.5)
            progress(source, "rendered and verified")
        progress.scanning(["b.yaml", "c.yaml"], lanes=2)
        progress("d.yaml", "scan cached")
        clock.tick(3)
        progress("b.yaml", "scanned")
        progress("c.yaml", "scan failed")
        progress("b.yaml", "written")
        progress("d.yaml", "written")
    assert lines(stream) == [
        "tfgen: [0/4] answers files to verify, scan, write; 0.0 s elapsed",
        "tfgen: [1/3] verified; 2.5 s elapsed, estimating time left",
        "tfgen: [2/3] verified; 5.0 s elapsed, estimating time left",
        "tfgen: [3/3] verified; 7.5 s elapsed, estimating time left",
        "tfgen: [2/3] in checkov (2 processes at once); 7.5 s elapsed, estimating time left",
        "tfgen: [3/3] scanned (1 failed); 10.5 s elapsed, almost done",
        "tfgen: [2/2] written; 10.5 s elapsed, almost done",
    ]


def batch_progress_of(progress: BatchProgress) -> Showing:
    return Showing(progress)


def test_plain_lines_are_bounded_for_a_thousand_modules():
    progress, stream, clock = plain(1000)
    with batch_progress_of(progress):
        for index in range(1000):
            clock.tick(0.01)
            progress(f"m{index}.yaml", "rendered and verified")
            if index % 75 == 74:
                progress.scanning([f"m{i}.yaml" for i in range(index - 74, index + 1)], 2)
        progress.scanning([f"m{i}.yaml" for i in range(975, 1000)], 2)
        for index in range(1000):
            clock.tick(0.05)
            progress(f"m{index}.yaml", "scanned")
        for index in range(1000):
            progress(f"m{index}.yaml", "written")
    shown = lines(stream)
    assert len(shown) <= 3 * 11 + 2, shown
    assert shown[-1].startswith("tfgen: [1000/1000] written;")
    assert "tfgen: [1000/1000] scanned;" in "\n".join(shown)
    assert all(re.search(r"; \d+(\.\d)? s elapsed|; \d+:\d\d elapsed", line) for line in shown)


def test_a_chunk_coming_back_is_one_line_not_a_burst():
    progress, stream, clock = plain(20, (VERIFIED, SCANNED))
    for index in range(20):
        progress(f"m{index}", "rendered and verified")
    progress.scanning([f"m{index}" for index in range(20)], 1)
    clock.tick(10)
    for index in range(20):
        progress(f"m{index}", "scanned")
    scanned = [line for line in lines(stream) if "scanned" in line and "to be" not in line]
    assert scanned == ["tfgen: [20/20] scanned; 10.0 s elapsed, almost done"]


def test_the_estimate_comes_from_the_rate_measured_so_far():
    progress, _stream, clock = plain(100, (VERIFIED, WRITTEN))
    assert progress.time_left() is None  # nothing measured yet
    for index in range(10):
        clock.tick(0.1)
        progress(f"m{index}", "rendered and verified")
    assert progress.time_left() == pytest.approx(9.0)  # 90 more at 10 a second


def test_checkov_time_is_estimated_from_chunks_back_and_spread_over_lanes():
    progress, _stream, clock = plain(100, (VERIFIED, SCANNED, WRITTEN))
    for index in range(100):
        progress(f"m{index}", "rendered and verified")
    progress.scanning([f"m{i}" for i in range(50)], lanes=1)
    progress.scanning([f"m{i}" for i in range(50, 100)], lanes=1)
    clock.tick(4)
    assert progress.time_left() is None  # no chunk back: checkov's rate is unknown
    clock.tick(1)
    for index in range(50):
        progress(f"m{index}", "scanned")
    # 50 modules in 5 s: the second chunk, queued behind the first on the one lane, takes 5 s
    assert progress.time_left() == pytest.approx(5.0)
    clock.tick(2)
    assert progress.time_left() == pytest.approx(3.0)


def test_two_lanes_scan_at_once():
    progress, _stream, clock = plain(100, (VERIFIED, SCANNED))
    for index in range(100):
        progress(f"m{index}", "rendered and verified")
    progress.scanning([f"m{i}" for i in range(50)], lanes=2)
    progress.scanning([f"m{i}" for i in range(50, 100)], lanes=2)
    clock.tick(5)
    for index in range(50):
        progress(f"m{index}", "scanned")
    clock.tick(0.5)
    # the other chunk started with the first one: expected back at 5 s, so nothing measurable
    assert progress.time_left() == pytest.approx(0.0)


def test_the_bar_counts_a_stopped_module_as_done_and_advances_per_stage():
    progress, _stream, _clock = plain(2)
    progress("a", "rendered and verified")
    assert progress.fraction() == pytest.approx(1 / 6)
    progress("b", "verify failed")
    assert progress.fraction() == pytest.approx(4 / 6)
    progress("a", "scanned")
    progress("a", "written")
    assert progress.fraction() == 1.0
    assert progress.stage_counts(SCANNED) == (1, 1, 0)
    assert progress.stage_counts(VERIFIED) == (2, 2, 1)


def test_the_deployment_layout_reports_one_step_per_module():
    progress, stream, clock = plain(3, stages_of(scan=True, one_step=True))
    clock.tick(2)
    progress("a", "written")
    progress("b", "verify failed")
    assert progress.time_left() == pytest.approx(1.0)  # 2 done in 2 s, 1 left
    progress("c", "error")
    assert lines(stream)[-1] == "tfgen: [2/2] written (1 failed); 2.0 s elapsed, almost done"


def test_on_a_terminal_one_line_is_redrawn_in_place_and_cleared():
    clock, out = FakeClock(), io.StringIO()
    console = Console(file=out, force_terminal=True, width=72, color_system=None)
    progress = BatchProgress(3, ALL, clock, TerminalBar(console, refresh=False))
    with batch_progress_of(progress):
        for source in ("a", "b", "c"):
            clock.tick(1)
            progress(source, "rendered and verified")
        shown = out.getvalue()
    control = r"\r|\x1b\[[0-9;?]*[A-Za-z]"
    frames = [frame for frame in re.split(control, shown) if frame.strip()]
    assert len(set(frames)) == 3, frames  # one per event
    assert "verified 3/3" in frames[-1] and " 3.0 s · " in frames[-1]
    assert all(len(frame.strip("\n")) < 72 for frame in frames)  # cut to fit: never wraps
    assert "\n" not in shown  # redrawn over itself, not a line per event
    assert "estimating time left" in frames[-1]  # checkov has not answered yet
    assert out.getvalue().endswith("\x1b[2K")  # cleared at the end: the results go there


def test_a_plain_callable_still_works_as_batch_progress():
    assert isinstance(BatchProgress(1, ALL), ScanProgress)
    assert not isinstance(lambda source, event: None, ScanProgress)


def test_a_bar_on_a_terminal_lines_elsewhere_nothing_for_json_and_sarif():
    terminal = Console(file=io.StringIO(), force_terminal=True)
    assert batch_progress(False, 3, ALL, terminal).progress.view is None
    assert isinstance(batch_progress(True, 3, ALL, terminal).progress.view, TerminalBar)
    pipe = Console(file=io.StringIO(), force_terminal=False)
    assert isinstance(batch_progress(True, 3, ALL, pipe).progress.view, PlainLines)


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.42, "0.4 s"), (59.9, "59.9 s"), (65, "1:05"), (3723, "1:02:03")]
)
def test_durations(seconds: float, text: str):
    assert duration_text(seconds) == text


# ---- tables: fit the terminal, or one result per line ---------------------------------------


def items() -> list[BatchItem]:
    long = "x" * 70
    ok = RunResult(module="m1", path=f"modules/{long}", files=["main.tf"], change="created")
    return [BatchItem(f"answers/{long}.yaml", result=ok)]


def printed(width: int, terminal: bool) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=terminal, width=width, color_system=None)
    print_batch_results(items(), console)
    return out.getvalue()


def test_a_wide_terminal_gets_the_table():
    assert "┃ answers" in printed(300, terminal=True)


@pytest.mark.parametrize(("width", "terminal"), [(120, True), (300, False)])
def test_too_narrow_or_no_terminal_is_one_result_per_line(width: int, terminal: bool):
    text = printed(width, terminal)
    assert "┃" not in text
    x = "x" * 70
    assert text.splitlines() == [f"answers/{x}.yaml: written (created) modules/{x}: not scanned"]


# ---- end to end: a batch, check, validate ---------------------------------------------------


def write_batch(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    for index in range(count):
        data = copy.deepcopy(example_data())
        data["name"] = f"m{index}"
        (folder / f"m{index}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return folder


def test_a_batch_without_a_terminal_prints_counted_lines_on_stderr_only(tmp_path: Path):
    write_batch(tmp_path / "answers", 3)
    result = tfgen("render", "answers", "--root", "out", "--no-scan", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    progress = [line for line in result.stderr.splitlines() if line.startswith("tfgen: [")]
    assert progress[0].startswith("tfgen: [0/3] answers files to verify, write; ")
    assert any(line.startswith("tfgen: [3/3] verified; ") for line in progress)
    assert progress[-1].startswith("tfgen: [3/3] written; ")
    assert all(" elapsed" in line for line in progress)
    assert re.search(
        r"^render: 3 of 3 module\(s\) written, 0 failed \(\d+\.\d s\)$", result.stderr, re.M
    )


def test_json_output_is_not_touched_by_progress(tmp_path: Path):
    write_batch(tmp_path / "answers", 2)
    result = tfgen(
        "render", "answers", "--root", "out", "--no-scan", "--format", "json", cwd=tmp_path
    )
    assert result.returncode == 0
    assert result.stdout.startswith("{") and result.stdout.rstrip().endswith("}")
    assert "tfgen: [" not in result.stdout + result.stderr


SUMMARY = re.compile(r"\((\d+\.\d s|\d+:\d\d)\)$")


def last_line(text: str) -> str:
    return text.rstrip("\n").splitlines()[-1]


def test_check_ends_with_one_summary_line(tmp_path: Path):
    write_batch(tmp_path / "answers", 2)
    assert tfgen("render", "answers", "--no-scan", cwd=tmp_path).returncode == 0
    clean = tfgen("check", cwd=tmp_path)
    assert clean.returncode == 0
    assert SUMMARY.search(last_line(clean.stderr))
    assert last_line(clean.stderr).startswith("check: 2 of 2 module(s) match their answers (")
    assert clean.stdout.count("matches its answers") == 2  # the per-module lines stay
    with (tmp_path / "modules" / "m1" / "main.tf").open("a") as handle:
        handle.write("# edited\n")
    drifted = tfgen("check", cwd=tmp_path)
    assert drifted.returncode == 1
    summaries = [line for line in drifted.stderr.splitlines() if line.startswith("check: ")]
    assert summaries == [last_line(drifted.stderr)]
    assert summaries[0].startswith("check: 1 of 2 module(s) match their answers, 1 differ (")


def test_the_gate_ends_with_one_summary_line(tmp_path: Path):
    write_batch(tmp_path / "answers", 2)
    assert tfgen("render", "answers", "--no-scan", cwd=tmp_path).returncode == 0
    gate = tfgen("check", "--answers", "answers", cwd=tmp_path)
    assert gate.returncode == 0, gate.stderr
    assert last_line(gate.stderr).startswith("check: 2 of 2 module(s) match their answers (")


def test_validate_ends_with_one_summary_line(tmp_path: Path):
    write_batch(tmp_path / "answers", 2)
    assert tfgen("render", "answers", "--no-scan", cwd=tmp_path).returncode == 0
    one = tfgen("validate", "modules/m0", "--no-scan", cwd=tmp_path)
    assert one.returncode == 0
    assert "ok modules/m0: verified" in one.stderr  # the per-module line stays
    assert last_line(one.stderr).startswith("validate: 1 of 1 module(s) verified (")
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "main.tf").write_text("# not tfgen's\n")
    several = tfgen("validate", "modules/m0", "modules/m1", "foreign", "--no-scan", cwd=tmp_path)
    assert several.returncode == 2
    summaries = [line for line in several.stderr.splitlines() if line.startswith("validate: ")]
    assert summaries == [last_line(several.stderr)]
    assert summaries[0].startswith(
        "validate: 2 of 3 module(s) verified, 1 could not be validated ("
    )
    assert SUMMARY.search(summaries[0])


def test_chunk_times_are_proportional_until_sizes_differ_enough_for_a_line():
    from generator.report.progress import chunk_seconds

    assert chunk_seconds([(20, 10.0), (19, 9.0)], 40) == pytest.approx(40 * 19 / 39)
    # 2 s to start checkov, 0.1 s a module: the line through (10, 3 s) and (50, 7 s)
    assert chunk_seconds([(10, 3.0), (50, 7.0)], 75) == pytest.approx(9.5)


def test_before_checkov_answers_the_last_batches_chunk_times_give_the_estimate():
    progress, stream, clock = plain(40, (VERIFIED, SCANNED))
    progress.prior = [(20, 10.0)]
    for index in range(40):
        progress(f"m{index}", "rendered and verified")
    progress.scanning([f"m{i}" for i in range(20)], lanes=2)
    progress.scanning([f"m{i}" for i in range(20, 40)], lanes=2)
    clock.tick(4)
    assert progress.time_left() == pytest.approx(6.0)
    clock.tick(5)
    for index in range(20):
        progress(f"m{index}", "scanned")
    # this batch's own chunk (9 s for 20) replaces the earlier one
    assert progress.checkov_samples() == [(20, 9.0)]
    assert progress.time_left() == pytest.approx(0.0)


def test_chunk_times_are_remembered_newest_first_and_a_bad_file_is_none(tmp_path: Path):
    from generator.report.progress import KEPT_CHUNKS, remember_chunks, remembered_chunks

    path = tmp_path / "chunks.json"
    assert remembered_chunks(path) == []
    remember_chunks(path, [(20, 9.0)], [(5, 1.0)] * 20)
    assert remembered_chunks(path) == [(20, 9.0)] + [(5, 1.0)] * (KEPT_CHUNKS - 1)
    remember_chunks(path, [], [])  # nothing measured (--no-scan, all cached): kept as it was
    assert remembered_chunks(path)[0] == (20, 9.0)
    path.write_text('{"chunks": [["x", 1]]}')
    assert remembered_chunks(path) == []
    path.write_text("not json")
    assert remembered_chunks(path) == []


def test_without_a_terminal_a_quiet_stretch_gets_a_line():
    import time

    clock, stream = FakeClock(), io.StringIO()
    progress = BatchProgress(2, ALL, clock, PlainLines(stream, heartbeat=0.03))
    with batch_progress_of(progress):
        progress("a", "rendered and verified")
        clock.tick(60)  # a minute of checkov, nothing printed
        waited = 0.0
        while "still running" not in stream.getvalue() and waited < 5:
            time.sleep(0.01)
            waited += 0.01
    beats = [line for line in lines(stream) if "still running" in line]
    assert beats == [
        "tfgen: still running: verified 1/2, scanned 0/2, written 0/2; 1:00 elapsed, "
        "estimating time left"
    ]


def test_the_deployment_layout_says_its_roots_go_one_after_another():
    progress, stream, _clock = plain(2, stages_of(scan=True, one_step=True))
    with batch_progress_of(progress):
        progress("a", "written")
        progress("b", "written")
    assert lines(stream) == [
        "tfgen: [0/2] answers files to render, one root after another; 0.0 s elapsed",
        "tfgen: [2/2] written; 0.0 s elapsed, almost done",
    ]
