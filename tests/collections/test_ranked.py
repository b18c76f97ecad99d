"""The collection kind's ranked results (campaigns/results.py): one ranking per category from the published
judging results, people by first author and units by submitting unit, the award as detail; nothing before
publication; another town sees only its own entries; a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suzhi.campaigns.results import Subject, ranked_results, ranks_people_or_units
from suzhi.collections.models import SubmissionAuthor
from suzhi.collections.services.decisions import decisions_apply
from suzhi.judging.models import ResultSet
from tests.collections.decided import accepted, decided_campaign, publish
from tests.collections.test_results import _bulk
from tests.support import make_participant

pytestmark = pytest.mark.django_db


def test_people_and_units_ranked_per_category_with_awards(tree):
    activity = decided_campaign(tree)
    assert ranks_people_or_units(activity)
    items = [accepted(tree, activity, tree.unit_a, "职工甲", "甲建议"),
             accepted(tree, activity, tree.unit_b, "职工乙", "乙建议")]
    assert ranked_results(activity, subject=Subject.PERSON) == []
    publish(tree, activity, {items[0].pk: 50, items[1].pk: 95})
    decisions_apply(actor=tree.committee_admin, activity_id=activity.pk)
    [people] = ranked_results(activity, subject=Subject.PERSON)
    assert people.subject == Subject.PERSON and people.organiser_id == activity.organiser_id
    first = {i.pk: i.authors.order_by("position").first().person for i in items}
    assert [(e.position, e.name, e.person_id, e.organisation_id, e.detail) for e in people.entries] == [
        (1, "职工乙", first[items[1].pk].pk, tree.unit_b.pk, "一等奖"),
        (2, "职工甲", first[items[0].pk].pk, tree.unit_a.pk, "鼓励奖")]
    assert [float(e.score) for e in people.entries] == [95.0, 50.0]
    [units] = ranked_results(activity, subject=Subject.ORGANISATION)
    assert [(e.position, e.name, e.organisation_id, e.person_id) for e in units.entries] == [
        (1, tree.unit_b.name, tree.unit_b.pk, None), (2, tree.unit_a.name, tree.unit_a.pk, None)]
    [mine] = ranked_results(activity, subject=Subject.PERSON, user=tree.town_a_admin)
    assert [e.name for e in mine.entries] == ["职工甲"]


def _count(activity, subject, user):
    with CaptureQueriesContext(connection) as captured:
        found = ranked_results(activity, subject=subject, user=user)
    return len(captured.captured_queries), found


def test_query_count_constant(tree):
    activity = decided_campaign(tree)
    person, _user = make_participant(tree, "作者", tree.unit_a)
    few = _bulk(tree, activity, 3, 0)
    SubmissionAuthor.objects.bulk_create([SubmissionAuthor(submission=row, person=person) for row in few])
    publish(tree, activity, {row.pk: 50 for row in few})
    before = {subject: _count(activity, subject, tree.committee_admin)[0] for subject in Subject}
    ResultSet.objects.filter(activity=activity).delete()
    many = _bulk(tree, activity, 27, 3)
    SubmissionAuthor.objects.bulk_create([SubmissionAuthor(submission=row, person=person) for row in many])
    publish(tree, activity, {row.pk: 50 + i % 40 for i, row in enumerate(few + many)})
    for subject in Subject:
        queries, [ranking] = _count(activity, subject, tree.committee_admin)
        assert len(ranking.entries) == 30 and queries == before[subject]
