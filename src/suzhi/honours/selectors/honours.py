"""Reading honours: the campaigns and their award rules with how far each got, a rule's list for the organiser
confirming it, the honours roll (光荣榜) of a campaign within the viewer's organisations, and a participant's own
honours. Each in a fixed number of queries whatever the number of honours."""

import dataclasses
from collections import defaultdict
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from suzhi.campaigns.models import Campaign
from suzhi.campaigns.plan.schema import AwardRule
from suzhi.campaigns.selectors.campaigns import campaigns_visible
from suzhi.core import scope
from suzhi.core.errors import NotFound
from suzhi.core.models import Organisation
from suzhi.honours.manifest import MANAGE, VIEW
from suzhi.honours.models import Honour, HonourChange
from suzhi.honours.rules import rule_of, rules_of, summary
from suzhi.honours.states import State
from suzhi.people.selectors.persons import person_for_user


def honour_campaigns(*, user: Any) -> QuerySet[Campaign]:
    """The campaigns the user sees (organised above, at or below their organisations)."""
    return campaigns_visible(user=user)


def honour_campaign(*, user: Any, campaign_id: Any) -> Campaign:
    try:
        return honour_campaigns(user=user).get(pk=campaign_id)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def may_manage_campaign(user: Any, campaign: Campaign) -> bool:
    return scope.may_manage(user, MANAGE, campaign.organiser)


def managed_campaign_get(*, user: Any, campaign_id: Any) -> Campaign:
    """A campaign the user may apply award rules in (honours.manage over its organiser); 404 otherwise."""
    return scope.get_in_scope(Campaign.objects.select_related("organiser"), user, MANAGE, pk=campaign_id,
                              org_field="organiser")


@dataclasses.dataclass
class RuleRow:
    index: int
    rule: AwardRule
    counts: dict[str, int]

    @property
    def summary(self) -> str:
        return " · ".join(summary(self.rule))

    @property
    def proposed(self) -> int:
        return self.counts.get(State.PROPOSED, 0)

    @property
    def confirmed(self) -> int:
        return self.counts.get(State.CONFIRMED, 0)


def rule_rows(*, campaign: Campaign) -> list[RuleRow]:
    """The campaign's award rules in the plan's order, with how many honours each has in each state (one query)."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    rows = Honour.objects.filter(campaign=campaign).values("rule_key", "state").annotate(n=Count("pk"))
    for row in rows.order_by():
        counts[row["rule_key"]][row["state"]] = row["n"]
    return [RuleRow(index, rule, counts.get(rule.key, {})) for index, rule in enumerate(rules_of(campaign))]


def rule_honours(*, user: Any, campaign_id: Any, rule_key: str) -> tuple[Campaign, int, AwardRule, list[Honour]]:
    """A rule's list for the organiser who manages the campaign: every honour in every state, with its history
    (three queries)."""
    campaign = managed_campaign_get(user=user, campaign_id=campaign_id)
    index, rule = rule_of(campaign, rule_key)
    honours = list(Honour.objects.filter(campaign=campaign, rule_key=rule.key)
                   .select_related("organisation", "person")
                   .prefetch_related(_changes())
                   .order_by("state", "title", "position", "name", "pk"))
    return campaign, index, rule, honours


def _changes() -> Prefetch:
    return Prefetch("changes", queryset=HonourChange.objects.select_related("actor").order_by("at", "pk"))


@dataclasses.dataclass
class Roll:
    campaign: Campaign
    focus: Organisation | None
    groups: list[tuple[AwardRule | None, str, list[Honour]]]  # (rule, title, honours) in the plan's order
    total: int


def _confirmed_in_scope(user: Any, campaign: Campaign) -> QuerySet[Honour]:
    return scope.filter_queryset(Honour.objects.filter(campaign=campaign, state=State.CONFIRMED), user, VIEW)


def roll_focus(user: Any, org_id: Any) -> Organisation | None:
    if org_id in (None, ""):
        return None
    return scope.get_in_scope(Organisation.objects.all(), user, VIEW, pk=org_id, org_field="")


def roll_honours(*, user: Any, campaign: Campaign, focus: Organisation | None = None) -> QuerySet[Honour]:
    """The confirmed honours of the campaign whose unit is in the viewer's honours.view scope, within `focus`
    and below it when given."""
    honours = _confirmed_in_scope(user, campaign)
    if focus is not None:
        honours = honours.filter(organisation__path__startswith=focus.path)
    return honours.select_related("organisation").order_by("position_in_rule", "title", "position", "name", "pk")


def roll(*, user: Any, campaign_id: Any, org_id: Any = None) -> Roll:
    """光荣榜: the campaign's confirmed honours in the viewer's scope (within the organisation `org_id` and below
    it when given; one outside the scope: 404), grouped by rule and title (three queries)."""
    campaign = honour_campaign(user=user, campaign_id=campaign_id)
    focus = roll_focus(user, org_id)
    honours = list(roll_honours(user=user, campaign=campaign, focus=focus))
    rules = {rule.key: rule for rule in rules_of(campaign)}
    # The plan's present order of its rules (an honour keeps the place its rule had when it was proposed).
    order = {key: index for index, key in enumerate(rules)}
    honours.sort(key=lambda h: (order.get(h.rule_key, len(order)), h.title, h.position is None, h.position or 0,
                                h.name, h.pk))
    groups: list[tuple[AwardRule | None, str, list[Honour]]] = []
    for honour in honours:
        if not groups or groups[-1][2][0].rule_key != honour.rule_key or groups[-1][1] != honour.title:
            groups.append((rules.get(honour.rule_key), honour.title, []))
        groups[-1][2].append(honour)
    return Roll(campaign=campaign, focus=focus, groups=groups, total=len(honours))


def my_honours(*, user: Any) -> list[Honour]:
    """我的荣誉: the confirmed honours of the person the user's account belongs to (none without one)."""
    person = person_for_user(user)
    if person is None:
        return []
    return list(Honour.objects.filter(person=person, state=State.CONFIRMED).select_related("campaign", "organisation")
                .order_by("-confirmed_at", "pk"))


def honour_detail(*, user: Any, honour_id: Any) -> Honour:
    """One honour with its history: to the organiser managing its campaign (any state), to whoever sees its unit on
    the roll (confirmed) or to its recipient (confirmed); 404 otherwise."""
    if not str(honour_id).isdigit():
        raise NotFound()
    found = Honour.objects.select_related("campaign__organiser", "organisation", "person").prefetch_related(
        _changes()).filter(pk=int(honour_id)).first()
    if found is None:
        raise NotFound()
    if may_manage_campaign(user, found.campaign):
        return found
    if found.state == State.CONFIRMED:
        if scope.organisation_in_scope(user, VIEW, found.organisation):
            return found
        person = person_for_user(user)
        if person is not None and found.person_id == person.pk:
            return found
    raise NotFound()
