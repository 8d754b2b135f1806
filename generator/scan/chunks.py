"""A batch's scan in chunks: one checkov process per chunk, several chunks at once.

checkov runs on one core and keeps every module of its run in memory (about 1.3 MiB per
module over a base of about 180 MiB, measured with checkov 3.3.30). So a batch is cut into
chunks of at most MAX_CHUNK modules, and `lanes` chunks (one per core by default) are scanned
at once. Each lane starts its next checkov warm (see scan.CheckovProcess) before its chunk is
ready: checkov's imports, most of its start-up, overlap tfgen's render and verify. checkov
judges each module on its own, so a module's report does not depend on the chunk it was
scanned in (tests/integration/test_batch.py compares a chunked scan with one process over
the batch).
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from pathlib import Path

from generator.scan.checkov import CheckovProcess, ScanReport, run_checkov_each

MAX_CHUNK = 75  # two lanes of 75: peak RSS of the whole batch well under 1 GiB (bench/, N=1,000)


def chunk_size(count: int, lanes: int, limit: int = MAX_CHUNK) -> int:
    """Modules per chunk: whole rounds of `lanes` chunks of at most `limit` modules, evenly
    filled (each checkov start costs about 2.5 s of CPU, so no more chunks than that)."""
    lanes = max(lanes, 1)
    chunks = max(lanes, -(-count // max(limit, 1)))
    chunks = -(-chunks // lanes) * lanes
    return max(1, -(-count // chunks))


Job = tuple[Path, "Future[dict[Path, ScanReport]]"]


class ChunkScanner:
    """`lanes` threads, each running one checkov process at a time over the chunk folders
    submitted to it; a Future per chunk with a ScanReport per module folder."""

    def __init__(self, executable: Path, lanes: int) -> None:
        self.executable = executable
        self.lanes = max(lanes, 1)
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._processes: set[CheckovProcess] = set()
        self._lock = threading.Lock()
        self._last_submitted = False

    def start(self) -> None:
        """Start the lanes (each starts a warm checkov at once). Idempotent."""
        while len(self._threads) < self.lanes:
            thread = threading.Thread(target=self._lane, name="tfgen-scan", daemon=True)
            self._threads.append(thread)
            thread.start()

    def submit(self, folder: Path) -> Future[dict[Path, ScanReport]]:
        self.start()
        future: Future[dict[Path, ScanReport]] = Future()
        self._jobs.put((folder, future))
        return future

    def finish(self) -> None:
        """No more chunks: lanes stop after the queued ones and start no checkov ahead."""
        self._last_submitted = True
        for _ in self._threads:
            self._jobs.put(None)

    def close(self, abandon: bool = False) -> None:
        """Wait for the lanes; with `abandon`, kill every checkov first."""
        if not self._last_submitted:
            self.finish()
        if abandon:
            with self._lock:
                for process in self._processes:
                    process.kill()
        for thread in self._threads:
            thread.join()

    def _new_process(self) -> CheckovProcess:
        process = CheckovProcess(self.executable)
        with self._lock:
            self._processes.add(process)
        return process

    def _retire(self, process: CheckovProcess) -> None:
        process.close()
        with self._lock:
            self._processes.discard(process)

    def _lane(self) -> None:
        process: CheckovProcess | None = None
        try:
            process = self._new_process()
            while (job := self._jobs.get()) is not None:
                folder, future = job
                if not future.set_running_or_notify_cancel():
                    continue
                if process is None:
                    process = self._new_process()
                try:
                    future.set_result(run_checkov_each(folder, self.executable, process=process))
                except BaseException as error:  # noqa: BLE001 - handed to the waiting caller
                    future.set_exception(error)
                self._retire(process)
                process = None
                if not self._last_submitted:  # more chunks may come: warm up for the next
                    process = self._new_process()
        except BaseException as error:  # noqa: BLE001 - a lane that cannot start checkov
            self._fail_waiting(error)
        finally:
            if process is not None:
                self._retire(process)

    def _fail_waiting(self, error: BaseException) -> None:
        """A lane that cannot run checkov fails every chunk still queued, so nobody waits."""
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job is not None and job[1].set_running_or_notify_cancel():
                job[1].set_exception(error)
