"""A user's own exports. Nobody else's jobs are visible, whatever their roles: the files carry personal data."""

from typing import Any

from django.db.models import QuerySet

from suzhi.core.errors import NotFound
from suzhi.core.models import ExportJob


def export_jobs_of(*, user: Any) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(user_id=user.pk)


def export_job_get(*, user: Any, job_id: Any) -> ExportJob:
    """The caller's own job; another user's job answers exactly like a missing one."""
    if not str(job_id).isdigit():
        raise NotFound()
    job = ExportJob.objects.filter(pk=job_id, user_id=user.pk).first()
    if job is None:
        raise NotFound()
    return job
