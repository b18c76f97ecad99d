"""Pages of the roster import: upload and choose the default organisation, preview, confirm, downloads.

The upload waits between preview and confirmation in MEDIA_ROOT/imports/ under a random name the session
holds, as the organisation import does; the browser never names a file on the server.
"""

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suzhi.core import scope
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.forms.fields import OrgChoiceField
from suzhi.core.models import Organisation
from suzhi.core.services.org_import import MAX_UPLOAD_BYTES
from suzhi.core.uploads import StagedUpload
from suzhi.core.web import AuthedHttpRequest, require_perm
from suzhi.people.services import imports as importer

IMPORT = importer.IMPORT
ERRORS_SHOWN = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_STAGED = StagedUpload("people")


class PersonImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy(".xlsx, .xls, .ods or .csv; the first sheet is read"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.xlsm,.ods,.csv"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = scope.filter_queryset(Organisation.objects.all(), user, IMPORT, org_field="")
        self.fields["organisation"] = OrgChoiceField(
            orgs, permission=IMPORT, required=False, label=gettext_lazy("Default organisation"),
            help_text=gettext_lazy("For rows that name no organisation"),
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


def _store_errors(request: AuthedHttpRequest, result: importer.ImportResult) -> None:
    _STAGED.store_errors(request, importer.error_rows_xlsx(result) if result.error_rows else None)


def _page(request: AuthedHttpRequest, form: PersonImportForm, result: Any = None, *, stage: str = "upload",
          filename: str = "", org: Organisation | None = None) -> HttpResponse:
    return render(request, "people/imports/import.html", {
        "form": form,
        "result": result,
        "errors": result.errors[:ERRORS_SHOWN] if result else [],
        "errors_truncated": bool(result and len(result.errors) > ERRORS_SHOWN),
        "stage": stage,
        "filename": filename,
        "default_org": org,
        "skip_invalid": request.POST.get("skip_invalid") == "on",
    })


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
    _store_errors(request, result)
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
    _store_errors(request, result)
    org = _org(org_id)
    if not result.written:
        messages.error(request, _("Nothing was imported: the file has errors. Correct them, or choose to "
                                  "import the valid rows only."))
        return _page(request, PersonImportForm(user=user), result, stage="preview", filename=filename, org=org)
    # Written once: a second confirmation must not run it again; the error rows stay downloadable.
    _STAGED.consume(request)
    messages.success(request, _("Import finished: %(created)d created, %(updated)d updated, %(unchanged)d "
                                "unchanged, %(skipped)d rows not imported.") % {
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
        "skipped": result.invalid_rows})
    return _page(request, PersonImportForm(user=user), result, stage="done", filename=filename, org=org)


@require_perm(IMPORT)
def person_import_errors(request: AuthedHttpRequest) -> HttpResponseBase:
    errors_file = _STAGED.errors_file(request)
    return FileResponse(errors_file.open("rb"), as_attachment=True, filename=_("import-errors.xlsx"),
                        content_type=XLSX)


@require_perm(IMPORT)
def person_import_template(request: AuthedHttpRequest) -> HttpResponse:
    response = HttpResponse(importer.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(_('roster-import-template.xlsx'))}"
    return response


urlpatterns = [
    path("import/", person_import, name="person_import"),
    path("import/template/", person_import_template, name="person_import_template"),
    path("import/errors/", person_import_errors, name="person_import_errors"),
]
