"""Exports (导出) of any list to .xlsx: small ones written at once, large ones as background jobs.

Apps plug in a *kind* with `register_export_kind` in their own `services/exports.py` (discovered
lazily, so a queue worker that never loaded the pages finds them too).
"""

import contextlib
import dataclasses
import datetime
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from suzhi.core import oplog
from suzhi.core.errors import DomainError, PermissionDenied, ValidationFailed
from suzhi.core.excel import write_xlsx
from suzhi.core.models import ExportJob, Organisation
from suzhi.core.params import get_param

logger = logging.getLogger(__name__)

DEFAULT_SYNC_MAX_ROWS = 5000
DEFAULT_PROGRESS_EVERY = 1000
DEFAULT_KEEP_DAYS = 7
# A job queued or running this long was lost with its process (the thread pool keeps nothing on restart).
STALE_AFTER = datetime.timedelta(hours=6)
_EXPIRE_KEY, _EXPIRE_EVERY = "suzhi:exports-expired", 3600


@dataclasses.dataclass(frozen=True)
class ExportKind:
    """How to export one kind of list. Every function gets the acting user and the job's params.

    `count(user, params)`: the row count (one query). `headers()`: the column titles.
    `rows(user, params, unmasked)`: the rows, streamed. `may_unmask(user, params)`: whether the
    user may see personal data in full for everything the params select. `organisation(user,
    params)`: the organisation the export is about, for the operation log (or None). `action`: the
    operation-log action.
    """

    count: Callable[[Any, dict], int]
    headers: Callable[[], Sequence[str]]
    rows: Callable[[Any, dict, bool], Iterable[Sequence[Any]]]
    may_unmask: Callable[[Any, dict], bool]
    organisation: Callable[[Any, dict], Organisation | None] = lambda user, params: None
    action: str = "export"
    filename: str = "export"


_KINDS: dict[str, ExportKind] = {}
_discovered = False


def register_export_kind(kind: str, spec: ExportKind) -> None:
    _KINDS[kind] = spec


def export_kind(kind: str) -> ExportKind:
    global _discovered
    if kind not in _KINDS and not _discovered:
        autodiscover_modules("services.exports")
        _discovered = True
    try:
        return _KINDS[kind]
    except KeyError:
        raise ValidationFailed(
            _("Unknown export “%(kind)s”.") % {"kind": kind}, detail=[{"field": "kind", "message": kind}]
        ) from None


def sync_max_rows() -> int:
    return int(getattr(settings, "SUZHI_EXPORT_SYNC_MAX_ROWS", DEFAULT_SYNC_MAX_ROWS))


def _progress_every() -> int:
    return max(1, int(getattr(settings, "SUZHI_EXPORT_PROGRESS_EVERY", DEFAULT_PROGRESS_EVERY)))


@transaction.atomic
def export_start(*, actor: Any, kind: str, title: str, params: dict[str, Any], unmasked: bool) -> ExportJob:
    """Start an export of `kind` filtered by `params`; logged, since exports carry personal data.

    Up to `SUZHI_EXPORT_SYNC_MAX_ROWS` rows the file is written before returning (status done);
    more rows make a queued job run by the task backend, which the caller's page polls.
    """
    spec = export_kind(kind)
    if cache.add(_EXPIRE_KEY, 1, timeout=_EXPIRE_EVERY):  # housekeeping at most once an hour
        from suzhi.core.uploads import staged_uploads_sweep

        export_jobs_expire()
        staged_uploads_sweep()
    organisation = spec.organisation(actor, params)  # validates an organisation filter (404 outside scope)
    if unmasked and not spec.may_unmask(actor, params):
        raise PermissionDenied(_("You may not export personal data in full for these organisations."))
    total = spec.count(actor, params)
    job = ExportJob.objects.create(
        user=actor, kind=kind, title=title[:200], params=params, unmasked=unmasked, total=total,
        touched_at=timezone.now(),
    )
    oplog.record(
        actor=actor, action=spec.action, obj=job, organisation=organisation,
        after={"kind": kind, "filters": params, "rows": total, "unmasked": unmasked},
        summary=title,
    )
    if total <= sync_max_rows():
        export_job_run(job_id=job.pk)
        job.refresh_from_db()
    else:
        from suzhi.core.tasks import enqueue_after_commit, run_export_job

        # After the commit: a worker in another process must find the job row (a queue like RQ
        # starts at once). The queue unreachable leaves the job queued, not the export an error.
        enqueue_after_commit(run_export_job, job.pk)
    return job


STUCK_AFTER = datetime.timedelta(minutes=10)


