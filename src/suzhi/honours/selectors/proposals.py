"""Who a rule proposes (建议名单): the candidates each basis finds in what the platform holds, read without a
caller's scope (the organiser applying the rule oversees the whole campaign). Rankings come only through
campaigns/results.py, unit figures only from the stored target values; no kind is imported."""

import dataclasses
import datetime
import decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.campaigns import kinds
from suzhi.campaigns.eligibility import describe_attributes, person_q
from suzhi.campaigns.models import Activity, Campaign, Target, TargetValue
from suzhi.campaigns.plan.schema import AwardRule
from suzhi.campaigns.results import Ranking, Subject, ranked_results
from suzhi.core.models import Organisation
from suzhi.honours.rules import competition_positions, title_for, titles_of, within_top
from suzhi.people.models import Person


@dataclasses.dataclass(frozen=True)
class Candidate:
    organisation_id: int
    name: str
    title: str
    basis: str
    person_id: int | None = None
    position: int | None = None
    score: decimal.Decimal | None = None
    tied: bool = False  # shares the last place with some past N (ties: decide leaves them to the organiser)

    @property
    def recipient(self) -> tuple[str, int]:
        return ("person", self.person_id) if self.person_id is not None else ("organisation", self.organisation_id)


def _activity(campaign: Campaign, rule: AwardRule) -> Activity | None:
    if not rule.activity:
        return None
    return Activity.objects.filter(campaign=campaign, key=rule.activity).select_related("organiser").first()


def _rankings(rule: AwardRule, activity: Activity) -> list[Ranking]:
    """The rankings that count: each one with per_ranking (各工种), else the activity's main ranking (the first its
    organiser publishes); `ranking` narrows to the one of that title (an event, a round)."""
    subject = Subject.PERSON if rule.recipient == "person" else Subject.ORGANISATION
    found = ranked_results(activity, subject=subject)
    if rule.ranking:
        found = [r for r in found if r.title == rule.ranking or r.title.startswith(rule.ranking)]
    if rule.per_ranking:
        return found
    own = [r for r in found if r.organiser_id == activity.organiser_id] or found
    return own[:1]


def _place_text(ranking: str, position: int, tied: bool) -> str:
    if tied:
        return _("%(ranking)s, tied place %(place)d") % {"ranking": ranking, "place": position}
    return _("%(ranking)s, place %(place)d") % {"ranking": ranking, "place": position}


def by_ranking(rule: AwardRule, activity: Activity) -> list[Candidate]:
    found = []
    for ranking in _rankings(rule, activity):
        entries = list(ranking.entries)
        title = title_for(rule, ranking.title)
        for placed in within_top(entries, [e.position for e in entries], rule.top or 0, rule.ties):
            entry = placed.item
            found.append(Candidate(organisation_id=entry.organisation_id, name=entry.name, title=title,
                                   basis=_place_text(ranking.title, placed.position, placed.tied),
                                   person_id=entry.person_id, position=placed.position, score=entry.score,
                                   tied=placed.over and rule.ties == "decide"))
    return found


def by_kind_award(rule: AwardRule, activity: Activity) -> list[Candidate]:
    """The entries whose kind's award (the ranked entry's detail: a collection's 一等奖) is the rule's."""
    found = []
    for ranking in _rankings(rule, activity):
        title = title_for(rule, ranking.title)
        for entry in ranking.entries:
            if entry.detail.strip() == (rule.award or ""):
                found.append(Candidate(
                    organisation_id=entry.organisation_id, name=entry.name, title=title,
                    basis=_("%(ranking)s, %(award)s") % {"ranking": ranking.title, "award": rule.award},
                    person_id=entry.person_id, position=entry.position, score=entry.score))
    return found


def _units(campaign: Campaign, rule: AwardRule) -> list[Organisation]:
    """The units a unit award considers: of its organisation types, or else those with none below them, in the
    campaign's tree (the organiser itself is not a candidate)."""
    units = Organisation.objects.filter(path__startswith=campaign.organiser.path).exclude(pk=campaign.organiser_id)
    units = units.filter(org_type__code__in=rule.org_types) if rule.org_types else units.filter(numchild=0)
    return list(units.select_related("org_type").order_by("path"))


def _applies(target: Target, unit: Organisation, value: TargetValue | None) -> bool:
    """Whether a target is one the unit is measured by: a per_org target for its types, a coverage or percentage
    target where it has people in scope; a total is the campaign's, not a unit's."""
    if target.form == "per_org":
        return unit.org_type is not None and unit.org_type.code in target.per_org_types
    if target.form in ("coverage", "percentage"):
        return value is not None and value.population > 0
    return False


