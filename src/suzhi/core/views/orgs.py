"""Pages of the organisation tree: browse, search, read, create, edit, move, delete, import, export."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suzhi.core import org_sheet
from suzhi.core.errors import Conflict, PermissionDenied, ValidationFailed
from suzhi.core.forms.orgs import OrgEditForm, OrgForm, OrgImportForm
from suzhi.core.masking import mask_phone
from suzhi.core.org_fields import OrgTypes
from suzhi.core.permissions import has_code
from suzhi.core.scope import scope_for
from suzhi.core.selectors import orgs as selectors
from suzhi.core.services import org_import as importer
from suzhi.core.services import orgs as services
from suzhi.core.uploads import StagedUpload
from suzhi.core.views.imports import (
    errors_download,
    finished_message,
    import_context,
    refused_message,
    stage_errors,
    xlsx_attachment,
)
from suzhi.core.web import AuthedHttpRequest, paginate, require_perm, show_form_error, xlsx_download

VIEW = selectors.VIEW
MANAGE = selectors.MANAGE
TREE_CHILDREN_SHOWN = 200
SEARCH_RESULTS_SHOWN = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _is_htmx(request: AuthedHttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _phone_for(user: Any, phone: str) -> str:
    return phone if has_code(user, "pii.view") else mask_phone(phone)


def _can_manage(user: Any, org: Any) -> bool:
    return has_code(user, MANAGE) and selectors.is_visible(user, org, MANAGE)


@require_perm(VIEW)
def org_tree(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "core/orgs/tree.html", {
        "orgs": selectors.scope_roots(user=user),
        "can_manage": has_code(user, MANAGE),
        "can_add_root": has_code(user, MANAGE) and scope_for(user, MANAGE).all,
    })


@require_perm(VIEW)
def org_children(request: AuthedHttpRequest, org_id: int) -> HttpResponse:
    children = list(selectors.org_children(user=request.user, org_id=org_id)[: TREE_CHILDREN_SHOWN + 1])
    return render(request, "core/orgs/_tree_nodes.html", {
        "orgs": children[:TREE_CHILDREN_SHOWN],
        "more_at": org_id if len(children) > TREE_CHILDREN_SHOWN else None,
        "empty_message": True,
    })


def _search_context(request: AuthedHttpRequest, *, permission: str = VIEW, exclude_path: str = "") -> dict[str, Any]:
    q = request.GET.get("q", "").strip()
    qs = selectors.org_search(user=request.user, q=q, permission=permission)
    if exclude_path:
        qs = qs.exclude(path__startswith=exclude_path)
    results = list(qs[: SEARCH_RESULTS_SHOWN + 1])
    shown = results[:SEARCH_RESULTS_SHOWN]
    ancestors = selectors.ancestors_of_many(shown, user=request.user)
    return {
        "q": q,
        "results": [(org, ancestors[org.pk]) for org in shown],
        "truncated": len(results) > SEARCH_RESULTS_SHOWN,
    }


@require_perm(VIEW)
def org_search(request: AuthedHttpRequest) -> HttpResponse:
    context = _search_context(request)
    if _is_htmx(request):
        return render(request, "core/orgs/_search_results.html", context)
    return render(request, "core/orgs/search.html", context)


PICKABLE_PERMISSIONS = {"org.view", "org.manage", "user.view", "user.manage", "notice.manage", "role.manage"}
PICK_LIMIT = 20


@login_required
def org_pick(request: AuthedHttpRequest) -> HttpResponse:
    """Search results for the organisation picker (forms/fields.py), within the scope the form uses."""
    permission = request.GET.get("permission", VIEW)
    if permission not in PICKABLE_PERMISSIONS or not request.user.has_perm(permission):
        raise PermissionDenied()
    q = request.GET.get("orgpick_q", "").strip()
    found = list(selectors.org_search(user=request.user, q=q, permission=permission).order_by("path")[: PICK_LIMIT + 1])
    trails = selectors.ancestors_of_many(found[:PICK_LIMIT], user=request.user)
    orgs = []
    for org in found[:PICK_LIMIT]:
        org.trail = " / ".join(a.name for a in trails.get(org.pk, []))  # type: ignore[attr-defined]
        orgs.append(org)
    return render(
        request, "core/widgets/org_pick_results.html", {"orgs": orgs, "q": q, "more": len(found) > PICK_LIMIT}
    )


@require_perm(VIEW)
def org_detail(request: AuthedHttpRequest, org_id: int) -> HttpResponse:
    user = request.user
    org = selectors.org_get(user=user, org_id=org_id)
    context = {
        "org": org,
        "phone": _phone_for(user, org.contact_phone),
        "breadcrumb": selectors.org_breadcrumb(org, user=user),
        "can_manage": _can_manage(user, org),
        **paginate(request, selectors.org_children(user=user, org_id=org.pk)),
    }
    return render(request, "core/orgs/detail.html", context)


@require_perm(MANAGE)
def org_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    parent_id = request.POST.get("parent") or request.GET.get("parent") or None
    parent = selectors.org_get(user=user, org_id=parent_id, permission=MANAGE) if parent_id else None
    types = OrgTypes.load()
    form = OrgForm(request.POST or None, types=types)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_create(
                actor=user, parent=parent, code=form.cleaned_data["code"], name=form.cleaned_data["name"],
                org_type_code=form.cleaned_data["org_type"], short_name=form.cleaned_data["short_name"],
                region_code=form.cleaned_data["region_code"], contact_person=form.cleaned_data["contact_person"],
                contact_phone=form.cleaned_data["contact_phone"], address=form.cleaned_data["address"],
            )
        except ValidationFailed as exc:
            show_form_error(form, exc)
        else:
            messages.success(request, _("Organisation “%(name)s” added.") % {"name": org.name})
            return redirect("core:org_detail", org_id=org.pk)
    return render(request, "core/orgs/form.html", {"form": form, "parent": parent, "org": None})


@require_perm(MANAGE)
def org_edit(request: AuthedHttpRequest, org_id: int) -> HttpResponse:
    user = request.user
    org = selectors.org_get(user=user, org_id=org_id, permission=MANAGE)
    initial = {
        "code": org.code, "name": org.name, "short_name": org.short_name, "org_type": org.org_type.code,
        "region_code": org.region_code, "contact_person": org.contact_person,
        "contact_phone": _phone_for(user, org.contact_phone), "address": org.address, "is_active": org.is_active,
    }
    form = OrgEditForm(request.POST or None, initial=initial, types=OrgTypes.load())
    if request.method == "POST" and form.is_valid():
        try:
            services.org_update(actor=user, org_id=org.pk, data=form.cleaned_data)
        except ValidationFailed as exc:
            show_form_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("core:org_detail", org_id=org.pk)
    return render(request, "core/orgs/form.html", {"form": form, "org": org, "parent": None})


@require_perm(MANAGE)
def org_move(request: AuthedHttpRequest, org_id: int) -> HttpResponse:
    user = request.user
    org = selectors.org_get(user=user, org_id=org_id, permission=MANAGE)
    error = ""
    target_id = request.POST.get("target_id", "")
    if request.method == "POST" and not target_id.isdigit():
        error = _("Choose the organisation to move it under.")
    elif request.method == "POST":
        try:
            services.org_move(actor=user, org_id=org.pk, target_id=int(target_id))
        except ValidationFailed as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("“%(name)s” has been moved.") % {"name": org.name})
            return redirect("core:org_detail", org_id=org.pk)
    context = {
        "org": org,
        "breadcrumb": selectors.org_breadcrumb(org, user=user),
        "error": error,
        **_search_context(request, permission=MANAGE, exclude_path=org.path),
    }
    if _is_htmx(request) and request.method == "GET":
        return render(request, "core/orgs/_move_targets.html", context)
    return render(request, "core/orgs/move.html", context)


@require_POST
@require_perm(MANAGE)
def org_delete(request: AuthedHttpRequest, org_id: int) -> HttpResponse:
    user = request.user
    org = selectors.org_get(user=user, org_id=org_id, permission=MANAGE)
    parent = selectors.parent_of(org)
    try:
        services.org_delete(actor=user, org_id=org.pk)
    except Conflict as exc:
        messages.error(request, str(exc.message))
        return redirect("core:org_detail", org_id=org.pk)
    messages.success(request, _("Organisation “%(name)s” deleted.") % {"name": org.name})
    if parent is not None and selectors.is_visible(user, parent):
        return redirect("core:org_detail", org_id=parent.pk)
    return redirect("core:org_tree")


# ---- import -----------------------------------------------------------------------------------------
_STAGED = StagedUpload("orgs")


def _import_page(request: AuthedHttpRequest, form: OrgImportForm, result: Any = None, *, stage: str = "upload",
                 filename: str = "") -> HttpResponse:
    return render(request, "core/orgs/import.html", import_context(
        request, title=_("Import organisations"), form=form, result=result, stage=stage, filename=filename,
        upload_url=reverse("core:org_import"), errors_url=reverse("core:org_import_errors"),
        template_url=reverse("core:org_import_template"),
        skip_help=_("Rows with errors, and rows below them, are left out. Without this, nothing is imported while "
                    "the file has errors."),
    ))


@require_perm(MANAGE)
def org_import(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method != "POST":
        return _import_page(request, OrgImportForm())
    if request.POST.get("step") == "confirm":
        stored = _STAGED.get(request)
        if stored is None:
            messages.warning(request, _("The uploaded file has expired; please upload it again."))
            return redirect("core:org_import")
        data, filename, _extra = stored
        skip_invalid = request.POST.get("skip_invalid") == "on"
        try:
            result = importer.org_import(actor=user, data=data, filename=filename, dry_run=False,
                                         skip_invalid=skip_invalid)
        except ValidationFailed as exc:
            form = OrgImportForm()
            form.add_error(None, str(exc.message))
            return _import_page(request, form)
        stage_errors(request, _STAGED, result)
        if not result.written:
            refused_message(request)
            return _import_page(request, OrgImportForm(), result, stage="preview", filename=filename)
        # Written once: a second confirmation must not run it again; the error rows stay downloadable.
        _STAGED.consume(request)
        finished_message(request, result)
        return _import_page(request, OrgImportForm(), result, stage="done", filename=filename)

    form = OrgImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form)
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        result = importer.org_import(actor=user, data=data, filename=upload.name, dry_run=True,
                                     skip_invalid=form.cleaned_data["skip_invalid"])
    except ValidationFailed as exc:
        form.add_error("file", str(exc.message))
        return _import_page(request, form)
    _STAGED.store(request, data, upload.name)
    stage_errors(request, _STAGED, result)
    return _import_page(request, form, result, stage="preview", filename=upload.name)


@require_perm(MANAGE)
def org_import_errors(request: AuthedHttpRequest) -> HttpResponseBase:
    return errors_download(request, _STAGED)


@require_perm(MANAGE)
def org_import_template(request: AuthedHttpRequest) -> HttpResponse:
    return xlsx_attachment(org_sheet.template_xlsx(), _("organisation-import-template.xlsx"))


@require_perm(VIEW)
def org_export(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    orgs = selectors.org_subtree(user=user, root_id=request.GET.get("root"))
    headers, rows = org_sheet.export_table(orgs.iterator(chunk_size=2000), show_pii=has_code(user, "pii.view"))
    return xlsx_download(_("organisations.xlsx"), headers, rows, sheet=_("Organisations"))


urlpatterns = [
    path("orgs/", org_tree, name="org_tree"),
    path("orgs/search/", org_search, name="org_search"),
    path("orgs/pick/", org_pick, name="org_pick"),
    path("orgs/new/", org_create, name="org_create"),
    path("orgs/import/", org_import, name="org_import"),
    path("orgs/import/template/", org_import_template, name="org_import_template"),
    path("orgs/import/errors/", org_import_errors, name="org_import_errors"),
    path("orgs/export/", org_export, name="org_export"),
    path("orgs/<int:org_id>/", org_detail, name="org_detail"),
    path("orgs/<int:org_id>/children/", org_children, name="org_children"),
    path("orgs/<int:org_id>/edit/", org_edit, name="org_edit"),
    path("orgs/<int:org_id>/move/", org_move, name="org_move"),
    path("orgs/<int:org_id>/delete/", org_delete, name="org_delete"),
]
