"""Reads of notices (通知公告).

A notice published to an organisation is addressed to everyone in it and below it. Readers see the
published notices addressed to them; managers (`notice.manage`) see every notice of the
organisations in their scope, drafts included.
"""

from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import ngettext

from suzhi.core import scope
from suzhi.core.errors import NotFound
from suzhi.core.models import Notice, NoticeRead, Organisation
from suzhi.core.todos import Todo


def notices_for_user(*, user: Any) -> QuerySet[Notice]:
    """Published notices addressed to the user's organisation or any organisation above it."""
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return Notice.objects.none()
    paths = scope.self_and_ancestor_paths(user.organisation.path)
    return (
        Notice.objects.filter(status=Notice.Status.PUBLISHED, organisation__path__in=paths)
        .select_related("organisation")
        .annotate(is_read=Exists(NoticeRead.objects.filter(notice=OuterRef("pk"), user=user)))
    )


def notices_manageable(*, user: Any, status: str = "", q: str = "") -> QuerySet[Notice]:
    """Notices of the organisations in the caller's `notice.manage` scope, newest first, with read counts."""
    notices = scope.filter_queryset(
        Notice.objects.select_related("organisation", "created_by"),
        user,
        "notice.manage",
        org_field="organisation",
        owner_field="created_by",
    )
    if status:
        notices = notices.filter(status=status)
    if q := q.strip():
        notices = notices.filter(title__icontains=q)
    return notices.annotate(read_count=Count("reads")).order_by("-created_at", "-id")


def notice_for_reader(*, user: Any, notice_id: int) -> Notice:
    """One notice for its detail page: addressed to the user, or one they manage (drafts too)."""
    notice = notices_for_user(user=user).filter(pk=notice_id).first()
    if notice is not None:
        return notice
    try:
        notice = notices_manageable(user=user).get(pk=notice_id)
    except (Notice.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    notice.is_read = False  # type: ignore[attr-defined]  # same shape as the annotated reader query
    return notice


def can_manage(*, user: Any, notice: Notice) -> bool:
    return scope.organisation_in_scope(user, "notice.manage", notice.organisation) or (
        scope.scope_for(user, "notice.manage").self_user_id is not None and notice.created_by_id == user.pk
    )


def access_notice_for_update(*, user: Any, notice_id: int) -> Notice:
    # No select_related: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return scope.get_in_scope(
        Notice.objects.all(),
        user,
        "notice.manage",
        pk=notice_id,
        org_field="organisation",
        owner_field="created_by",
        for_update=True,
    )


def notice_target_orgs(*, user: Any) -> QuerySet[Organisation]:
    """Organisations a manager may publish to: the notice.manage scope (the form searches it at scale)."""
    return scope.filter_queryset(
        Organisation.objects.only("pk", "name", "short_name", "code", "path", "depth"), user, "notice.manage",
        org_field="",
    )


def unread_notice_count(user: Any) -> int:
    return notices_for_user(user=user).exclude(reads__user=user).count()


def unread_notice_todos(user: Any) -> list[Todo]:
    """The home page's to-do for unread notices: one entry with the number, or nothing."""
    count = unread_notice_count(user)
    if not count:
        return []
    label = ngettext("%(count)d unread notice", "%(count)d unread notices", count) % {"count": count}
    return [Todo(label=label, url=reverse("core:notice_list"), count=count)]
