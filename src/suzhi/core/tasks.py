"""Background work (django-tasks): an in-process thread-pool backend, the export task, and recomputations that
survive a process that dies.

`make demo` runs a single runserver process with no worker; the thread pool gives it real background
exports. Production uses a real queue (django-tasks-rq, with `SweepingWorker`); tests use ImmediateBackend so they
are deterministic.

A recomputation (a contest's ranks, a campaign's targets) is asked for with `refresh_ask` in the transaction that
changed the data: a row in the database (PendingRefresh), not a marker in the cache, so it outlives the process whose
queued task was lost and a restart of Redis. Its task takes the marks over when it starts (`refresh_claim`) and
deletes those it covered in the transaction that stores its results (`refresh_covered`, `refresh_done`). Whatever
stays asked for longer than `SUZHI_REFRESH_RETRY_SECONDS` is queued again by `refresh_sweep`, which the process that
runs the tasks calls when it starts and then every so often (the thread pool's ticker, the RQ worker's loop).
"""

import datetime
import logging
import os
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task, task_backends
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

from suzhi.core.models.jobs import PendingRefresh

logger = logging.getLogger(__name__)


class ThreadPoolBackend(ImmediateBackend):
    """Runs each task on a background thread of this process once the enqueuing transaction commits
    (the task must see the rows it was given). Queued tasks are lost if the process stops; the recomputations
    are asked for in the database and queued again by the sweep, which this backend runs on a ticker thread of
    the process. Fine for a demo or a single small server; production runs RQ. OPTIONS: {"MAX_WORKERS": 2}."""

    supports_async_task = False

    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _pool(self) -> ThreadPoolExecutor:
        sweeper_start()
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
    servers that answer the participants. While this waits, the recomputation's mark stays open (unclaimed), so
    the submissions meanwhile fold into this one run. Without the cache (Redis down) it does not wait."""
    from django.core.cache import cache

    spacing = float(getattr(settings, "SUZHI_REFRESH_MIN_SECONDS", 20))
    if spacing <= 0:
        return
    key = f"tasks:last-run:{name}"
    try:
        last = cache.get(key)
    except Exception:  # noqa: BLE001 - spacing is a courtesy; the recomputation itself must go on
        logger.warning("no spacing for %s: the cache is unavailable", name)
        return
    if last is not None:
        wait = last + spacing - time.time()
        if wait > 0:
            time.sleep(min(wait, spacing))
    try:
        cache.set(key, time.time(), timeout=int(spacing) + 60)
    except Exception:  # noqa: BLE001
        logger.warning("no spacing for %s: the cache is unavailable", name)


# Recomputations asked for in the database.

_REFRESHES: dict[str, Task] = {}
_discovered = False


def register_refresh(name: str, refresh_task: Task) -> None:
    """Declare the task that recomputes `name`; it is called with the object's id. Apps register theirs in their
    `tasks` module, which the sweep imports."""
    _REFRESHES[name] = refresh_task


def _refresh_task(name: str) -> Task | None:
    global _discovered
    if name not in _REFRESHES and not _discovered:
        autodiscover_modules("tasks")
        _discovered = True
    return _REFRESHES.get(name)


def retry_seconds() -> float:
    """How long a recomputation may stay asked for before the sweep queues it again: its spacing, the time to
    wait in the queue and to run, with room to spare (`SUZHI_REFRESH_RETRY_SECONDS`)."""
    configured = getattr(settings, "SUZHI_REFRESH_RETRY_SECONDS", None)
    if configured is not None:
        return max(float(configured), 0.0)
    return float(getattr(settings, "SUZHI_REFRESH_MIN_SECONDS", 20)) + 60


def sweep_interval() -> float:
    """Seconds between two sweeps of a process that runs tasks."""
    return min(max(retry_seconds() / 2, 1.0), 60.0)


def _lock_key(name: str, object_id: int) -> tuple[int, int]:
    # PostgreSQL's two-integer advisory lock: the name's checksum and the id, both as signed 32-bit values (two
    # recomputations sharing a key would only wait for each other).
    def signed(value: int) -> int:
        value &= 0xFFFFFFFF
        return value - (1 << 32) if value >= 1 << 31 else value

    return signed(zlib.crc32(name.encode())), signed(object_id)


def _enqueue_refresh(name: str, object_id: int) -> None:
    """Queue the recomputation's task; a failure (the queue unreachable) is logged, never raised: the mark stays
    and the sweep queues it again."""
    refresh_task = _refresh_task(name)
    if refresh_task is None:
        logger.error("no task is registered for the recomputation %s", name)
        return
    try:
        refresh_task.enqueue(object_id)
    except Exception:  # noqa: BLE001 - the write is done; the sweep makes up for a failed enqueue
        logger.exception("could not queue %s:%s; the sweep will queue it again", name, object_id)


def enqueue_after_commit(task_: Task, *args: Any) -> None:
    """Queue `task_` once the current transaction commits. A failure to queue (Redis unreachable) is logged and
    never turns the committed write into an error, nor keeps the commit's other hooks from running; the work must
    be found again by a sweep (a mark or a status row in the database)."""

    def enqueue() -> None:
        try:
            task_.enqueue(*args)
        except Exception:  # noqa: BLE001 - the write is done; what it asked for is swept up later
            logger.exception("could not queue %s%s", task_.module_path, args)

    transaction.on_commit(enqueue, robust=True)


def refresh_ask(*, name: str, object_id: int) -> None:
    """Ask for the recomputation `name` of `object_id`, inside the transaction that changed what it reads. The
    first ask since the last recomputation started queues its task after the commit; the others fold into it.

    One INSERT ... ON CONFLICT DO NOTHING on the hot path. On PostgreSQL it first takes a shared advisory lock of
    the recomputation until the commit, which `refresh_claim` takes exclusively: a recomputation cannot take over
    a mark while a transaction that relied on it is still open, so its results always include that transaction.
    (SQLite has one writer at a time, which does the same.)"""
    connection = transaction.get_connection()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = PendingRefresh._meta.db_table
    insert = (f"INSERT INTO {table} (name, object_id, asked_at, queued_at) "  # noqa: S608 - model table
              "SELECT %s, %s, %s, %s {source} ON CONFLICT DO NOTHING RETURNING id")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("WITH held AS (SELECT pg_advisory_xact_lock_shared(%s, %s)) "
                           + insert.format(source="FROM held"),
                           [*_lock_key(name, object_id), name, object_id, now, now])
        else:
            # "WHERE true" keeps SQLite from reading ON CONFLICT as a join's ON.
            cursor.execute(insert.format(source="WHERE true"), [name, object_id, now, now])
        created = cursor.fetchone() is not None
    if created:
        transaction.on_commit(lambda: _enqueue_refresh(name, object_id), robust=True)


def refresh_claim(*, name: str, object_id: int) -> bool:
    """The start of a recomputation: take over the marks asked so far (asks from now on open a new one and queue
    another run). False when nothing is asked for: another run covered it."""
    with transaction.atomic():
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", list(_lock_key(name, object_id)))
        marks = PendingRefresh.objects.filter(name=name, object_id=object_id)
        marks.filter(claimed_at__isnull=True).update(claimed_at=timezone.now())
        return marks.exists()


def refresh_covered(*, name: str, object_id: int) -> list[int]:
    """In the recomputation's transaction, once it holds the lock that keeps other runs of it out: the marks its
    results cover. Those claimed before now: every transaction that relied on them had committed by then."""
    return list(PendingRefresh.objects.filter(name=name, object_id=object_id, claimed_at__isnull=False)
                .values_list("pk", flat=True))


def refresh_done(marks: list[int]) -> None:
    """Delete the covered marks, in the transaction that stores the results."""
    if marks:
        PendingRefresh.objects.filter(pk__in=marks).delete()


def refresh_forget(*, name: str, object_id: int) -> None:
    """The object is gone: nothing left to recompute."""
    PendingRefresh.objects.filter(name=name, object_id=object_id).delete()


def refresh_sweep(*, now: datetime.datetime | None = None) -> int:
    """Queue again every recomputation asked for, or started, longer than `retry_seconds()` ago and still not
    stored: its task was lost with a process, failed, or could not be queued. A run queued twice costs little:
    the second finds nothing asked for. Returns how many were queued."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=retry_seconds())
    late = set(PendingRefresh.objects.filter(queued_at__lt=cutoff).values_list("name", "object_id"))
    queued = 0
    for name, object_id in sorted(late):
        # Conditional: of sweeps running at once on several processes, one queues it.
        if PendingRefresh.objects.filter(name=name, object_id=object_id, queued_at__lt=cutoff).update(queued_at=now):
            logger.warning("queueing %s:%s again: asked for and not done after %.0f s", name, object_id,
                           retry_seconds())
            _enqueue_refresh(name, object_id)
            queued += 1
    return queued


