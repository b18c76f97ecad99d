"""User pages (用户管理): list with filters and export, create, detail with roles, edit, reset, enable."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from suzhi.core.errors import Conflict, ValidationFailed
from suzhi.core.forms.users import RoleAssignForm, UserCreateForm, UserEditForm, UserFilterForm
from suzhi.core.selectors.users import (
    can_manage_account,
    shown_phone,
    user_get,
    user_get_manageable,
    users_visible,
)
from suzhi.core.services import users as user_services
from suzhi.core.services.users import EscalationRefused
from suzhi.core.web import AuthedHttpRequest, paginate, require_perm, show_form_error, xlsx_download

# What a page form shows in its own fields; anything else becomes a message above the form.
FORM_ERRORS = (ValidationFailed, Conflict, EscalationRefused)


def _list_filters(request: AuthedHttpRequest, form: UserFilterForm) -> dict[str, Any]:
    form.is_valid()
    data = form.cleaned_data
    # The organisation goes to the selector as given: one outside the caller's scope is a 404.
    org = request.GET.get("org", "").strip()
    return {
        "org_id": org or None,
        "q": data.get("q", ""),
        "is_active": {"1": True, "0": False}.get(data.get("active", "")),
        "role_code": data.get("role", ""),
    }


def _role_text(account: Any) -> str:
    return "、".join(
        f"{a.role.name}@{a.organisation.short_name or a.organisation.name}" for a in account.role_assignments.all()
    )


def _export(request: AuthedHttpRequest, users: Any) -> HttpResponse:
    headers = [_("Username"), _("Full name"), _("Mobile phone"), _("Organisation"), _("Roles"), _("Status"),
               _("Last login"), _("Created")]
    rows = (
        [
            account.username,
            account.full_name,
            shown_phone(viewer=request.user, account=account),
            account.organisation.name if account.organisation_id else "",
            _role_text(account),
            _("Active") if account.is_active else _("Disabled"),
            account.last_login,
            account.date_joined,
        ]
        for account in users.iterator(chunk_size=2000)
    )
    return xlsx_download(_("users.xlsx"), headers, rows, sheet=_("Users"))


@require_perm("user.view")
def user_list(request: AuthedHttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET, viewer=request.user)
    users = users_visible(user=request.user, **_list_filters(request, form))
    if request.GET.get("export") == "xlsx":
        return _export(request, users)
    context = paginate(request, users)
    for account in context["page_obj"]:
        account.phone_shown = shown_phone(viewer=request.user, account=account)
    params = request.GET.copy()
    params.pop("page", None)
    params["export"] = "xlsx"
    context.update(
        form=form, export_query=params.urlencode(), can_create=request.user.has_perm("user.manage")
    )
    return render(request, "core/users/list.html", context)


@sensitive_post_parameters("password")
@never_cache
@require_perm("user.manage")
def user_create(request: AuthedHttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None, actor=request.user,
                          initial={"organisation": request.user.organisation_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, initial_password = user_services.user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                organisation_id=data["organisation"].pk,
                phone=data["phone"],
                password=data["password"] or None,
                role_codes=data["role_codes"],
            )
        except FORM_ERRORS as exc:
            show_form_error(form, exc)
        else:
            # Rendered, not redirected: the generated password is shown this once and stored nowhere.
            return render(
                request,
                "core/users/password_shown.html",
                {"account": account, "password": initial_password, "created": True},
            )
    return render(request, "core/users/form.html", {"form": form, "creating": True})


def _detail_context(request: AuthedHttpRequest, account: Any, assign_form: RoleAssignForm | None = None) -> dict:
    manageable = request.user.has_perm("user.manage") and can_manage_account(request.user, account)
    if manageable and assign_form is None:
        assign_form = RoleAssignForm(actor=request.user, initial={"organisation": account.organisation_id})
    return {
        "account": account,
        "phone_shown": shown_phone(viewer=request.user, account=account),
        "assignments": list(account.role_assignments.all()),
        "manageable": manageable,
        "assign_form": assign_form if manageable else None,
        "is_self": account.pk == request.user.pk,
    }


@require_perm("user.view")
def user_detail(request: AuthedHttpRequest, user_id: int) -> HttpResponse:
    account = user_get(user=request.user, user_id=user_id)
    return render(request, "core/users/detail.html", _detail_context(request, account))


@require_perm("user.manage")
def user_edit(request: AuthedHttpRequest, user_id: int) -> HttpResponse:
    account = user_get_manageable(user=request.user, user_id=user_id)
    shown = shown_phone(viewer=request.user, account=account)
    initial = {"full_name": account.full_name, "phone": shown, "organisation": account.organisation_id}
    form = UserEditForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        phone = data["phone"].strip()
        try:
            user_services.user_update(
                actor=request.user,
                user_id=account.pk,
                full_name=data["full_name"],
                # The masked number sent back unchanged means "keep it".
                phone=None if shown and phone == shown and shown != account.phone else phone,
                organisation_id=data["organisation"].pk,
            )
        except FORM_ERRORS as exc:
            show_form_error(form, exc)
        else:
            messages.success(request, _("The account has been saved."))
            return redirect("core:user_detail", user_id=account.pk)
    return render(request, "core/users/form.html", {"form": form, "account": account, "creating": False})


@never_cache
@require_POST
@require_perm("user.manage")
def user_reset_password(request: AuthedHttpRequest, user_id: int) -> HttpResponse:
    account = user_get_manageable(user=request.user, user_id=user_id)
    try:
        temporary = user_services.user_password_reset(actor=request.user, user_id=account.pk)
    except FORM_ERRORS as exc:
        messages.error(request, str(exc.message))
        return redirect("core:user_detail", user_id=account.pk)
    return render(
        request, "core/users/password_shown.html", {"account": account, "password": temporary, "created": False}
    )


@require_POST
@require_perm("user.manage")
def user_toggle_active(request: AuthedHttpRequest, user_id: int) -> HttpResponse:
    account = user_get_manageable(user=request.user, user_id=user_id)
    wanted = {"1": True, "0": False}.get(request.POST.get("active", ""), not account.is_active)
    try:
        account = user_services.user_update(actor=request.user, user_id=account.pk, is_active=wanted)
    except FORM_ERRORS as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("The account is enabled.") if account.is_active else _("The account is disabled.")
        )
    return redirect("core:user_detail", user_id=account.pk)


@require_POST
@require_perm("user.manage")
def user_role_assign(request: AuthedHttpRequest, user_id: int) -> HttpResponse:
    account = user_get_manageable(user=request.user, user_id=user_id)
    form = RoleAssignForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            assignment = user_services.user_role_assign(
                actor=request.user, user_id=account.pk, role_code=form.cleaned_data["role_code"],
                organisation_id=form.cleaned_data["organisation"].pk,
            )
        except FORM_ERRORS as exc:
            show_form_error(form, exc, {"role_code": "role_code"})
        else:
            messages.success(
                request,
                _("Granted “%(role)s” at “%(org)s”.")
                % {"role": assignment.role.name, "org": assignment.organisation.name},
            )
            return redirect("core:user_detail", user_id=account.pk)
    account = user_get(user=request.user, user_id=user_id)
    return render(request, "core/users/detail.html", _detail_context(request, account, form), status=422)


@require_POST
@require_perm("user.manage")
def user_role_revoke(request: AuthedHttpRequest, user_id: int, assignment_id: int) -> HttpResponse:
    account = user_get_manageable(user=request.user, user_id=user_id)
    try:
        user_services.user_role_revoke(actor=request.user, assignment_id=assignment_id, user_id=account.pk)
    except FORM_ERRORS as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The role has been revoked."))
    return redirect("core:user_detail", user_id=account.pk)


urlpatterns = [
    path("users/", user_list, name="user_list"),
    path("users/new/", user_create, name="user_create"),
    path("users/<int:user_id>/", user_detail, name="user_detail"),
    path("users/<int:user_id>/edit/", user_edit, name="user_edit"),
    path("users/<int:user_id>/reset-password/", user_reset_password, name="user_reset_password"),
    path("users/<int:user_id>/active/", user_toggle_active, name="user_toggle_active"),
    path("users/<int:user_id>/roles/", user_role_assign, name="user_role_assign"),
    path("users/<int:user_id>/roles/<int:assignment_id>/revoke/", user_role_revoke, name="user_role_revoke"),
]
