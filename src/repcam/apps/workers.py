"""Who runs the batch's jobs: a pool of local worker processes, or Ray tasks on a cluster.

Both take `BatchJob`s and yield `JobOutcome`s as each finishes, in whatever order; a worker
that dies mid-video (killed, out of memory) has its video reported and run once more by a
fresh worker, and the rest go on.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from repcam.apps.batch import BatchJob, JobOutcome, Status, run_job
from repcam.errors import InputError

RETRIES = 1  # a video whose worker died is run again this many times
OnStart = Callable[[BatchJob, int], None]  # (job, pid of the worker that took it)


def _lost(job: BatchJob, attempt: int, problem: str) -> JobOutcome:
    """A job whose worker or task died: run once more, or failed after its retry."""
    if attempt < RETRIES:
        return JobOutcome(job, Status.RETRYING, problem=f"{problem}; trying once more")
    return JobOutcome(job, Status.FAILED, problem=f"{problem}, twice")


def default_workers() -> int:
    """One analysis already keeps two threads busy (decoding and the pose model)."""
    return max(1, (os.cpu_count() or 2) // 2)


def _serve(connection: Connection) -> None:
    """A worker process: jobs in, outcomes out, until told to stop (None)."""
    from repcam.io.native_logs import quiet_opencv_logs

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    quiet_opencv_logs()
    while (job := connection.recv()) is not None:
        connection.send(run_job(job))


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    job: BatchJob | None = None  # the job it is analysing
    attempt: int = 0  # of that job: 1 when it is the retry


class LocalPool:
    """`workers` processes on this machine, each with its own pose model. `on_start` is told
    which worker process took which job (the tests kill one mid-video)."""

    def __init__(self, workers: int, on_start: OnStart = lambda job, pid: None) -> None:
        self.workers, self.on_start = workers, on_start
        # Spawned, not forked: a fork copies the driver's threads and locks, and MediaPipe's.
        self._context = multiprocessing.get_context("spawn")

    def _start(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(theirs,), daemon=True)
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def run(self, jobs: list[BatchJob]) -> Iterator[JobOutcome]:
        queue: deque[tuple[BatchJob, int]] = deque((job, 0) for job in jobs)
        workers = [self._start() for _ in range(min(self.workers, len(jobs)))]
        try:
            while queue or any(w.job for w in workers):
                for number, worker in enumerate(workers):
                    if worker.job is None and queue:
                        if not worker.process.is_alive():  # died between two jobs
                            self._stop(worker)
                            workers[number] = worker = self._start()
                        self._hand(worker, *queue.popleft())
                busy = [w for w in workers if w.job is not None]
                ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy])
                for worker in busy:
                    if worker.connection in ready or worker.process.sentinel in ready:
                        yield self._collect(worker, queue)
        finally:
            for worker in workers:
                self._stop(worker)

    def _hand(self, worker: _Worker, job: BatchJob, attempt: int) -> None:
        worker.job, worker.attempt = job, attempt
        worker.connection.send(job)
        self.on_start(job, worker.process.pid or 0)

    @staticmethod
    def _collect(worker: _Worker, queue: deque[tuple[BatchJob, int]]) -> JobOutcome:
        """The worker's outcome; or, if it died (its pipe closed), its job is retried once."""
        job, worker.job = worker.job, None
        assert job is not None
        with contextlib.suppress(EOFError, OSError):
            return worker.connection.recv()
        worker.process.join(timeout=5)
        outcome = _lost(job, worker.attempt, f"the worker analysing it stopped (exit code "
                        f"{worker.process.exitcode})")
        if outcome.status is Status.RETRYING:
            queue.append((job, worker.attempt + 1))
        return outcome

    @staticmethod
    def _stop(worker: _Worker) -> None:
        """Idle workers finish; a busy one (the driver was interrupted) is stopped at once:
        its video has no seal, so the next run redoes it."""
        if worker.job is None and worker.process.is_alive():
            with contextlib.suppress(OSError):
                worker.connection.send(None)
            worker.process.join(timeout=5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.connection.close()


class RayCluster:
    """One Ray task per video, on an existing cluster (`address`) or a local one (None).
    Every node needs repcam installed and the videos and `--out` on storage it can reach."""

    def __init__(self, address: str | None) -> None:
        if address is None and not os.environ.get("RAY_ADDRESS"):
            # A cluster of this machine alone listens on the loopback interface only (Ray
            # reads this before it is imported): nothing is reachable from the network.
            os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        try:
            import ray
        except ImportError as error:
            raise InputError("--ray needs Ray: pip install 'repcam[cluster]'.") from error
        self._ray = ray
        self.address = address

    def run(self, jobs: list[BatchJob]) -> Iterator[JobOutcome]:
        if not jobs:  # all done by an earlier run: no cluster to start or join
            return
        ray = self._ray
        logging.getLogger("ray").setLevel(logging.ERROR)  # its notices are not our messages
        try:
            ray.init(address=self.address, include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
        except (ConnectionError, RuntimeError, ValueError) as error:
            where = f"at {self.address}" if self.address else "here"
            raise InputError(f"No Ray cluster could be used {where}: {error}",
                             hint="Check the address (HOST:PORT of the head node) and that "
                             "'ray status' works on this machine.") from None
        try:
            task = ray.remote(num_cpus=1, max_retries=0)(run_job)
            running = {task.remote(job): (job, 0) for job in jobs}
            while running:
                [ready], _ = ray.wait(list(running), num_returns=1)
                job, attempt = running.pop(ready)
                try:
                    yield ray.get(ready)
                except ray.exceptions.RayError as error:
                    outcome = _lost(job, attempt, f"the Ray task analysing it failed "
                                    f"({type(error).__name__})")
                    if outcome.status is Status.RETRYING:
                        running[task.remote(job)] = (job, attempt + 1)
                    yield outcome
        finally:
            ray.shutdown()
