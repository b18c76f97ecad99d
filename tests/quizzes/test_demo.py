"""The demo contest: a bank imported from the text fixture, a published contest in the Dunhuang campaign, and
attempts whose results are ranked, loaded once."""

import pytest
from django.core.management import call_command

from suzhi.core import demo
from suzhi.quizzes.models import Attempt, Question, Quiz, QuizOrgResult, QuizResult

pytestmark = pytest.mark.django_db


def test_the_loader_is_registered():
    assert "suzhi.quizzes.demo.load_quiz_demo" in [getattr(loader, "dotted", "") for loader in demo._LOADERS]


def test_demo_contest_is_loaded_once_with_ranked_results():
    call_command("demo")
    quiz = Quiz.objects.get()
    assert quiz.is_published and quiz.activity.key == "ankang-quiz"
    assert Question.objects.filter(bank=quiz.bank).count() == 26
    finished = Attempt.objects.filter(quiz=quiz, state=Attempt.State.FINISHED)
    assert finished.count() == 48
    assert all(len(a.paper) == 20 and a.max_score == 100 for a in finished)
    ranks = sorted(QuizResult.objects.filter(quiz=quiz).values_list("rank", flat=True))
    assert ranks[0] == 1 and None not in ranks
    assert QuizOrgResult.objects.filter(quiz=quiz, organisation=quiz.organiser).get().participants == 48
    call_command("demo")
    assert Quiz.objects.count() == 1 and Attempt.objects.count() == 48
