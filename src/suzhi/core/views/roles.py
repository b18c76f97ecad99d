"""Role pages (角色管理): list, create, edit with grouped permission checkboxes, delete."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suzhi.core.errors import Conflict, ValidationFailed
from suzhi.core.forms.roles import RoleForm
from suzhi.core.selectors.roles import role_get, roles_list
from suzhi.core.services import roles as role_services
from suzhi.core.services.users import EscalationRefused
from suzhi.core.web import AuthedHttpRequest, require_perm, show_form_error

FORM_ERRORS = (ValidationFailed, Conflict, EscalationRefused)


@require_perm("role.manage")
def role_list(request: AuthedHttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    return render(request, "core/roles/list.html", {"roles": roles_list(user=request.user, q=q), "q": q})


def _form_page(request: AuthedHttpRequest, form: RoleForm, role=None) -> HttpResponse:  # noqa: ANN001
    return render(
        request, "core/roles/form.html",
        {"form": form, "role": role, "permission_groups": form.permission_groups()},
    )


@require_perm("role.manage")
def role_create(request: AuthedHttpRequest) -> HttpResponse:
    form = RoleForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            role = role_services.role_create(
                actor=request.user, code=data["code"], name=data["name"], description=data["description"],
                permissions=data["permissions"], data_scope=data["data_scope"],
                custom_organisation_ids=[org.pk for org in data["custom_organisations"]],
            )
        except FORM_ERRORS as exc:
            show_form_error(form, exc)
        else:
            messages.success(request, _("The role “%(role)s” has been created.") % {"role": role.name})
            return redirect("core:role_list")
    return _form_page(request, form)


@require_perm("role.manage")
def role_edit(request: AuthedHttpRequest, role_id: int) -> HttpResponse:
    role = role_get(user=request.user, role_id=role_id)
    initial = {
        "code": role.code, "name": role.name, "description": role.description, "permissions": role.permissions,
        "data_scope": role.data_scope, "custom_organisations": [org.pk for org in role.custom_organisations.all()],
    }
    form = RoleForm(request.POST or None, actor=request.user, role=role, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            role = role_services.role_update(
                actor=request.user, role_id=role.pk, code=data["code"], name=data["name"],
                description=data["description"], permissions=data["permissions"], data_scope=data["data_scope"],
                custom_organisation_ids=[org.pk for org in data["custom_organisations"]],
            )
        except FORM_ERRORS as exc:
            show_form_error(form, exc)
        else:
            messages.success(request, _("The role “%(role)s” has been saved.") % {"role": role.name})
            return redirect("core:role_list")
    return _form_page(request, form, role)


@require_POST
@require_perm("role.manage")
def role_delete(request: AuthedHttpRequest, role_id: int) -> HttpResponse:
    role = role_get(user=request.user, role_id=role_id)
    try:
        role_services.role_delete(actor=request.user, role_id=role.pk)
    except FORM_ERRORS as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The role “%(role)s” has been deleted.") % {"role": role.name})
    return redirect("core:role_list")


urlpatterns = [
    path("roles/", role_list, name="role_list"),
    path("roles/new/", role_create, name="role_create"),
    path("roles/<int:role_id>/edit/", role_edit, name="role_edit"),
    path("roles/<int:role_id>/delete/", role_delete, name="role_delete"),
]
