"""Dictionaries and system parameters over the API.

The /params routes are declared before the /{code} ones so that "params" is never taken for a
dictionary code.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from suzhi.core.api.base import ErrorOut, current_user
from suzhi.core.selectors import dicts as dict_selectors
from suzhi.core.services import dicts as dict_services
from suzhi.core.web import ensure_perm

router = Router(tags=["dicts"])


class ParamOut(Schema):
    key: str
    name: str
    value: str
    value_type: str
    description: str


class ParamIn(Schema):
    value: bool | int | str


class DictTypeOut(Schema):
    code: str
    name: str
    description: str
    is_system: bool


class DictTypeIn(Schema):
    code: str
    name: str
    description: str = ""


class DictItemOut(Schema):
    id: int
    code: str
    label: str
    label_en: str
    sort_order: int
    is_active: bool


class DictItemIn(Schema):
    code: str
    label: str
    label_en: str = ""
    sort_order: int = 0
    is_active: bool = True


class DictItemPatch(Schema):
    # `code` is here only so that sending one gets a clear refusal instead of being ignored.
    code: str | None = None
    label: str | None = None
    label_en: str | None = None
    sort_order: int | None = None
    is_active: bool | None = None


@router.get("/params/all", response={200: list[ParamOut], 403: ErrorOut}, summary="All system parameters")
def param_list(request: HttpRequest) -> Any:
    ensure_perm(current_user(request), "dict.manage")
    return list(dict_selectors.params_all())


@router.patch(
    "/params/{key}",
    response={200: ParamOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change a system parameter; the value is checked against its type",
)
def param_update(request: HttpRequest, key: str, payload: ParamIn) -> Any:
    user = current_user(request)
    ensure_perm(user, "dict.manage")
    return dict_services.param_update(actor=user, key=key, value=payload.value)


@router.get("/", response=list[DictTypeOut], summary="All dictionaries")
def dict_type_list(request: HttpRequest) -> Any:
    return list(dict_selectors.dict_types())


@router.post("/", response={201: DictTypeOut, 403: ErrorOut, 422: ErrorOut}, summary="Create a dictionary")
def dict_type_create(request: HttpRequest, payload: DictTypeIn) -> Any:
    user = current_user(request)
    ensure_perm(user, "dict.manage")
    return Status(201, dict_services.dict_type_create(actor=user, **payload.dict()))


@router.get(
    "/{code}/items",
    response={200: list[DictItemOut], 404: ErrorOut},
    summary="Items of a dictionary: active ones, or all with ?all=1 for dictionary managers",
)
def dict_item_list(request: HttpRequest, code: str, all: bool = False) -> Any:  # noqa: A002 - the query name
    user = current_user(request)
    dict_selectors.dict_type_get(code)
    active_only = not (all and user.has_perm("dict.manage"))
    return list(dict_selectors.dict_items(code, active_only=active_only))


@router.post(
    "/{code}/items",
    response={201: DictItemOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add an item to a dictionary",
)
def dict_item_create(request: HttpRequest, code: str, payload: DictItemIn) -> Any:
    user = current_user(request)
    ensure_perm(user, "dict.manage")
    return Status(201, dict_services.dict_item_create(actor=user, type_code=code, **payload.dict()))


@router.patch(
    "/{code}/items/{item_id}",
    response={200: DictItemOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change an item's labels, order or activity (the code is fixed)",
)
def dict_item_update(request: HttpRequest, code: str, item_id: int, payload: DictItemPatch) -> Any:
    user = current_user(request)
    ensure_perm(user, "dict.manage")
    return dict_services.dict_item_update(
        actor=user, type_code=code, item_id=item_id, **payload.dict(exclude_unset=True)
    )
