"""Reads of notices (通知公告)."""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from suzhi.core.models import Notice, NoticeRead, Organisation


def ancestor_paths(path: str) -> list[str]:
    """The tree paths of an organisation and all its ancestors, derived from its own path."""
    step = Organisation.steplen
    return [path[: i + step] for i in range(0, len(path), step)]


def notices_for_user(*, user: Any) -> QuerySet[Notice]:
    """Published notices addressed to the user's organisation or any organisation above it."""
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return Notice.objects.none()
    paths = ancestor_paths(user.organisation.path)
    return (
        Notice.objects.filter(status=Notice.Status.PUBLISHED, organisation__path__in=paths)
        .select_related("organisation")
        .annotate(is_read=Exists(NoticeRead.objects.filter(notice=OuterRef("pk"), user=user)))
    )
