"""What a batch shows while it runs, always on stderr: on a terminal, one line redrawn in
place; elsewhere (CI logs, pipes), plain lines; nothing for --format json/sarif.

Without a terminal a line is printed when a stage is complete, when the first chunk goes to
checkov, at a tenth of a stage when the last line is LINE_SECONDS old (so at most 11 lines a
stage, however many modules, and none in a burst), and when nothing was printed for
HEARTBEAT_SECONDS: `tfgen: [done/total] stage; elapsed, estimate`.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

from generator.report.progress import (
    SCANNED,
    BatchProgress,
    Clock,
    ProgressView,
    duration_text,
    estimate_text,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.live import Live

HEARTBEAT_SECONDS = 30.0
LINES_PER_STAGE = 10
LINE_SECONDS = 2.0
BAR_WIDTH = 24
VERBS = {"verified": "verify", "scanned": "scan", "written": "write"}


class PlainLines(ProgressView):
    """Without a terminal: a line at each stage's start, each tenth and end; a heartbeat."""

    def __init__(self, stream: IO[str], heartbeat: float | None = HEARTBEAT_SECONDS) -> None:
        self.stream, self.heartbeat = stream, heartbeat
        self.shown: dict[str, int] = {}  # stage -> the done count last shown
        self.last_line = 0.0
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def start(self, progress: BatchProgress) -> None:
        steps = ", ".join(VERBS.get(stage, stage) for stage in progress.stages)
        if len(progress.stages) == 1:  # the deployment layout
            steps = "render, one root after another"
        self.line(progress, f"[0/{progress.total}] answers files to {steps}", estimate=False)
        if self.heartbeat:
            self.thread = threading.Thread(
                target=self._beat, args=(progress,), name="tfgen-progress", daemon=True
            )
            self.thread.start()

    def changed(
        self, progress: BatchProgress, stage: str | None, scanning: int = 0, settled: bool = True
    ) -> None:
        if scanning and not self.shown.get("checkov"):
            self.shown["checkov"] = scanning
            _done, total, _failed = progress.stage_counts(SCANNED)
            processes = f"{progress.lanes} process{'es' if progress.lanes > 1 else ''}"
            self.line(progress, f"[{scanning}/{total}] in checkov ({processes} at once)")
        if not settled:
            return
        for each in progress.stages:  # an error can complete a stage too: it has one less
            done, total, _failed = progress.stage_counts(each)
            shown = self.shown.get(each, 0)
            step = max(1, math.ceil(total / LINES_PER_STAGE))
            due = done >= shown + step and progress.clock() - self.last_line >= LINE_SECONDS
            if done > shown and (done >= total or due and each == stage):
                self.shown[each] = done
                self.line(progress, progress.stage_text(each))

    def stop(self, progress: BatchProgress) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join()

    def line(self, progress: BatchProgress, text: str, estimate: bool = True) -> None:
        with self.lock:
            elapsed = f"{duration_text(progress.elapsed())} elapsed"
            left = f", {estimate_text(progress.time_left())}" if estimate else ""
            self.stream.write(f"tfgen: {text}; {elapsed}{left}\n")
            self.stream.flush()
            self.last_line = progress.clock()

    def _beat(self, progress: BatchProgress) -> None:
        assert self.heartbeat is not None
        while not self.stopping.wait(self.heartbeat / 3):
            if progress.clock() - self.last_line >= self.heartbeat:
                self.line(progress, "still running: " + ", ".join(progress.summary_parts()))


class TerminalBar(ProgressView):
    """On a terminal: one line, redrawn in place (rich's Live, a few times a second, so the
    clock moves between events too) and cleared at the end; other output prints above it."""

    def __init__(self, console: Console, refresh: bool = True) -> None:
        """`refresh`: rich redraws on its own clock; without, after each event (tests)."""
        self.console, self.refresh = console, refresh
        self.live: Live | None = None

    def render(self, progress: BatchProgress) -> Any:
        from rich.text import Text

        width = min(BAR_WIDTH, self.console.width // 5)
        filled = round(progress.fraction() * width)
        line = Text.assemble(("━" * filled, "green"), ("━" * (width - filled), "bright_black"), " ")
        line.append(progress.bar_line())
        line.truncate(max(self.console.width - 1, 10), overflow="ellipsis")
        return line

    def start(self, progress: BatchProgress) -> None:
        from rich.live import Live

        self.live = Live(
            get_renderable=lambda: self.render(progress),
            console=self.console,
            transient=True,
            auto_refresh=self.refresh,
            refresh_per_second=4,
            redirect_stdout=False,  # stdout is the report's
        )
        self.live.start()

    def changed(
        self, progress: BatchProgress, stage: str | None, scanning: int = 0, settled: bool = True
    ) -> None:
        if self.live is not None and settled and not self.refresh:
            self.live.refresh()  # else rich redraws it a few times a second by itself

    def stop(self, progress: BatchProgress) -> None:
        if self.live is not None:
            self.live.stop()


class Showing:
    """`with batch_progress(...) as progress:` starts and stops its view."""

    def __init__(self, progress: BatchProgress) -> None:
        self.progress = progress

    def __enter__(self) -> BatchProgress:
        if self.progress.view is not None:
            self.progress.view.start(self.progress)
        return self.progress

    def __exit__(self, *_exc: object) -> None:
        if self.progress.view is not None:
            self.progress.view.stop(self.progress)


def batch_progress(
    text: bool,
    total: int,
    stages: Sequence[str],
    console: Console,
    clock: Clock = time.monotonic,
    prior: Sequence[tuple[int, float]] = (),
) -> Showing:
    """A bar on a terminal, plain lines elsewhere (on `console`, stderr's), for the text
    format; for json and sarif counted only. `prior`: chunk times of earlier batches."""
    view: ProgressView | None = None
    if text:
        view = TerminalBar(console) if console.is_terminal else PlainLines(console.file)
    progress = BatchProgress(total, stages, clock, view)
    progress.prior = list(prior)
    return Showing(progress)
