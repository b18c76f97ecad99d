"""User accounts over the API (/api/v1/users)."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from suzhi.core.api.base import ErrorOut, Pagination, current_user
from suzhi.core.permissions import permission_codes_for
from suzhi.core.selectors.users import shown_phone, user_get, users_visible
from suzhi.core.services import users as user_services
from suzhi.core.web import ensure_perm

router = Router(tags=["users"])

ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class OrgRef(Schema):
    id: int
    code: str
    name: str


class AssignmentOut(Schema):
    id: int
    role_code: str
    role_name: str
    data_scope: str
    organisation: OrgRef
    created_at: datetime.datetime

    @staticmethod
    def resolve_role_code(obj: Any) -> str:
        return obj.role.code

    @staticmethod
    def resolve_role_name(obj: Any) -> str:
        return obj.role.name

    @staticmethod
    def resolve_data_scope(obj: Any) -> str:
        return obj.role.data_scope


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    phone: str
    organisation: OrgRef | None
    is_active: bool
    must_change_password: bool
    last_login: datetime.datetime | None
    date_joined: datetime.datetime
    roles: list[AssignmentOut]

    @staticmethod
    def resolve_phone(obj: Any, context: Any) -> str:
        # Masked unless the caller holds pii.view over the account: the same helper as pages and exports.
        return shown_phone(viewer=current_user(context["request"]), account=obj)

    @staticmethod
    def resolve_roles(obj: Any) -> list[Any]:
        return list(obj.role_assignments.all())


class UserCreateIn(Schema):
    username: str
    full_name: str
    organisation_id: int
    phone: str = ""
    password: str | None = None
    role_codes: list[str] = []


class UserCreatedOut(Schema):
    user: UserOut
    initial_password: str | None


class UserPatchIn(Schema):
    full_name: str | None = None
    phone: str | None = None
    organisation_id: int | None = None
    is_active: bool | None = None


class PasswordResetOut(Schema):
    temporary_password: str


class RoleAssignIn(Schema):
    role_code: str
    organisation_id: int


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    phone: str
    organisation: OrgRef | None
    must_change_password: bool
    permissions: list[str]
    roles: list[AssignmentOut]

    @staticmethod
    def resolve_phone(obj: Any) -> str:
        return obj.phone or ""

    @staticmethod
    def resolve_permissions(obj: Any) -> list[str]:
        return sorted(permission_codes_for(obj))

    @staticmethod
    def resolve_roles(obj: Any) -> list[Any]:
        return list(obj.role_assignments.select_related("role", "organisation").order_by("role__code", "id"))


@router.get("/", response={200: list[UserOut], 403: ErrorOut, 404: ErrorOut}, summary="Users in the caller's scope")
@paginate(Pagination)
def user_list(
    request: HttpRequest,
    org_id: int | None = None,
    q: str = "",
    is_active: bool | None = None,
    role: str = "",
):
    """Filters: `org_id` (that organisation and below), `q` (username, name, or the phone's last digits),
    `is_active`, `role` (a role code)."""
    user = current_user(request)
    ensure_perm(user, "user.view")
    return users_visible(user=user, org_id=org_id, q=q, is_active=is_active, role_code=role)


@router.post("/", response={201: UserCreatedOut, **ERRORS}, summary="Create a user")
def user_create(request: HttpRequest, payload: UserCreateIn):
    """The answer carries the generated initial password once (null when `password` was given).
    The person must change it at first login."""
    actor = current_user(request)
    account, initial_password = user_services.user_create(
        actor=actor,
        username=payload.username,
        full_name=payload.full_name,
        organisation_id=payload.organisation_id,
        phone=payload.phone,
        password=payload.password,
        role_codes=payload.role_codes,
    )
    return Status(201, {"user": account, "initial_password": initial_password})


@router.get("/me", response=MeOut, summary="The caller: organisation, permission codes and roles")
def me(request: HttpRequest):
    return current_user(request)


@router.get("/{user_id}", response={200: UserOut, 403: ErrorOut, 404: ErrorOut}, summary="One user")
def user_detail(request: HttpRequest, user_id: int):
    user = current_user(request)
    if user_id != user.pk:
        ensure_perm(user, "user.view")
    return user_get(user=user, user_id=user_id)


@router.patch("/{user_id}", response={200: UserOut, **ERRORS}, summary="Change a user")
def user_patch(request: HttpRequest, user_id: int, payload: UserPatchIn):
    """Only the fields sent change; `"phone": null` or `""` removes the number."""
    actor = current_user(request)
    changes = payload.dict(exclude_unset=True)
    if "phone" in changes and changes["phone"] is None:
        changes["phone"] = ""
    return user_services.user_update(
        actor=actor,
        user_id=user_id,
        full_name=changes.get("full_name"),
        phone=changes.get("phone"),
        organisation_id=changes.get("organisation_id"),
        is_active=changes.get("is_active"),
    )


@router.post("/{user_id}/reset-password", response={200: PasswordResetOut, **ERRORS}, summary="Reset a password")
def user_reset_password(request: HttpRequest, user_id: int):
    """A temporary password, shown once; the person must change it at next login and their API
    tokens are revoked."""
    temporary = user_services.user_password_reset(actor=current_user(request), user_id=user_id)
    return {"temporary_password": temporary}


@router.post("/{user_id}/roles", response={201: AssignmentOut, **ERRORS}, summary="Grant a role")
def user_role_assign(request: HttpRequest, user_id: int, payload: RoleAssignIn):
    assignment = user_services.user_role_assign(
        actor=current_user(request), user_id=user_id, role_code=payload.role_code,
        organisation_id=payload.organisation_id,
    )
    return Status(201, assignment)


@router.delete("/{user_id}/roles/{assignment_id}", response={204: None, **ERRORS}, summary="Revoke a role")
def user_role_revoke(request: HttpRequest, user_id: int, assignment_id: int):
    user_services.user_role_revoke(actor=current_user(request), assignment_id=assignment_id, user_id=user_id)
    return Status(204, None)
