"""Background work (django-tasks): an in-process thread-pool backend and the export task.

`make demo` runs a single runserver process with no worker; the thread pool gives it real background
exports. Production uses a real queue (django-tasks-rq); tests use ImmediateBackend so they are
deterministic.
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import close_old_connections, connections, transaction
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

logger = logging.getLogger(__name__)


class ThreadPoolBackend(ImmediateBackend):
    """Runs each task on a background thread of this process once the enqueuing transaction commits
    (the task must see the rows it was given). Tasks are lost if the process stops: fine for a demo
    or a single small server, not for production. OPTIONS: {"MAX_WORKERS": 2}."""

    supports_async_task = False

    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=int(self.options.get("MAX_WORKERS", 2)), thread_name_prefix=f"tasks-{self.alias}"
                )
            return self._executor

    def _run_in_thread(self, task_result: TaskResult) -> None:
        close_old_connections()
        try:
            self._execute_task(task_result)
        finally:
            # The thread keeps no connection between tasks (connections are per thread, so this
            # closes only its own): an idle pool must not hold database sessions open.
            connections.close_all()

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:  # type: ignore[override]
        self.validate_task(task)
        task_result: TaskResult = TaskResult(
            task=task, id=get_random_id(), status=TaskResultStatus.READY, enqueued_at=None, started_at=None,
            last_attempted_at=None, finished_at=None, args=args, kwargs=kwargs, backend=self.alias, errors=[],
            worker_ids=[],
        )
        transaction.on_commit(lambda: self._pool().submit(self._run_in_thread, task_result))
        return task_result


@task()
def run_export_job(job_id: int) -> None:
    """Write the file of one ExportJob; failures end up on the job, readable, never raised to the queue."""
    from suzhi.core.services.exports import export_job_run

    export_job_run(job_id=job_id)


def space_out(name: str) -> None:
    """Wait, if needed, until `SUZHI_REFRESH_MIN_SECONDS` after the previous run of the recomputation `name`
    started. A busy contest window finishes an attempt every few milliseconds; each would queue a recomputation
    of the ranks and targets as soon as the previous one began, keeping a worker computing without pause on the
    servers that answer the participants. While this waits, the recomputation's "queued" marker stays set, so the
    submissions meanwhile fold into this one run."""
    import time

    from django.conf import settings
    from django.core.cache import cache

    spacing = float(getattr(settings, "SUZHI_REFRESH_MIN_SECONDS", 20))
    if spacing <= 0:
        return
    key = f"tasks:last-run:{name}"
    last = cache.get(key)
    if last is not None:
        wait = last + spacing - time.time()
        if wait > 0:
            time.sleep(min(wait, spacing))
    cache.set(key, time.time(), timeout=int(spacing) + 60)
