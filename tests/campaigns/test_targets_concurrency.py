"""On PostgreSQL: a targets refresh, which holds its campaign for its whole run, does not hold up the kinds'
services writing records that reference the campaign meanwhile."""

import datetime
import threading

import pytest
import yaml
from django.db import connection, transaction
from django.utils import timezone

from suzhi.campaigns.models import MetricOrgCount, MetricRecord, MetricTally
from suzhi.campaigns.services import records, tallies, targets
from suzhi.campaigns.services.plans import plan_load
from suzhi.core.models import PendingRefresh
from suzhi.people.services.persons import person_update
from tests.campaigns.factories import plan_data
from tests.people.factories import make_person
from tests.threads import finishes_alone, paused_inside, started, waits_for_a_lock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")


def test_records_are_written_while_the_targets_are_computed(tree, monkeypatch):
    campaign = plan_load(actor=tree.committee_admin, text=yaml.safe_dump(plan_data(), allow_unicode=True))
    lectures = campaign.activities.get(key="lectures")
    person = make_person("甲", tree.unit_a)

    def put():
        with transaction.atomic():
            return records.metric_record_put(activity=lectures, metric="training.participations", person=person,
                                             source="s1", occurred_on=datetime.date(2024, 4, 15)).source

    with paused_inside(monkeypatch, targets, "compute_target",
                       lambda: targets.targets_refresh(actor=None, campaign_id=campaign.pk)):
        # A refresh asked for meanwhile folds into the next one (the tests' task backend would run it at once).
        PendingRefresh.objects.create(name="campaign-targets", object_id=campaign.pk, asked_at=timezone.now(),
                                      queued_at=timezone.now())
        assert finishes_alone(put) == ["s1"], "the record waited for the refresh"
    assert MetricRecord.objects.filter(source="s1").exists()


@pytest.fixture
def followed(tree):
    campaign = plan_load(actor=tree.committee_admin, text=yaml.safe_dump(plan_data(), allow_unicode=True))
    lectures = campaign.activities.get(key="lectures")
    person = make_person("甲", tree.unit_a)

    def put(source):
        with transaction.atomic():
            return records.metric_record_put(activity=lectures, metric="training.participations", person=person,
                                             source=source, occurred_on=datetime.date(2024, 4, 15)).source

    def recategorise():
        return person_update(actor=tree.committee_admin, person_id=person.pk, categories=["laid_off"]).category_key

    put("s1")
    return lectures, person, put, recategorise


def _assert_counted_under_the_new_categories(lectures, person):
    person.refresh_from_db()
    tally = MetricTally.objects.get(person=person, metric="training.participations")
    assert (tally.records, tally.categories) == (2, person.category_key)
    counts = {(c.activity_key, c.categories): (c.people, c.records)
              for c in MetricOrgCount.objects.filter(metric="training.participations") if c.people or c.records}
    assert counts == {(lectures.pk, person.category_key): (1, 2), (0, person.category_key): (1, 2)}


def test_a_record_written_while_its_person_changes_categories_waits_and_counts_under_the_new(followed, monkeypatch):
    lectures, person, put, recategorise = followed
    # The roster change holds the person's row, its new categories not yet followed: the record waits for it
    # (before taking the person's turn, which the follower is about to take), then counts under the new ones.
    with paused_inside(monkeypatch, records, "_follow", recategorise):
        waiting = waits_for_a_lock(lambda: put("s2"))  # fails if the record did not wait for the roster change
    waiting.join()
    assert waiting.done == ["s2"]
    _assert_counted_under_the_new_categories(lectures, person)


def test_a_roster_change_while_a_record_is_written_waits_and_moves_it(followed, monkeypatch):
    lectures, person, put, recategorise = followed
    with paused_inside(monkeypatch, tallies, "record_counts", lambda: put("s2")):
        waiting = waits_for_a_lock(recategorise)  # fails if the roster change did not wait for the record
    waiting.join()
    assert len(waiting.done) == 1 and waiting.done[0] != ""
    _assert_counted_under_the_new_categories(lectures, person)


