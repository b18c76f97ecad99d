"""The roster over the API (/api/v1/people). ID numbers and phones are masked unless the caller holds
pii.view over the person's organisation and asks for them (`full=true`, `/reveal`), which is logged."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from suzhi.core.api.base import ErrorOut, current_user, page_slice
from suzhi.core.web import ensure_perm
from suzhi.people.models import Person
from suzhi.people.selectors.persons import (
    VIEW,
    person_detail_get,
    persons_list,
    shown_id_number,
    shown_phone,
)
from suzhi.people.services import accounts as account_services
from suzhi.people.services import persons as services

router = Router(tags=["people"])

ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class OrgRef(Schema):
    id: int
    code: str
    name: str


class DictRef(Schema):
    code: str
    label: str


class PersonOut(Schema):
    id: int
    name: str
    name_initials: str
    gender: str
    id_type: str
    id_number: str
    birth_year: int | None
    birth_date: datetime.date | None
    phone: str
    organisation: OrgRef
    categories: list[DictRef]
    post: str
    education: DictRef | None
    political_status: DictRef | None
    union_member: bool
    hire_date: datetime.date | None
    extra: dict[str, Any]
    is_active: bool
    left_on: datetime.date | None
    leave_reason: str
    has_login: bool
    full: bool

    # `_pii_full` is set by the handler only after the full view has been logged.
    @staticmethod
    def resolve_id_number(obj: Any) -> str:
        return shown_id_number(obj, full=getattr(obj, "_pii_full", False))

    @staticmethod
    def resolve_phone(obj: Any) -> str:
        return shown_phone(obj, full=getattr(obj, "_pii_full", False))

    @staticmethod
    def resolve_birth_year(obj: Any) -> int | None:
        return obj.birth_date.year if obj.birth_date else None

    @staticmethod
    def resolve_birth_date(obj: Any) -> datetime.date | None:
        # The birth date is the middle of the ID number: shown only with the full values.
        return obj.birth_date if getattr(obj, "_pii_full", False) else None

    @staticmethod
    def resolve_full(obj: Any) -> bool:
        return getattr(obj, "_pii_full", False)

    @staticmethod
    def resolve_categories(obj: Any) -> list[Any]:
        return list(getattr(obj, "category_list", None) or obj.categories.all())

    @staticmethod
    def resolve_has_login(obj: Any) -> bool:
        return obj.user_id is not None


class PersonPage(Schema):
    items: list[PersonOut]
    count: int


class PersonIn(Schema):
    name: str
    id_number: str
    organisation_id: int
    id_type: str = Person.IdType.RESIDENT
    gender: str = ""
    birth_date: str | None = None
    phone: str = ""
    categories: list[str] = []
    post: str = ""
    education: str = ""
    political_status: str = ""
    union_member: bool = False
    hire_date: str | None = None
    extra: dict[str, Any] = {}


class PersonPatchIn(Schema):
    name: str | None = None
    id_type: str | None = None
    id_number: str | None = None
    gender: str | None = None
    birth_date: str | None = None
    phone: str | None = None
    organisation_id: int | None = None
    categories: list[str] | None = None
    post: str | None = None
    education: str | None = None
    political_status: str | None = None
    union_member: bool | None = None
    hire_date: str | None = None
    extra: dict[str, Any] | None = None


class TransferIn(Schema):
    to_organisation_id: int
    reason: str = ""


class DeactivateIn(Schema):
    reason: str
    left_on: str | None = None


class RevealOut(Schema):
    id_number: str
    phone: str


class LoginOut(Schema):
    user_id: int
    username: str
    initial_password: str | None


@router.get("/", response={200: PersonPage, 403: ErrorOut, 404: ErrorOut}, summary="People in the caller's scope")
def person_list(
    request: HttpRequest,
    org_id: int | None = None,
    category: str = "",
    active: bool | None = None,
    q: str = "",
    full: bool = False,
    page: int = 1,
    page_size: int = 20,
):
    """Filters: `org_id` (that organisation and below), `category` (a code of the person_category
    dictionary), `active`, `q` (name, pinyin initials such as zs for 张三, or the last digits of the ID
    number). `full=true` shows ID numbers and phones in full where the caller holds pii.view, and is
    written to the operation log. Paginated like every list: `page`, `page_size` (at most 200)."""
    user = current_user(request)
    ensure_perm(user, VIEW)
    people = persons_list(user=user, org_id=org_id, category=category, active=active, q=q)
    rows_on_page = page_slice(page, page_size)
    items = list(people[rows_on_page])
    if full:
        revealed = services.persons_pii_reveal(actor=user, persons=items)
        for person in items:
            person._pii_full = person.pk in revealed  # type: ignore[attr-defined]
    return {"items": items, "count": people.count()}


@router.post("/", response={201: PersonOut, **ERRORS}, summary="Add a person")
def person_create(request: HttpRequest, payload: PersonIn):
    """Dictionary fields take codes (or labels); `extra` holds attributes defined as PersonAttribute."""
    user = current_user(request)
    person = services.person_create(actor=user, **payload.dict())
    return Status(201, person_detail_get(user=user, person_id=person.pk))


@router.get("/{person_id}", response={200: PersonOut, 403: ErrorOut, 404: ErrorOut}, summary="One person")
def person_detail(request: HttpRequest, person_id: int):
    """Masked (the birth date too, only `birth_year` is given); `/reveal` gives the full values.
    Anyone may read their own record."""
    return person_detail_get(user=current_user(request), person_id=person_id)


@router.patch("/{person_id}", response={200: PersonOut, **ERRORS}, summary="Change a person")
def person_patch(request: HttpRequest, person_id: int, payload: PersonPatchIn):
    """Only the fields sent change; `"phone": ""` removes the number."""
    user = current_user(request)
    changes = {k: ("" if val is None and k == "phone" else val) for k, val in payload.dict(exclude_unset=True).items()}
    changes = {k: val for k, val in changes.items() if val is not None or k in ("birth_date", "hire_date")}
    services.person_update(actor=user, person_id=person_id, **changes)
    return person_detail_get(user=user, person_id=person_id)


@router.post("/{person_id}/transfer", response={200: PersonOut, **ERRORS}, summary="Transfer to an organisation")
def person_transfer(request: HttpRequest, person_id: int, payload: TransferIn):
    user = current_user(request)
    services.person_transfer(actor=user, person_id=person_id, to_organisation_id=payload.to_organisation_id,
                             reason=payload.reason)
    return person_detail_get(user=user, person_id=person_id)


@router.post("/{person_id}/deactivate", response={200: PersonOut, **ERRORS}, summary="Deactivate (left)")
def person_deactivate(request: HttpRequest, person_id: int, payload: DeactivateIn):
    """`reason`: resigned, transferred_out, retired or other; `left_on` defaults to today."""
    user = current_user(request)
    services.person_deactivate(actor=user, person_id=person_id, reason=payload.reason, left_on=payload.left_on)
    return person_detail_get(user=user, person_id=person_id)


@router.post("/{person_id}/reactivate", response={200: PersonOut, **ERRORS}, summary="Reactivate")
def person_reactivate(request: HttpRequest, person_id: int):
    user = current_user(request)
    services.person_reactivate(actor=user, person_id=person_id)
    return person_detail_get(user=user, person_id=person_id)


@router.post("/{person_id}/reveal", response={200: RevealOut, **ERRORS}, summary="Full ID number and phone")
def person_reveal(request: HttpRequest, person_id: int):
    """Only with pii.view over the person's organisation; written to the operation log."""
    id_number, phone = services.person_pii_reveal(actor=current_user(request), person_id=person_id)
    return {"id_number": id_number, "phone": phone}


@router.post("/{person_id}/login", response={201: LoginOut, **ERRORS}, summary="Create a participant login")
def person_login(request: HttpRequest, person_id: int):
    """Username is the phone (or the ID number); the initial password is in this answer only."""
    user = current_user(request)
    account, password = services.person_login_create(actor=user, person_id=person_id)
    return Status(201, {"user_id": account.pk, "username": account.username, "initial_password": password})


class AccountLinkIn(Schema):
    username: str


@router.put("/{person_id}/account", response={200: PersonOut, **ERRORS}, summary="Link an existing account")
def person_account_link(request: HttpRequest, person_id: int, payload: AccountLinkIn):
    """The account (username or phone) becomes the person's login; both must be in the caller's scope (404
    otherwise), and neither may be linked to another already (409)."""
    user = current_user(request)
    account_services.person_account_link(actor=user, person_id=person_id, username=payload.username)
    return person_detail_get(user=user, person_id=person_id)


@router.delete("/{person_id}/account", response={200: PersonOut, **ERRORS}, summary="Unlink the person's account")
def person_account_unlink(request: HttpRequest, person_id: int):
    user = current_user(request)
    account_services.person_account_unlink(actor=user, person_id=person_id)
    return person_detail_get(user=user, person_id=person_id)
