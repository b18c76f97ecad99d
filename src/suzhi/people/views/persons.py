"""Roster pages (人员): list with filters, detail, add, edit, transfer, leave and return, logins, and
the logged "show in full" of ID numbers and phones."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from suzhi.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from suzhi.core.web import AuthedHttpRequest, paginate, require_perm, show_form_error
from suzhi.people.forms.persons import DeactivateForm, PersonFilterForm, PersonForm, TransferForm
from suzhi.people.models import Person
from suzhi.people.selectors.persons import (
    MANAGE,
    VIEW,
    can_see_pii,
    person_detail_get,
    person_get,
    person_transfers,
    persons_list,
    pii_viewer,
    shown_id_number,
    shown_phone,
)
from suzhi.people.services import accounts as account_services
from suzhi.people.services import persons as services

FORM_ERRORS = (ValidationFailed, Conflict)


def _filters(request: AuthedHttpRequest, form: PersonFilterForm) -> dict[str, Any]:
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    # The organisation goes to the selector as given: one outside the caller's scope is a 404.
    return {
        "org_id": request.GET.get("org", "").strip() or None,
        "category": data.get("category", ""),
        "active": {"1": True, "0": False}.get(request.GET.get("active", "1")),
        "q": data.get("q", ""),
    }


@require_perm(VIEW)
def person_list(request: AuthedHttpRequest) -> HttpResponse:
    form = PersonFilterForm(request.GET or None, viewer=request.user, initial={"active": "1"})
    people = persons_list(user=request.user, **_filters(request, form))
    context = paginate(request, people)
    rows = list(context["page_obj"])
    offer_full = pii_viewer(request.user)
    revealed: set[int] = set()
    if offer_full and request.GET.get("full") == "1":
        revealed = services.persons_pii_reveal(actor=request.user, persons=rows)
    for person in rows:
        full = person.pk in revealed
        person.id_shown = shown_id_number(person, full=full)  # type: ignore[attr-defined]
        person.phone_shown = shown_phone(person, full=full)  # type: ignore[attr-defined]
    params = request.GET.copy()
    showing_full = bool(revealed)
    if showing_full:
        params.pop("full", None)
    else:
        params["full"] = "1"
    context.update(
        form=form, rows=rows, offer_full=offer_full, showing_full=showing_full, toggle_query=params.urlencode(),
        can_create=request.user.has_perm(MANAGE),
        can_open_accounts=request.user.has_perm(MANAGE) and request.user.has_perm("user.manage"),
        accounts_org=request.GET.get("org", "").strip() or request.user.organisation_id or "",
    )
    return render(request, "people/persons/list.html", context)


def _detail_context(request: AuthedHttpRequest, person: Person, *, full: bool = False) -> dict[str, Any]:
    user = request.user
    manageable = user.has_perm(MANAGE) and _manageable(user, person)
    return {
        "person": person,
        "id_shown": shown_id_number(person, full=full),
        "phone_shown": shown_phone(person, full=full),
        "full": full,
        "can_reveal": not full and can_see_pii(user, person.organisation),
        "transfers": list(person_transfers(person=person)),
        "manageable": manageable,
        "can_create_login": manageable and person.user_id is None and person.is_active
        and user.has_perm("user.manage"),
        "can_link_account": manageable and user.has_perm("user.manage"),
        "login_shown": _login_shown(user, person),
        "extra_rows": _extra_rows(person),
    }


def _manageable(user: Any, person: Person) -> bool:
    try:
        person_get(user=user, person_id=person.pk, permission=MANAGE)
    except NotFound:
        return False
    return True


def _login_shown(user: Any, person: Person) -> str:
    return person.user.username if person.user is not None else ""


def _extra_rows(person: Person) -> list[tuple[str, Any]]:
    from suzhi.people.models import PersonAttribute

    if not person.extra:
        return []
    labels = dict(PersonAttribute.objects.filter(key__in=list(person.extra)).values_list("key", "label"))
    return [(labels.get(key, key), value) for key, value in sorted(person.extra.items())]


@login_required
def person_detail(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """Open to anyone for their own record; otherwise person.view over the person's organisation."""
    person = person_detail_get(user=request.user, person_id=person_id)
    return render(request, "people/persons/detail.html", _detail_context(request, person))


@never_cache
@require_POST
@login_required
def person_reveal(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    services.person_pii_reveal(actor=request.user, person_id=person_id)
    person = person_detail_get(user=request.user, person_id=person_id)
    return render(request, "people/persons/detail.html", _detail_context(request, person, full=True))


def _aliases(form: PersonForm) -> dict[str, str]:
    aliases = {f"extra.{a.key}": f"extra_{a.key}" for a in form.attributes}
    aliases["organisation_id"] = "organisation"
    return aliases


def _person_data(form: PersonForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"], "id_type": data["id_type"], "id_number": data["id_number"],
        "gender": data["gender"], "birth_date": data["birth_date"], "phone": data["phone"],
        "categories": data["categories"], "post": data["post"], "education": data["education"],
        "political_status": data["political_status"], "union_member": data["union_member"],
        "hire_date": data["hire_date"], "extra": form.extra_values(),
    }


@require_perm(MANAGE)
def person_create(request: AuthedHttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, actor=request.user,
                      initial={"organisation": request.GET.get("org") or request.user.organisation_id})
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                actor=request.user, organisation_id=form.cleaned_data["organisation"].pk, **_person_data(form)
            )
        except FORM_ERRORS as exc:
            show_form_error(form, exc, _aliases(form))
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": person.name})
            return redirect("people:person_detail", person_id=person.pk)
    return render(request, "people/persons/form.html", {"form": form, "creating": True})