def refresh_run_pending() -> int:
    """Run every recomputation asked for, here and now, once each (`suzhi demo` after loading, with the queue held
    back); returns how many ran."""
    pending = sorted(set(PendingRefresh.objects.values_list("name", "object_id")))
    for name, object_id in pending:
        refresh_task = _refresh_task(name)
        if refresh_task is not None:
            refresh_task.call(object_id)
    return len(pending)


def sweep_quietly() -> None:
    """One sweep (recomputations, then background exports whose process died) from a process's own loop or
    thread: errors logged (the database may be restarting), and no
    database connection kept (the RQ worker forks a process per job, which must not share it)."""
    from suzhi.core.services.exports import export_jobs_sweep

    try:
        refresh_sweep()
        export_jobs_sweep()
    except Exception:  # noqa: BLE001 - the next sweep tries again
        logger.exception("the sweep of asked-for recomputations and exports failed")
    finally:
        connections.close_all()


class _Sweeper:
    """A daemon thread of the process that runs the thread pool: a sweep at once, then every `sweep_interval()`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid: int | None = None

    def start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()  # a forked child (a gunicorn worker) starts its own
            threading.Thread(target=self._run, name="tasks-sweep", daemon=True).start()

    @staticmethod
    def _run() -> None:
        while True:
            close_old_connections()
            sweep_quietly()
            time.sleep(sweep_interval())


_sweeper = _Sweeper()


def sweeper_start() -> None:
    """Start sweeping in this process if its tasks run here (the thread pool); called when a web process starts
    and when the pool is first used. With RQ the workers sweep (`SweepingWorker`); in tests nothing does."""
    if isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ThreadPoolBackend):
        _sweeper.start()
