"""Recomputations (a contest's ranks, a campaign's targets) asked for in the database: a task lost with its process
or never queued is queued again by the sweep, asks fold into one open mark, a run deletes only what it covered, and
a queue that cannot be reached never turns a committed submission into an error."""

import datetime
import os
import subprocess
import sys

import pytest
import redis
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks import task_backends

from suzhi.campaigns.models import TargetValue
from suzhi.core import tasks
from suzhi.core.models import PendingRefresh
from suzhi.quizzes.models import QuizResult
from suzhi.quizzes.services.attempts import answer_save, attempt_start, attempt_submit
from suzhi.quizzes.services.results import results_refresh, schedule_results_refresh
from suzhi.quizzes.tasks import RESULTS_REFRESH, refresh_quiz_results
from tests.quizzes.factories import fixed_rules, make_bank, make_quiz, quiz_campaign, single
from tests.support import make_participant

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: the hooks after them run

DROPPED = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queued, never run


@pytest.fixture
def contest(tree):
    bank, ids = make_bank(tree, [single("单选一", right=1)])
    campaign = quiz_campaign(tree)
    return campaign, make_quiz(tree, campaign, bank, fixed_rules(ids))


def take(tree, quiz, name, org=None):
    _person, user = make_participant(tree, name, org=org)
    attempt = attempt_start(actor=user, quiz_id=quiz.pk)
    answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"choices": [1]})
    return attempt_submit(actor=user, attempt_id=attempt.pk)


def participants(campaign):
    value = TargetValue.objects.get(target__campaign=campaign, target__key="people",
                                    organisation_id=campaign.organiser_id)
    return value.value


def later():
    return timezone.now() + datetime.timedelta(seconds=tasks.retry_seconds() + 1)


def test_refreshes_lost_with_their_process_are_queued_again_by_the_sweep(tree, contest):
    campaign, quiz = contest
    with override_settings(TASKS=DROPPED):
        lost = task_backends["default"]
        take(tree, quiz, "甲")
        take(tree, quiz, "乙", org=tree.unit_b)  # folds into the lost runs: nothing more is queued
        assert sorted(r.task.name for r in lost.results) == ["refresh_campaign_targets", "refresh_quiz_results"]
    assert list(QuizResult.objects.values_list("rank", flat=True)) == [None, None]
    assert PendingRefresh.objects.count() == 2  # the marks outlive the tasks
    # Not yet overdue: the sweep leaves them to their tasks.
    assert tasks.refresh_sweep() == 0
    # Another process (here: the tests' backend, which runs a task at once) sweeps later.
    assert tasks.refresh_sweep(now=later()) == 2
    assert None not in QuizResult.objects.values_list("rank", flat=True)
    assert participants(campaign) == 2
    assert not PendingRefresh.objects.exists()


def test_a_submission_commits_when_the_queue_cannot_be_reached(tree, contest, monkeypatch):
    _campaign, quiz = contest

    def unreachable(*args, **kwargs):
        raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(type(task_backends["default"]), "enqueue", unreachable)
    _person, user = make_participant(tree, "甲")
    attempt = attempt_start(actor=user, quiz_id=quiz.pk)
    ran = []
    with transaction.atomic():
        attempt = attempt_submit(actor=user, attempt_id=attempt.pk)
        transaction.on_commit(lambda: ran.append("later hook"))
    assert attempt.state == "finished" and ran == ["later hook"]
    assert QuizResult.objects.get().rank is None
    monkeypatch.undo()  # the queue is back: the sweep makes up for the failed enqueue
    assert tasks.refresh_sweep(now=later()) == 2
    assert QuizResult.objects.get().rank == 1 and not PendingRefresh.objects.exists()


def test_asks_fold_into_the_open_mark_and_a_run_deletes_only_what_it_covered(tree, contest):
    _campaign, quiz = contest
    with override_settings(TASKS=DROPPED):
        queued = task_backends["default"]
        for _ in range(3):
            with transaction.atomic():
                schedule_results_refresh(quiz_id=quiz.pk)
        assert len(queued.results) == 1
        assert tasks.refresh_claim(name=RESULTS_REFRESH, object_id=quiz.pk)
        # Asked for while the run goes on: a new mark, and another run queued.
        with transaction.atomic():
            schedule_results_refresh(quiz_id=quiz.pk)
        assert len(queued.results) == 2
        marks = PendingRefresh.objects.filter(name=RESULTS_REFRESH, object_id=quiz.pk)
        assert sorted(m.claimed_at is None for m in marks.all()) == [False, True]
        results_refresh(actor=None, quiz_id=quiz.pk)
        assert [m.claimed_at for m in marks.all()] == [None]  # the later ask stays for the next run
        refresh_quiz_results.call(quiz.pk)
        assert not marks.exists()
        quiz.refresh_from_db()
        computed = quiz.results_computed_at
        refresh_quiz_results.call(quiz.pk)  # queued twice: the second finds nothing asked for
        quiz.refresh_from_db()
        assert quiz.results_computed_at == computed


def test_of_two_sweeps_at_the_same_time_one_queues(tree, contest):
    _campaign, quiz = contest
    with override_settings(TASKS=DROPPED):
        queued = task_backends["default"]
        with transaction.atomic():
            schedule_results_refresh(quiz_id=quiz.pk)
        now = later()
        assert tasks.refresh_sweep(now=now) == 1
        assert tasks.refresh_sweep(now=now) == 0
        assert len(queued.results) == 2


@pytest.mark.parametrize(("engine", "expected"), [
    (None, "django.contrib.sessions.backends.cached_db"),
    ("django.contrib.sessions.backends.cache", "django.contrib.sessions.backends.cache"),
])
def test_with_redis_sessions_are_kept_in_the_database_behind_the_cache(engine, expected):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUZHI", "DJANGO"))}
    env.update({"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/4"})
    if engine:
        env["SUZHI_SESSION_ENGINE"] = engine
    code = "from suzhi.config import settings; print(settings.SESSION_ENGINE)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
