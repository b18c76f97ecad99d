"""The implementation panel's actions on a suggestion's page: report (status, benefit, note) and confirm. Thin:
the forms check the shape, the services decide."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suzhi.collections.forms.implementation import ImplementationConfirmForm, ImplementationReportForm
from suzhi.collections.selectors.submissions import submission_detail
from suzhi.collections.services.implementation import implementation_confirm, implementation_report
from suzhi.core.errors import DomainError, NotFound
from suzhi.core.web import AuthedHttpRequest


def _form_errors(form: Any) -> str:
    return "；".join(f"{form.fields[name].label}：{' '.join(errors)}" if name in form.fields else " ".join(errors)
                    for name, errors in form.errors.items())


@require_POST
@login_required
def report(request: AuthedHttpRequest, submission_id: int) -> HttpResponse:
    submission_detail(user=request.user, submission_id=submission_id)  # 404 outside the user's sight, form or not
    form = ImplementationReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("collections:detail", submission_id)
    try:
        implementation_report(actor=request.user, submission_id=submission_id, status=form.cleaned_data["status"],
                              measured_benefit=form.cleaned_data["measured_benefit"],
                              note=form.cleaned_data["note"])
        messages.success(request, _("Implementation reported."))
    except NotFound:
        raise
    except DomainError as refused:
        messages.error(request, str(refused.message))
    return redirect("collections:detail", submission_id)


@require_POST
@login_required
def confirm(request: AuthedHttpRequest, submission_id: int) -> HttpResponse:
    submission_detail(user=request.user, submission_id=submission_id)
    form = ImplementationConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("collections:detail", submission_id)
    try:
        implementation_confirm(actor=request.user, submission_id=submission_id,
                               comment=form.cleaned_data["comment"])
        messages.success(request, _("Measured benefit confirmed."))
    except NotFound:
        raise
    except DomainError as refused:
        messages.error(request, str(refused.message))
    return redirect("collections:detail", submission_id)
