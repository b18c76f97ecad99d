"""Campaign pages: the list, a campaign's plan at a glance, loading a plan file, downloads, phase changes."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suzhi.campaigns import kinds
from suzhi.campaigns.eligibility import action_window
from suzhi.campaigns.forms.campaigns import PhaseEndForm, PlanUploadForm
from suzhi.campaigns.plan.check import PlanError, PlanInvalid, check_plan_text
from suzhi.campaigns.selectors.campaigns import (
    MANAGE,
    VIEW,
    activities_of,
    campaign_get,
    campaigns_visible,
    phases_of,
)
from suzhi.campaigns.selectors.plans import plan_file, plan_of
from suzhi.campaigns.services import plans as services
from suzhi.campaigns.services.phases import phase_set_end
from suzhi.campaigns.services.targets import targets_refresh
from suzhi.core import scope
from suzhi.core.errors import ValidationFailed
from suzhi.core.web import AuthedHttpRequest, paginate, require_perm, show_form_error

DOCUMENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


@require_perm(VIEW)
def campaign_list(request: AuthedHttpRequest) -> HttpResponse:
    context = paginate(request, campaigns_visible(user=request.user))
    context["can_load"] = request.user.has_perm(MANAGE)
    return render(request, "campaigns/list.html", context)


@require_perm(VIEW)
def campaign_detail(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_get(user=request.user, campaign_id=campaign_id)
    phases = phases_of(campaign)
    today = timezone.localdate()
    activities = []
    for activity in activities_of(campaign):
        manifest = kinds.kind(activity.kind)
        actions = []
        for code, label in (manifest.actions.items() if manifest else []):
            windows = action_window(activity, code, phases)
            actions.append({"label": label, "windows": windows,
                            "open": any(start <= today <= end for start, end in windows)})
        activities.append({"activity": activity, "kind": manifest.label if manifest else activity.kind,
                           "actions": actions, "url": manifest.url_for(activity, request.user) if manifest else None})
    manageable = scope.organisation_in_scope(request.user, MANAGE, campaign.organiser)
    return render(request, "campaigns/detail.html", {
        "campaign": campaign, "phases": phases, "today": today, "activities": activities,
        "targets": campaign.targets.select_related("deadline").order_by("position"),
        "manageable": manageable, "phase_form": PhaseEndForm(),
        "current": [p for p in phases if p.starts_on <= today <= p.effective_end],
    })


@require_perm(MANAGE)
def campaign_load(request: AuthedHttpRequest) -> HttpResponse:
    """Upload or paste a plan file: check it (errors with their lines) or load it."""
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    errors: list[PlanError] = []
    checked = False
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        if form.cleaned_data["dry_run"]:
            _plan, errors = check_plan_text(text)
            checked = True
        else:
            try:
                campaign = services.plan_load(actor=request.user, text=text)
            except PlanInvalid as exc:
                errors = exc.errors
            except ValidationFailed as exc:
                show_form_error(form, exc)
            else:
                messages.success(request, _("The plan “%(title)s” is loaded.") % {"title": campaign.title})
                return redirect("campaigns:campaign_detail", campaign.pk)
    return render(request, "campaigns/load.html", {"form": form, "errors": errors, "checked": checked})


@require_perm(VIEW)
def plan_download(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_get(user=request.user, campaign_id=campaign_id)
    response = HttpResponse(plan_file(campaign), content_type="application/x-yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.code}.yaml"'
    return response


@require_perm(VIEW)
def plan_document(request: AuthedHttpRequest, campaign_id: int, fmt: str) -> HttpResponse:
    from suzhi.campaigns.documents import document_filename, render_plan

    if fmt not in DOCUMENT_TYPES:
        raise Http404
    campaign = campaign_get(user=request.user, campaign_id=campaign_id)
    plan = plan_of(campaign)
    response = HttpResponse(render_plan(plan, fmt), content_type=DOCUMENT_TYPES[fmt])
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{document_filename(plan, fmt)}"'
    return response


@require_POST
@require_perm(MANAGE)
def phase_end(request: AuthedHttpRequest, campaign_id: int, phase_key: str) -> HttpResponse:
    form = PhaseEndForm(request.POST)
    if form.is_valid():
        try:
            phase = phase_set_end(actor=request.user, campaign_id=campaign_id, phase_key=phase_key,
                                  ends_on=form.cleaned_data["ends_on"], reason=form.cleaned_data["reason"])
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(phase)s now ends on %(date)s")
                             % {"phase": phase.title, "date": phase.effective_end.isoformat()})
    else:
        messages.error(request, _("Enter a valid date."))
    return redirect("campaigns:campaign_detail", campaign_id)


@require_POST
@require_perm(VIEW)
def targets_refresh_view(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_get(user=request.user, campaign_id=campaign_id)
    targets_refresh(actor=request.user, campaign_id=campaign.pk)
    messages.success(request, _("Target progress recomputed."))
    target = reverse("campaigns:dashboard", args=[campaign.pk])
    org = request.POST.get("org", "")
    return redirect(f"{target}?org={org}" if org.isdigit() else target)


urlpatterns = [
    path("", campaign_list, name="campaign_list"),
    path("load/", campaign_load, name="campaign_load"),
    path("<int:campaign_id>/", campaign_detail, name="campaign_detail"),
    path("<int:campaign_id>/plan.yaml", plan_download, name="plan_download"),
    path("<int:campaign_id>/document.<str:fmt>", plan_document, name="plan_document"),
    path("<int:campaign_id>/phases/<slug:phase_key>/end/", phase_end, name="phase_end"),
    path("<int:campaign_id>/targets/refresh/", targets_refresh_view, name="targets_refresh"),
]
