"""Answer saves after the first one use the cached frozen paper: one UPDATE, never a stale paper."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suzhi.core.errors import Conflict
from suzhi.quizzes.models import Attempt, AttemptAnswer
from suzhi.quizzes.services.attempts import answer_save, attempt_start, attempt_submit
from tests.quizzes.factories import fixed_rules, make_bank, make_quiz, multiple, quiz_campaign, single
from tests.support import make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(tree):
    campaign = quiz_campaign(tree)
    bank, ids = make_bank(tree, [single("单选一", right=2), multiple("多选一", right=(0, 3))])
    rules = fixed_rules(ids)
    rules["paper"]["shuffle_options"] = True  # display positions differ from the questions' own order
    quiz = make_quiz(tree, campaign, bank, rules)
    _person, user = make_participant(tree)
    return user, attempt_start(actor=user, quiz_id=quiz.pk)


def test_a_save_after_the_first_is_one_statement(started):
    user, attempt = started
    answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"choices": [0]})
    with CaptureQueriesContext(connection) as queries:
        answer_save(actor=user, attempt_id=attempt.pk, slot=1, response={"choices": [1, 2]})
    assert len(queries) == 1
    order = attempt.paper[1]["order"]
    assert AttemptAnswer.objects.get(attempt=attempt, slot=1).response == {"choices": sorted({order[1], order[2]})}


def test_a_cached_paper_of_another_attempt_with_the_same_id_is_not_used(started):
    """After a database restore the cache may still hold the paper of an earlier attempt with this id."""
    user, attempt = started
    answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"choices": [0]})
    key = f"quizzes:attempt-paper:{attempt.pk}"
    user_id, deadline, slots = cache.get(key)
    real = attempt.paper[0]["order"]
    slots[0] = {**slots[0], "order": list(reversed(real))}
    cache.set(key, (user_id, deadline - datetime.timedelta(seconds=1), slots))
    answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"choices": [0]})
    assert AttemptAnswer.objects.get(attempt=attempt, slot=0).response == {"choices": [real[0]]}


def test_a_cached_paper_does_not_let_a_submitted_attempt_change(started, django_capture_on_commit_callbacks):
    user, attempt = started
    answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"choices": [0]})
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(actor=user, attempt_id=attempt.pk)
    with pytest.raises(Conflict) as exc:
        answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"choices": [1]})
    assert exc.value.code == "finished"


def test_a_deadline_moved_in_the_database_is_seen_despite_the_cache(started):
    user, attempt = started
    answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"choices": [0]})
    Attempt.objects.filter(pk=attempt.pk).update(deadline=attempt.started_at)
    with pytest.raises(Conflict) as exc:
        answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"choices": [1]},
                    now=attempt.started_at + datetime.timedelta(minutes=1))
    assert exc.value.code == "time_up"


def test_ping_answers_a_signed_in_session_only(tree, client, login_client):
    assert client.get("/api/v1/auth/ping").status_code == 401
    response = login_client(tree.participant_a).get("/api/v1/auth/ping")
    assert response.status_code == 200 and response.json() == {"ok": True}
