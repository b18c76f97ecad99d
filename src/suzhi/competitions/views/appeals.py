"""Appeals in the pages (申诉): filed from 我的比赛 by the contestant or from 比赛报名 by their unit; a correction
proposed, an appeal dismissed or a correction approved from the event and round's page of 比赛管理. Thin: the
services decide and refuse (their Chinese sentences shown as messages), the selectors read."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suzhi.competitions.access import activity_reached
from suzhi.competitions.forms.appeals import AppealDismissForm, AppealFileForm, AppealProposeForm
from suzhi.competitions.manifest import MANAGE, REGISTER
from suzhi.competitions.selectors.appeals import contestant_to_appeal, in_stage
from suzhi.competitions.services.appeals import appeal_approve, appeal_dismiss, appeal_file, appeal_propose
from suzhi.competitions.views.manage import stage_of
from suzhi.core.errors import DomainError, NotFound
from suzhi.core.web import AuthedHttpRequest, require_perm


def _run(request: AuthedHttpRequest, call: Callable[[], Any], done: str) -> None:
    """Run one service; a refusal is shown as a message, a 404 stays a 404."""
    try:
        call()
        messages.success(request, done)
    except NotFound:
        raise
    except DomainError as refused:
        messages.error(request, str(refused.message))


def _invalid(request: AuthedHttpRequest, form: forms.Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{errors[0]}" if label else str(errors[0]))


def _file(request: AuthedHttpRequest, contestant_id: int) -> None:
    """File the appeal for a contestant the caller has found within the user's reach (so that a stranger's
    contestant is not found, whatever the form holds)."""
    form = AppealFileForm(request.POST)
    if not form.is_valid():
        _invalid(request, form)
        return
    _run(request, lambda: appeal_file(actor=request.user, contestant_id=contestant_id,
                                      component=form.cleaned_data["component"], reason=form.cleaned_data["reason"]),
         _("The appeal is filed; the organisers will answer it."))


@require_POST
@login_required
def file_mine(request: AuthedHttpRequest, contestant_id: int) -> HttpResponse:
    """我的比赛: the contestant appeals their own published result."""
    contestant_to_appeal(user=request.user, contestant_id=contestant_id)
    _file(request, contestant_id)
    return redirect("competitions:mine")


@require_POST
@require_perm(REGISTER)
def file_unit(request: AuthedHttpRequest, activity_id: int, contestant_id: int) -> HttpResponse:
    """比赛报名: the unit appeals the published result of one of its contestants."""
    activity = activity_reached(request.user, activity_id, REGISTER)
    if contestant_to_appeal(user=request.user, contestant_id=contestant_id).activity_id != activity.pk:
        raise NotFound()
    _file(request, contestant_id)
    return redirect(f"{reverse('competitions:register', args=[activity.pk])}#appeals")


@require_POST
@require_perm(MANAGE)
def decide(request: AuthedHttpRequest, activity_id: int, event: str, round_: str, appeal_id: int,
           step: str) -> HttpResponse:
    """提出更正 (the value and why), 驳回 (why), 批准 (a second person)."""
    activity, _settings, found_event, found_round = stage_of(request, activity_id, event, round_)
    if step not in ("propose", "dismiss", "approve") or not in_stage(activity, found_event.key, found_round.key,
                                                                      appeal_id):
        raise NotFound()
    if step == "propose":
        proposed = AppealProposeForm(request.POST)
        if proposed.is_valid():
            _run(request, lambda: appeal_propose(actor=request.user, appeal_id=appeal_id,
                                                 value=proposed.cleaned_data["value"],
                                                 note=proposed.cleaned_data["note"]),
                 _("The correction is proposed; a second person approves it."))
        else:
            _invalid(request, proposed)
    elif step == "dismiss":
        dismissed = AppealDismissForm(request.POST)
        if dismissed.is_valid():
            _run(request, lambda: appeal_dismiss(actor=request.user, appeal_id=appeal_id,
                                                 note=dismissed.cleaned_data["note"]), _("The appeal is dismissed."))
        else:
            _invalid(request, dismissed)
    else:
        _run(request, lambda: appeal_approve(actor=request.user, appeal_id=appeal_id),
             _("The correction is approved and the ranking computed again."))
    return redirect(f"{reverse('competitions:stage', args=[activity.pk, found_event.key, found_round.key])}#appeals")
