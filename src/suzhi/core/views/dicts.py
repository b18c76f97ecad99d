"""Pages of dictionaries (数据字典) and system parameters (系统参数); `dict.manage`, not org-scoped."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from suzhi.core.errors import ValidationFailed
from suzhi.core.forms.dicts import DictItemCreateForm, DictItemEditForm, DictTypeForm, ParamForm
from suzhi.core.selectors import dicts as dict_selectors
from suzhi.core.services import dicts as dict_services
from suzhi.core.web import AuthedHttpRequest, require_perm, show_form_error


@require_perm("dict.manage")
def dict_list(request: AuthedHttpRequest) -> HttpResponse:
    form = DictTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = dict_services.dict_type_create(actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            show_form_error(form, exc)
        else:
            messages.success(request, _("Dictionary “%(name)s” created.") % {"name": created.name})
            return redirect("core:dict_detail", code=created.code)
    return render(
        request, "core/dicts/list.html", {"types": list(dict_selectors.dict_types()), "form": form}
    )


@require_perm("dict.manage")
def dict_detail(request: AuthedHttpRequest, code: str) -> HttpResponse:
    dict_type = dict_selectors.dict_type_get(code)
    form = DictItemCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = dict_services.dict_item_create(actor=request.user, type_code=code, **form.cleaned_data)
        except ValidationFailed as exc:
            show_form_error(form, exc)
        else:
            messages.success(request, _("Item “%(label)s” added.") % {"label": item.label})
            return redirect("core:dict_detail", code=code)
    return render(
        request,
        "core/dicts/detail.html",
        {
            "dict_type": dict_type,
            "items": list(dict_selectors.dict_items(code, active_only=False)),
            "form": form,
            "adding": request.method == "POST",
        },
    )


@require_perm("dict.manage")
def dict_edit(request: AuthedHttpRequest, code: str) -> HttpResponse:
    dict_type = dict_selectors.dict_type_get(code)
    initial = {"code": dict_type.code, "name": dict_type.name, "description": dict_type.description}
    form = DictTypeForm(request.POST or None, initial=initial, code_locked=dict_type.is_system)
    if request.method == "POST" and form.is_valid():
        try:
            updated = dict_services.dict_type_update(
                actor=request.user,
                type_code=code,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ValidationFailed as exc:
            show_form_error(form, exc)
        else:
            messages.success(request, _("Dictionary “%(name)s” saved.") % {"name": updated.name})
            return redirect("core:dict_detail", code=updated.code)
    return render(request, "core/dicts/edit.html", {"dict_type": dict_type, "form": form})


@require_perm("dict.manage")
def dict_item_edit(request: AuthedHttpRequest, code: str, item_id: int) -> HttpResponse:
    """Edit one item: inline in the table with HTMX, or as a page of its own without JavaScript."""
    item = dict_selectors.dict_item_get(code=code, item_id=item_id)
    fragment = bool(getattr(request, "htmx", False))
    if fragment and request.method == "GET" and request.GET.get("cancel"):
        return render(request, "core/dicts/_item_row.html", {"item": item, "dict_type": item.dict_type})
    initial = {"label": item.label, "label_en": item.label_en, "sort_order": item.sort_order,
               "is_active": item.is_active}
    form = DictItemEditForm(request.POST or None, initial=initial, auto_id=f"id_item{item.pk}_%s")
    if request.method == "POST" and form.is_valid():
        try:
            item = dict_services.dict_item_update(
                actor=request.user, type_code=code, item_id=item.pk, **form.cleaned_data
            )
        except ValidationFailed as exc:
            show_form_error(form, exc)
        else:
            if fragment:
                return render(request, "core/dicts/_item_row.html", {"item": item, "dict_type": item.dict_type})
            messages.success(request, _("Item “%(label)s” saved.") % {"label": item.label})
            return redirect("core:dict_detail", code=code)
    context: dict[str, Any] = {"item": item, "dict_type": item.dict_type, "form": form}
    template = "core/dicts/_item_form_row.html" if fragment else "core/dicts/item_edit.html"
    return render(request, template, context)


@require_perm("dict.manage")
def param_list(request: AuthedHttpRequest) -> HttpResponse:
    parameters = list(dict_selectors.params_all())
    posted_key = request.POST.get("key") if request.method == "POST" else None
    rows = []
    for param in parameters:
        if param.key == posted_key:
            form = ParamForm(request.POST, param=param)
            if form.is_valid():
                try:
                    dict_services.param_update(actor=request.user, key=param.key, value=form.cleaned_data["value"])
                except ValidationFailed as exc:
                    show_form_error(form, exc)
                else:
                    messages.success(request, _("“%(name)s” saved.") % {"name": param.name})
                    return redirect("core:param_list")
        else:
            form = ParamForm(param=param)
        rows.append(form)
    return render(request, "core/dicts/params.html", {"forms": rows})


urlpatterns = [
    path("dicts/", dict_list, name="dict_list"),
    path("dicts/<slug:code>/", dict_detail, name="dict_detail"),
    path("dicts/<slug:code>/edit/", dict_edit, name="dict_edit"),
    path("dicts/<slug:code>/items/<int:item_id>/edit/", dict_item_edit, name="dict_item_edit"),
    path("params/", param_list, name="param_list"),
]
