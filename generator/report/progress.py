"""How far a batch is: its events counted per module and stage, and the time left estimated
from measured rates (progress_display.py shows them: a bar on a terminal, lines elsewhere).

The batch (generator/run/batch.py) reports each module's events; `BatchProgress` counts them by
stage and estimates the time left:

- *verified*: render and verify run together in a worker process (one step; a module that
  fails verification is done). Estimated from the modules verified per second so far.
- *scanned*: checkov reads a whole chunk of modules and answers once per chunk, so a module
  is "in checkov" (counted, not timed) until its chunk's report is back. Estimated from how
  long the chunks back so far took, spread over the checkov processes; before the first one
  is back, from the chunks of the last batches on this machine (CHUNKS_FILE), and without
  those there is no measurement, and the estimate says so.
- *written*: each clean module moved into place, a rename (milliseconds): not estimated.
"""

from __future__ import annotations

import contextlib
import json
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

VERIFIED, SCANNED, WRITTEN = "verified", "scanned", "written"
# the batch's events -> (the stage the module completed, or None; whether it stopped there)
EVENTS: dict[str, tuple[str | None, bool]] = {
    "error": (None, True),  # did not load: no stage at all
    "rendered and verified": (VERIFIED, False),
    "verify failed": (VERIFIED, True),
    "scan cached": (SCANNED, False),
    "scanned": (SCANNED, False),
    "scan failed": (SCANNED, True),
    "written": (WRITTEN, False),
}
CHUNKS_FILE = "checkov-chunks.json"  # in tfgen's cache folder: the last batches' chunk times
KEPT_CHUNKS = 8

Clock = Callable[[], float]


def chunk_seconds(samples: Sequence[tuple[int, float]], modules: int) -> float:
    """checkov's seconds for a chunk of `modules`, from (modules, seconds) measured: a line
    through them (a start-up cost plus a cost per module) once their sizes differ by half or
    more (closer sizes make the slope noise), else in proportion."""
    sizes = [float(n) for n, _seconds in samples]
    times = [seconds for _n, seconds in samples]
    mean_size, mean_time = sum(sizes) / len(sizes), sum(times) / len(times)
    spread = sum((n - mean_size) ** 2 for n in sizes)
    if max(sizes) >= 1.5 * min(sizes):
        slope = sum((n - mean_size) * (t - mean_time) for n, t in zip(sizes, times, strict=True))
        slope = max(slope / spread, 0.0)
        return max(mean_time + slope * (modules - mean_size), 0.0)
    return mean_time * modules / mean_size if mean_size else 0.0


