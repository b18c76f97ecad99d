"""The judge's phone pages: 我的评审 (the entries assigned to me) and the score sheet (save, then submit)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from suzhi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from suzhi.core.web import AuthedHttpRequest, paginate, require_perm
from suzhi.judging.forms.sheet import ScoreSheetForm
from suzhi.judging.manifest import SCORE
from suzhi.judging.selectors.sheets import assigned_rows, assigned_to, sheet_for
from suzhi.judging.services import scores as score_services

REFUSALS = (ValidationFailed, Conflict, PermissionDenied)


@never_cache
@require_perm(SCORE)
def my_entries(request: AuthedHttpRequest) -> HttpResponse:
    """我的评审: my assignments, those to score first, paged."""
    context = paginate(request, assigned_to(request.user))
    context["rows"] = assigned_rows(context["page_obj"].object_list)
    return render(request, "judging/my_entries.html", context)


@never_cache
@require_perm(SCORE)
def sheet(request: AuthedHttpRequest, sheet_id: int) -> HttpResponse:
    """The score sheet: a number per criterion; 保存 keeps them, 提交 hands the sheet in."""
    found = sheet_for(request.user, sheet_id)
    submitted = found.assignment.state == "submitted"
    if request.method == "POST":
        form = ScoreSheetForm(request.POST, criteria=found.criteria)
        if form.is_valid() and _saved(request, form, sheet_id):
            return redirect("judging:sheet", sheet_id=sheet_id)
        # The page again with what the judge typed and the reason beside the field
        return render(request, "judging/sheet.html", {"sheet": found, "form": form, "submitted": submitted},
                      status=400)
    if request.method != "GET":
        raise NotFound()
    form = ScoreSheetForm(initial=found.scores, criteria=found.criteria)
    return render(request, "judging/sheet.html", {"sheet": found, "form": form, "submitted": submitted})


def _saved(request: AuthedHttpRequest, form: ScoreSheetForm, sheet_id: int) -> bool:
    """Save the scores typed and submit when asked; False (the reason on the form) when the service refuses."""
    try:
        values = form.scores()
        if values:
            score_services.score_save(actor=request.user, assignment_id=sheet_id, values=values)
        if form.submitting():
            score_services.sheet_submit(actor=request.user, assignment_id=sheet_id)
            messages.success(request, _("Your scores are submitted."))
        else:
            messages.success(request, _("Your scores are saved."))
    except REFUSALS as exc:
        fields = [item.get("field") for item in (exc.detail if isinstance(exc.detail, list) else [])
                  if isinstance(item, dict)]
        form.add_error(fields[0] if fields and fields[0] in form.fields else None, str(exc.message))
        return False
    return True
