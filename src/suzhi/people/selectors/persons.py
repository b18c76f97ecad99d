"""Scoped reads of the roster (人员), and what of a person's personal data a viewer may see."""

import unicodedata
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from suzhi.core import scope
from suzhi.core.masking import mask_id_number, mask_phone
from suzhi.core.models import DictItem, Organisation
from suzhi.people.models import CATEGORY_DICT, Person, PersonCategory, PersonTransfer

VIEW = "person.view"
MANAGE = "person.manage"


def persons_visible(*, user: Any, permission: str = VIEW) -> QuerySet[Person]:
    """People in the user's scope for `permission`; a participant (仅本人) sees their own record."""
    return scope.filter_queryset(
        Person.objects.select_related("organisation"), user, permission,
        org_field="organisation", owner_field="user",
    )


def person_get(*, user: Any, person_id: Any, permission: str = VIEW) -> Person:
    """One person in scope; for viewing, everyone may also open their own record (a participant's
    "my details"), whatever their roles say."""
    base = Person.objects.select_related("organisation", "education", "political_status", "user")
    if permission == VIEW and getattr(user, "pk", None) is not None:
        own = base.filter(pk=person_id, user_id=user.pk).first() if str(person_id).isdigit() else None
        if own is not None:
            return own
    return scope.get_in_scope(base, user, permission, pk=person_id, org_field="organisation", owner_field="user")


def access_person_for_update(*, user: Any, person_id: Any) -> Person:
    return scope.get_in_scope(
        Person.objects.select_related("organisation"), user, MANAGE, pk=person_id, org_field="organisation",
        for_update=True,
    )


def search_q(q: str) -> Q:
    """Name, pinyin initials (张三 -> zs) or the last digits of the ID number."""
    q = (q or "").strip()
    if not q:
        return Q()
    match = Q(name__icontains=q)
    if q.isascii() and q.isalpha():
        match |= Q(name_initials__startswith=q.lower())
    digits = q.upper()
    if len(digits) >= 4 and (digits[:-1].isdigit() and (digits[-1].isdigit() or digits[-1] == "X")):
        match |= Q(id_last4=digits[-4:], id_number__endswith=digits)
    return match


def can_see_pii(viewer: Any, organisation: Organisation) -> bool:
    """Whether `viewer` may see full ID numbers and phones of people in `organisation` (pii.view there)."""
    return scope.organisation_in_scope(viewer, "pii.view", organisation)


def shown_id_number(person: Person, *, full: bool) -> str:
    return person.id_number if full else mask_id_number(person.id_number)


def shown_phone(person: Person, *, full: bool) -> str:
    return person.phone if full else mask_phone(person.phone)


def _categories_prefetch() -> Prefetch:
    return Prefetch("categories", queryset=DictItem.objects.order_by("sort_order", "code"))


def persons_list(
    *, user: Any, org_id: Any = None, category: str = "", active: bool | None = None, q: str = ""
) -> QuerySet[Person]:
    """The roster `user` may see, filtered: one query for the rows plus one prefetch for categories.

    `org_id` narrows to that organisation and below; an organisation outside the caller's scope is
    NotFound rather than an empty list, so its existence is not disclosed. `category` is a
    dictionary code; `q` matches the name, pinyin initials or the last digits of the ID number.
    """
    qs = persons_visible(user=user)
    if org_id not in (None, ""):
        organisation = scope.get_in_scope(
            Organisation.objects.only("id", "path"), user, VIEW, pk=org_id, org_field=""
        )
        qs = qs.filter(organisation__path__startswith=organisation.path)
    if category:
        qs = qs.filter(Exists(PersonCategory.objects.filter(
            person_id=OuterRef("pk"), dictitem__code=category, dictitem__dict_type__code=CATEGORY_DICT,
        )))
    if active is not None:
        qs = qs.filter(is_active=active)
    q = unicodedata.normalize("NFKC", q or "").strip()
    if q:
        qs = qs.filter(search_q(q))
    return qs.prefetch_related(_categories_prefetch()).order_by("organisation__path", "name_initials", "id")


def person_detail_get(*, user: Any, person_id: Any) -> Person:
    """`person_get` with the categories and transfer history loaded, for a detail page or answer."""
    person = person_get(user=user, person_id=person_id)
    person.category_list = list(person.categories.order_by("sort_order", "code"))  # type: ignore[attr-defined]
    return person


def person_transfers(*, person: Person) -> QuerySet[PersonTransfer]:
    """The transfer history of a person the caller has already been allowed to see."""
    return person.transfers.select_related("from_organisation", "to_organisation", "actor")


def person_for_user(user: Any, *, lock: bool = False) -> Person | None:
    """The logged-in participant's own roster record, or None (an administrator usually has none). `lock` holds the
    row until the caller's transaction ends, against a second request of the same person (FOR NO KEY UPDATE: rows
    that reference the person can still be written meanwhile)."""
    if not getattr(user, "is_authenticated", False):
        return None
    people = Person.objects.select_related("organisation")
    if lock:
        people = people.select_for_update(of=("self",), no_key=True)
    return people.filter(user_id=user.pk).first()


def pii_viewer(user: Any) -> bool:
    """Whether the user holds pii.view anywhere, i.e. whether to offer a "show in full" link at all."""
    from suzhi.core.permissions import has_code

    return has_code(user, "pii.view")


def login_by_id_number(login: str) -> Any:
    """The participant account of the person with this ID number, for logging in (a login resolver)."""
    number = login.strip().upper()
    if len(number) < 6:
        return None
    person = Person.objects.filter(id_number=number, user__isnull=False).select_related("user").first()
    return person.user if person is not None else None
