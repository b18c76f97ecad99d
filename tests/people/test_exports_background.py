"""A real background export: the thread-pool backend runs the job after the commit, on another thread,
and the job ends done with its file (what `make demo` relies on)."""

import pytest

from suzhi.core.excel import read_rows
from suzhi.core.models import ExportJob
from suzhi.people.services.exports import people_export_start
from tests.people.factories import make_person

THREAD_POOL = {"default": {"BACKEND": "suzhi.core.tasks.ThreadPoolBackend", "OPTIONS": {"MAX_WORKERS": 1}}}


@pytest.mark.django_db(transaction=True)
def test_thread_pool_export_finishes_in_the_background(tree, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.TASKS = THREAD_POOL
    settings.SUZHI_EXPORT_SYNC_MAX_ROWS = 2
    settings.SUZHI_EXPORT_PROGRESS_EVERY = 2
    for i in range(5):
        make_person(f"工人{i}", tree.unit_a)
    job = people_export_start(actor=tree.town_a_admin)  # commits: the pool picks it up
    assert job.status == ExportJob.Status.QUEUED
    # Wait for the pool's single worker to pass a marker queued behind the job, without reading the table
    # meanwhile: the tests' in-memory SQLite locks a table being read against another thread's write.
    from django_tasks import task_backends

    task_backends["default"]._pool().submit(lambda: None).result(timeout=30)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.done == job.total == 5
    assert len(read_rows(job.file.read(), job.file.name)) == 6
