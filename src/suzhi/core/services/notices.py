"""Writing notices (通知公告): draft, publish to an organisation and everything below it, withdraw.

Transitions: draft -> published (publish), draft or published -> withdrawn (withdraw). A withdrawn
notice is final: readers saw it, so it is not quietly reworded and re-sent; write a new one.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.core import oplog, scope
from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.core.models import Notice, NoticeRead, Organisation
from suzhi.core.selectors.notices import access_notice_for_update, notices_for_user

FIELDS = ("title", "body", "organisation", "status", "pinned", "published_at")
TITLE_MAX = 200
BODY_MAX = 20_000


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, detail=[{"field": field, "message": message}])


def _target(actor: Any, organisation_id: int) -> Organisation:
    """The organisation to publish to; one outside the actor's notice scope is not found."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not scope.organisation_in_scope(actor, "notice.manage", organisation):
        raise NotFound()
    return organisation


def _title(value: str) -> str:
    title = (value or "").strip()
    if not title:
        raise _invalid("title", _("Give the notice a title."))
    if len(title) > TITLE_MAX:
        raise _invalid("title", _("The title is at most %(max)d characters.") % {"max": TITLE_MAX})
    return title


def _body(value: str) -> str:
    # Line breaks are the body's only formatting; normalise them so the page shows what was typed.
    body = (value or "").replace("\r\n", "\n").strip()
    if len(body) > BODY_MAX:
        raise _invalid("body", _("The text is at most %(max)d characters.") % {"max": BODY_MAX})
    return body


@transaction.atomic
def notice_create(
    *,
    actor: Any,
    organisation_id: int,
    title: str,
    body: str = "",
    pinned: bool = False,
    publish: bool = False,
) -> Notice:
    """A new notice, as a draft or published at once. The organisation must be in the actor's scope."""
    organisation = _target(actor, organisation_id)
    notice = Notice(
        organisation=organisation, title=_title(title), body=_body(body), pinned=bool(pinned), created_by=actor,
    )
    if publish:
        notice.status = Notice.Status.PUBLISHED
        notice.published_at = timezone.now()
    notice.save()
    oplog.record(actor=actor, action="notice.create", obj=notice, after=oplog.snapshot(notice, FIELDS))
    return notice


@transaction.atomic
def notice_update(
    *,
    actor: Any,
    notice_id: int,
    title: str | None = None,
    body: str | None = None,
    pinned: bool | None = None,
    organisation_id: int | None = None,
) -> Notice:
    """Change a draft or a published notice; None leaves a value as it is."""
    notice = access_notice_for_update(user=actor, notice_id=notice_id)
    if notice.status == Notice.Status.WITHDRAWN:
        raise Conflict(_("A withdrawn notice cannot be changed. Write a new one."), code=CoreErrors.NOTICE_WITHDRAWN)
    before = oplog.snapshot(notice, FIELDS)
    if title is not None:
        notice.title = _title(title)
    if body is not None:
        notice.body = _body(body)
    if pinned is not None:
        notice.pinned = bool(pinned)
    if organisation_id is not None and organisation_id != notice.organisation_id:
        notice.organisation = _target(actor, organisation_id)
    notice.save()
    old, new = oplog.changed(before, oplog.snapshot(notice, FIELDS))
    if new:
        oplog.record(actor=actor, action="notice.update", obj=notice, before=old, after=new)
    return notice


@transaction.atomic
def notice_publish(*, actor: Any, notice_id: int) -> Notice:
    notice = access_notice_for_update(user=actor, notice_id=notice_id)
    if notice.status != Notice.Status.DRAFT:
        raise Conflict(_("Only a draft can be published."), code=CoreErrors.NOTICE_NOT_DRAFT)
    notice.status = Notice.Status.PUBLISHED
    notice.published_at = timezone.now()
    notice.save(update_fields=["status", "published_at", "updated_at"])
    oplog.record(actor=actor, action="notice.publish", obj=notice,
                 before={"status": Notice.Status.DRAFT}, after={"status": notice.status})
    return notice


@transaction.atomic
def notice_withdraw(*, actor: Any, notice_id: int) -> Notice:
    notice = access_notice_for_update(user=actor, notice_id=notice_id)
    if notice.status == Notice.Status.WITHDRAWN:
        raise Conflict(_("The notice has already been withdrawn."), code=CoreErrors.NOTICE_WITHDRAWN)
    before = notice.status
    notice.status = Notice.Status.WITHDRAWN
    notice.save(update_fields=["status", "updated_at"])
    oplog.record(actor=actor, action="notice.withdraw", obj=notice,
                 before={"status": before}, after={"status": notice.status})
    return notice


@transaction.atomic
def notice_mark_read(*, user: Any, notice_id: int) -> bool:
    """Record that the user opened a notice addressed to them; repeating it changes nothing.

    Reading is not an operation worth a log row. Returns whether the notice counts as read now
    (a manager previewing a notice not addressed to them leaves no read mark).
    """
    notice = notices_for_user(user=user).filter(pk=notice_id).first()
    if notice is None:
        return False
    if not getattr(notice, "is_read", False):
        NoticeRead.objects.get_or_create(notice_id=notice.pk, user=user)
    return True
