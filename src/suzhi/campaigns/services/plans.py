"""Turning a plan (工作方案) into a running campaign, and changing it later without losing records.

Phases, activities and targets are matched by their keys: what the new plan keeps is updated in place
(so records, overrides and computed values stay attached), what it adds is created, and what it drops is
removed unless records depend on it, in which case nothing is changed and the error says why.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.campaigns.models import Activity, Campaign, MetricRecord, Phase, Target
from suzhi.campaigns.plan.check import PlanError, PlanInvalid, parse_plan_data, parse_plan_text, plan_to_yaml
from suzhi.campaigns.plan.schema import Plan
from suzhi.campaigns.selectors.campaigns import MANAGE
from suzhi.core import oplog, scope
from suzhi.core.errors import PermissionDenied
from suzhi.core.models import Organisation, User
from suzhi.core.web import ensure_perm


def _organiser(actor: User, code: str, path: str) -> Organisation:
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        raise PlanInvalid([PlanError(path, _("No organisation has the code “%(code)s”.") % {"code": code})])
    if not scope.organisation_in_scope(actor, MANAGE, organisation):
        raise PermissionDenied(
            _("%(org)s is outside the organisations whose campaigns you manage.") % {"org": organisation.name}
        )
    return organisation


def _sync_phases(campaign: Campaign, plan: Plan) -> dict[str, Phase]:
    current = {p.key: p for p in campaign.phases.all()}
    result = {}
    for position, item in enumerate(plan.phases):
        phase = current.get(item.key) or Phase(campaign=campaign, key=item.key)
        phase.title, phase.starts_on, phase.ends_on, phase.position = item.title, item.start, item.end, position
        phase.save()
        result[item.key] = phase
    return result


def _sync_activities(actor: User, campaign: Campaign, plan: Plan) -> dict[str, Activity]:
    current = {a.key: a for a in campaign.activities.all()}
    organisers = {a.organiser for a in plan.activities if a.organiser}
    by_code = {o.code: o for o in Organisation.objects.filter(code__in=organisers)}
    result = {}
    for position, item in enumerate(plan.activities):
        activity = current.get(item.key) or Activity(campaign=campaign, key=item.key)
        if activity.pk and activity.kind != item.kind and MetricRecord.objects.filter(activity=activity).exists():
            raise PlanInvalid([PlanError(f"activities[{position}].kind", _(
                "The activity “%(key)s” already has records of kind “%(kind)s”; its kind cannot change."
            ) % {"key": item.key, "kind": activity.kind})])
        activity.kind, activity.title = item.kind, item.title
        activity.organiser = by_code[item.organiser] if item.organiser else campaign.organiser
        activity.org_types, activity.person_categories = item.org_types, item.person_categories
        activity.open_in, activity.settings, activity.position = item.open_in, item.settings, position
        activity.save()
        result[item.key] = activity
    dropped = [a for key, a in current.items() if key not in result]
    if dropped:
        used = set(MetricRecord.objects.filter(activity__in=dropped).values_list("activity__key", flat=True))
        if used:
            raise PlanInvalid([PlanError("activities", _(
                "The activity “%(key)s” has records and cannot be removed from the plan."
            ) % {"key": key}) for key in sorted(used)])
        Activity.objects.filter(pk__in=[a.pk for a in dropped]).delete()
    return result


def _sync_targets(campaign: Campaign, plan: Plan, phases: dict[str, Phase], activities: dict[str, Activity]) -> None:
    current = {t.key: t for t in campaign.targets.all()}
    kept = set()
    for position, item in enumerate(plan.targets):
        target = current.get(item.key) or Target(campaign=campaign, key=item.key)
        target.title, target.metric, target.form = item.title, item.metric, item.form
        target.activity = activities[item.activity] if item.activity else None
        target.threshold, target.at_least, target.per_org_types = item.threshold, item.at_least, item.per_org_types
        target.filter = item.filter.model_dump(mode="json")
        target.deadline, target.position = phases[item.deadline], position
        if target.pk:
            target.values.all().delete()  # its definition may have changed; recomputed after the commit
        target.save()
        kept.add(item.key)
    Target.objects.filter(campaign=campaign).exclude(key__in=kept).delete()


def _apply(*, actor: User, plan: Plan, source: str, campaign: Campaign | None) -> Campaign:
    organiser = _organiser(actor, plan.organiser, "organiser")
    created = campaign is None
    if campaign is None:
        campaign = Campaign(code=plan.code)
    before = {"title": campaign.title, "year": campaign.year} if not created else None
    campaign.title, campaign.year, campaign.organiser = plan.title, plan.year, organiser
    campaign.plan, campaign.source = plan.model_dump(mode="json"), source
    campaign.save()
    phases = _sync_phases(campaign, plan)
    activities = _sync_activities(actor, campaign, plan)
    _sync_targets(campaign, plan, phases, activities)
    campaign.phases.exclude(key__in=list(phases)).delete()
    oplog.record(
        actor=actor, action="campaign.create" if created else "campaign.load", obj=campaign, organisation=organiser,
        before=before,
        after={"title": plan.title, "phases": len(plan.phases), "activities": len(plan.activities),
               "targets": len(plan.targets)},
        summary=plan.title,
    )
    from suzhi.campaigns.services.targets import schedule_targets_refresh

    schedule_targets_refresh(campaign_id=campaign.pk)
    return campaign


def _existing(actor: User, code: str) -> Campaign | None:
    campaign = Campaign.objects.select_for_update().filter(code=code).first()
    if campaign is None:
        return None
    if not scope.organisation_in_scope(actor, MANAGE, campaign.organiser):
        # Another organisation's campaign has this code: refuse without saying more about it.
        raise PlanInvalid([PlanError("code", _("The code “%(code)s” is taken.") % {"code": code})])
    return campaign


@transaction.atomic
def plan_load(*, actor: User, text: str) -> Campaign:
    """Create the campaign a plan file describes, or update it in place when its code exists (载入方案)."""
    ensure_perm(actor, MANAGE)
    plan = parse_plan_text(text)
    return _apply(actor=actor, plan=plan, source=text, campaign=_existing(actor, plan.code))


@transaction.atomic
def plan_save(*, actor: User, campaign_id: Any, data: dict[str, Any]) -> Campaign:
    """Save a plan edited through the pages; the file to download is regenerated from it."""
    ensure_perm(actor, MANAGE)
    campaign = None
    if campaign_id is not None:
        campaign = scope.get_in_scope(Campaign.objects.all(), actor, MANAGE, pk=campaign_id, org_field="organiser",
                                      for_update=True)
    plan = parse_plan_data(data)
    if campaign is not None and plan.code != campaign.code:
        raise PlanInvalid([PlanError("code", _("The code of a campaign cannot change."))])
    if campaign is None and Campaign.objects.filter(code=plan.code).exists():
        raise PlanInvalid([PlanError("code", _("The code “%(code)s” is taken.") % {"code": plan.code})])
    return _apply(actor=actor, plan=plan, source=plan_to_yaml(plan), campaign=campaign)
