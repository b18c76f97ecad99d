"""Notices over the API: one's own notices, and managing those of one's organisations."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from suzhi.core.api.base import ErrorOut, Pagination, current_user
from suzhi.core.models import Notice
from suzhi.core.selectors import notices as notice_selectors
from suzhi.core.services import notices as notice_services
from suzhi.core.web import ensure_perm

router = Router(tags=["notices"])


class NoticeOut(Schema):
    id: int
    title: str
    body: str
    organisation_id: int
    organisation_name: str
    status: str
    pinned: bool
    published_at: datetime.datetime | None
    is_read: bool = False

    @staticmethod
    def resolve_organisation_name(obj: Notice) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_is_read(obj: Notice) -> bool:
        return bool(getattr(obj, "is_read", False))


class ManagedNoticeOut(NoticeOut):
    created_at: datetime.datetime
    updated_at: datetime.datetime
    created_by_id: int | None
    read_count: int = 0

    @staticmethod
    def resolve_read_count(obj: Notice) -> int:
        return int(getattr(obj, "read_count", 0))


class NoticeIn(Schema):
    organisation_id: int
    title: str
    body: str = ""
    pinned: bool = False
    publish: bool = False


class NoticePatch(Schema):
    organisation_id: int | None = None
    title: str | None = None
    body: str | None = None
    pinned: bool | None = None


@router.get("/mine", response=list[NoticeOut], summary="Published notices addressed to the caller")
@paginate(Pagination)
def notice_mine(request: HttpRequest, unread: bool = False) -> Any:
    notices = notice_selectors.notices_for_user(user=current_user(request))
    return notices.exclude(reads__user=current_user(request)) if unread else notices


@router.get(
    "/manage",
    response={200: list[ManagedNoticeOut], 403: ErrorOut},
    summary="Notices of the organisations in the caller's scope, drafts included",
)
@paginate(Pagination)
def notice_manageable(request: HttpRequest, status: str = "", q: str = "") -> Any:
    user = current_user(request)
    ensure_perm(user, "notice.manage")
    return notice_selectors.notices_manageable(user=user, status=status, q=q)


@router.post(
    "/", response={201: ManagedNoticeOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Write a notice (a draft unless publish is true)",
)
def notice_create(request: HttpRequest, payload: NoticeIn) -> Any:
    user = current_user(request)
    ensure_perm(user, "notice.manage")
    notice = notice_services.notice_create(actor=user, **payload.dict())
    return Status(201, notice)


@router.get(
    "/{notice_id}", response={200: NoticeOut, 404: ErrorOut},
    summary="One notice; reading it marks it read",
)
def notice_detail(request: HttpRequest, notice_id: int) -> Any:
    user = current_user(request)
    notice = notice_selectors.notice_for_reader(user=user, notice_id=notice_id)
    if not getattr(notice, "is_read", False):
        read = notice_services.notice_mark_read(user=user, notice_id=notice.pk)
        notice.is_read = read  # type: ignore[attr-defined]
    return notice


@router.patch(
    "/{notice_id}", response={200: ManagedNoticeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Change a draft or published notice",
)
def notice_update(request: HttpRequest, notice_id: int, payload: NoticePatch) -> Any:
    user = current_user(request)
    ensure_perm(user, "notice.manage")
    return notice_services.notice_update(actor=user, notice_id=notice_id, **payload.dict(exclude_unset=True))


@router.post(
    "/{notice_id}/publish", response={200: ManagedNoticeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Publish a draft",
)
def notice_publish(request: HttpRequest, notice_id: int) -> Any:
    user = current_user(request)
    ensure_perm(user, "notice.manage")
    return notice_services.notice_publish(actor=user, notice_id=notice_id)


@router.post(
    "/{notice_id}/withdraw", response={200: ManagedNoticeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Withdraw a notice",
)
def notice_withdraw(request: HttpRequest, notice_id: int) -> Any:
    user = current_user(request)
    ensure_perm(user, "notice.manage")
    return notice_services.notice_withdraw(actor=user, notice_id=notice_id)
