"""Measured results of an event and round imported from a spreadsheet: the template with the drawn numbers, a
dry-run preview, the confirmation (all or nothing) and the rows with errors."""

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from suzhi.campaigns.models import Activity
from suzhi.competitions.manifest import MANAGE
from suzhi.competitions.selectors.contestants import drawn_numbers
from suzhi.competitions.services.imports import measure_columns, measures_import, measures_template
from suzhi.competitions.settings import Event, Round
from suzhi.competitions.views.manage import stage_of
from suzhi.core.errors import DomainError, NotFound
from suzhi.core.forms.imports import ImportUploadForm
from suzhi.core.imports import ImportResult
from suzhi.core.uploads import StagedUpload
from suzhi.core.views.imports import errors_download, import_context, refused_message, stage_errors, xlsx_attachment
from suzhi.core.web import AuthedHttpRequest, require_perm

STAGED = StagedUpload("competition-measures")


def _page(request: AuthedHttpRequest, activity: Activity, event: Event, round_: Round, form: ImportUploadForm,
          result: ImportResult | None = None, *, stage: str = "upload", filename: str = "") -> HttpResponse:
    args = [activity.pk, event.key, round_.key]
    return render(request, "competitions/manage/import.html", import_context(
        request, title=_("Import results: %(event)s · %(round)s") % {"event": event.title, "round": round_.title},
        form=form, result=result, stage=stage, filename=filename,
        upload_url=reverse("competitions:measures_import", args=args),
        errors_url=reverse("competitions:measures_import_errors", args=args),
        template_url=reverse("competitions:measures_template", args=args),
        activity=activity, event=event, round=round_, columns=measure_columns(event).labels))


@require_perm(MANAGE)
def measures_import_view(request: AuthedHttpRequest, activity_id: int, event: str, round_: str) -> HttpResponse:
    activity, _settings, found_event, found_round = stage_of(request, activity_id, event, round_)
    if request.method != "POST":
        return _page(request, activity, found_event, found_round, ImportUploadForm())
    confirm = request.POST.get("step") == "confirm"
    form = ImportUploadForm(None if confirm else request.POST, None if confirm else request.FILES)
    if confirm:
        stored = STAGED.get(request)
        if stored is None or stored[2].get("stage") != [activity.pk, found_event.key, found_round.key]:
            messages.warning(request, _("The uploaded file has expired; please upload it again."))
            return redirect(request.path)
        data, filename, _extra = stored
    elif not form.is_valid():
        return _page(request, activity, found_event, found_round, form)
    else:
        upload = form.cleaned_data["file"]
        data, filename = upload.read(), upload.name
    try:
        result = measures_import(actor=request.user, activity_id=activity.pk, event=found_event.key,
                                 round_=found_round.key, data=data, filename=filename, dry_run=not confirm,
                                 skip_invalid=confirm and request.POST.get("skip_invalid") == "on")
    except NotFound:
        raise
    except DomainError as refused:
        form = ImportUploadForm()
        form.add_error(None, str(refused.message))
        return _page(request, activity, found_event, found_round, form)
    if not confirm:
        STAGED.store(request, data, filename, stage=[activity.pk, found_event.key, found_round.key])
    stage_errors(request, STAGED, result)
    if not confirm:
        return _page(request, activity, found_event, found_round, form, result, stage="preview", filename=filename)
    if not result.written:
        refused_message(request)
        return _page(request, activity, found_event, found_round, ImportUploadForm(), result, stage="preview",
                     filename=filename)
    STAGED.consume(request)
    messages.success(request, _("Results imported: %(created)d contestants given results, %(updated)d changed, "
                                "%(unchanged)d unchanged.") % {
        "created": result.created, "updated": result.updated, "unchanged": result.unchanged})
    return _page(request, activity, found_event, found_round, ImportUploadForm(), result, stage="done",
                 filename=filename)


@require_perm(MANAGE)
def measures_import_errors(request: AuthedHttpRequest, activity_id: int, event: str,
                           round_: str) -> HttpResponseBase:
    stage_of(request, activity_id, event, round_)
    return errors_download(request, STAGED)


@require_perm(MANAGE)
def measures_template_view(request: AuthedHttpRequest, activity_id: int, event: str, round_: str) -> HttpResponse:
    activity, _settings, found_event, found_round = stage_of(request, activity_id, event, round_)
    numbers = drawn_numbers(activity, found_event.key, found_round.key)
    return xlsx_attachment(measures_template(found_event, numbers),
                           f"{found_event.title}-{found_round.title}-{_('results')}.xlsx")
