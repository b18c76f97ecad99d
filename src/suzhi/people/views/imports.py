"""Pages of the roster import: upload and choose the default organisation, preview, confirm, downloads.

The upload waits between preview and confirmation in MEDIA_ROOT/imports/ under a random name the session
holds, as the organisation import does; the browser never names a file on the server.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suzhi.core import scope
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.forms.fields import OrgChoiceField
from suzhi.core.forms.imports import ImportUploadForm
from suzhi.core.models import Organisation
from suzhi.core.uploads import StagedUpload
from suzhi.core.views.imports import (
    errors_download,
    finished_message,
    import_context,
    refused_message,
    stage_errors,
    xlsx_attachment,
)
from suzhi.core.web import AuthedHttpRequest, require_perm
from suzhi.people import sheet
from suzhi.people.services import imports as importer

IMPORT = importer.IMPORT
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_STAGED = StagedUpload("people")


class PersonImportForm(ImportUploadForm):
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = scope.filter_queryset(Organisation.objects.all(), user, IMPORT, org_field="")
        only = list(orgs.order_by().values_list("pk", flat=True)[:2])
        self.fields["organisation"] = OrgChoiceField(
            orgs, permission=IMPORT, required=False, label=gettext_lazy("Default organisation"),
            help_text=gettext_lazy("For rows that name no organisation"),
            # An admin of one unit imports that unit's roster: nothing to choose.
            initial=only[0] if len(only) == 1 else None,
        )


def _page(request: AuthedHttpRequest, form: PersonImportForm, result: Any = None, *, stage: str = "upload",
          filename: str = "", org: Organisation | None = None) -> HttpResponse:
    return render(request, "people/imports/import.html", import_context(
        request, title=_("Import people"), form=form, result=result, stage=stage, filename=filename,
        upload_url=reverse("people:person_import"), errors_url=reverse("people:person_import_errors"),
        template_url=reverse("people:person_import_template"), default_org=org,
    ))


def _org(org_id: int | None) -> Organisation | None:
    return Organisation.objects.filter(pk=org_id).first() if org_id else None


@require_perm(IMPORT)
def person_import(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method != "POST":
        return _page(request, PersonImportForm(user=user))
    if request.POST.get("step") == "confirm":
        return _confirm(request)
    form = PersonImportForm(request.POST, request.FILES, user=user)
    if not form.is_valid():
        return _page(request, form)
    upload = form.cleaned_data["file"]
    org = form.cleaned_data.get("organisation")
    data = upload.read()
    try:
        result = importer.people_import(actor=user, data=data, filename=upload.name,
                                        default_org_id=org.pk if org else None, dry_run=True, skip_invalid=False)
    except ValidationFailed as exc:
        form.add_error("file", str(exc.message))
        return _page(request, form)
    _STAGED.store(request, data, upload.name, org_id=org.pk if org else None)
    stage_errors(request, _STAGED, result)
    return _page(request, form, result, stage="preview", filename=upload.name, org=org)


def _confirm(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    stored = _STAGED.get(request)
    if stored is None:
        messages.warning(request, _("The uploaded file has expired; please upload it again."))
        return redirect("people:person_import")
    data, filename, extra = stored
    org_id = extra.get("org_id")
    skip_invalid = request.POST.get("skip_invalid") == "on"
    try:
        result = importer.people_import(actor=user, data=data, filename=filename, default_org_id=org_id,
                                        dry_run=False, skip_invalid=skip_invalid)
    except (ValidationFailed, NotFound) as exc:
        form = PersonImportForm(user=user)
        form.add_error(None, str(exc.message))
        return _page(request, form)
    stage_errors(request, _STAGED, result)
    org = _org(org_id)
    if not result.written:
        refused_message(request)
        return _page(request, PersonImportForm(user=user), result, stage="preview", filename=filename, org=org)
    # Written once: a second confirmation must not run it again; the error rows stay downloadable.
    _STAGED.consume(request)
    finished_message(request, result)
    return _page(request, PersonImportForm(user=user), result, stage="done", filename=filename, org=org)


@require_perm(IMPORT)
def person_import_errors(request: AuthedHttpRequest) -> HttpResponseBase:
    return errors_download(request, _STAGED)


@require_perm(IMPORT)
def person_import_template(request: AuthedHttpRequest) -> HttpResponse:
    return xlsx_attachment(sheet.template_xlsx(), _("roster-import-template.xlsx"))


urlpatterns = [
    path("import/", person_import, name="person_import"),
    path("import/template/", person_import_template, name="person_import_template"),
    path("import/errors/", person_import_errors, name="person_import_errors"),
]
