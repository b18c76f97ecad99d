"""Concurrent requests on PostgreSQL (SQLite serialises writers, so it cannot show a race): a double tap on
"submit" or "start" gives one submission, one result, one attempt."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from suzhi.core.models import OperationLog, PendingRefresh
from suzhi.quizzes.models import Attempt, AttemptAnswer, QuizResult
from suzhi.quizzes.services.attempts import answer_save, attempt_start, attempt_submit
from tests.quizzes.factories import fixed_rules, make_bank, make_quiz, quiz_campaign, single, true_false
from tests.support import make_participant
from tests.threads import PATIENCE, finishes_alone, paused_inside, waits_for_a_lock

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")


@pytest.fixture
def contest(tree):
    bank, ids = make_bank(tree, [single("单选一", right=1), true_false("判断一", True)])
    quiz = make_quiz(tree, quiz_campaign(tree), bank, fixed_rules(ids, attempts_per_person=3))
    person, user = make_participant(tree)
    return quiz, person, user


def run_together(work):
    """Run `work()` in THREADS threads released at the same moment; their results and errors."""
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def one():
        try:
            barrier.wait(timeout=PATIENCE)
            results.append(work())
        except Exception as exc:  # noqa: BLE001 - the test reports every thread's failure
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=PATIENCE)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def test_concurrent_submits_are_one_submission(contest):
    quiz, person, user = contest
    attempt = attempt_start(actor=user, quiz_id=quiz.pk)
    answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"choices": [1]})
    answer_save(actor=user, attempt_id=attempt.pk, slot=1, response={"value": True})
    results, errors = run_together(lambda: attempt_submit(actor=user, attempt_id=attempt.pk))
    assert errors == []
    assert len(results) == THREADS
    assert {(a.pk, a.state, a.finished_at, a.score) for a in results} == {
        (attempt.pk, Attempt.State.FINISHED, results[0].finished_at, results[0].score)}
    assert str(results[0].score) == "4.00"
    assert OperationLog.objects.filter(action="quiz.attempt_submit", object_id=str(attempt.pk)).count() == 1
    result = QuizResult.objects.get(quiz=quiz, person=person)
    assert result.attempts == 1 and str(result.score) == "4.00"
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 2


def test_concurrent_starts_are_one_attempt(contest):
    quiz, person, user = contest
    results, errors = run_together(lambda: attempt_start(actor=user, quiz_id=quiz.pk).pk)
    assert errors == []
    assert len(results) == THREADS and len(set(results)) == 1
    attempt = Attempt.objects.get(quiz=quiz, person=person)
    assert attempt.pk == results[0] and attempt.number == 1
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 2
    assert OperationLog.objects.filter(action="quiz.attempt_start").count() == 1


def test_starts_and_submissions_go_on_while_the_ranks_are_stored(contest, tree, monkeypatch):
    """The rank refresh holds its contest for its whole run; attempts inserted meanwhile reference the contest and
    must not wait for it (a busy window refreshes every few seconds)."""
    from suzhi.quizzes.services import results

    quiz, _person, user = contest
    _other, other_user = make_participant(tree, name="赵六")

    def participate():
        attempt = attempt_start(actor=other_user, quiz_id=quiz.pk)
        return attempt_submit(actor=other_user, attempt_id=attempt.pk).state

    with paused_inside(monkeypatch, results, "_store_person_ranks",
                       lambda: results.results_refresh(actor=None, quiz_id=quiz.pk)):
        # A refresh queued while one runs folds into the next (the tests' task backend would run it right away,
        # in the participant's thread, where it would rightly wait for this one).
        PendingRefresh.objects.create(name="quiz-results", object_id=quiz.pk, asked_at=timezone.now(),
                                      queued_at=timezone.now())
        assert finishes_alone(participate) == [Attempt.State.FINISHED], "the participant waited for the refresh"


def test_a_start_after_the_time_ran_out_does_not_finish_an_attempt_being_submitted(contest, monkeypatch):
    """Another device submits the overdue attempt while this one starts the next: one submission, not two."""
    import datetime

    from suzhi.quizzes.services import attempts

    quiz, _person, user = contest
    first = attempt_start(actor=user, quiz_id=quiz.pk)
    late = first.deadline + datetime.timedelta(minutes=1)
    with paused_inside(monkeypatch, attempts, "_grade",
                       lambda: attempt_submit(actor=user, attempt_id=first.pk, now=late)):
        # The submission holds the attempt; the start waits for it, then must find it finished.
        starting = waits_for_a_lock(lambda: attempt_start(actor=user, quiz_id=quiz.pk, now=late).number)
    starting.join()
    assert starting.done == [2]
    assert OperationLog.objects.filter(action="quiz.attempt_submit", object_id=str(first.pk)).count() == 1
