"""Which campaigns a caller sees: those organised at or above any organisation in their scope (they take
part in them) and those organised below it (they oversee them)."""

from typing import Any

from django.db.models import Q, QuerySet

from suzhi.campaigns.models import Activity, Campaign, Phase
from suzhi.core import scope
from suzhi.core.errors import NotFound
from suzhi.core.models import Organisation

VIEW, MANAGE = "campaign.view", "campaign.manage"
STEP = Organisation.steplen


def _ancestor_paths(paths: set[str]) -> set[str]:
    return {path[:end] for path in paths for end in range(STEP, len(path) + 1, STEP)}


def _visible_q(user: Any, permission: str) -> Q | None:
    """None: everything; otherwise a filter on Campaign."""
    found = scope.scope_for(user, permission)
    if found.all:
        return None
    paths = set(found.subtree_paths)
    org_ids = set(found.org_ids)
    if found.self_org_id:
        org_ids.add(found.self_org_id)
    if org_ids:
        paths_of_orgs = set(Organisation.objects.filter(pk__in=org_ids).values_list("path", flat=True))
    else:
        paths_of_orgs = set()
    q = Q(pk__in=[])
    ancestors = _ancestor_paths(paths | paths_of_orgs)
    if ancestors:
        q |= Q(organiser__path__in=sorted(ancestors))
    for path in sorted(paths):
        q |= Q(organiser__path__startswith=path)
    return q


def campaigns_visible(*, user: Any) -> QuerySet[Campaign]:
    qs = Campaign.objects.select_related("organiser")
    q = _visible_q(user, VIEW)
    return qs if q is None else qs.filter(q)


def campaign_get(*, user: Any, campaign_id: Any) -> Campaign:
    try:
        return campaigns_visible(user=user).get(pk=campaign_id)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def campaign_by_code(*, user: Any, code: str) -> Campaign:
    try:
        return campaigns_visible(user=user).get(code=code)
    except Campaign.DoesNotExist:
        raise NotFound() from None


def access_campaign_for_update(*, user: Any, campaign_id: Any) -> Campaign:
    """A campaign the user may change: its organiser lies in their campaign.manage scope."""
    return scope.get_in_scope(Campaign.objects.select_related("organiser"), user, MANAGE, pk=campaign_id,
                              org_field="organiser", for_update=True)


def phases_of(campaign: Campaign) -> list[Phase]:
    return list(campaign.phases.order_by("position"))


def activities_of(campaign: Campaign) -> list[Activity]:
    return list(campaign.activities.select_related("organiser").order_by("position"))
