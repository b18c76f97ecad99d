"""The organiser's imports into a session: enrolment lists, sign-in sheets and remote completions, each with
a preview, a confirmation, its error rows and its template."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from suzhi.core.errors import ValidationFailed
from suzhi.core.uploads import StagedUpload
from suzhi.core.views.imports import errors_download, import_context, refused_message, stage_errors, xlsx_attachment
from suzhi.core.web import AuthedHttpRequest, require_perm
from suzhi.training import sheets
from suzhi.training.forms.sessions import ListImportForm
from suzhi.training.models import TrainingSession
from suzhi.training.selectors.sessions import MANAGE
from suzhi.training.services import imports as importer
from suzhi.training.views.organiser.sessions import managed_session


def _import_page(request: AuthedHttpRequest, kind: str, session: TrainingSession, form: ListImportForm,
                 result: importer.TrainingImportResult | None = None, *, stage: str = "upload",
                 filename: str = "") -> HttpResponse:
    url_name = _URL_NAMES[kind]
    return render(request, "training/organiser/import.html", import_context(
        request, title=sheets.TITLES[kind], form=form, result=result, stage=stage, filename=filename,
        upload_url=reverse(url_name, args=[session.pk]), errors_url=reverse(f"{url_name}_errors", args=[session.pk]),
        template_url=reverse(f"{url_name}_template"), kind=kind, session=session,
        columns=sheets.LAYOUTS[kind].labels,
    ))


def _staged(kind: str) -> StagedUpload:
    return StagedUpload(f"training-{kind.replace('_', '-')}")


def _import_view(kind: str) -> Callable[..., HttpResponse]:
    @require_perm(MANAGE)
    def view(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
        session = managed_session(request, session_id)
        staged = _staged(kind)
        if request.method != "POST":
            return _import_page(request, kind, session, ListImportForm())
        if request.POST.get("step") == "confirm":
            return _import_confirm(request, kind, session, staged)
        form = ListImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return _import_page(request, kind, session, form)
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            result = importer.training_import(actor=request.user, session_id=session.pk, kind=kind, data=data,
                                              filename=upload.name, dry_run=True)
        except ValidationFailed as exc:
            form.add_error("file", str(exc.message))
            return _import_page(request, kind, session, form)
        staged.store(request, data, upload.name, session_id=session.pk)
        stage_errors(request, staged, result)
        return _import_page(request, kind, session, form, result, stage="preview", filename=upload.name)

    view.__name__ = f"session_import_{kind}"
    return view


def _import_confirm(request: AuthedHttpRequest, kind: str, session: TrainingSession,
                    staged: StagedUpload) -> HttpResponse:
    stored = staged.get(request)
    if stored is None or stored[2].get("session_id") != session.pk:
        messages.warning(request, _("The uploaded file has expired; please upload it again."))
        return redirect(_URL_NAMES[kind], session.pk)
    data, filename, _extra = stored
    skip_invalid = request.POST.get("skip_invalid") == "on"
    try:
        result = importer.training_import(actor=request.user, session_id=session.pk, kind=kind, data=data,
                                          filename=filename, dry_run=False, skip_invalid=skip_invalid)
    except ValidationFailed as exc:
        form = ListImportForm()
        form.add_error(None, str(exc.message))
        return _import_page(request, kind, session, form)
    stage_errors(request, staged, result)
    if not result.written:
        refused_message(request)
        return _import_page(request, kind, session, ListImportForm(), result, stage="preview", filename=filename)
    staged.consume(request)
    messages.success(request, _("Import finished: %(enrolled)d enrolled, %(added)d attendances added, "
                                "%(changed)d changed, %(skipped)d rows not imported.") % {
        "enrolled": result.enrolled, "added": result.attendance_added, "changed": result.attendance_changed,
        "skipped": result.invalid_rows})
    return _import_page(request, kind, session, ListImportForm(), result, stage="done", filename=filename)


def _import_errors_view(kind: str) -> Callable[..., HttpResponseBase]:
    @require_perm(MANAGE)
    def view(request: AuthedHttpRequest, session_id: int) -> HttpResponseBase:
        managed_session(request, session_id)
        return errors_download(request, _staged(kind))

    view.__name__ = f"session_import_{kind}_errors"
    return view


def _import_template_view(kind: str) -> Callable[..., HttpResponse]:
    @require_perm(MANAGE)
    def view(request: AuthedHttpRequest) -> HttpResponse:
        return xlsx_attachment(sheets.list_template(kind), f"{sheets.TITLES[kind]}.xlsx")

    view.__name__ = f"session_import_{kind}_template"
    return view


_URL_NAMES = {kind: f"training:session_import_{kind}" for kind in sheets.KINDS}
