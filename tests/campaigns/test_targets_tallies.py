"""The tallies `services.records` keeps (`MetricTally` per person, `MetricOrgCount` per organisation and category
key): always the recount of the records and the people as they are now, through replacements, moves between people
and organisations, removals and changes of the people, and the targets read from them agree with the records."""

import datetime

import pytest
import yaml
from django.db import connection, transaction
from django.db.models import Count

from suzhi.campaigns.metrics import compute_target, org_nodes
from suzhi.campaigns.models import MetricOrgCount, MetricReachCount, MetricRecord, MetricTally
from suzhi.campaigns.services.plans import plan_load
from suzhi.campaigns.services.records import metric_record_put, metric_record_remove, metric_tallies_rebuild
from suzhi.core.models import Organisation
from suzhi.people.models import Person
from suzhi.people.services.persons import person_deactivate, person_transfer, person_update
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
    {"key": "laid-off", "title": "下岗职工培训人数", "metric": "training.people", "form": "total", "threshold": 1,
     "filter": {"person_categories": ["laid_off"]}, "deadline": "rollout"},
    {"key": "laid-off-once", "title": "下岗职工至少培训1次", "metric": "training.participations", "form": "coverage",
     "at_least": 1, "threshold": 50, "filter": {"person_categories": ["laid_off"]}, "deadline": "rollout"},
]


@pytest.fixture
def campaign(tree):
    return plan_load(actor=tree.committee_admin, text=yaml.safe_dump(plan_data(targets=TARGETS), allow_unicode=True))


def _recount(campaign) -> tuple[dict, dict, dict]:
    """What the tallies should hold, counted from the records and the people."""
    records = MetricRecord.objects.filter(campaign=campaign).select_related("organisation").order_by()
    people = {p.pk: p for p in Person.objects.all()}
    by_person = {
        (row["metric"], row["person_id"]): (row["n"], people[row["person_id"]].organisation_id,
                                            people[row["person_id"]].category_key, people[row["person_id"]].is_active)
        for row in records.values("metric", "person_id").annotate(n=Count("id"))}
    groups: dict[tuple, list[set | int]] = {}
    places: dict[tuple, set[str]] = {}
    for record in records:
        key = people[record.person_id].category_key
        for activity_key in (record.activity_id, MetricOrgCount.EVERY_ACTIVITY):
            group = groups.setdefault((record.metric, activity_key, record.organisation_id, key), [set(), 0, 0])
            group[0].add(record.person_id)  # type: ignore[union-attr]
            group[1] += 1  # type: ignore[operator]
            places.setdefault((record.metric, activity_key, record.person_id, key), set()).add(
                record.organisation.path)
    # The overlaps: each person's organisations in tree order, one at the deepest organisation above (or at) both of
    # each two next to each other.
    orgs = {org.path: org.pk for org in Organisation.objects.all()}
    for (metric, activity_key, _person_id, key), paths in places.items():
        ordered = sorted(paths)
        for first, second in zip(ordered, ordered[1:], strict=False):
            common = max(path for path in orgs if first.startswith(path) and second.startswith(path))
            group = groups.setdefault((metric, activity_key, orgs[common], key), [set(), 0, 0])
            group[2] += 1  # type: ignore[operator]
    reach: dict[tuple, int] = {}
    for (metric, person_id), (n, org_id, key, active) in by_person.items():
        for level in range(1, min(n, MetricReachCount.LEVELS) + 1):
            if active:
                reach[(metric, level, org_id, key)] = reach.get((metric, level, org_id, key), 0) + 1
    return by_person, {group: (len(found), n, overlaps)  # type: ignore[arg-type]
                       for group, (found, n, overlaps) in groups.items()}, reach


def _tallies(campaign) -> tuple[dict, dict, dict]:
    by_person = {(t.metric, t.person_id): (t.records, t.organisation_id, t.categories, t.active)
                 for t in MetricTally.objects.filter(campaign=campaign)}
    by_group = {(c.metric, c.activity_key, c.organisation_id, c.categories): (c.people, c.records, c.people_overlaps)
                for c in MetricOrgCount.objects.filter(campaign=campaign) if c.people or c.records or c.people_overlaps}
    reach = {(c.metric, c.at_least, c.organisation_id, c.categories): c.people
             for c in MetricReachCount.objects.filter(campaign=campaign) if c.people}
    return by_person, by_group, reach


