"""Whatever happens to the records, the people and the organisation tree, every target's per-organisation numbers,
read from the tallies or from the records, are what counting the records and the people by hand gives."""

import datetime
from collections import defaultdict

import pytest
import yaml
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from suzhi.campaigns import kinds
from suzhi.campaigns.kinds import Aggregate
from suzhi.campaigns.metrics import org_nodes, own_values, roll_up
from suzhi.campaigns.models import MetricRecord
from suzhi.campaigns.services.plans import plan_load
from suzhi.campaigns.services.records import metric_record_put, metric_record_remove
from suzhi.core.models import DictItem, Organisation
from suzhi.core.services.orgs import org_move
from suzhi.people.models import CATEGORY_DICT, Person
from suzhi.people.services.persons import person_deactivate, person_reactivate, person_transfer, person_update
from tests.campaigns.factories import plan_data
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 4, 15)
CATEGORIES = ["in_post", "laid_off", "migrant", "teacher"]
METRICS = ["training.people", "training.participations", "training.hours"]

TARGETS = [
    {"key": "people", "title": "培训人数", "metric": "training.people", "form": "total", "threshold": 3},
    {"key": "skills", "title": "技能培训下岗职工、农民工人次", "metric": "training.participations", "form": "total",
     "activity": "skills", "threshold": 3, "filter": {"person_categories": ["laid_off", "migrant"]}},
    {"key": "units", "title": "各企业培训在岗职工", "metric": "training.people", "form": "per_org",
     "activity": "lectures", "per_org_types": ["enterprise"], "threshold": 1,
     "filter": {"person_categories": ["in_post"]}},
    {"key": "twice", "title": "在岗、下岗职工至少培训2次", "metric": "training.participations", "form": "coverage",
     "at_least": 2, "threshold": 50, "filter": {"person_categories": ["in_post", "laid_off"]}},
    {"key": "four", "title": "在岗职工至少培训4次", "metric": "training.participations", "form": "coverage",
     "at_least": 4, "threshold": 50, "filter": {"person_categories": ["in_post"]}},  # above the reach counts' levels
    {"key": "teachers", "title": "教师培训比例", "metric": "training.people", "form": "percentage", "threshold": 8,
     "filter": {"person_categories": ["teacher"]}},
    {"key": "men", "title": "男性下岗职工培训人数", "metric": "training.people", "form": "total", "threshold": 1,
     "filter": {"person_categories": ["laid_off"], "attributes": [{"field": "gender", "value": "M"}]}},
    {"key": "skills-once", "title": "农民工参加技能培训", "metric": "training.participations", "form": "coverage",
     "activity": "skills", "at_least": 1, "threshold": 50, "filter": {"person_categories": ["migrant"]}},
    {"key": "enterprises", "title": "企业在岗职工培训人数", "metric": "training.people", "form": "total",
     "threshold": 1, "filter": {"person_categories": ["in_post"], "org_types": ["enterprise"]}},
    {"key": "hours", "title": "人均学时", "metric": "training.hours_per_person", "form": "total", "threshold": 8},
]

people_ = st.integers(0, 3)
operations = st.lists(st.one_of(
    st.tuples(st.just("put"), people_, st.sampled_from(["lectures", "skills"]), st.sampled_from(METRICS),
              st.integers(0, 5)),
    st.tuples(st.just("remove"), st.sampled_from(["lectures", "skills"]), st.sampled_from(METRICS),
              st.integers(0, 5)),
    st.tuples(st.just("categories"), people_, st.sets(st.sampled_from(CATEGORIES))),
    st.tuples(st.just("transfer"), people_),
    # Trained, transferred and trained again: records at two organisations.
    st.tuples(st.just("moved"), people_, st.sampled_from(["lectures", "skills"]), st.sampled_from(METRICS),
              st.integers(0, 5), st.integers(0, 5)),
    st.tuples(st.just("leave"), people_),
    # An organisation moved with everything below it (a unit or a town, under the federation, a town or a unit):
    # where a person's organisations meet changes.
    st.tuples(st.just("move"), st.sampled_from(["unit_a", "unit_b", "town_a", "town_b"]),
              st.sampled_from(["federation", "town_a", "town_b", "unit_a", "unit_b"])),
), max_size=14)


def _by_hand(target, campaign):
    """The target's numbers over any set of organisations, counted by hand from the records and the people:
    a function of the set giving (numerator, population). A person counts once in a set however many of its
    organisations they have records at."""
    filter_ = target.filter or {}
    wanted = set(filter_.get("person_categories") or [])
    org_types = set(filter_.get("org_types") or [])
    people = {p.pk: p for p in Person.objects.select_related("organisation__org_type").prefetch_related("categories")}

    def in_scope(person) -> bool:
        codes = {c.code for c in person.categories.all()}
        if wanted and not codes & wanted:
            return False
        return all(getattr(person, rule["field"]) == rule["value"] for rule in filter_.get("attributes") or [])

    metric = kinds.metric(target.metric)
    records = [r for r in MetricRecord.objects.filter(campaign=campaign, metric=metric.records_metric).select_related(
        "organisation__org_type") if (not target.activity_id or r.activity_id == target.activity_id)]
    roster = [p for p in people.values() if p.is_active and in_scope(p)
              and (target.form != "coverage" or not org_types or p.organisation.org_type.code in org_types)]
    per_person: dict[int, int] = defaultdict(int)
    for record in records:
        per_person[record.person_id] += 1
    kept = [r for r in records if in_scope(people[r.person_id])
            and (not org_types or r.organisation.org_type.code in org_types)]

    def count(orgs: set[int]) -> tuple[float, int]:
        population = sum(1 for p in roster if p.organisation_id in orgs)
        if target.form == "coverage":
            return sum(1 for p in roster if p.organisation_id in orgs and per_person[p.pk] >= target.at_least), \
                population
        mine = [r for r in kept if r.organisation_id in orgs]
        if metric.aggregate == Aggregate.PER_PERSON:
            return sum(r.quantity for r in mine), len({r.person_id for r in mine})
        numerator = len({r.person_id for r in mine}) if metric.aggregate == Aggregate.PEOPLE else len(mine)
        return numerator, population if target.form == "percentage" else 0

    return count


