"""Writing a plan through forms (新建活动, 编辑方案): the same plan the YAML file holds, saved by `plan_save`."""

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from suzhi.campaigns.forms.editor import FORMSETS, MAX_ROWS, PlanEditor
from suzhi.campaigns.models import Campaign
from suzhi.campaigns.plan.check import PlanInvalid
from suzhi.campaigns.selectors.campaigns import MANAGE, access_campaign_for_update
from suzhi.campaigns.selectors.plans import plan_of
from suzhi.campaigns.services import plans as services
from suzhi.core.errors import PermissionDenied, ValidationFailed
from suzhi.core.web import AuthedHttpRequest, require_perm


def _with_row_added(data: Any) -> Any:
    """The posted data with one more blank row in the formset the "Add a row" button names."""
    prefix = data.get("add", "")
    if prefix not in FORMSETS:
        return data
    data = data.copy()
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", "0"))
    except ValueError:
        return data
    data[f"{prefix}-TOTAL_FORMS"] = str(min(total + 1, MAX_ROWS))
    return data


def _editor_page(request: AuthedHttpRequest, campaign: Campaign | None) -> HttpResponse:
    plan = plan_of(campaign) if campaign is not None else None
    if request.method != "POST":
        editor = PlanEditor(user=request.user, plan=plan)
        return _render(request, editor, campaign)
    if "add" in request.POST:
        # Adding a row saves nothing: the page comes back as posted, one blank row longer, without errors. So does
        # "add=refresh", which shows the actions and settings of the kind just chosen for an activity.
        editor = PlanEditor(_with_row_added(request.POST), user=request.user, plan=plan)
        return _render(request, editor, campaign, quiet=True)
    editor = PlanEditor(request.POST, user=request.user, plan=plan)
    if editor.is_valid():
        try:
            saved = services.plan_save(actor=request.user, campaign_id=campaign.pk if campaign else None,
                                       data=editor.to_plan())
        except PlanInvalid as exc:
            editor.add_plan_errors(exc.errors)
        except PermissionDenied as exc:  # the organiser chosen is outside the user's scope
            editor.add_error("organiser", exc.message)
        except ValidationFailed as exc:
            editor.add_error(None, exc.message)
        else:
            messages.success(request, _("The plan “%(title)s” is saved.") % {"title": saved.title})
            return redirect("campaigns:campaign_detail", saved.pk)
    return _render(request, editor, campaign)


def _render(request: AuthedHttpRequest, editor: PlanEditor, campaign: Campaign | None, *,
            quiet: bool = False) -> HttpResponse:
    return render(request, "campaigns/editor/edit.html", {"editor": editor, "campaign": campaign, "quiet": quiet})


@require_perm(MANAGE)
def campaign_new(request: AuthedHttpRequest) -> HttpResponse:
    return _editor_page(request, None)


@require_perm(MANAGE)
def campaign_edit(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    # Outside the user's scope is a 404; plan_save checks the scope again when it saves.
    with transaction.atomic():
        campaign = access_campaign_for_update(user=request.user, campaign_id=campaign_id)
    return _editor_page(request, campaign)


urlpatterns = [
    path("new/", campaign_new, name="campaign_new"),
    path("<int:campaign_id>/edit/", campaign_edit, name="campaign_edit"),
]