def _per_person(campaign) -> dict:
    return {key: value[0] for key, value in _tallies(campaign)[0].items()}


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
        seen.append({key: value[0] for key, value in recount[0].items()})
    assert seen[2] == {("training.participations", a.pk): 2}
    assert seen[3] == {("training.participations", a.pk): 1, ("training.participations", b.pk): 1}
    assert seen[-1] == {("training.people", a.pk): 1}  # nothing left at zero


def test_a_transfer_keeps_the_records_where_they_were_and_moves_the_coverage(tree, campaign):
    lectures = campaign.activities.get(key="lectures")
    a = make_person("甲", tree.unit_a)
    _put(lectures, a, "p", metric="training.people")
    _put(lectures, a, "s1")
    person_transfer(actor=tree.committee_admin, person_id=a.pk, to_organisation_id=tree.unit_b.pk)
    a.refresh_from_db()
    _put(lectures, a, "s2")
    _put(lectures, a, "q", metric="training.people")
    assert _tallies(campaign) == _recount(campaign)
    every = MetricOrgCount.EVERY_ACTIVITY
    assert {(metric, org): n for (metric, activity, org, _key), (_p, n, _o) in _tallies(campaign)[1].items()
            if activity == every and n} == {
        ("training.people", tree.unit_a.pk): 1, ("training.people", tree.unit_b.pk): 1,
        ("training.participations", tree.unit_a.pk): 1, ("training.participations", tree.unit_b.pk): 1,
    }
    # Counted at both units, the person is counted once too many where the two meet: at the federation.
    assert {(metric, org): n for (metric, activity, org, _key), (_p, _n, n) in _tallies(campaign)[1].items()
            if activity == every and n} == {
        ("training.people", tree.federation.pk): 1, ("training.participations", tree.federation.pk): 1}
    nodes = org_nodes(campaign)
    targets = {t.key: t for t in campaign.targets.select_related("deadline")}

    def value(key, org):
        return compute_target(targets[key], nodes, tree.committee.path)[org.pk]

    # Counted where the records are, as the records count: once in each unit, and once above them (one person).
    assert (value("people", tree.unit_a).numerator, value("people", tree.unit_b).numerator) == (1, 1)
    assert (value("people", tree.town_a).numerator, value("people", tree.town_b).numerator) == (1, 1)
    assert (value("people", tree.federation).numerator, value("people", tree.committee).numerator) == (1, 1)
    assert value("times", tree.committee).numerator == 2
    # Coverage is the person's, in their organisation now: two participations in all.
    assert (value("twice", tree.unit_b).numerator, value("twice", tree.unit_b).population) == (1, 1)
    assert value("twice", tree.unit_a).numerator == 0
    assert value("twice", tree.committee).numerator == 1
    _remove(lectures, "s2")
    assert value("twice", tree.committee).numerator == 0
    assert value("once", tree.committee).numerator == 1


def test_a_change_of_categories_moves_the_person_s_counts(tree, campaign):
    lectures = campaign.activities.get(key="lectures")
    a, b = make_person("甲", tree.unit_a), make_person("乙", tree.unit_a, categories=["laid_off"])
    for person in (a, b):
        _put(lectures, person, f"p-{person.pk}", metric="training.people")
        _put(lectures, person, f"s-{person.pk}")
    nodes = org_nodes(campaign)
    targets = {t.key: t for t in campaign.targets.select_related("deadline")}

    def value(key):
        return compute_target(targets[key], nodes, tree.committee.path)[tree.unit_a.pk]

    assert value("laid-off").numerator == 1
    assert (value("laid-off-once").numerator, value("laid-off-once").population) == (1, 1)
    person_update(actor=tree.committee_admin, person_id=a.pk, categories=["laid_off", "migrant"])
    assert _tallies(campaign) == _recount(campaign)
    assert value("laid-off").numerator == 2
    assert (value("laid-off-once").numerator, value("laid-off-once").population) == (2, 2)
    person_update(actor=tree.committee_admin, person_id=b.pk, categories=[])
    assert _tallies(campaign) == _recount(campaign)
    assert value("laid-off").numerator == 1
    person_deactivate(actor=tree.committee_admin, person_id=a.pk, reason="retired")
    assert _tallies(campaign) == _recount(campaign)
    # Left: no longer in the population nor among those reached; the records still count where they were made.
    assert (value("laid-off-once").numerator, value("laid-off-once").population) == (0, 0)
    assert value("laid-off").numerator == 1