def export_jobs_sweep(*, now: datetime.datetime | None = None) -> int:
    """Queue again the background exports whose process died: queued and never started, or running with no
    progress written, for `STUCK_AFTER`. A job that has already been started `ExportJob.MAX_RUNS` times is marked
    failed instead, for its owner to see. Called by the task processes' sweep; returns how many were queued."""
    from suzhi.core.tasks import run_export_job

    now = now or timezone.now()
    cutoff = now - STUCK_AFTER
    stuck = ExportJob.objects.filter(status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]).filter(
        Q(touched_at__lt=cutoff) | Q(touched_at__isnull=True, created_at__lt=cutoff))
    failed = ExportJob.objects.filter(pk__in=list(stuck.filter(runs__gte=ExportJob.MAX_RUNS).values_list(
        "pk", flat=True))).update(status=ExportJob.Status.FAILED,
                                  error=_("The export was interrupted; please export again."), finished_at=now)
    queued: list[int] = []
    for job_id in stuck.filter(runs__lt=ExportJob.MAX_RUNS).values_list("pk", flat=True):
        # Conditional: of sweeps running at once on several processes, one queues it.
        if stuck.filter(pk=job_id).update(status=ExportJob.Status.QUEUED, touched_at=now, done=0):
            logger.warning("export job %s queued again: no progress for %s", job_id, STUCK_AFTER)
            queued.append(job_id)
            try:
                run_export_job.enqueue(job_id)
            except Exception:  # noqa: BLE001 - still queued and untouched: the next sweep tries again
                logger.exception("could not queue export job %s again", job_id)
    if queued or failed:
        oplog.record(actor=None, action="export.retry", after={"queued": queued, "failed": failed},
                     summary=_("Queued %(n)d interrupted export(s) again") % {"n": len(queued)})
    return len(queued)


@transaction.atomic
def export_jobs_expire(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Housekeeping run before each export: files older than the `export_keep_days` parameter are deleted
    with their job, since they hold personal data; jobs stuck queued or running are marked failed so their
    owner sees to export again. Returns (deleted, failed)."""
    now = now or timezone.now()
    keep_days = int(get_param("export_keep_days", DEFAULT_KEEP_DAYS) or DEFAULT_KEEP_DAYS)
    old = ExportJob.objects.filter(created_at__lt=now - datetime.timedelta(days=keep_days))
    names = [name for name in old.exclude(file="").values_list("file", flat=True)]
    deleted, _counts = old.delete()
    failed = ExportJob.objects.filter(
        status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING], created_at__lt=now - STALE_AFTER
    ).update(status=ExportJob.Status.FAILED, error=_("The export was interrupted; please export again."),
             finished_at=now)
    if deleted or failed:
        oplog.record(actor=None, action="export.expire", after={"deleted": deleted, "failed": failed},
                     summary=_("Removed %(n)d old export file(s)") % {"n": deleted})
    if names:
        storage = ExportJob._meta.get_field("file").storage

        def remove() -> None:
            for name in names:
                with contextlib.suppress(OSError):
                    storage.delete(name)

        transaction.on_commit(remove)
    return deleted, failed


def _counted(rows: Iterable[Sequence[Any]], job_id: int, every: int) -> Iterator[Sequence[Any]]:
    """Pass rows through, writing the progress once per `every` rows (one UPDATE per batch)."""
    for done, row in enumerate(rows, start=1):
        yield row
        if done % every == 0:
            ExportJob.objects.filter(pk=job_id).update(done=done, touched_at=timezone.now())


def _readable(exc: BaseException) -> str:
    if isinstance(exc, DomainError):
        return str(exc.message)
    return _("The export failed unexpectedly (%(error)s). Try again, or tell the administrator.") % {
        "error": type(exc).__name__
    }


def export_job_run(*, job_id: int) -> None:
    """The body of the background task: running → progress → file saved → done, or failed.

    Claims the job with a conditional UPDATE, so a job enqueued twice is written once. Scope and the
    right to unmask are checked again with the owner's permissions as they are now.
    """
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, done=0, error="", touched_at=timezone.now(), runs=F("runs") + 1
    )
    if not claimed:
        return
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    # Written at once inside the caller's transaction, a database error must not poison it before
    # the job is marked failed: a savepoint there. In the background there is no outer transaction
    # and none is opened, so each progress UPDATE is visible to the polling page at once.
    guard = transaction.atomic() if transaction.get_connection().in_atomic_block else contextlib.nullcontext()
    try:
        with guard:
            _write(job)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong belongs on the job, for the user to read
        # The job id and the exception type only: messages might quote personal data.
        logger.error("export job %s failed: %s", job_id, type(exc).__name__)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, error=_readable(exc)[:500], finished_at=timezone.now()
        )


def _write(job: ExportJob) -> None:
    """Check the right to unmask again, count, stream the rows into the file, mark the job done."""
    job_id = job.pk
    spec = export_kind(job.kind)
    if job.unmasked and not spec.may_unmask(job.user, job.params):
        raise PermissionDenied(_("You may no longer export personal data in full for these organisations."))
    total = spec.count(job.user, job.params)
    ExportJob.objects.filter(pk=job_id).update(total=total)
    rows = _counted(spec.rows(job.user, job.params, job.unmasked), job_id, _progress_every())
    data = write_xlsx(spec.headers(), rows, sheet_title=job.title)
    name = f"{spec.filename}-{timezone.localtime():%Y%m%d-%H%M%S}-{job_id}.xlsx"
    job.file.save(name, ContentFile(data), save=False)
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.DONE, done=total, file=job.file.name, finished_at=timezone.now()
    )