def duration_text(seconds: float) -> str:
    """0.4 s, 12.3 s, 1:05, 1:02:03."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def estimate_text(seconds: float | None) -> str:
    if seconds is None:
        return "estimating time left"
    if seconds < 1:
        return "almost done"
    whole = math.ceil(seconds)
    return f"about {whole} s left" if whole < 60 else f"about {duration_text(whole)} left"


@dataclass
class Chunk:
    """One chunk handed to checkov: when, its modules, when its report was back."""

    submitted: float
    sources: frozenset[str]
    back: set[str] = field(default_factory=set)
    finished: float | None = None


class BatchProgress:
    """Counts a batch's events per stage (thread-safe) and shows them through `view`."""

    def __init__(
        self,
        total: int,
        stages: Sequence[str],
        clock: Clock = time.monotonic,
        view: ProgressView | None = None,
    ) -> None:
        self.total, self.stages, self.clock, self.view = total, tuple(stages), clock, view
        self.started = clock()
        self.reached: dict[str, int] = {}  # source -> index of the last stage completed
        self.stopped: dict[str, int] = {}  # source -> index of the stage it stopped at (-1: load)
        self.done = [0] * len(self.stages)  # per stage: modules that completed it
        self.stopped_at = [0] * (len(self.stages) + 1)  # per stage + 1: modules stopped there
        self.first_done: dict[str, float] = {}  # stage -> when its first module completed it
        self.chunks: list[Chunk] = []
        self.cached = 0
        self.lanes = 1
        self.prior: list[tuple[int, float]] = []  # (modules, seconds) of an earlier batch's chunks
        self.lock = threading.RLock()

    # ---- events ---------------------------------------------------------------------------

    def __call__(self, source: str, event: str) -> None:
        """One module's event (EVENTS); an unknown event is ignored."""
        if event not in EVENTS:
            return
        stage, stops = EVENTS[event]
        with self.lock:
            index = -1
            if stage in self.stages:
                index = self.stages.index(stage)
            elif stage is not None:  # a step this batch does not report: the next one's
                index = min(self.reached.get(source, -1) + 1, len(self.stages) - 1)
            before = self.reached.get(source, -1)
            if index > before:
                self.reached[source] = index
                self.first_done.setdefault(self.stages[index], self.clock())
                for passed in range(before + 1, index + 1):
                    self.done[passed] += 1
            if stops and source not in self.stopped:
                self.stopped[source] = index
                self.stopped_at[index + 1] += 1
            self.cached += event == "scan cached"
            settled = self._chunk_back(source)
            done_stage = self.stages[index] if index >= 0 else None
        if self.view is not None:
            self.view.changed(self, done_stage, settled=settled)

    def scanning(self, sources: Sequence[str], lanes: int) -> None:
        """A chunk of modules handed to checkov (`lanes` checkov processes run at once)."""
        with self.lock:
            self.lanes = max(lanes, 1)
            self.chunks.append(Chunk(self.clock(), frozenset(sources)))
        if self.view is not None:
            self.view.changed(self, None, scanning=len(sources))

    def _chunk_back(self, source: str) -> bool:
        """Count a module of a chunk in checkov as back; False while others of its chunk are
        still to come (their events follow at once: a line then would be one of a burst)."""
        for chunk in self.chunks:
            if chunk.finished is None and source in chunk.sources:
                chunk.back.add(source)
                if chunk.back != chunk.sources:
                    return False
                chunk.finished = self.clock()
        return True

    # ---- counts ---------------------------------------------------------------------------

    def stage_counts(self, stage: str) -> tuple[int, int, int]:
        """(done, total, failed) of one stage: its total leaves out modules stopped before it."""
        index = self.stages.index(stage)
        with self.lock:
            before = sum(self.stopped_at[: index + 1])
            return self.done[index], self.total - before, self.stopped_at[index + 1]

    def in_checkov(self) -> int:
        with self.lock:
            return sum(len(c.sources) - len(c.back) for c in self.chunks if c.finished is None)

    def fraction(self) -> float:
        """Stages done over stages to do: a module that stopped counts all of its stages."""
        count = len(self.stages)
        if not self.total or not count:
            return 1.0
        with self.lock:
            skipped = sum(n * (count - at) for at, n in enumerate(self.stopped_at))
            units = sum(self.done) + skipped
        return min(units / (self.total * count), 1.0)

    # ---- the estimate ---------------------------------------------------------------------

    def time_left(self) -> float | None:
        """Seconds left from the rates measured so far; None while a stage that has work left
        has no measurement yet."""
        with self.lock:
            now = self.clock()
            end = now
            for position, stage in enumerate(self.stages):
                done, total, _failed = self.stage_counts(stage)
                left = total - done
                if left <= 0:
                    continue
                if stage == WRITTEN and position > 0:
                    continue  # a rename per module
                if stage == SCANNED and self.chunks:
                    scan_end = self._scan_end(now, end, left)
                    if scan_end is None:
                        return None
                    end = max(end, scan_end)
                    continue
                began = self.started if position == 0 else self.first_done.get(stage)
                if not done or began is None or now <= began:
                    return None
                end = max(end, now + left * (now - began) / done)
            return max(end - now, 0.0)

    def checkov_samples(self) -> list[tuple[int, float]]:
        """(modules, seconds) of each chunk back: checkov's own time for it, from when a lane
        was free for it (lanes take chunks in turn) to its report."""
        samples = []
        for position, chunk in enumerate(self.chunks):
            if chunk.finished is None:
                continue
            start = chunk.submitted
            if position >= self.lanes:
                turn = self.chunks[position - self.lanes].finished
                start = max(start, turn if turn is not None else start)
            samples.append((len(chunk.sources), chunk.finished - start))
        return samples

    def _scan_end(self, now: float, after: float, left: int) -> float | None:
        """When checkov is done: the chunks in checkov, then what is still to come, spread over
        the lanes, each chunk as long as the chunks back so far took (before the first one
        is back: as the last batch's took, if one was measured on this machine)."""
        samples = self.checkov_samples() or self.prior
        if not samples:
            return None
        lanes = [self.started] * self.lanes
        for chunk in self.chunks:
            slot = lanes.index(min(lanes))
            start = max(chunk.submitted, lanes[slot])
            expected = max(now, start + chunk_seconds(samples, len(chunk.sources)))
            lanes[slot] = expected if chunk.finished is None else chunk.finished
        in_flight = sum(len(c.sources) for c in self.chunks if c.finished is None)
        handed = sum(len(c.sources) for c in self.chunks) + self.cached
        hit_rate = self.cached / handed if handed else 0.0
        coming = math.ceil(max(left - in_flight, 0) * (1 - hit_rate))
        size = max(len(c.sources) for c in self.chunks)
        while coming > 0:
            slot = lanes.index(min(lanes))
            count = min(size, coming)
            lanes[slot] = max(lanes[slot], after) + chunk_seconds(samples, count)
            coming -= count
        return max(lanes)

    # ---- text -----------------------------------------------------------------------------

    def elapsed(self) -> float:
        return self.clock() - self.started

    def stage_text(self, stage: str) -> str:
        done, total, failed = self.stage_counts(stage)
        return f"[{done}/{total}] {stage}" + (f" ({failed} failed)" if failed else "")

    def summary_parts(self) -> list[str]:
        parts = []
        for stage in self.stages:
            done, total, failed = self.stage_counts(stage)
            parts.append(f"{stage} {done}/{total}" + (f" ({failed} failed)" if failed else ""))
            if stage == VERIFIED and SCANNED in self.stages and self.in_checkov():
                parts.append(f"in checkov {self.in_checkov()}")
        return parts

    def bar_line(self) -> str:
        """The terminal's one line after the bar: what a narrow terminal cuts comes last."""
        parts = [f"{round(self.fraction() * 100):3d}%", duration_text(self.elapsed())]
        parts += [estimate_text(self.time_left()), *self.summary_parts()]
        return " · ".join(parts)


