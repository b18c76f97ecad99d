"""Attempts: start on a frozen paper, save answers, resume, server-side expiry, idempotent submit."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.quizzes.models import Attempt, AttemptAnswer, QuizResult
from suzhi.quizzes.services.attempts import answer_save, attempt_current, attempt_start, attempt_submit, attempts_expire
from suzhi.quizzes.services.questions import question_save
from tests.quizzes.factories import (
    fill_in,
    fixed_rules,
    make_bank,
    make_quiz,
    multiple,
    quiz_campaign,
    single,
    true_false,
)
from tests.support import make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(tree):
    campaign = quiz_campaign(tree)
    bank, ids = make_bank(tree, [single("单选一", right=2), multiple("多选一", right=(0, 3)),
                                 true_false("判断一", False),
                                 fill_in("填空一", accepted=(("安全第一", "安全 第一"), ("预防为主",)))])
    quiz = make_quiz(tree, campaign, bank, fixed_rules(ids))
    person, user = make_participant(tree)
    return quiz, person, user, ids


def test_a_whole_attempt_scores_each_question_type(contest, django_capture_on_commit_callbacks):
    quiz, person, user, _ids = contest
    attempt = attempt_start(actor=user, quiz_id=quiz.pk)
    assert attempt.max_score == Decimal("8.00")
    answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"choices": [2]})
    answer_save(actor=user, attempt_id=attempt.pk, slot=1, response={"choices": [0]})  # half right: 0 by default
    answer_save(actor=user, attempt_id=attempt.pk, slot=2, response={"value": False})
    answer_save(actor=user, attempt_id=attempt.pk, slot=3, response={"blanks": ["安全第一", "预防为主"]})
    with django_capture_on_commit_callbacks(execute=True):  # the rank refresh is queued after the commit
        done = attempt_submit(actor=user, attempt_id=attempt.pk)
    assert done.state == Attempt.State.FINISHED
    assert done.score == Decimal("6.00")
    result = QuizResult.objects.get(quiz=quiz, person=person)
    assert result.score == Decimal("6.00") and result.rank == 1


def test_resume_gives_the_same_paper_and_answers(contest):
    quiz, _person, user, _ids = contest
    first = attempt_start(actor=user, quiz_id=quiz.pk)
    answer_save(actor=user, attempt_id=first.pk, slot=0, response={"choices": [1]})
    again = attempt_start(actor=user, quiz_id=quiz.pk)
    assert again.pk == first.pk and again.paper == first.paper
    assert AttemptAnswer.objects.get(attempt=first, slot=0).response == {"choices": [1]}


def test_time_runs_out_on_the_server(contest):
    quiz, _person, user, _ids = contest
    attempt = attempt_start(actor=user, quiz_id=quiz.pk)
    answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"choices": [2]})
    late = attempt.deadline + datetime.timedelta(minutes=1)
    with pytest.raises(Conflict) as exc:
        answer_save(actor=user, attempt_id=attempt.pk, slot=1, response={"choices": [0, 3]}, now=late)
    assert exc.value.code == "time_up"
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED and attempt.finished_at == attempt.deadline
    assert attempt.finished_by == Attempt.FinishedBy.TIMER and attempt.score == Decimal("2.00")


def test_the_sweep_finishes_abandoned_attempts(contest):
    quiz, _person, user, _ids = contest
    attempt = attempt_start(actor=user, quiz_id=quiz.pk)
    assert attempts_expire(now=timezone.now()) == 0
    assert attempts_expire(now=attempt.deadline + datetime.timedelta(minutes=1)) == 1
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED and attempt.finished_at == attempt.deadline


def test_submit_twice_is_one_submission(contest):
    quiz, person, user, _ids = contest
    attempt = attempt_start(actor=user, quiz_id=quiz.pk)
    one = attempt_submit(actor=user, attempt_id=attempt.pk)
    two = attempt_submit(actor=user, attempt_id=attempt.pk)
    assert one.finished_at == two.finished_at
    assert QuizResult.objects.get(quiz=quiz, person=person).attempts == 1
    with pytest.raises(Conflict):
        answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"choices": [2]})


def test_no_second_attempt_beyond_the_rules(contest):
    quiz, _person, user, _ids = contest
    attempt = attempt_submit(actor=user, attempt_id=attempt_start(actor=user, quiz_id=quiz.pk).pk)
    assert attempt.number == 1
    with pytest.raises(ValidationFailed) as exc:
        attempt_start(actor=user, quiz_id=quiz.pk)
    assert exc.value.code == "attempts_used"


def test_the_paper_is_frozen_when_the_question_changes(contest, tree):
    quiz, _person, user, ids = contest
    attempt = attempt_start(actor=user, quiz_id=quiz.pk)
    question_save(actor=tree.committee_admin, bank_id=quiz.bank_id, question_id=ids[0],
                  question=single("单选一（改）", right=1))
    again = attempt_current(actor=user, attempt_id=attempt.pk)
    assert again.paper == attempt.paper


def test_someone_else_cannot_touch_an_attempt(contest, tree):
    quiz, _person, user, _ids = contest
    attempt = attempt_start(actor=user, quiz_id=quiz.pk)
    _other, stranger = make_participant(tree, name="赵六", org=tree.unit_b)
    with pytest.raises(NotFound):
        answer_save(actor=stranger, attempt_id=attempt.pk, slot=0, response={"choices": [2]})
    with pytest.raises(NotFound):
        attempt_submit(actor=stranger, attempt_id=attempt.pk)


def test_start_and_submit_take_a_fixed_number_of_statements(contest, tree, django_assert_max_num_queries,
                                                            django_capture_on_commit_callbacks):
    """Thousands start and submit in the first and last minutes of a window: no statement per question."""
    quiz, _person, user, _ids = contest
    # Eleven, and the sweep for overdue attempts that the first start of a minute runs after its commit.
    with django_assert_max_num_queries(12), django_capture_on_commit_callbacks(execute=True):
        attempt = attempt_start(actor=user, quiz_id=quiz.pk)
    # The paper was cached when the start committed: the first answer is already the one-statement save.
    with django_assert_max_num_queries(1):
        answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"choices": [2]})
    # Of which nine write the metric records and their tallies: the person read in their turn (one more statement
    # on PostgreSQL, the turn itself), the facts already recorded, the person's counts, the insert in its savepoint,
    # and one upsert each for the counts per organisation, the reach counts and the person's tallies. Two more ask
    # for the recomputations of the targets and of the ranks (one INSERT ... ON CONFLICT DO NOTHING each).
    turn = 1 if connection.vendor == "postgresql" else 0
    with django_assert_max_num_queries(21 + turn):
        attempt_submit(actor=user, attempt_id=attempt.pk)
