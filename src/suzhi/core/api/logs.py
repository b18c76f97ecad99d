"""The operation and login logs over the API (read only)."""

import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from suzhi.core.api.base import ErrorOut, Pagination, current_user
from suzhi.core.models import LoginLog, OperationLog
from suzhi.core.selectors import logs as log_selectors
from suzhi.core.web import ensure_perm

router = Router(tags=["logs"])


class OperationLogFilters(Schema):
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    actor: str = ""
    action: str = ""
    object_type: str = ""
    org_id: int | None = None
    q: str = ""


class LoginLogFilters(Schema):
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    username: str = ""
    success: bool | None = None
    ip: str = ""


class OperationLogOut(Schema):
    id: int
    created_at: datetime.datetime
    actor_id: int | None
    actor_username: str
    ip: str | None
    organisation_id: int | None
    organisation_name: str
    action: str
    action_label: str
    object_type: str
    object_type_label: str
    object_id: str
    object_repr: str
    summary: str

    @staticmethod
    def resolve_organisation_name(obj: OperationLog) -> str:
        return obj.organisation.name if obj.organisation else ""


class FieldChangeOut(Schema):
    field: str
    label: str
    before: str
    after: str


class OperationLogDetailOut(OperationLogOut):
    before: dict | list | None
    after: dict | list | None
    changes: list[FieldChangeOut]

    @staticmethod
    def resolve_changes(obj: OperationLog) -> list[log_selectors.FieldChange]:
        return log_selectors.operation_log_changes(obj)


class LoginLogOut(Schema):
    id: int
    created_at: datetime.datetime
    username: str
    user_id: int | None
    full_name: str
    organisation_id: int | None
    organisation_name: str
    ip: str | None
    user_agent: str
    channel: str
    success: bool
    reason: str

    @staticmethod
    def resolve_full_name(obj: LoginLog) -> str:
        return obj.user.full_name if obj.user else ""

    @staticmethod
    def resolve_organisation_name(obj: LoginLog) -> str:
        return obj.organisation.name if obj.organisation else ""


@router.get(
    "/operations",
    response={200: list[OperationLogOut], 403: ErrorOut, 404: ErrorOut},
    summary="Operation log rows in the caller's scope, newest first",
)
@paginate(Pagination)
def operation_list(request: HttpRequest, filters: Query[OperationLogFilters]):
    user = current_user(request)
    ensure_perm(user, "log.view")
    return log_selectors.operation_logs_visible(user=user, **filters.dict())


@router.get(
    "/operations/{log_id}",
    response={200: OperationLogDetailOut, 403: ErrorOut, 404: ErrorOut},
    summary="One operation log row with its before/after values",
)
def operation_detail(request: HttpRequest, log_id: int):
    user = current_user(request)
    ensure_perm(user, "log.view")
    return log_selectors.operation_log_get(user=user, log_id=log_id)


@router.get(
    "/logins",
    response={200: list[LoginLogOut], 403: ErrorOut},
    summary="Login attempts of accounts in the caller's scope, newest first",
)
@paginate(Pagination)
def login_list(request: HttpRequest, filters: Query[LoginLogFilters]):
    user = current_user(request)
    ensure_perm(user, "log.view")
    return log_selectors.login_logs_visible(user=user, **filters.dict())