def _expected(target, campaign) -> dict[int, tuple[float, int]]:
    """The target's own numbers per organisation, counted by hand: {organisation: (numerator, population)}."""
    count = _by_hand(target, campaign)
    found = {org.pk: count({org.pk}) for org in Organisation.objects.all()}
    return {org: value for org, value in found.items() if value != (0, 0)}


def _expected_subtrees(target, campaign) -> dict[int, tuple[float, int]]:
    """The target's numbers for each organisation and everything below it, counted by hand."""
    count = _by_hand(target, campaign)
    orgs = list(Organisation.objects.filter(path__startswith=campaign.organiser.path))
    found = {org.pk: count({o.pk for o in orgs if o.path.startswith(org.path)}) for org in orgs}
    return {org: value for org, value in found.items() if value != (0, 0)}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Always among the examples: a person trained at both units, whose units then meet lower (unit_b under town_a), or
# at one of them (town_a under town_b, then unit_b under unit_a).
@example(steps=[("moved", 0, "lectures", "training.people", 0, 1), ("move", "unit_b", "town_a")],
         genders=["M", "F", "M", "F"])
@example(steps=[("moved", 1, "skills", "training.hours", 2, 3), ("put", 0, "lectures", "training.people", 4),
                ("moved", 0, "lectures", "training.people", 0, 1), ("move", "town_a", "town_b"),
                ("move", "unit_b", "unit_a")], genders=["M", "F", "M", "F"])
@given(steps=operations, genders=st.lists(st.sampled_from("MF"), min_size=4, max_size=4))
def test_every_target_agrees_with_counting_by_hand(tree, steps, genders):
    items = {item.code: item for item in DictItem.objects.filter(dict_type__code=CATEGORY_DICT)}
    assert set(CATEGORIES) <= set(items)
    with transaction.atomic():
        activities = [*plan_data()["activities"], {
            "key": "skills", "kind": "training", "title": "职工技能培训",
            "open_in": {"enroll": ["launch", "rollout"], "check_in": ["launch", "rollout"]}}]
        campaign = plan_load(actor=tree.committee_admin, text=yaml.safe_dump(plan_data(
            activities=activities, targets=[{**t, "deadline": "rollout"} for t in TARGETS]), allow_unicode=True))
        by_key = {a.key: a for a in campaign.activities.all()}
        units = [tree.unit_a, tree.unit_b]
        # Transfers go round these: to a unit of the other town, then to the town above the first unit (which holds
        # records of its own then, below which others are).
        places = [tree.unit_a, tree.unit_b, tree.town_a]
        people = [make_person(f"人{n}", units[n % 2], gender=genders[n]) for n in range(4)]
        admin = tree.committee_admin
        for step in steps:
            person = people[step[1]] if step[0] not in ("remove", "move") else None
            if person is not None:
                person.refresh_from_db()
            if step[0] == "put":
                _op, _p, activity, metric, source = step
                with transaction.atomic():
                    metric_record_put(activity=by_key[activity], metric=metric, person=person,
                                      source=f"s{source}", occurred_on=DAY)
            elif step[0] == "remove":
                _op, activity, metric, source = step
                with transaction.atomic():
                    metric_record_remove(activity=by_key[activity], metric=metric, source=f"s{source}")
            elif step[0] == "move":
                moved, target = (Organisation.objects.get(pk=getattr(tree, name).pk) for name in step[1:])
                if not target.path.startswith(moved.path):  # not under itself
                    org_move(actor=admin, org_id=moved.pk, target_id=target.pk)
            elif step[0] == "categories":
                person_update(actor=admin, person_id=person.pk, categories=sorted(step[2]))
            elif step[0] in ("transfer", "moved"):
                if step[0] == "moved":
                    with transaction.atomic():
                        metric_record_put(activity=by_key[step[2]], metric=step[3], person=person,
                                          source=f"s{step[4]}", occurred_on=DAY)
                at = next(n for n, place in enumerate(places) if place.pk == person.organisation_id)
                other = places[(at + 1) % len(places)]
                person_transfer(actor=admin, person_id=person.pk, to_organisation_id=other.pk)
                if step[0] == "moved":
                    person.refresh_from_db()
                    with transaction.atomic():
                        metric_record_put(activity=by_key[step[2]], metric=step[3], person=person,
                                          source=f"t{step[5]}", occurred_on=DAY)
            elif person.is_active:
                person_deactivate(actor=admin, person_id=person.pk, reason="other")
            else:
                person_reactivate(actor=admin, person_id=person.pk)
        nodes = org_nodes(campaign)
        for target in campaign.targets.select_related("deadline"):
            own = own_values(target, tree.committee.path)
            got = {org: (value.numerator, value.population) for org, value in own.items()
                   if (value.numerator, value.population) != (0, 0)}
            assert got == _expected(target, campaign), target.key
            rolled = {org: (value.numerator, value.population) for org, value in roll_up(target, nodes, own).items()
                      if (value.numerator, value.population) != (0, 0)}
            assert rolled == _expected_subtrees(target, campaign), target.key
        transaction.set_rollback(True)
