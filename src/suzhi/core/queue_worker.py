"""The RQ worker for `SUZHI_TASKS=rq` (settings RQ["WORKER_CLASS"], so `suzhi rqworker` uses it): RQ's forking
worker that also sweeps the recomputations asked for and left undone (`suzhi.core.tasks.refresh_sweep`) when it
starts and then every `sweep_interval()` seconds, also while it waits for jobs. A worker killed in the middle of a
recomputation leaves its mark in the database; the next worker to start, or any running one, queues it again.

The sweep runs in the worker's own process between jobs, not on a thread: the worker forks a process for each
job, which must inherit neither a thread's locks nor a database connection (the sweep closes its own)."""

import time

from rq import Worker

from suzhi.core.tasks import sweep_interval, sweep_quietly


class SweepingWorker(Worker):
    _swept_at: float | None = None

    @property
    def dequeue_timeout(self) -> int:
        # Wake up from waiting for a job in time for the next sweep.
        return max(1, min(super().dequeue_timeout, int(sweep_interval())))

    @property
    def _sweep_due(self) -> bool:
        return self._swept_at is None or time.monotonic() - self._swept_at >= sweep_interval()

    @property
    def should_run_maintenance_tasks(self) -> bool:
        return super().should_run_maintenance_tasks or self._sweep_due

    def run_maintenance_tasks(self) -> None:
        if super().should_run_maintenance_tasks:
            super().run_maintenance_tasks()
        if self._sweep_due:
            self._swept_at = time.monotonic()
            sweep_quietly()
