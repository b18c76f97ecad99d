"""Ranking: people by score, then less time, then the earlier finish (equal keys share a rank and the next skips);
the ranks stored by SQL equal the pure function's."""

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from suzhi.quizzes.models import Attempt, QuizResult
from suzhi.quizzes.ranking import competition_ranks, person_ranks, unit_measures, unit_ranks
from suzhi.quizzes.services.results import results_refresh
from tests.people.factories import make_person
from tests.quizzes.factories import fixed_rules, make_bank, make_quiz, quiz_campaign, single

T0 = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC)

rows_strategy = st.lists(
    st.tuples(st.sampled_from([Decimal("0"), Decimal("1.5"), Decimal("2"), Decimal("10")]), st.integers(0, 3),
              st.integers(0, 2)),
    max_size=30,
).map(lambda rows: [(i, score, seconds, T0 + datetime.timedelta(minutes=m))
                    for i, (score, seconds, m) in enumerate(rows)])


def better(a, b):
    """Whether row a ranks strictly above row b, by the rules written out."""
    if a[1] != b[1]:
        return a[1] > b[1]
    if a[2] != b[2]:
        return a[2] < b[2]
    return a[3] < b[3]


def test_competition_ranks_share_and_skip():
    assert competition_ranks([]) == []
    assert competition_ranks(["a", "b", "b", "c", "c", "c", "d"]) == [1, 2, 2, 4, 4, 4, 7]


def test_person_ranks_examples():
    rows = [("slow", Decimal("90"), 300, T0), ("fast", Decimal("90"), 200, T0 + datetime.timedelta(hours=1)),
            ("late", Decimal("90"), 200, T0 + datetime.timedelta(hours=2)), ("top", Decimal("95"), 900, T0),
            ("twin", Decimal("90"), 200, T0 + datetime.timedelta(hours=2))]
    assert person_ranks(rows) == {"top": 1, "fast": 2, "late": 3, "twin": 3, "slow": 5}


@settings(max_examples=200, deadline=None)
@given(rows_strategy)
def test_person_ranks_are_one_more_than_the_rows_strictly_better(rows):
    ranks = person_ranks(rows)
    assert set(ranks) == {row[0] for row in rows}
    for row in rows:
        assert ranks[row[0]] == 1 + sum(1 for other in rows if better(other, row))
    for a in rows:
        for b in rows:
            if (a[1], a[2], a[3]) == (b[1], b[2], b[3]):
                assert ranks[a[0]] == ranks[b[0]]  # equal keys share a rank
            elif better(a, b):
                assert ranks[a[0]] < ranks[b[0]]


def test_unit_measures_and_ranks():
    a = unit_measures(eligible=4, participants=2, attempts=3, score_sum=Decimal("150"))
    assert a == {"participation_rate": Decimal("0.5"), "average_score": Decimal("75"),
                 "attempts_per_person": Decimal("1.5")}
    assert unit_measures(eligible=0, participants=0, attempts=0, score_sum=Decimal(0)) == {
        "participation_rate": Decimal(0), "average_score": Decimal(0), "attempts_per_person": Decimal(0)}
    b = unit_measures(eligible=2, participants=1, attempts=1, score_sum=Decimal("80"))  # same rate, higher average
    c = unit_measures(eligible=6, participants=3, attempts=6, score_sum=Decimal("225"))  # like a, more attempts
    d = unit_measures(eligible=6, participants=3, attempts=6, score_sum=Decimal("225"))
    order = ["participation_rate", "average_score", "attempts_per_person"]
    assert unit_ranks([("a", a), ("b", b), ("c", c), ("d", d)], order) == {"b": 1, "c": 2, "d": 2, "a": 4}
    assert unit_ranks([("a", a), ("b", b), ("c", c)], ["attempts_per_person"]) == {"c": 1, "a": 2, "b": 3}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(0, 4), st.integers(0, 3), st.integers(0, 300)),
                max_size=12))
def test_unit_ranks_follow_the_measures_in_order(units):
    rows = []
    for i, (eligible, participants, extra, score) in enumerate(units):
        participants = min(participants, eligible)
        rows.append((i, unit_measures(eligible=eligible, participants=participants,
                                      attempts=participants + (extra if participants else 0),
                                      score_sum=Decimal(score if participants else 0))))
    order = ["participation_rate", "average_score", "attempts_per_person"]
    ranks = unit_ranks(rows, order)
    for i, measures in rows:
        mine = tuple(measures[m] for m in order)
        assert ranks[i] == 1 + sum(1 for _j, other in rows if tuple(other[m] for m in order) > mine)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_ranks_equal_the_pure_ranking(tree, seed):
    rng = random.Random(seed)
    campaign = quiz_campaign(tree)
    bank, ids = make_bank(tree, [single("单选一")])
    quiz = make_quiz(tree, campaign, bank, fixed_rules(ids))
    start = timezone.now() - datetime.timedelta(hours=2)
    for i in range(40):
        person = make_person(f"参赛{i}", rng.choice([tree.unit_a, tree.unit_b, tree.town_a]))
        seconds = rng.choice([60, 61, 120])
        finished = start + datetime.timedelta(minutes=rng.choice([10, 20]))
        attempt = Attempt.objects.create(quiz=quiz, person=person, organisation=person.organisation, number=1,
                                         state=Attempt.State.FINISHED, started_at=finished - datetime.timedelta(
                                             seconds=seconds), deadline=finished, finished_at=finished,
                                         paper=[], max_score=Decimal("10"), score=Decimal("0"))
        QuizResult.objects.create(quiz=quiz, person=person, organisation=person.organisation, attempt=attempt,
                                  score=rng.choice([Decimal("7.5"), Decimal("8"), Decimal("10")]),
                                  seconds_used=seconds, finished_at=finished)
    results_refresh(actor=None, quiz_id=quiz.pk)
    stored = {r.pk: r.rank for r in QuizResult.objects.filter(quiz=quiz)}
    expected = person_ranks([(r.pk, r.score, r.seconds_used, r.finished_at)
                             for r in QuizResult.objects.filter(quiz=quiz)])
    assert stored == expected
    assert len(set(stored.values())) < len(stored)  # the data has ties, so sharing is tested