def test_a_record_does_not_wait_for_a_contest_start_holding_the_person(followed):
    from suzhi.people.models import Person

    _lectures, person, put, _recategorise = followed
    holding, release = threading.Event(), threading.Event()

    def start():  # what attempt_start does first: the person read and locked FOR NO KEY UPDATE
        with transaction.atomic():
            Person.objects.select_for_update(no_key=True).get(pk=person.pk)
            holding.set()
            assert release.wait(timeout=120)

    holder = started(start)
    try:
        assert holding.wait(timeout=120)
        assert finishes_alone(lambda: put("s2")) == ["s2"], "the record waited for the start"
    finally:
        release.set()
        holder.join()


@pytest.fixture
def trained(tree):
    """A campaign, and `put(person, source)` writing a participation for the person where they are now."""
    campaign = plan_load(actor=tree.committee_admin, text=yaml.safe_dump(plan_data(), allow_unicode=True))
    lectures = campaign.activities.get(key="lectures")

    def put(person, source):
        person.refresh_from_db()
        with transaction.atomic():
            return records.metric_record_put(activity=lectures, metric="training.participations", person=person,
                                             source=source, occurred_on=datetime.date(2024, 4, 15)).source

    return campaign, put


def _counted_as_by_hand(campaign):
    from tests.campaigns.test_targets_tallies import _recount, _tallies

    return _tallies(campaign) == _recount(campaign)


def test_a_record_at_a_second_organisation_waits_for_a_move_of_the_first_and_counts_where_they_meet_now(
        tree, trained, monkeypatch):
    from suzhi.core.services.orgs import org_move
    from suzhi.people.services.persons import person_transfer

    campaign, put = trained
    person = make_person("甲", tree.unit_b)
    put(person, "s1")
    person_transfer(actor=tree.committee_admin, person_id=person.pk, to_organisation_id=tree.unit_a.pk)
    # The move has rewritten unit_b's path and not committed: the person, with records at unit_b alone, is none of
    # its concern. Their first record at unit_a waits to read where unit_b is, then counts 甲 once at town_a.
    with paused_inside(monkeypatch, records, "moved_subtrees",
                       lambda: org_move(actor=tree.committee_admin, org_id=tree.unit_b.pk, target_id=tree.town_a.pk)):
        waiting = waits_for_a_lock(lambda: put(person, "s2"))  # fails if it did not wait for the move
    waiting.join()
    assert waiting.done == ["s2"]
    assert MetricOrgCount.objects.get(activity_key=MetricOrgCount.EVERY_ACTIVITY, people_overlaps=1).organisation_id \
        == tree.town_a.pk
    assert _counted_as_by_hand(campaign)


def test_a_move_waits_for_a_record_of_a_person_it_concerns_then_counts_them(tree, trained, monkeypatch):
    from suzhi.core.services.orgs import org_move
    from suzhi.people.services.persons import person_transfer

    campaign, put = trained
    person = make_person("甲", tree.unit_a)
    put(person, "s1")
    person_transfer(actor=tree.committee_admin, person_id=person.pk, to_organisation_id=tree.unit_b.pk)
    put(person, "s2")
    # A record being written for 甲 (in their turn) while unit_a moves under town_b: the move waits for the turn,
    # then finds 甲's units meeting at town_b.
    with paused_inside(monkeypatch, tallies, "write", lambda: put(person, "s3")):
        moving = waits_for_a_lock(
            lambda: org_move(actor=tree.committee_admin, org_id=tree.unit_a.pk, target_id=tree.town_b.pk).pk)
    moving.join()
    assert moving.done == [tree.unit_a.pk]
    assert MetricTally.objects.get(person=person).records == 3
    assert MetricOrgCount.objects.get(activity_key=MetricOrgCount.EVERY_ACTIVITY, people_overlaps=1).organisation_id \
        == tree.town_b.pk
    assert _counted_as_by_hand(campaign)