def test_rebuild_recounts_records_written_in_bulk(tree, campaign):
    lectures = campaign.activities.get(key="lectures")
    a, b = make_person("甲", tree.unit_a), make_person("乙", tree.unit_b, categories=["laid_off"])
    _put(lectures, a, "s0")
    # Loaded straight into the table, as the benchmark and bulk imports do, bypassing metric_record_put.
    MetricRecord.objects.bulk_create([
        MetricRecord(campaign=campaign, activity=lectures, metric="training.participations", person=person,
                     organisation_id=person.organisation_id, occurred_on=DAY, source=f"bulk-{person.pk}-{n}")
        for person in (a, b) for n in range(3)
    ] + [MetricRecord(campaign=campaign, activity=lectures, metric="training.participations", person=a,
                      organisation=tree.town_b, occurred_on=DAY, source="bulk-elsewhere")])  # a's earlier unit
    assert _tallies(campaign) != _recount(campaign)
    assert metric_tallies_rebuild(actor=tree.committee_admin, campaign_id=campaign.pk) == 2
    assert _tallies(campaign) == _recount(campaign)
    assert MetricOrgCount.objects.get(campaign=campaign, activity_key=MetricOrgCount.EVERY_ACTIVITY,
                                      organisation=tree.federation).people_overlaps == 1
    assert _per_person(campaign) == {("training.participations", a.pk): 5, ("training.participations", b.pk): 3}


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
    assert _per_person(campaign) == {("training.participations", b.pk): 1}


def test_several_facts_at_once_keep_the_tallies_and_take_a_fixed_number_of_statements(
        tree, campaign, django_assert_num_queries):
    from suzhi.campaigns.services.records import MetricFact, metric_records_put

    lectures = campaign.activities.get(key="lectures")
    a, b = make_person("甲", tree.unit_a), make_person("乙", tree.unit_b)
    _put(lectures, a, "old")
    facts = [MetricFact(metric="training.participations", source=f"s{n}", occurred_on=DAY) for n in range(5)]
    facts.append(MetricFact(metric="training.participations", source="old", occurred_on=DAY, quantity=2))
    facts.append(MetricFact(metric="training.people", source="s0", occurred_on=DAY))
    # Both people read in their turn (on PostgreSQL each turn is one more statement), the records read, the counts
    # read, an insert in a savepoint, the replacement, one upsert each of the counts per organisation (甲 loses, 乙
    # gains), the reach counts and the person tallies, the delete of 甲's emptied tally and the ask for a targets
    # refresh, whatever the number of facts; and the savepoint of the atomic block here.
    turns = 2 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(15 + turns), transaction.atomic():
        records = metric_records_put(activity=lectures, person=b, facts=facts)
    assert len(records) == 7 and all(r.pk for r in records)
    assert MetricRecord.objects.get(source="old").quantity == 2
    assert _tallies(campaign) == _recount(campaign)
    assert _per_person(campaign) == {("training.participations", b.pk): 6, ("training.people", b.pk): 1}
    # Again, unchanged: every record is replaced by itself and the tallies stay.
    with transaction.atomic():
        metric_records_put(activity=lectures, person=b, facts=facts)
    assert _tallies(campaign) == _recount(campaign)


def test_following_many_people_takes_a_fixed_number_of_statements(tree, campaign, django_assert_num_queries):
    from suzhi.campaigns.services.records import tallies_follow_people

    lectures = campaign.activities.get(key="lectures")
    people = [make_person(f"人{n}", tree.unit_a) for n in range(6)]
    for person in people:
        _put(lectures, person, f"s-{person.pk}")
    laid_off = Person.categories.field.related_model.objects.get(code="laid_off")
    for person in people:
        person.categories.set([laid_off])
    Person.objects.filter(pk__in=[p.pk for p in people]).update(category_key=f",{laid_off.pk},",
                                                                organisation=tree.unit_b)
    assert _tallies(campaign) != _recount(campaign)
    # The people read in their turn (one more statement on PostgreSQL), the tallies read, the counts read, one
    # upsert each of the counts per organisation and of the reach counts (the old key and organisation lose, the new
    # ones gain), one update of the copies, whatever the number of people; and the savepoint of the atomic block.
    turn = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(8 + turn), transaction.atomic():
        tallies_follow_people([p.pk for p in people])
    assert _tallies(campaign) == _recount(campaign)
    with django_assert_num_queries(4 + turn), transaction.atomic():
        tallies_follow_people([p.pk for p in people])  # nothing to change


