"""Targets against hand-computed values: every form, the roll-up through the tree, filters, and a bounded
number of queries whatever the number of organisations."""

import datetime

import pytest
import yaml
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from suzhi.campaigns.metrics import compute_target, org_nodes
from suzhi.campaigns.models import MetricRecord, TargetValue
from suzhi.campaigns.services.plans import plan_load
from suzhi.campaigns.services.records import metric_record_put, metric_record_remove
from suzhi.campaigns.services.targets import targets_refresh
from suzhi.core.errors import ValidationFailed
from tests.campaigns.factories import plan_data
from tests.core.factories import make_org
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 4, 15)

TARGETS = [
    {"key": "total", "title": "总数", "metric": "training.people", "form": "total", "threshold": 3,
     "deadline": "rollout"},
    {"key": "per-unit", "title": "每个企业不少于2人", "metric": "training.people", "form": "per_org",
     "per_org_types": ["enterprise"], "threshold": 2, "deadline": "rollout"},
    {"key": "coverage", "title": "在岗职工至少培训2次", "metric": "training.participations", "form": "coverage",
     "at_least": 2, "threshold": 50, "filter": {"person_categories": ["in_post"]}, "deadline": "rollout"},
    {"key": "teachers", "title": "教师的8%", "metric": "training.people", "form": "percentage", "threshold": 8,
     "filter": {"person_categories": ["teacher"]}, "deadline": "rollout"},
]


@pytest.fixture
def campaign(tree):
    data = plan_data(targets=TARGETS)
    return plan_load(actor=tree.committee_admin, text=yaml.safe_dump(data, allow_unicode=True))


def _participate(activity, person, n: int) -> None:
    with transaction.atomic():
        metric_record_put(activity=activity, metric="training.people", person=person, occurred_on=DAY,
                          source=f"p{person.pk}")
        metric_record_put(activity=activity, metric="training.participations", person=person, occurred_on=DAY,
                          source=f"p{person.pk}-{n}")


@pytest.fixture
def people(tree, campaign):
    lectures = campaign.activities.get(key="lectures")
    p1, p2, p3 = (make_person(name, tree.unit_a) for name in ("甲", "乙", "丙"))
    p4 = make_person("丁", tree.unit_b)
    p5 = make_person("戊", tree.unit_b, categories=("teacher",))
    for person, times in ((p1, 2), (p2, 1), (p4, 3), (p5, 1)):
        for n in range(times):
            _participate(lectures, person, n)
    return p1, p2, p3, p4, p5


def _values(campaign):
    targets_refresh(actor=None, campaign_id=campaign.pk)
    rows = TargetValue.objects.filter(target__campaign=campaign).select_related("target")
    return {(row.target.key, row.organisation_id): row for row in rows}


def test_every_form_against_hand_computed_values(tree, campaign, people):
    values = _values(campaign)
    root, town_a, unit_a, unit_b = tree.committee.pk, tree.town_a.pk, tree.unit_a.pk, tree.unit_b.pk
    # total: distinct people trained, rolled up
    assert values[("total", unit_a)].value == 2 and values[("total", unit_b)].value == 2
    assert values[("total", town_a)].value == 2 and values[("total", root)].value == 4
    # per_org: both enterprises reach 2
    assert (values[("per-unit", root)].measured, values[("per-unit", root)].met) == (2, 2)
    assert (values[("per-unit", town_a)].measured, values[("per-unit", town_a)].met) == (1, 1)
    # coverage: in-post people with >= 2 participations: unit_a 1 of 3, unit_b 1 of 1, all 2 of 4
    assert values[("coverage", unit_a)].value == 33.33 and values[("coverage", unit_b)].value == 100
    assert (values[("coverage", root)].numerator, values[("coverage", root)].population) == (2, 4)
    assert values[("coverage", root)].value == 50
    # percentage: teachers trained / teachers = 1 / 1
    assert (values[("teachers", root)].numerator, values[("teachers", root)].population) == (1, 1)
    assert values[("teachers", root)].value == 100 and ("teachers", unit_a) not in values


def test_records_are_idempotent_by_source_and_removable(tree, campaign, people):
    lectures = campaign.activities.get(key="lectures")
    p1 = people[0]
    _participate(lectures, p1, 0)  # the same facts again: replaced, not added
    assert MetricRecord.objects.filter(person=p1).count() == 3
    with transaction.atomic():
        metric_record_remove(activity=lectures, metric="training.participations", source=f"p{p1.pk}-1")
    values = _values(campaign)
    assert values[("coverage", tree.unit_a.pk)].numerator == 0


def test_a_metric_of_another_kind_is_refused(tree, campaign, people):
    suggestions = campaign.activities.get(key="suggestions")
    with pytest.raises(ValidationFailed), transaction.atomic():
        metric_record_put(activity=suggestions, metric="training.people", person=people[0], occurred_on=DAY,
                          source="x")


def test_filters_on_org_type_and_attributes(tree, campaign, people):
    from suzhi.people.models import Person

    p1, p2, _p3, p4, p5 = people
    Person.objects.filter(pk__in=[p1.pk, p4.pk]).update(gender="F", birth_date=datetime.date(1990, 5, 1))
    Person.objects.filter(pk__in=[p2.pk, p5.pk]).update(gender="M", birth_date=datetime.date(1970, 5, 1))
    tree.unit_b.org_type = tree.town_b.org_type  # unit_b stops being an enterprise
    tree.unit_b.save()
    target = campaign.targets.select_related("deadline").get(key="total")
    nodes = org_nodes(campaign)

    def trained(filter_):
        target.filter = filter_
        return compute_target(target, nodes, tree.committee.path)[tree.committee.pk].numerator

    assert trained({"org_types": ["enterprise"]}) == 2  # p1, p2
    assert trained({"attributes": [{"field": "gender", "value": "F"}]}) == 2  # p1, p4
    # On the deadline (2024-05-31) p1 and p4 are 34, p2 and p5 are 54.
    assert trained({"attributes": [{"field": "age", "op": "lt", "value": 45}]}) == 2
    assert trained({"attributes": [{"field": "age", "op": "ge", "value": 54}]}) == 2
    assert trained({"attributes": [{"field": "age", "op": "eq", "value": 34}]}) == 2
    assert trained({"attributes": [{"field": "age", "op": "gt", "value": 54}]}) == 0
    assert trained({"org_types": ["enterprise"], "attributes": [{"field": "gender", "op": "ne", "value": "F"}]}) == 1


def test_refresh_queries_do_not_grow_with_organisations(tree, campaign, people):
    lectures = campaign.activities.get(key="lectures")

    def grow(count: int, prefix: str) -> None:
        for i in range(count):
            unit = make_org(f"{prefix}{i}", parent=tree.town_a)
            if i % 3 == 0:
                _participate(lectures, make_person(f"{prefix}新人{i}", unit), 0)

    # A refresh writes only what changed: after the first, each of these inserts the new organisations' values and
    # updates their ancestors', the same statements for one new organisation as for thirty.
    targets_refresh(actor=None, campaign_id=campaign.pk)
    grow(1, "新增企业甲")
    with CaptureQueriesContext(connection) as few:
        targets_refresh(actor=None, campaign_id=campaign.pk)
    grow(30, "新增企业乙")
    with CaptureQueriesContext(connection) as many:
        targets_refresh(actor=None, campaign_id=campaign.pk)
    assert len(many.captured_queries) == len(few.captured_queries)
    values = _values(campaign)
    assert values[("per-unit", tree.committee.pk)].measured == 33
