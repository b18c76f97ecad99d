"""The per-person tallies `metric_record_put` and `metric_record_remove` keep: always the recount of the records,
through replacements, moves between people and organisations and removals, and the targets read from them agree
with the records."""

import datetime

import pytest
import yaml
from django.db import transaction
from django.db.models import Count

from suzhi.campaigns.metrics import compute_target, org_nodes
from suzhi.campaigns.models import MetricOrgTally, MetricRecord, MetricTally
from suzhi.campaigns.services.plans import plan_load
from suzhi.campaigns.services.records import metric_record_put, metric_record_remove, metric_tallies_rebuild
from suzhi.people.models import Person
from tests.campaigns.factories import plan_data
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 4, 15)

TARGETS = [
    {"key": "people", "title": "培训人数", "metric": "training.people", "form": "total", "threshold": 3,
     "deadline": "rollout"},
    {"key": "times", "title": "培训人次", "metric": "training.participations", "form": "total", "threshold": 3,
     "deadline": "rollout"},
    {"key": "twice", "title": "至少培训2次", "metric": "training.participations", "form": "coverage", "at_least": 2,
     "threshold": 50, "deadline": "rollout"},
    {"key": "once", "title": "至少培训1次", "metric": "training.participations", "form": "coverage", "at_least": 1,
     "threshold": 50, "deadline": "rollout"},
]


@pytest.fixture
def campaign(tree):
    return plan_load(actor=tree.committee_admin, text=yaml.safe_dump(plan_data(targets=TARGETS), allow_unicode=True))


def _recount(campaign) -> tuple[dict, dict]:
    records = MetricRecord.objects.filter(campaign=campaign).order_by()
    by_person = {(row["metric"], row["person_id"]): row["n"]
                 for row in records.values("metric", "person_id").annotate(n=Count("id"))}
    by_org = {(row["metric"], row["organisation_id"], row["person_id"]): row["n"]
              for row in records.values("metric", "organisation_id", "person_id").annotate(n=Count("id"))}
    return by_person, by_org


def _tallies(campaign) -> tuple[dict, dict]:
    by_person = {(t.metric, t.person_id): t.records for t in MetricTally.objects.filter(campaign=campaign)}
    by_org = {(t.metric, t.organisation_id, t.person_id): t.records
              for t in MetricOrgTally.objects.filter(campaign=campaign)}
    return by_person, by_org


def _put(activity, person, source: str, metric: str = "training.participations") -> None:
    with transaction.atomic():
        metric_record_put(activity=activity, metric=metric, person=person, occurred_on=DAY, source=source)


def _remove(activity, source: str, metric: str = "training.participations") -> None:
    with transaction.atomic():
        metric_record_remove(activity=activity, metric=metric, source=source)


def test_tallies_follow_every_write(tree, campaign):
    lectures = campaign.activities.get(key="lectures")
    a, b = make_person("甲", tree.unit_a), make_person("乙", tree.unit_b)
    steps = [
        lambda: _put(lectures, a, "s1"),
        lambda: _put(lectures, a, "s2"),
        lambda: _put(lectures, a, "s1"),  # the same fact again: replaced, not counted twice
        lambda: _put(lectures, b, "s2"),  # the fact moves to another person
        lambda: _put(lectures, a, "p", metric="training.people"),
        lambda: _remove(lectures, "s1"),
        lambda: _remove(lectures, "s1"),  # gone already
        lambda: _remove(lectures, "s2"),
    ]
    seen = []
    for step in steps:
        step()
        recount = _recount(campaign)
        assert _tallies(campaign) == recount
        seen.append(recount)
    assert seen[2][0] == {("training.participations", a.pk): 2}
    assert seen[3][0] == {("training.participations", a.pk): 1, ("training.participations", b.pk): 1}
    assert seen[-1][0] == {("training.people", a.pk): 1}  # nothing left at zero


