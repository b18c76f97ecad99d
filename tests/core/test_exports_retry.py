"""A background export whose process died (queued and never started, or running with no progress) is queued
again by the task processes' sweep, up to ExportJob.MAX_RUNS runs; it is never left "running" for hours."""

import datetime

import pytest
from django.utils import timezone

from suzhi.core.models import ExportJob, OperationLog
from suzhi.core.services.exports import STUCK_AFTER, export_jobs_sweep
from suzhi.core.tasks import sweep_quietly
from suzhi.people.services.exports import people_export_start
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_job(tree, settings, tmp_path):
    """A roster export that a worker claimed and then died with: running, one run, no progress since."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.SUZHI_EXPORT_SYNC_MAX_ROWS = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # the queue loses it
    make_person("王五", tree.unit_a)
    job = people_export_start(actor=tree.town_a_admin)
    assert job.status == ExportJob.Status.QUEUED
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, runs=1, done=0)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return job


def _age(job, delta):
    ExportJob.objects.filter(pk=job.pk).update(touched_at=timezone.now() - delta)


def test_a_running_export_with_no_progress_is_run_again_and_finishes(dead_job):
    _age(dead_job, STUCK_AFTER + datetime.timedelta(minutes=1))
    assert export_jobs_sweep() == 1
    dead_job.refresh_from_db()
    assert dead_job.status == ExportJob.Status.DONE and dead_job.file and dead_job.runs == 2
    assert OperationLog.objects.filter(action="export.retry").count() == 1


def test_an_export_making_progress_or_finished_is_left_alone(dead_job):
    _age(dead_job, STUCK_AFTER - datetime.timedelta(minutes=1))
    assert export_jobs_sweep() == 0
    assert ExportJob.objects.get(pk=dead_job.pk).status == ExportJob.Status.RUNNING
    ExportJob.objects.filter(pk=dead_job.pk).update(status=ExportJob.Status.DONE,
                                                    touched_at=timezone.now() - datetime.timedelta(days=1))
    assert export_jobs_sweep() == 0
    assert not OperationLog.objects.filter(action="export.retry").exists()


def test_a_queued_export_that_no_worker_took_is_queued_again(dead_job, monkeypatch):
    from django.db import connections

    ExportJob.objects.filter(pk=dead_job.pk).update(status=ExportJob.Status.QUEUED, runs=0)
    _age(dead_job, STUCK_AFTER * 2)
    monkeypatch.setattr(connections, "close_all", lambda: None)  # the test's own connection stays open
    sweep_quietly()  # what the RQ worker and the thread pool's ticker run
    dead_job.refresh_from_db()
    assert dead_job.status == ExportJob.Status.DONE and dead_job.runs == 1


def test_an_export_that_keeps_dying_ends_failed_for_its_owner_to_see(dead_job):
    ExportJob.objects.filter(pk=dead_job.pk).update(runs=ExportJob.MAX_RUNS)
    _age(dead_job, STUCK_AFTER * 2)
    assert export_jobs_sweep() == 0
    dead_job.refresh_from_db()
    assert dead_job.status == ExportJob.Status.FAILED and dead_job.error
    assert OperationLog.objects.get(action="export.retry").after == {"queued": [], "failed": 1}