def test_the_same_fact_twice_in_one_call_is_refused(tree, campaign):
    from suzhi.campaigns.services.records import MetricFact, metric_records_put

    lectures = campaign.activities.get(key="lectures")
    fact = MetricFact(metric="training.participations", source="s", occurred_on=DAY)
    with pytest.raises(ValueError), transaction.atomic():
        metric_records_put(activity=lectures, person=make_person("甲", tree.unit_a), facts=[fact, fact])


def _subtree_people_by_hand(campaign, metric: str) -> dict[int, int]:
    """Each organisation's people with records of the metric there or below, counted by hand, a person once."""
    orgs = list(Organisation.objects.filter(path__startswith=campaign.organiser.path))
    records = list(MetricRecord.objects.filter(campaign=campaign, metric=metric).select_related("organisation"))
    found = {org.pk: len({r.person_id for r in records if r.organisation.path.startswith(org.path)}) for org in orgs}
    return {org: n for org, n in found.items() if n}


def _subtree_people(campaign, key: str) -> dict[int, int]:
    """The target's roll-up, as a refresh stores it: read from the kept counts."""
    target = campaign.targets.select_related("deadline").get(key=key)
    values = compute_target(target, org_nodes(campaign), campaign.organiser.path)
    return {org: int(value.numerator) for org, value in values.items() if value.numerator}


def test_a_move_of_an_organisation_keeps_people_counted_once_in_every_subtree(tree, campaign):
    from suzhi.core.services.orgs import org_move

    lectures = campaign.activities.get(key="lectures")
    a = make_person("甲", tree.unit_a)
    b = make_person("乙", tree.unit_b, categories=["laid_off"])
    _put(lectures, a, "p-a1", metric="training.people")
    _put(lectures, b, "p-b1", metric="training.people")
    person_transfer(actor=tree.committee_admin, person_id=a.pk, to_organisation_id=tree.unit_b.pk)
    a.refresh_from_db()
    _put(lectures, a, "p-a2", metric="training.people")  # 甲: records at both units, who meet at the federation
    assert _subtree_people(campaign, "people") == _subtree_people_by_hand(campaign, "training.people")
    org_move(actor=tree.committee_admin, org_id=tree.unit_b.pk, target_id=tree.town_a.pk)
    # Both units under town_a now: 甲 is counted once there, not twice.
    by_hand = _subtree_people_by_hand(campaign, "training.people")
    assert by_hand[tree.town_a.pk] == 2 and by_hand[tree.federation.pk] == 2
    assert _subtree_people(campaign, "people") == by_hand
    assert _tallies(campaign) == _recount(campaign)
    assert {org: n for (metric, activity, org, _key), (_p, _r, n) in _tallies(campaign)[1].items()
            if activity == MetricOrgCount.EVERY_ACTIVITY and metric == "training.people" and n} == {tree.town_a.pk: 1}
    kept = _tallies(campaign)
    metric_tallies_rebuild(actor=tree.committee_admin, campaign_id=campaign.pk)
    assert _tallies(campaign) == kept
    # And back, then the federation's other town moved under the first one's unit: where they meet moves again.
    org_move(actor=tree.committee_admin, org_id=tree.unit_b.pk, target_id=tree.town_b.pk)
    assert _tallies(campaign) == _recount(campaign)
    org_move(actor=tree.committee_admin, org_id=tree.town_b.pk, target_id=tree.unit_a.pk)
    assert _tallies(campaign) == _recount(campaign)
    assert _subtree_people(campaign, "people") == _subtree_people_by_hand(campaign, "training.people")
    assert _subtree_people_by_hand(campaign, "training.people")[tree.unit_a.pk] == 2


