"""Reads of the operation log (操作日志) and the login log (登录日志), always through the data scope."""

import datetime
import ipaddress
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from suzhi.core import oplog_actions, scope
from suzhi.core.auth_backend import resolve_login
from suzhi.core.errors import NotFound
from suzhi.core.masking import SENSITIVE_FIELDS
from suzhi.core.models import LoginLog, OperationLog, Organisation

# The campaign's day is the Beijing day whatever the server's clock says: "4月10日" means 00:00–24:00 there.
CHINA_TZ = ZoneInfo("Asia/Shanghai")


def day_range_q(field: str, date_from: datetime.date | None, date_to: datetime.date | None) -> Q:
    """Rows whose `field` falls on the days from `date_from` to `date_to` inclusive, in China time."""
    q = Q()
    if date_from is not None:
        q &= Q(**{f"{field}__gte": datetime.datetime.combine(date_from, datetime.time.min, tzinfo=CHINA_TZ)})
    if date_to is not None:
        next_day = date_to + datetime.timedelta(days=1)
        q &= Q(**{f"{field}__lt": datetime.datetime.combine(next_day, datetime.time.min, tzinfo=CHINA_TZ)})
    return q


def visible_log_org(*, user: Any, org_id: int) -> Organisation:
    """An organisation to filter the logs by; one outside the caller's log scope is not found."""
    organisation = Organisation.objects.filter(pk=org_id).only("path", "name").first()
    if organisation is None or not scope.organisation_in_scope(user, "log.view", organisation):
        raise NotFound()
    return organisation


def operation_logs_visible(
    *,
    user: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    org_id: int | None = None,
    q: str = "",
) -> QuerySet[OperationLog]:
    """Operation-log rows of the organisations in the caller's `log.view` scope, newest first."""
    rows = scope.filter_queryset(
        OperationLog.objects.select_related("organisation"),
        user,
        "log.view",
        org_field="organisation",
        owner_field="actor",
    ).filter(day_range_q("created_at", date_from, date_to))
    if org_id is not None:
        organisation = visible_log_org(user=user, org_id=org_id)
        rows = rows.filter(organisation__path__startswith=organisation.path)
    if actor := actor.strip():
        rows = rows.filter(actor_username__icontains=actor)
    if action := action.strip():
        # "org" finds every org.* action; "org.create" only that one.
        rows = rows.filter(action=action) if "." in action else rows.filter(action__startswith=f"{action}.")
    if object_type := object_type.strip():
        rows = rows.filter(object_type=object_type)
    if q := q.strip():
        rows = rows.filter(Q(summary__icontains=q) | Q(object_repr__icontains=q) | Q(object_id=q))
    return rows.order_by("-created_at", "-id")


def operation_log_get(*, user: Any, log_id: int) -> OperationLog:
    return scope.get_in_scope(
        OperationLog.objects.select_related("organisation"),
        user,
        "log.view",
        pk=log_id,
        org_field="organisation",
        owner_field="actor",
    )


def login_logs_visible(
    *,
    user: Any,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    username: str = "",
    success: bool | None = None,
    ip: str = "",
) -> QuerySet[LoginLog]:
    """Login attempts of accounts in the caller's `log.view` scope, newest first.

    An attempt with an unknown username belongs to no organisation, so only whole-system
    viewers see it.
    """
    rows = scope.filter_queryset(
        LoginLog.objects.select_related("organisation", "user"),
        user,
        "log.view",
        org_field="organisation",
        owner_field="user",
    ).filter(day_range_q("created_at", date_from, date_to))
    if username := username.strip():
        # The log keeps account names; a phone or ID number typed here finds its account's rows.
        match = Q(username__icontains=username)
        if (account := resolve_login(username)) is not None:
            match |= Q(user=account)
        rows = rows.filter(match)
    if success is not None:
        rows = rows.filter(success=success)
    if ip := ip.strip():
        rows = rows.filter(ip=ip) if _is_full_ip(ip) else rows.filter(ip__startswith=ip)
    return rows.order_by("-created_at", "-id")


def _is_full_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str

    @property
    def multiline(self) -> bool:
        return "\n" in self.before or "\n" in self.after


def _shown(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, indent=1)
    if name in SENSITIVE_FIELDS and isinstance(value, str):
        # Services store these masked already; masking again costs nothing and guards older rows.
        return SENSITIVE_FIELDS[name](value)
    return str(value)


def operation_log_changes(log: OperationLog) -> list[FieldChange]:
    """The before/after table of one log row, one line per field either side mentions."""
    before = log.before if isinstance(log.before, dict) else {}
    after = log.after if isinstance(log.after, dict) else {}
    names = list(dict.fromkeys([*before, *after]))
    return [
        FieldChange(
            field=name,
            label=oplog_actions.detail_label(log.object_type, name),
            before=_shown(name, oplog_actions.detail_value(log.object_type, name, before.get(name))),
            after=_shown(name, oplog_actions.detail_value(log.object_type, name, after.get(name))),
        )
        for name in names
    ]