def _initial_extra(value: Any) -> Any:
    # Yes/no attributes are offered as 是/否 choices.
    return {True: "是", False: "否"}.get(value, value) if isinstance(value, bool) else value


@require_perm(MANAGE)
def person_edit(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=person_id, permission=MANAGE)
    id_shown, phone_shown = shown_id_number(person, full=False), shown_phone(person, full=False)
    initial = {
        "name": person.name, "id_type": person.id_type, "id_number": id_shown, "gender": person.gender,
        # A resident ID's birth date would unmask the number; it is derived from it anyway.
        "birth_date": None if person.id_type == Person.IdType.RESIDENT else person.birth_date,
        "phone": phone_shown,
        "categories": list(person.categories.values_list("code", flat=True)), "post": person.post,
        "education": person.education.code if person.education else "",
        "political_status": person.political_status.code if person.political_status else "",
        "union_member": person.union_member, "hire_date": person.hire_date,
        **{f"extra_{key}": _initial_extra(value) for key, value in (person.extra or {}).items()},
    }
    form = PersonForm(request.POST or None, actor=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = _person_data(form)
        # The masked values sent back unchanged mean "keep them".
        if changes["id_number"].strip() == id_shown and id_shown != person.id_number:
            del changes["id_number"]
        if changes["phone"].strip() == phone_shown and phone_shown != person.phone:
            del changes["phone"]
        try:
            services.person_update(actor=request.user, person_id=person.pk, **changes)
        except FORM_ERRORS as exc:
            show_form_error(form, exc, _aliases(form))
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("people:person_detail", person_id=person.pk)
    return render(request, "people/persons/form.html", {"form": form, "person": person, "creating": False})


@require_perm(MANAGE)
def person_transfer(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=person_id, permission=MANAGE)
    form = TransferForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.person_transfer(
                actor=request.user, person_id=person.pk,
                to_organisation_id=form.cleaned_data["to_organisation"].pk, reason=form.cleaned_data["reason"],
            )
        except FORM_ERRORS as exc:
            show_form_error(form, exc)
        else:
            messages.success(request, _("%(name)s now belongs to %(org)s.")
                             % {"name": person.name, "org": transfer.to_organisation.name})
            return redirect("people:person_detail", person_id=person.pk)
    return render(request, "people/persons/action.html", {
        "form": form, "person": person, "title": _("Transfer %(name)s") % {"name": person.name},
        "submit": _("Transfer"),
    })


@require_perm(MANAGE)
def person_deactivate(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=person_id, permission=MANAGE)
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_deactivate(actor=request.user, person_id=person.pk, reason=form.cleaned_data["reason"],
                                       left_on=form.cleaned_data["left_on"])
        except FORM_ERRORS as exc:
            show_form_error(form, exc)
        else:
            messages.success(request, _("%(name)s is marked as left; their records are kept.") % {"name": person.name})
            return redirect("people:person_detail", person_id=person.pk)
    return render(request, "people/persons/action.html", {
        "form": form, "person": person, "title": _("%(name)s leaves") % {"name": person.name},
        "submit": _("Deactivate"), "danger": True,
        "note": _("Nothing is deleted: their results, hours and awards stay on record."),
    })


@require_POST
@require_perm(MANAGE)
def person_reactivate(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=person_id, permission=MANAGE)
    try:
        services.person_reactivate(actor=request.user, person_id=person.pk)
    except FORM_ERRORS as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(name)s is active again.") % {"name": person.name})
    return redirect("people:person_detail", person_id=person.pk)


@never_cache
@require_POST
@require_perm(MANAGE)
def person_login_create(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=person_id, permission=MANAGE)
    try:
        account, password = services.person_login_create(actor=request.user, person_id=person.pk)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("people:person_detail", person_id=person.pk)
    person = person_detail_get(user=request.user, person_id=person.pk)
    # Rendered, not redirected: the initial password is shown this once and stored nowhere.
    return render(request, "people/persons/login_shown.html", {
        "person": person, "account": account, "password": password,
        "login_shown": _login_shown(request.user, person),
    })


@never_cache
@require_POST
@require_perm(MANAGE)
def person_account_link(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=person_id, permission=MANAGE)
    try:
        account_services.person_account_link(actor=request.user, person_id=person.pk,
                                             username=request.POST.get("username", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The account is linked."))
    return redirect("people:person_detail", person_id=person.pk)


@never_cache
@require_POST
@require_perm(MANAGE)
def person_account_unlink(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    person = person_get(user=request.user, person_id=person_id, permission=MANAGE)
    try:
        account_services.person_account_unlink(actor=request.user, person_id=person.pk)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("people:person_detail", person_id=person.pk)


urlpatterns = [
    path("", person_list, name="person_list"),
    path("new/", person_create, name="person_create"),
    path("<int:person_id>/", person_detail, name="person_detail"),
    path("<int:person_id>/edit/", person_edit, name="person_edit"),
    path("<int:person_id>/transfer/", person_transfer, name="person_transfer"),
    path("<int:person_id>/deactivate/", person_deactivate, name="person_deactivate"),
    path("<int:person_id>/reactivate/", person_reactivate, name="person_reactivate"),
    path("<int:person_id>/reveal/", person_reveal, name="person_reveal"),
    path("<int:person_id>/login/", person_login_create, name="person_login_create"),
    path("<int:person_id>/account/link/", person_account_link, name="person_account_link"),
    path("<int:person_id>/account/unlink/", person_account_unlink, name="person_account_unlink"),
]