def test_the_organisation_import_s_moves_keep_people_counted_once(tree, campaign):
    from suzhi.core.services.org_import import org_import
    from tests.core.test_orgs_import import HEADER
    from tests.support import xlsx

    lectures = campaign.activities.get(key="lectures")
    a = make_person("甲", tree.unit_a)
    _put(lectures, a, "p-a1", metric="training.people")
    _put(lectures, a, "s-a1")
    person_transfer(actor=tree.committee_admin, person_id=a.pk, to_organisation_id=tree.unit_b.pk)
    a.refresh_from_db()
    _put(lectures, a, "p-a2", metric="training.people")
    _put(lectures, a, "s-a2")
    # Several moves in one file, one below the other: unit_b under a new organisation under town_a, then town_a
    # itself under town_b.
    rows = [
        HEADER,
        ["DH-SZZ-001", "沙州镇乙企业", "企事业单位", "MID"],
        ["MID", "中间层", "其他", "DH-QLZ"],
        ["DH-QLZ", "七里镇工会联合会", "乡镇工会联合会", "DH-SZZ"],
    ]
    result = org_import(actor=tree.committee_admin, data=xlsx(rows), filename="orgs.xlsx", dry_run=False,
                        skip_invalid=False)
    assert not result.errors and (result.created, result.updated) == (1, 2)
    assert _tallies(campaign) == _recount(campaign)
    by_hand = _subtree_people_by_hand(campaign, "training.people")
    assert by_hand[tree.town_a.pk] == 1 and by_hand[tree.town_b.pk] == 1
    assert _subtree_people(campaign, "people") == by_hand


def test_following_a_move_takes_the_turns_of_those_it_concerns_and_a_fixed_number_of_statements(
        tree, campaign, django_assert_num_queries, monkeypatch):
    from suzhi.campaigns.services import records, tallies
    from suzhi.core.org_followers import OrgMove

    lectures = campaign.activities.get(key="lectures")

    def trained_at(name, first, second):
        person = make_person(name, first)
        _put(lectures, person, f"p-{name}-1", metric="training.people")
        if second is not None:
            person_transfer(actor=tree.committee_admin, person_id=person.pk, to_organisation_id=second.pk)
            person.refresh_from_db()
            _put(lectures, person, f"p-{name}-2", metric="training.people")
        return person

    concerned = [trained_at(f"两处{n}", tree.unit_a, tree.unit_b) for n in range(5)]
    for n in range(3):
        trained_at(f"只在乙{n}", tree.unit_b, None)  # records in the moved unit only: no pair to meet
        trained_at(f"不在乙{n}", tree.unit_a, tree.town_b)  # records elsewhere only
    turns = []
    real_turns = tallies.take_turns
    monkeypatch.setattr(tallies, "take_turns", lambda ids: (turns.append(sorted(ids)), real_turns(ids)))
    old = tree.unit_b.path
    Organisation.objects.move(tree.unit_b, tree.town_a, "last-child")
    tree.unit_b.refresh_from_db()
    assert _tallies(campaign) != _recount(campaign)
    # Those concerned found, their turns (one more statement on PostgreSQL), their records, their organisations'
    # paths, their tallies' keys, the ids of where their organisations meet, one upsert, whatever the number of
    # people; and the savepoint of the atomic block and its release.
    turn = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(8 + turn), transaction.atomic():
        records.tallies_follow_org_moves([OrgMove(old_path=old, new_path=tree.unit_b.path)])
    assert turns == [sorted(person.pk for person in concerned)]
    assert _tallies(campaign) == _recount(campaign)


def test_a_move_of_an_organisation_asks_for_the_targets_again(tree, campaign, django_capture_on_commit_callbacks):
    """The stored values rolled up through a moved organisation are recomputed, not left with the old tree's sums."""
    from suzhi.campaigns.models import TargetValue
    from suzhi.core.models import PendingRefresh
    from suzhi.core.services.orgs import org_move

    lectures = campaign.activities.get(key="lectures")
    with django_capture_on_commit_callbacks(execute=True):
        _put(lectures, make_person("甲", tree.unit_b), "m-1", metric="training.people")
    target = campaign.targets.get(key="people")
    assert not TargetValue.objects.filter(target=target, organisation=tree.town_a, numerator__gt=0).exists()
    PendingRefresh.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        org_move(actor=tree.committee_admin, org_id=tree.unit_b.pk, target_id=tree.town_a.pk)
    assert TargetValue.objects.get(target=target, organisation=tree.town_a).numerator == 1
    assert not PendingRefresh.objects.exists()  # asked for, then done by the refresh
