"""The organisation tree over the API: list, read, create, edit, move, delete, import."""

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from suzhi.core import org_sheet
from suzhi.core.api.base import ErrorOut, Pagination, current_user
from suzhi.core.api.imports import ImportOut, import_out
from suzhi.core.errors import NotFound
from suzhi.core.imports import ensure_upload_size
from suzhi.core.masking import mask_phone
from suzhi.core.models import Organisation
from suzhi.core.permissions import has_code
from suzhi.core.selectors import orgs as selectors
from suzhi.core.services import org_import as importer
from suzhi.core.services import orgs as services
from suzhi.core.web import ensure_perm

router = Router(tags=["orgs"])

ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class OrgOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    name_initials: str
    org_type: str = Field(description="Dictionary code of the organisation type")
    org_type_label: str
    region_code: str
    contact_person: str
    contact_phone: str = Field(description="Masked unless the caller holds pii.view")
    address: str
    is_active: bool
    depth: int
    has_children: bool
    parent_id: int | None = Field(None, description="Null for a root or a parent outside the caller's scope")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_org_type(obj: Organisation) -> str:
        return obj.org_type.code

    @staticmethod
    def resolve_org_type_label(obj: Organisation) -> str:
        return obj.org_type.display_label

    @staticmethod
    def resolve_has_children(obj: Organisation) -> bool:
        return obj.numchild > 0

    @staticmethod
    def resolve_contact_phone(obj: Organisation, context: dict[str, Any]) -> str:
        user = current_user(context["request"])
        return obj.contact_phone if has_code(user, "pii.view") else mask_phone(obj.contact_phone)

    @staticmethod
    def resolve_parent_id(obj: Organisation, context: dict[str, Any]) -> int | None:
        return selectors.visible_parent_id(current_user(context["request"]), obj)


class OrgFilters(Schema):
    parent_id: int | None = Field(None, description="Only the children of this organisation")
    q: str = Field("", description="Name, short name, code or pinyin initials contain this")
    type: str = Field("", description="Organisation type code")


class OrgCreateIn(Schema):
    parent_id: int | None = Field(None, description="Required unless the caller's scope is all data")
    code: str = Field(..., min_length=1, max_length=64)
    name: str = Field(..., min_length=1, max_length=200)
    org_type: str = Field(..., description="Dictionary code or Chinese label, e.g. enterprise or 企事业单位")
    short_name: str = Field("", max_length=100)
    region_code: str = Field("", max_length=12)
    contact_person: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=30)
    address: str = Field("", max_length=200)


class OrgUpdateIn(Schema):
    code: str | None = Field(None, min_length=1, max_length=64)
    name: str | None = Field(None, min_length=1, max_length=200)
    org_type: str | None = None
    short_name: str | None = Field(None, max_length=100)
    region_code: str | None = Field(None, max_length=12)
    contact_person: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=30)
    address: str | None = Field(None, max_length=200)
    is_active: bool | None = None


class MoveIn(Schema):
    target_id: int


def _one(user: Any, org_id: int) -> Organisation:
    org = selectors.with_parent_pk(selectors.orgs_visible(user=user)).filter(pk=org_id).first()
    if org is None:
        raise NotFound()
    return org


@router.get("/", response=list[OrgOut], summary="Organisations in the caller's scope")
@paginate(Pagination)
def org_list(request: HttpRequest, filters: Query[OrgFilters]):
    user = current_user(request)
    ensure_perm(user, "org.view")
    qs = selectors.org_list(user=user, parent_id=filters.parent_id, q=filters.q, type_code=filters.type)
    return selectors.with_parent_pk(qs)


@router.get("/roots", response={200: list[OrgOut], 403: ErrorOut}, summary="Where the caller's tree starts")
def org_roots(request: HttpRequest):
    user = current_user(request)
    ensure_perm(user, "org.view")
    roots = selectors.scope_roots(user=user)
    return list(selectors.with_parent_pk(selectors.orgs_visible(user=user)).filter(pk__in=[r.pk for r in roots]))


@router.get("/import/template", summary="The import template (.xlsx) with the type dropdown")
def org_import_template(request: HttpRequest):
    ensure_perm(current_user(request), "org.manage")
    response = HttpResponse(org_sheet.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename=org-import-template.xlsx"
    return response


@router.post("/import", response={200: ImportOut, 403: ErrorOut, 422: ErrorOut},
             summary="Import organisations from .xlsx/.xls/.ods/.csv")
def org_import(
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    skip_invalid: Form[bool] = False,
):
    user = current_user(request)
    ensure_perm(user, "org.manage")
    ensure_upload_size(file.size or 0)
    result = importer.org_import(
        actor=user, data=file.read(), filename=file.name or "", dry_run=dry_run, skip_invalid=skip_invalid
    )
    return import_out(result)


@router.get("/{org_id}", response={200: OrgOut, 403: ErrorOut, 404: ErrorOut}, summary="One organisation")
def org_detail(request: HttpRequest, org_id: int):
    user = current_user(request)
    ensure_perm(user, "org.view")
    return _one(user, org_id)


@router.get("/{org_id}/children", response={200: list[OrgOut], 403: ErrorOut, 404: ErrorOut},
            summary="The visible children of an organisation")
def org_children(request: HttpRequest, org_id: int):
    user = current_user(request)
    ensure_perm(user, "org.view")
    return list(selectors.with_parent_pk(selectors.org_children(user=user, org_id=org_id)))


@router.post("/", response={201: OrgOut, **ERRORS}, summary="Add an organisation")
def org_create(request: HttpRequest, payload: OrgCreateIn):
    user = current_user(request)
    ensure_perm(user, "org.manage")
    parent = None
    if payload.parent_id is not None:
        parent = selectors.org_get(user=user, org_id=payload.parent_id, permission="org.manage")
    org = services.org_create(
        actor=user, parent=parent, code=payload.code, name=payload.name, org_type_code=payload.org_type,
        short_name=payload.short_name, region_code=payload.region_code, contact_person=payload.contact_person,
        contact_phone=payload.contact_phone, address=payload.address,
    )
    return Status(201, _one(user, org.pk))


@router.patch("/{org_id}", response={200: OrgOut, **ERRORS}, summary="Change fields of an organisation")
def org_update(request: HttpRequest, org_id: int, payload: OrgUpdateIn):
    user = current_user(request)
    ensure_perm(user, "org.manage")
    # An explicit null means "leave as is", like an absent field.
    data = {name: value for name, value in payload.dict(exclude_unset=True).items() if value is not None}
    services.org_update(actor=user, org_id=org_id, data=data)
    return _one(user, org_id)


@router.post("/{org_id}/move", response={200: OrgOut, **ERRORS}, summary="Move an organisation and its subtree")
def org_move(request: HttpRequest, org_id: int, payload: MoveIn):
    user = current_user(request)
    ensure_perm(user, "org.manage")
    services.org_move(actor=user, org_id=org_id, target_id=payload.target_id)
    return _one(user, org_id)


@router.delete("/{org_id}", response={204: None, **ERRORS}, summary="Delete an organisation nothing depends on")
def org_delete(request: HttpRequest, org_id: int):
    user = current_user(request)
    ensure_perm(user, "org.manage")
    services.org_delete(actor=user, org_id=org_id)
    return Status(204, None)
