"""Stored target values: exactly what `compute_target` computes (COPY on PostgreSQL, bulk inserts on SQLite), and
gone with their target or organisation although the table declares no foreign keys in the database."""

import datetime

import pytest
import yaml
from django.db import transaction

from suzhi.campaigns.metrics import OrgValue, ancestry, compute_target, org_nodes
from suzhi.campaigns.models import TargetValue
from suzhi.campaigns.services.plans import plan_load
from suzhi.campaigns.services.records import metric_record_put
from suzhi.campaigns.services.targets import targets_refresh
from tests.campaigns.factories import plan_data
from tests.core.factories import make_org
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 4, 15)

TARGETS = [
    {"key": "people", "title": "培训人数", "metric": "training.people", "form": "total", "threshold": 3,
     "deadline": "rollout"},
    {"key": "per-unit", "title": "每个企业不少于2人", "metric": "training.people", "form": "per_org",
     "per_org_types": ["enterprise"], "threshold": 2, "deadline": "rollout"},
    {"key": "hours", "title": "学时", "metric": "training.hours", "form": "total", "threshold": 10,
     "deadline": "rollout"},
    {"key": "hours-per-person", "title": "人均学时", "metric": "training.hours_per_person", "form": "total",
     "threshold": 1, "deadline": "rollout"},
    {"key": "hours-coverage", "title": "学时满0.3的职工", "metric": "training.hours", "form": "coverage",
     "at_least": 0.3, "threshold": 50, "deadline": "rollout"},
    {"key": "teachers", "title": "教师的8%", "metric": "training.people", "form": "percentage", "threshold": 8,
     "filter": {"person_categories": ["teacher"]}, "deadline": "rollout"},
]


@pytest.fixture
def campaign(tree):
    data = plan_data(targets=TARGETS)
    return plan_load(actor=tree.committee_admin, text=yaml.safe_dump(data, allow_unicode=True))


@pytest.fixture
def records(tree, campaign):
    """Hours whose sums are not short decimals (0.1 + 0.2, thirds), so a value written as text must keep every
    digit to read back as the same double."""
    lectures = campaign.activities.get(key="lectures")
    people = [make_person(name, tree.unit_a) for name in ("甲", "乙", "丙")]
    people += [make_person("丁", tree.unit_b), make_person("戊", tree.unit_b, categories=("teacher",))]
    hours = {0: (0.1, 0.2), 1: (1 / 3, 1 / 3, 1 / 3), 3: (2 / 3,), 4: (0.1,)}
    with transaction.atomic():
        for index, quantities in hours.items():
            person = people[index]
            metric_record_put(activity=lectures, metric="training.people", person=person, occurred_on=DAY,
                              source=f"p{person.pk}")
            for n, quantity in enumerate(quantities):
                metric_record_put(activity=lectures, metric="training.hours", person=person, occurred_on=DAY,
                                  source=f"h{person.pk}-{n}", quantity=quantity)
    return people


def test_stored_values_are_the_computed_ones_to_the_last_digit(tree, campaign, records):
    targets_refresh(actor=None, campaign_id=campaign.pk)
    nodes = org_nodes(campaign)
    stored = {(row.target_id, row.organisation_id): row for row in TargetValue.objects.filter(
        target__campaign=campaign)}
    expected = {}
    for target in campaign.targets.select_related("deadline"):
        values = compute_target(target, nodes, tree.committee.path)
        values.setdefault(tree.committee.pk, OrgValue())
        for org_id, item in values.items():
            expected[(target.pk, org_id)] = (item.value(target.form), item.numerator, item.population, item.measured,
                                             item.met)
    assert set(stored) == set(expected)
    for key, row in stored.items():
        assert (row.value, row.numerator, row.population, row.measured, row.met) == expected[key], key
    hours = campaign.targets.get(key="hours").pk
    # Not rounded on the way through the database: 0.7666666666666667 has sixteen significant digits.
    assert stored[(hours, tree.unit_b.pk)].numerator == 2 / 3 + 0.1
    coverage = campaign.targets.get(key="hours-coverage").pk
    assert (stored[(coverage, tree.unit_a.pk)].numerator, stored[(coverage, tree.unit_a.pk)].population) == (2, 3)
    assert stored[(coverage, tree.unit_a.pk)].value == 66.67


def test_values_go_with_their_organisation_and_target(tree, campaign, records):
    spare = make_org("七里镇丙企业", parent=tree.town_a)  # measured by the per-unit target, so it has a row
    targets_refresh(actor=None, campaign_id=campaign.pk)
    per_unit = campaign.targets.get(key="per-unit")
    assert TargetValue.objects.filter(organisation=spare, target=per_unit).exists()
    spare_pk = spare.pk
    spare.delete()
    assert not TargetValue.objects.filter(organisation_id=spare_pk).exists()
    assert TargetValue.objects.filter(target=per_unit).exists()
    per_unit_pk = per_unit.pk
    per_unit.delete()
    assert not TargetValue.objects.filter(target_id=per_unit_pk).exists()
    assert TargetValue.objects.filter(target__campaign=campaign).exists()  # the other targets' stay


def test_ancestry_stops_at_the_organiser(tree, campaign):
    chains = ancestry(org_nodes(campaign))
    assert chains[tree.unit_a.pk] == (tree.committee.pk, tree.federation.pk, tree.town_a.pk, tree.unit_a.pk)
    assert chains[tree.committee.pk] == (tree.committee.pk,)
    below = [node for node in org_nodes(campaign) if node.path.startswith(tree.town_a.path)]
    assert ancestry(below)[tree.unit_a.pk] == (tree.town_a.pk, tree.unit_a.pk)