def by_targets(campaign: Campaign, rule: AwardRule) -> list[Candidate]:
    targets = list(campaign.targets.order_by("position"))
    if isinstance(rule.targets, list):
        targets = [t for t in targets if t.key in rule.targets]
    units = _units(campaign, rule)
    values = {(row.target_id, row.organisation_id): row for row in TargetValue.objects.filter(
        target__in=targets, organisation__path__startswith=campaign.organiser.path)}
    title = titles_of(rule)[0]
    found = []
    for unit in units:
        applying = [t for t in targets if _applies(t, unit, values.get((t.pk, unit.pk)))]
        if applying and all(values.get((t.pk, unit.pk)) is not None
                            and values[(t.pk, unit.pk)].value >= t.threshold for t in applying):
            found.append(Candidate(organisation_id=unit.pk, name=unit.name, title=title,
                                   basis=_("met all %(n)d of its targets") % {"n": len(applying)}))
    return found


def by_metric(campaign: Campaign, rule: AwardRule) -> list[Candidate]:
    target = campaign.targets.filter(key=rule.target).first()
    if target is None:
        return []
    units = {unit.pk: unit for unit in _units(campaign, rule)}
    # A total target ranks every unit by its figure; the others only the units they measure.
    rows = [row for row in TargetValue.objects.filter(target=target,
                                                      organisation__path__startswith=campaign.organiser.path)
            if row.organisation_id in units
            and (target.form == "total" or _applies(target, units[row.organisation_id], row))]
    rows.sort(key=lambda row: (-row.value, units[row.organisation_id].path))
    positions = competition_positions(row.value for row in rows)
    unit_sign = "%" if target.form in ("coverage", "percentage") else ""
    title = titles_of(rule)[0]
    found = []
    for placed in within_top(rows, positions, rule.top or 0, rule.ties):
        row = placed.item
        figure = f"{round(row.value, 1):g}{unit_sign}"
        found.append(Candidate(
            organisation_id=row.organisation_id, name=units[row.organisation_id].name, title=title,
            basis=_("%(target)s %(value)s, place %(place)d") % {"target": target.title, "value": figure,
                                                                 "place": placed.position},
            position=placed.position, score=decimal.Decimal(str(round(row.value, 2))),
            tied=placed.over and rule.ties == "decide"))
    return found


def by_attribute(campaign: Campaign, rule: AwardRule, *, day: datetime.date, limit: int) -> list[Candidate]:
    """The people on the rosters of the campaign's tree meeting the rules (with an activity: those it ranks)."""
    people = Person.objects.filter(is_active=True, organisation__path__startswith=campaign.organiser.path)
    people = people.filter(person_q({"person_categories": rule.person_categories,
                                     "attributes": [a.model_dump() for a in rule.attributes]}, "", day))
    activity = _activity(campaign, rule)
    if activity is not None:
        ranked = {e.person_id for r in ranked_results(activity, subject=Subject.PERSON) for e in r.entries}
        people = people.filter(pk__in=sorted(p for p in ranked if p is not None))
    title = titles_of(rule)[0]
    basis = describe_attributes(rule.attributes)
    rows = people.order_by("organisation__path", "name", "pk").values_list("pk", "name", "organisation_id")
    return [Candidate(organisation_id=org_id, name=name, title=title, basis=basis, person_id=pk)
            for pk, name, org_id in rows[:limit + 1]]


def candidates(campaign: Campaign, rule: AwardRule, *, limit: int, day: datetime.date | None = None) -> list[Candidate]:
    """Whom the rule proposes, in the order the list shows them (at most `limit` + 1, so a caller can refuse a
    list past its limit). A manual rule proposes nobody; neither does a rule whose activity is not in the campaign
    or whose kind publishes no ranking yet."""
    if rule.basis == "targets":
        return by_targets(campaign, rule)
    if rule.basis == "metric":
        return by_metric(campaign, rule)
    if rule.basis == "attribute":
        return by_attribute(campaign, rule, day=day or timezone.localdate(), limit=limit)
    if rule.basis in ("ranking", "kind_award"):
        activity = _activity(campaign, rule)
        if activity is None or kinds.kind(activity.kind) is None:
            return []
        return by_ranking(rule, activity) if rule.basis == "ranking" else by_kind_award(rule, activity)
    return []