class ProgressView:
    """How BatchProgress shows: `changed` after each event, `start`/`stop` around the batch."""

    def start(self, progress: BatchProgress) -> None:
        """Before the first event."""

    def changed(
        self, progress: BatchProgress, stage: str | None, scanning: int = 0, settled: bool = True
    ) -> None:
        """After an event: `stage` the stage a module completed, `scanning` modules handed to
        checkov; not `settled` while the rest of its chunk's events are still to come."""

    def stop(self, progress: BatchProgress) -> None:
        """After the last event (also on an error)."""


def stages_of(scan: bool, one_step: bool = False) -> tuple[str, ...]:
    """The stages a batch reports: one step per module in the deployment layout (each root
    renders, verifies, scans and is written before the next starts)."""
    if one_step:
        return (WRITTEN,)
    return (VERIFIED, SCANNED, WRITTEN) if scan else (VERIFIED, WRITTEN)


def chunks_file() -> Path | None:
    from generator.core.cachedir import cache_folder

    folder = cache_folder("")
    return folder / CHUNKS_FILE if folder is not None else None


def remembered_chunks(path: Path | None) -> list[tuple[int, float]]:
    """(modules, seconds) of the last batches' checkov chunks, newest first; [] if none."""
    if path is None:
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        chunks = [(int(n), float(seconds)) for n, seconds in data["chunks"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [(n, seconds) for n, seconds in chunks if n > 0 and seconds >= 0][:KEPT_CHUNKS]


def remember_chunks(
    path: Path | None, measured: Sequence[tuple[int, float]], earlier: Sequence[tuple[int, float]]
) -> None:
    """This batch's chunk times before the earlier ones (KEPT_CHUNKS in all). Only an
    estimate depends on them: a file that cannot be written is left as it is."""
    if path is None or not measured:
        return
    from generator.core.files import write_text_atomic

    kept = [[n, round(seconds, 3)] for n, seconds in [*measured, *earlier][:KEPT_CHUNKS]]
    with contextlib.suppress(OSError):
        write_text_atomic(path, json.dumps({"chunks": kept}) + "\n")
