"""Organisers' pages: judged activities, panels and the judges' loads, automatic assignment, an entry's excluded
judges with the reasons, results with verify and publish."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from suzhi.campaigns import kinds
from suzhi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from suzhi.core.web import AuthedHttpRequest, paginate, require_perm
from suzhi.judging.access import activities_managed, activity_managed, judging_settings
from suzhi.judging.forms.admin import EntryJudgeForm, PanelForm, ResultStepForm
from suzhi.judging.manifest import MANAGE
from suzhi.judging.selectors.admin import assignment_overview, entries_admin, entry_exclusions, judge_candidates
from suzhi.judging.selectors.paper import open_sheet_categories
from suzhi.judging.selectors.results import results_by_category
from suzhi.judging.services import assignments as assignment_services
from suzhi.judging.services import results as result_services
from suzhi.judging.services.entries import panel_set

REFUSALS = (ValidationFailed, Conflict, PermissionDenied)


def _run(request: AuthedHttpRequest, done: str, step: Any, **kwargs: Any) -> None:
    try:
        step(actor=request.user, **kwargs)
        messages.success(request, done)
    except REFUSALS as exc:
        messages.error(request, str(exc.message))


@never_cache
@require_perm(MANAGE)
def activity_list(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "judging/activities.html", {"activities": activities_managed(request.user)})


@never_cache
@require_perm(MANAGE)
def activity_detail(request: AuthedHttpRequest, activity_id: int) -> HttpResponse:
    """Panels (set the judges), the judges' loads, 自动分配, the paper score sheets' import, the entries."""
    activity, candidates, members = judge_candidates(request.user, activity_id)
    rules = judging_settings(activity)
    if request.method == "POST":
        form = PanelForm(request.POST, judge_ids=[c.pk for c in candidates])
        if not form.is_valid():
            messages.error(request, _("Choose judges from the list."))
        elif form.assigning():
            _run(request, _("Judges assigned."), assignment_services.assignment_auto, activity_id=activity.pk)
        else:
            _run(request, _("Panel saved."), panel_set, activity_id=activity.pk, judge_ids=form.cleaned_data["judges"],
                 category=form.cleaned_data["category"], title=form.cleaned_data["title"])
        return redirect("judging:activity", activity_id=activity.pk)
    categories = sorted(set(entries_admin(request.user, activity.pk).values_list("category", flat=True))) \
        if rules.panels_by_category else [""]
    panels = [{"category": c, "members": members.get(c, set())} for c in categories or [""]]
    context = {"activity": activity, "rules": rules, "overview": assignment_overview(request.user, activity.pk),
               "candidates": candidates, "panels": panels,
               "paper_categories": open_sheet_categories(activity) if rules.panels_by_category else [],
               **paginate(request, entries_admin(request.user, activity.pk), per_page=50)}
    return render(request, "judging/activity.html", context)


@never_cache
@require_perm(MANAGE)
def entry_detail(request: AuthedHttpRequest, entry_id: int) -> HttpResponse:
    """An entry's judges, the panel's judges it excludes and why; add or remove a judge by hand."""
    if request.method == "POST":
        entry, _excluded, _assignments = entry_exclusions(request.user, entry_id)
        form = EntryJudgeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a judge."))
        elif form.cleaned_data["remove"]:
            _run(request, _("Judge removed."), assignment_services.assignment_remove,
                 assignment_id=form.cleaned_data["remove"])
        else:
            _run(request, _("Judge assigned."), assignment_services.assignment_add, entry_id=entry.pk,
                 judge_id=form.cleaned_data["judge"])
        return redirect("judging:entry", entry_id=entry.pk)
    entry, excluded, assignments = entry_exclusions(request.user, entry_id)
    overview = assignment_overview(request.user, entry.activity_id)
    holding = {a.judge_id for a in assignments}
    barred = {e.user_id for e in excluded}
    addable = [j for j in overview.judges if j.categories and j.user_id not in holding | barred]
    return render(request, "judging/entry.html", {"entry": entry, "excluded": excluded,
                                                  "assignments": assignments, "addable": addable})


@never_cache
@require_perm(MANAGE)
def results(request: AuthedHttpRequest, activity_id: int) -> HttpResponse:
    """Results per category; 计算 (draft), 核对 (a second person), 发布 (an admin)."""
    activity = activity_managed(request.user, activity_id)
    if request.method == "POST":
        steps = {"compute": (_("Results computed."), result_services.results_compute),
                 "verify": (_("Results verified."), result_services.results_verify),
                 "publish": (_("Results published."), result_services.results_publish)}
        form = ResultStepForm(request.POST)
        if not form.is_valid():
            raise NotFound()
        step = steps[form.cleaned_data["action"]]
        _run(request, step[0], step[1], activity_id=activity.pk)
        return redirect("judging:results", activity_id=activity.pk)
    result_set, groups = results_by_category(request.user, activity.pk)
    manifest = kinds.kind(activity.kind)
    # Once published, what follows from the results (a collection's awards and adoption, say) is done on the
    # kind's page of the activity: the organiser is shown the way there.
    activity_page = manifest.url_for(activity, request.user) if manifest is not None else None
    return render(request, "judging/results.html", {"activity": activity, "result_set": result_set,
                                                    "groups": groups, "activity_page": activity_page})
