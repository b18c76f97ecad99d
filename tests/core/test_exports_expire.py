"""Old export files (they hold personal data) are removed, and jobs lost with their process end as failed."""

import datetime
import os

import pytest
from django.utils import timezone

from suzhi.core.models import ExportJob, OperationLog
from suzhi.core.services.exports import export_jobs_expire
from suzhi.people.services.exports import people_export_start
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db


def _age(job: ExportJob, **delta: int) -> None:
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(**delta))


def test_old_files_are_deleted_and_recent_ones_kept(tree, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = str(tmp_path)
    make_person("王五", tree.unit_a)
    old = people_export_start(actor=tree.town_a_admin)
    recent = people_export_start(actor=tree.town_a_admin)
    old_path = old.file.path
    _age(old, days=8)
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the deletion is committed
        assert export_jobs_expire() == (1, 0)
    assert not ExportJob.objects.filter(pk=old.pk).exists()
    assert ExportJob.objects.filter(pk=recent.pk).exists()
    assert OperationLog.objects.filter(action="export.expire").count() == 1
    assert not os.path.exists(old_path) and os.path.exists(recent.file.path)


def test_stuck_jobs_become_failed_and_nothing_logged_when_idle(tree):
    stuck = ExportJob.objects.create(user=tree.town_a_admin, kind="people", title="t", status=ExportJob.Status.RUNNING)
    fresh = ExportJob.objects.create(user=tree.town_a_admin, kind="people", title="t", status=ExportJob.Status.QUEUED)
    _age(stuck, hours=7)
    assert export_jobs_expire() == (0, 1)
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == ExportJob.Status.FAILED and stuck.error
    assert fresh.status == ExportJob.Status.QUEUED
    OperationLog.objects.all().delete()
    assert export_jobs_expire() == (0, 0)
    assert not OperationLog.objects.exists()


def test_keep_days_is_a_system_parameter(tree, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = str(tmp_path)
    from suzhi.core.services.dicts import param_update

    make_person("王五", tree.unit_a)
    job = people_export_start(actor=tree.town_a_admin)
    _age(job, days=3)
    assert export_jobs_expire()[0] == 0
    with django_capture_on_commit_callbacks(execute=True):
        param_update(actor=tree.committee_admin, key="export_keep_days", value="2")
    assert export_jobs_expire()[0] == 1
