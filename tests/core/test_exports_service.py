"""The generic export jobs: the thread-pool task backend, small exports written at once, large ones as
jobs with batched progress, failures readable on the job, the owner-only selector."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks import task

from suzhi.core import oplog_actions
from suzhi.core.errors import NotFound, PermissionDenied
from suzhi.core.excel import read_rows
from suzhi.core.models import ExportJob, OperationLog
from suzhi.core.selectors.exports import export_job_get, export_jobs_of
from suzhi.core.services import exports as services
from suzhi.core.tasks import ThreadPoolBackend

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def exports_env(settings, tmp_path, monkeypatch):
    """Files under a temporary MEDIA_ROOT, tasks run at once, and the export pages routed even before
    core/urls.py lists them."""
    from django.urls import NoReverseMatch, reverse

    settings.MEDIA_ROOT = str(tmp_path)
    settings.TASKS = IMMEDIATE
    try:
        reverse("core:export_list")
    except NoReverseMatch:
        import suzhi.core.urls as core_urls
        from suzhi.core.views import exports

        monkeypatch.setattr(core_urls, "urlpatterns", [*core_urls.urlpatterns, *exports.urlpatterns])
        _forget_core_patterns()
    yield settings
    monkeypatch.undo()
    _forget_core_patterns()


def _forget_core_patterns() -> None:
    """The include() of core's urls caches its patterns; make it read them again."""
    from django.conf import settings
    from django.urls import URLResolver, clear_url_caches
    from django.utils.module_loading import import_string

    for pattern in import_string(f"{settings.ROOT_URLCONF}.urlpatterns"):
        if isinstance(pattern, URLResolver) and getattr(pattern.urlconf_name, "__name__", "") == "suzhi.core.urls":
            pattern.__dict__.pop("url_patterns", None)
            pattern._populated = False
            pattern._reverse_dict.clear()
            pattern._namespace_dict.clear()
            pattern._app_dict.clear()
    clear_url_caches()


ROWS = [[f"行{i}", i] for i in range(7)]


def _count(user, params):
    return len(ROWS)


def _rows(user, params, unmasked):
    if params.get("explode"):
        raise RuntimeError("secret 13712345678")
    return iter(ROWS)


oplog_actions.register("test.export", "测试导出")
services.register_export_kind("test_rows", services.ExportKind(
    count=_count, headers=lambda: ["名称", "序号"], rows=_rows, may_unmask=lambda user, params: user.is_superuser,
    action="test.export", filename="rows",
))


def _start(user, **params):
    return services.export_start(actor=user, kind="test_rows", title="测试", params=params, unmasked=False)


def test_small_export_is_written_at_once_and_logged(tree, exports_env):
    job = _start(tree.town_a_admin)
    assert job.status == ExportJob.Status.DONE and job.total == job.done == 7 and job.finished_at
    assert job.file.name.startswith("exports/") and job.file.name.endswith(".xlsx")
    rows = read_rows(job.file.read(), job.file.name)
    assert rows[0] == ["名称", "序号"] and len(rows) == 8
    log = OperationLog.objects.get(action="test.export")
    assert log.after == {"kind": "test_rows", "filters": {}, "rows": 7, "unmasked": False}


def test_large_export_becomes_a_job_with_batched_progress(tree, exports_env, django_capture_on_commit_callbacks):
    exports_env.SUZHI_EXPORT_SYNC_MAX_ROWS = 3
    exports_env.SUZHI_EXPORT_PROGRESS_EVERY = 3
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        job = _start(tree.town_a_admin)
        assert job.status == ExportJob.Status.QUEUED and not job.file  # enqueued only once committed
    progress = [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and '"done" = ' in q["sql"]
                and '"status"' not in q["sql"]]
    assert len(progress) == 2  # rows 3 and 6 of 7: one UPDATE per batch, none per row
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.done == job.total == 7 and job.percent == 100
    assert len(read_rows(job.file.read(), job.file.name)) == 8


def test_a_failing_export_ends_failed_with_a_readable_error_and_no_personal_data(
    tree, exports_env, caplog, django_capture_on_commit_callbacks
):
    exports_env.SUZHI_EXPORT_SYNC_MAX_ROWS = 0
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(tree.town_a_admin, explode=True)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "RuntimeError" in job.error and not job.file
    assert "13712345678" not in job.error and "13712345678" not in caplog.text


def test_a_small_export_that_fails_is_marked_failed_and_the_transaction_survives(tree, exports_env):
    job = _start(tree.town_a_admin, explode=True)  # written at once, inside export_start's transaction
    assert job.status == ExportJob.Status.FAILED and "RuntimeError" in job.error
    assert OperationLog.objects.filter(action="test.export").count() == 1


def test_a_job_runs_once(tree, exports_env):
    job = _start(tree.town_a_admin)
    name = job.file.name
    services.export_job_run(job_id=job.pk)  # already done: nothing happens
    job.refresh_from_db()
    assert job.file.name == name and job.status == ExportJob.Status.DONE


def test_unmasked_needs_the_kind_to_allow_it(tree, exports_env):
    with pytest.raises(PermissionDenied):
        services.export_start(actor=tree.town_a_admin, kind="test_rows", title="x", params={}, unmasked=True)
    assert not ExportJob.objects.exists() and not OperationLog.objects.filter(action="test.export").exists()


def test_unknown_kind_is_a_validation_error(tree, exports_env):
    from suzhi.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.export_start(actor=tree.town_a_admin, kind="nope", title="x", params={}, unmasked=False)


def test_only_the_owner_sees_a_job(tree, exports_env):
    job = _start(tree.town_a_admin)
    assert list(export_jobs_of(user=tree.town_a_admin)) == [job]
    assert not export_jobs_of(user=tree.committee_admin).exists()
    with pytest.raises(NotFound):
        export_job_get(user=tree.committee_admin, job_id=job.pk)
    with pytest.raises(NotFound):
        export_job_get(user=tree.town_a_admin, job_id="x")


# ---- the thread-pool backend ---------------------------------------------------------------------

RAN: list[str] = []
FINISHED = threading.Event()


@task()
def note_thread(label: str) -> None:
    RAN.append(f"{label}:{threading.current_thread().name}")
    FINISHED.set()


def test_thread_pool_backend_runs_after_commit_on_another_thread(db, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "suzhi.core.tasks.ThreadPoolBackend", "OPTIONS": {"MAX_WORKERS": 1}}}
    RAN.clear()
    FINISHED.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        note_thread.enqueue("a")
        assert not RAN  # nothing runs before the transaction commits
    assert FINISHED.wait(120)
    assert len(RAN) == 1 and RAN[0].startswith("a:tasks-default")


def test_thread_pool_backend_is_a_django_tasks_backend():
    from django_tasks.backends.base import BaseTaskBackend

    assert issubclass(ThreadPoolBackend, BaseTaskBackend)
