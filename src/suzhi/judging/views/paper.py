"""Paper score sheets (纸质评分表) of an activity: the template of its open sheets (per category when its panels
are by category), the upload, the dry-run preview of what each row saves, the confirmation (all or nothing, or
the valid rows only) and the rows with errors."""

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from suzhi.campaigns.models import Activity
from suzhi.core.errors import DomainError, NotFound
from suzhi.core.forms.imports import ImportUploadForm
from suzhi.core.uploads import StagedUpload
from suzhi.core.views.imports import errors_download, import_context, refused_message, stage_errors, xlsx_attachment
from suzhi.core.web import AuthedHttpRequest, require_perm
from suzhi.judging.access import activity_managed, judging_settings
from suzhi.judging.forms.paper import SheetTemplateForm
from suzhi.judging.manifest import MANAGE
from suzhi.judging.paper import sheet_columns, sheets_template_xlsx, template_filename
from suzhi.judging.selectors.paper import open_sheet_categories, open_sheets
from suzhi.judging.services.paper import SheetImportResult, sheets_import

STAGED = StagedUpload("judging-paper-sheets")
PLANNED_SHOWN = 200


def _page(request: AuthedHttpRequest, activity: Activity, form: ImportUploadForm,
          result: SheetImportResult | None = None, *, stage: str = "upload", filename: str = "") -> HttpResponse:
    rules = judging_settings(activity)
    return render(request, "judging/paper_import.html", import_context(
        request, title=_("Import paper score sheets: %(activity)s") % {"activity": activity.title},
        form=form, result=result, stage=stage, filename=filename,
        upload_url=reverse("judging:paper_import", args=[activity.pk]),
        errors_url=reverse("judging:paper_errors", args=[activity.pk]),
        template_url=reverse("judging:paper_template", args=[activity.pk]),
        activity=activity, columns=sheet_columns(rules).labels,
        planned=result.planned[:PLANNED_SHOWN] if result else [],
        planned_truncated=bool(result and len(result.planned) > PLANNED_SHOWN)))


@never_cache
@require_perm(MANAGE)
def paper_import(request: AuthedHttpRequest, activity_id: int) -> HttpResponse:
    activity = activity_managed(request.user, activity_id)
    if request.method != "POST":
        return _page(request, activity, ImportUploadForm())
    confirm = request.POST.get("step") == "confirm"
    form = ImportUploadForm(None if confirm else request.POST, None if confirm else request.FILES)
    if confirm:
        stored = STAGED.get(request)
        if stored is None or stored[2].get("activity") != activity.pk:
            messages.warning(request, _("The uploaded file has expired; please upload it again."))
            return redirect(request.path)
        data, filename, _extra = stored
    elif not form.is_valid():
        return _page(request, activity, form)
    else:
        upload = form.cleaned_data["file"]
        data, filename = upload.read(), upload.name
    try:
        result = sheets_import(actor=request.user, activity_id=activity.pk, data=data, filename=filename,
                               dry_run=not confirm,
                               skip_invalid=confirm and request.POST.get("skip_invalid") == "on")
    except NotFound:
        raise
    except DomainError as refused:
        form = ImportUploadForm()
        form.add_error(None, str(refused.message))
        return _page(request, activity, form)
    if not confirm:
        STAGED.store(request, data, filename, activity=activity.pk)
    stage_errors(request, STAGED, result)
    if not confirm:
        return _page(request, activity, form, result, stage="preview", filename=filename)
    if not result.written:
        refused_message(request)
        return _page(request, activity, ImportUploadForm(), result, stage="preview", filename=filename)
    STAGED.consume(request)
    messages.success(request, _("Paper score sheets imported: %(submitted)d sheets submitted, %(open)d given some "
                                "scores and left open, %(skipped)d rows not imported.") % {
        "submitted": result.created, "open": result.updated, "skipped": result.invalid_rows})
    return _page(request, activity, ImportUploadForm(), result, stage="done", filename=filename)


@require_perm(MANAGE)
def paper_errors(request: AuthedHttpRequest, activity_id: int) -> HttpResponseBase:
    activity_managed(request.user, activity_id)
    return errors_download(request, STAGED)


@never_cache
@require_perm(MANAGE)
def paper_template(request: AuthedHttpRequest, activity_id: int) -> HttpResponse:
    """The open sheets' template; `?category=` one category's."""
    activity = activity_managed(request.user, activity_id)
    form = SheetTemplateForm(request.GET, categories=open_sheet_categories(activity))
    if not form.is_valid():
        raise NotFound()
    category = form.chosen()
    found = open_sheets(request.user, activity.pk, category=category)
    return xlsx_attachment(sheets_template_xlsx(found.rules, found.rows, title=found.activity.title),
                           template_filename(found.activity.title, category))