def test_a_move_between_organisations_keeps_both_and_the_targets_agree(tree, campaign):
    lectures = campaign.activities.get(key="lectures")
    a = make_person("甲", tree.unit_a)
    _put(lectures, a, "p", metric="training.people")
    _put(lectures, a, "s1")
    Person.objects.filter(pk=a.pk).update(organisation=tree.unit_b)  # transferred: later facts count in unit_b
    a.refresh_from_db()
    _put(lectures, a, "s2")
    _put(lectures, a, "q", metric="training.people")
    assert _tallies(campaign) == _recount(campaign)
    assert _tallies(campaign)[1] == {
        ("training.people", tree.unit_a.pk, a.pk): 1, ("training.people", tree.unit_b.pk, a.pk): 1,
        ("training.participations", tree.unit_a.pk, a.pk): 1, ("training.participations", tree.unit_b.pk, a.pk): 1,
    }
    nodes = org_nodes(campaign)
    targets = {t.key: t for t in campaign.targets.select_related("deadline")}

    def value(key, org):
        return compute_target(targets[key], nodes, tree.committee.path)[org.pk]

    # Counted where the records are, as the records count: once in each unit, twice above them.
    assert (value("people", tree.unit_a).numerator, value("people", tree.unit_b).numerator) == (1, 1)
    assert value("people", tree.committee).numerator == 2
    assert value("times", tree.committee).numerator == 2
    # Coverage is the person's, in their organisation now: two participations in all.
    assert (value("twice", tree.unit_b).numerator, value("twice", tree.unit_b).population) == (1, 1)
    assert value("twice", tree.committee).numerator == 1
    assert value("once", tree.committee).numerator == 1
    _remove(lectures, "s2")
    assert value("twice", tree.committee).numerator == 0
    assert value("once", tree.committee).numerator == 1


def test_rebuild_recounts_records_written_in_bulk(tree, campaign):
    lectures = campaign.activities.get(key="lectures")
    a, b = make_person("甲", tree.unit_a), make_person("乙", tree.unit_b)
    _put(lectures, a, "s0")
    # Loaded straight into the table, as the benchmark and bulk imports do, bypassing metric_record_put.
    MetricRecord.objects.bulk_create([
        MetricRecord(campaign=campaign, activity=lectures, metric="training.participations", person=person,
                     organisation_id=person.organisation_id, occurred_on=DAY, source=f"bulk-{person.pk}-{n}")
        for person in (a, b) for n in range(3)
    ])
    assert _tallies(campaign) != _recount(campaign)
    assert metric_tallies_rebuild(actor=tree.committee_admin, campaign_id=campaign.pk) == 2
    assert _tallies(campaign) == _recount(campaign)
    assert _tallies(campaign)[0] == {("training.participations", a.pk): 4, ("training.participations", b.pk): 3}


def test_a_put_racing_another_of_the_same_source_replaces_it(tree, campaign, monkeypatch):
    from django.db.models import QuerySet

    lectures = campaign.activities.get(key="lectures")
    a, b = make_person("甲", tree.unit_a), make_person("乙", tree.unit_b)
    _put(lectures, a, "s1")
    real_iter = QuerySet.__iter__
    missed = []

    def iterate(self):
        if self.model is MetricRecord and not missed:
            missed.append(True)
            return iter([])  # read before the other put committed: the insert then meets it
        return real_iter(self)

    monkeypatch.setattr(QuerySet, "__iter__", iterate)
    _put(lectures, b, "s1")
    assert missed and MetricRecord.objects.get(source="s1").person_id == b.pk
    assert _tallies(campaign) == _recount(campaign)
    assert _tallies(campaign)[0] == {("training.participations", b.pk): 1}


def test_several_facts_at_once_keep_the_tallies_and_take_a_fixed_number_of_statements(
        tree, campaign, django_assert_max_num_queries):
    from suzhi.campaigns.services.records import MetricFact, metric_records_put

    lectures = campaign.activities.get(key="lectures")
    a, b = make_person("甲", tree.unit_a), make_person("乙", tree.unit_b)
    _put(lectures, a, "old")
    facts = [MetricFact(metric="training.participations", source=f"s{n}", occurred_on=DAY) for n in range(5)]
    facts.append(MetricFact(metric="training.participations", source="old", occurred_on=DAY, quantity=2))
    facts.append(MetricFact(metric="training.people", source="s0", occurred_on=DAY))
    # Read, insert in a savepoint, replace, one upsert per tally table, whatever the number of facts; and two
    # statements per tally table to count "old" out of 甲's tallies.
    with django_assert_max_num_queries(13), transaction.atomic():
        records = metric_records_put(activity=lectures, person=b, facts=facts)
    assert len(records) == 7 and all(r.pk for r in records)
    assert MetricRecord.objects.get(source="old").quantity == 2
    assert _tallies(campaign) == _recount(campaign)
    assert _tallies(campaign)[0] == {("training.participations", b.pk): 6, ("training.people", b.pk): 1}
    # Again, unchanged: every record is replaced by itself and the tallies stay.
    with transaction.atomic():
        metric_records_put(activity=lectures, person=b, facts=facts)
    assert _tallies(campaign) == _recount(campaign)


def test_the_same_fact_twice_in_one_call_is_refused(tree, campaign):
    from suzhi.campaigns.services.records import MetricFact, metric_records_put

    lectures = campaign.activities.get(key="lectures")
    fact = MetricFact(metric="training.participations", source="s", occurred_on=DAY)
    with pytest.raises(ValueError), transaction.atomic():
        metric_records_put(activity=lectures, person=make_person("甲", tree.unit_a), facts=[fact, fact])
