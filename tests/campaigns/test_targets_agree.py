"""Whatever happens to the records and the people, every target's per-organisation numbers, read from the tallies
or from the records, are what counting the records and the people by hand gives."""

import datetime
from collections import defaultdict

import pytest
import yaml
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suzhi.campaigns.metrics import own_values
from suzhi.campaigns.models import MetricRecord
from suzhi.campaigns.services.plans import plan_load
from suzhi.campaigns.services.records import metric_record_put, metric_record_remove
from suzhi.core.models import DictItem
from suzhi.people.models import CATEGORY_DICT, Person
from suzhi.people.services.persons import person_deactivate, person_reactivate, person_transfer, person_update
from tests.campaigns.factories import plan_data
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 4, 15)
CATEGORIES = ["in_post", "laid_off", "migrant", "teacher"]
METRICS = ["training.people", "training.participations"]

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
]

people_ = st.integers(0, 3)
operations = st.lists(st.one_of(
    st.tuples(st.just("put"), people_, st.sampled_from(["lectures", "skills"]), st.sampled_from(METRICS),
              st.integers(0, 5)),
    st.tuples(st.just("remove"), st.sampled_from(["lectures", "skills"]), st.sampled_from(METRICS),
              st.integers(0, 5)),
    st.tuples(st.just("categories"), people_, st.sets(st.sampled_from(CATEGORIES))),
    st.tuples(st.just("transfer"), people_),
    st.tuples(st.just("leave"), people_),
), max_size=14)


def _expected(target, campaign) -> dict[int, tuple[float, int]]:
    """The target's own numbers per organisation, counted by hand: {organisation: (numerator, population)}."""
    filter_ = target.filter or {}
    wanted = set(filter_.get("person_categories") or [])
    org_types = set(filter_.get("org_types") or [])
    people = {p.pk: p for p in Person.objects.select_related("organisation__org_type").prefetch_related("categories")}

    def in_scope(person) -> bool:
        codes = {c.code for c in person.categories.all()}
        if wanted and not codes & wanted:
            return False
        return all(getattr(person, rule["field"]) == rule["value"] for rule in filter_.get("attributes") or [])

    records = [r for r in MetricRecord.objects.filter(campaign=campaign, metric=target.metric).select_related(
        "organisation__org_type") if (not target.activity_id or r.activity_id == target.activity_id)]
    numerator: dict[int, float] = defaultdict(float)
    population: dict[int, int] = defaultdict(int)
    if target.form == "coverage":
        per_person: dict[int, int] = defaultdict(int)
        for record in records:
            per_person[record.person_id] += 1
        for person in people.values():
            if person.is_active and in_scope(person) and (
                    not org_types or person.organisation.org_type.code in org_types):
                population[person.organisation_id] += 1
                numerator[person.organisation_id] += per_person[person.pk] >= target.at_least
    else:
        kept = [r for r in records if in_scope(people[r.person_id])
                and (not org_types or r.organisation.org_type.code in org_types)]
        if target.metric == "training.people":
            for org_id, person_id in {(r.organisation_id, r.person_id) for r in kept}:
                numerator[org_id] += 1
        else:
            for record in kept:
                numerator[record.organisation_id] += 1
        if target.form == "percentage":
            for person in people.values():
                if person.is_active and in_scope(person):
                    population[person.organisation_id] += 1
    found = {org: (numerator[org], population[org]) for org in set(numerator) | set(population)}
    return {org: value for org, value in found.items() if value != (0, 0)}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
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
        people = [make_person(f"人{n}", units[n % 2], gender=genders[n]) for n in range(4)]
        admin = tree.committee_admin
        for step in steps:
            person = people[step[1]] if step[0] not in ("remove",) else None
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
            elif step[0] == "categories":
                person_update(actor=admin, person_id=person.pk, categories=sorted(step[2]))
            elif step[0] == "transfer":
                other = units[1] if person.organisation_id == units[0].pk else units[0]
                person_transfer(actor=admin, person_id=person.pk, to_organisation_id=other.pk)
            elif person.is_active:
                person_deactivate(actor=admin, person_id=person.pk, reason="other")
            else:
                person_reactivate(actor=admin, person_id=person.pk)
        for target in campaign.targets.select_related("deadline"):
            own = own_values(target, tree.committee.path)
            got = {org: (value.numerator, value.population) for org, value in own.items()
                   if (value.numerator, value.population) != (0, 0)}
            assert got == _expected(target, campaign), target.key
        transaction.set_rollback(True)
