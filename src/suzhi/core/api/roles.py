"""Role definitions over the API (/api/v1/roles). Roles are global; writes need role.manage."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from suzhi.core.api.base import ErrorOut, Pagination, current_user
from suzhi.core.api.users import OrgRef
from suzhi.core.models import Role
from suzhi.core.selectors.roles import ensure_can_read_roles, permission_choices, role_get, roles_list
from suzhi.core.services import roles as role_services

router = Router(tags=["roles"])

ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PermissionOut(Schema):
    code: str
    label: str
    group: str


class RoleOut(Schema):
    id: int
    code: str
    name: str
    description: str
    permissions: list[str]
    data_scope: str
    is_builtin: bool
    custom_organisations: list[OrgRef]
    assignment_count: int

    @staticmethod
    def resolve_custom_organisations(obj: Any) -> list[Any]:
        return list(obj.custom_organisations.all())


class RoleIn(Schema):
    code: str
    name: str
    description: str = ""
    permissions: list[str] = []
    data_scope: str = Role.DataScope.SUBTREE
    custom_organisation_ids: list[int] = []


class RolePatchIn(Schema):
    code: str | None = None
    name: str | None = None
    description: str | None = None
    permissions: list[str] | None = None
    data_scope: str | None = None
    custom_organisation_ids: list[int] | None = None


@router.get("/permissions", response={200: list[PermissionOut], 403: ErrorOut},
            summary="The permission codes a role can grant, with labels and groups")
def permission_list(request: HttpRequest):
    ensure_can_read_roles(current_user(request))
    return [{"code": code, "label": label, "group": group} for code, label, group in permission_choices()]


@router.get("/", response={200: list[RoleOut], 403: ErrorOut}, summary="All roles")
@paginate(Pagination)
def role_list(request: HttpRequest, q: str = ""):
    return roles_list(user=current_user(request), q=q)


@router.post("/", response={201: RoleOut, **ERRORS}, summary="Define a role")
def role_create(request: HttpRequest, payload: RoleIn):
    """`data_scope`: all, subtree, org, self or custom (then `custom_organisation_ids` is required)."""
    actor = current_user(request)
    role = role_services.role_create(actor=actor, **payload.dict())
    return Status(201, role_get(user=actor, role_id=role.pk))


@router.get("/{role_id}", response={200: RoleOut, 403: ErrorOut, 404: ErrorOut}, summary="One role")
def role_detail(request: HttpRequest, role_id: int):
    return role_get(user=current_user(request), role_id=role_id)


@router.patch("/{role_id}", response={200: RoleOut, **ERRORS}, summary="Change a role")
def role_patch(request: HttpRequest, role_id: int, payload: RolePatchIn):
    """Only the fields sent change. Built-in roles keep their code."""
    actor = current_user(request)
    role_services.role_update(actor=actor, role_id=role_id, **payload.dict(exclude_unset=True))
    return role_get(user=actor, role_id=role_id)


@router.delete("/{role_id}", response={204: None, **ERRORS}, summary="Delete a role")
def role_delete(request: HttpRequest, role_id: int):
    """Refused (409) for built-in roles and for roles someone still holds."""
    role_services.role_delete(actor=current_user(request), role_id=role_id)
    return Status(204, None)
