"""The knowledge contests' side of the results contract (campaigns/results.py): what honours read."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suzhi.campaigns.results import Subject, ranked_results, ranks_people_or_units
from tests.core.factories import make_org
from tests.quizzes.factories import fixed_rules, make_bank, make_quiz, quiz_campaign, true_false
from tests.quizzes.test_results_service import scored
from tests.support import make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(tree):
    bank, ids = make_bank(tree, [true_false(f"判断{i}", True) for i in range(8)])
    campaign = quiz_campaign(tree)
    quiz = make_quiz(tree, campaign, bank, fixed_rules(ids, points=1))
    unit_a2 = make_org("七里镇乙企业", parent=tree.town_a, code="DH-QLZ-002")
    for name, org, score in (("甲", tree.unit_a, 6), ("乙", unit_a2, 8), ("丙", tree.unit_b, 6)):
        scored(make_participant(tree, name, org=org)[1], quiz, score)
    from suzhi.quizzes.services.results import results_refresh

    results_refresh(actor=None, quiz_id=quiz.pk)
    return quiz


def test_people_by_rank_with_shared_places(tree, contest):
    assert ranks_people_or_units(contest.activity)
    [ranking] = ranked_results(contest.activity, subject=Subject.PERSON)
    assert ranking.title == contest.title and ranking.organiser_id == tree.committee.pk
    places = [(entry.position, entry.name, entry.score) for entry in ranking.entries]
    assert places[0] == (1, "乙", Decimal("8.00"))
    # Equal scores are split by the time used and the finish (the contest's rule), so the places run 1, 2, 3.
    assert [place[0] for place in places] == [1, 2, 3]
    six = Decimal("6.00")
    assert {(name, score) for _position, name, score in places[1:]} == {("甲", six), ("丙", six)}
    assert all(entry.person_id and entry.detail for entry in ranking.entries)


def test_units_are_the_organisers_direct_units(tree, contest):
    [ranking] = ranked_results(contest.activity, subject=Subject.ORGANISATION)
    assert [entry.organisation_id for entry in ranking.entries] == [tree.federation.pk]
    assert ranking.entries[0].position == 1


def test_a_town_admin_reads_only_their_people(tree, contest):
    [ranking] = ranked_results(contest.activity, subject=Subject.PERSON, user=tree.town_a_admin)
    assert {entry.name for entry in ranking.entries} == {"甲", "乙"}


def test_results_held_back_until_the_window_ends_are_not_published(tree):
    bank, ids = make_bank(tree, [true_false("判断", True)])
    quiz = make_quiz(tree, quiz_campaign(tree), bank, fixed_rules(ids, points=1, show_results="after_window"))
    assert ranked_results(quiz.activity, subject=Subject.PERSON) == []


def test_one_query_per_list_whatever_the_number_of_people(tree, contest):
    with CaptureQueriesContext(connection) as queries:
        ranked_results(contest.activity, subject=Subject.PERSON)
    assert len(queries) <= 3  # the phases, the contests, the results
