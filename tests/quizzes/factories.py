"""A contest campaign whose attempt phase is open today, a bank of questions of every type, and contests."""

import datetime

import yaml
from django.utils import timezone

from suzhi.campaigns.services.plans import plan_load
from suzhi.quizzes.formats.base import ParsedOption, ParsedQuestion, QuestionType
from suzhi.quizzes.services.contests import quiz_create, quiz_publish
from suzhi.quizzes.services.questions import bank_create, question_save


def quiz_campaign(tree, *, open_days=(-10, 10), **activity_overrides):
    """A plan with one quiz activity open for attempts from `open_days[0]` to `open_days[1]` days from today."""
    today = timezone.localdate()
    activity = {"key": "ankang", "kind": "quiz", "title": "“安康杯”安全生产知识竞赛",
                "open_in": {"attempt": ["contest"]}, "settings": {"time_limit_minutes": 20}}
    activity.update(activity_overrides)
    data = {
        "code": "quiz-test", "title": "竞赛测试方案", "year": today.year, "organiser": tree.committee.code,
        "goals": "提升职工安全素质。",
        "phases": [{"key": "contest", "title": "竞赛阶段", "start": today + datetime.timedelta(days=open_days[0]),
                    "end": today + datetime.timedelta(days=open_days[1])}],
        "activities": [activity],
        "targets": [{"key": "people", "title": "参赛人数", "metric": "quiz.participants", "form": "total",
                     "threshold": 10, "deadline": "contest"}],
    }
    return plan_load(actor=tree.committee_admin, text=yaml.safe_dump(data, allow_unicode=True))


def single(stem, right=0, n=4, **extra):
    options = [ParsedOption(text=f"{stem}选项{i}", weight=1.0 if i == right else 0.0) for i in range(n)]
    return ParsedQuestion(type=QuestionType.SINGLE, stem=stem, options=options, **extra)


def multiple(stem, right=(0, 1), n=4, **extra):
    share = 1.0 / len(right)
    options = [ParsedOption(text=f"{stem}选项{i}", weight=share if i in right else 0.0) for i in range(n)]
    return ParsedQuestion(type=QuestionType.MULTIPLE, stem=stem, options=options, **extra)


def true_false(stem, answer=True, **extra):
    return ParsedQuestion(type=QuestionType.TRUE_FALSE, stem=stem, answer_bool=answer, **extra)


def fill_in(stem, accepted=(("安全第一",),), **extra):
    return ParsedQuestion(type=QuestionType.FILL_IN, stem=stem, accepted=[list(a) for a in accepted], **extra)


def short_answer(stem, **extra):
    return ParsedQuestion(type=QuestionType.SHORT_ANSWER, stem=stem, **extra)


def make_bank(tree, questions, *, name="安全生产题库", org=None):
    """A bank of the committee holding `questions` (ParsedQuestion); returns (bank, [question ids])."""
    actor = tree.committee_admin
    bank = bank_create(actor=actor, organisation_id=(org or tree.committee).pk, name=name)
    ids = [question_save(actor=actor, bank_id=bank.pk, question=q).pk for q in questions]
    return bank, ids


def fixed_rules(ids, points=2, **rules):
    """Rules for a fixed paper in the given order, without shuffling (tests know where each question is)."""
    base = {"time_limit_minutes": 20, "paper": {"mode": "fixed", "shuffle_questions": False,
                                                 "shuffle_options": False,
                                                 "questions": [{"question": i, "points": points} for i in ids]}}
    base.update(rules)
    return base


def make_quiz(tree, campaign, bank, rules, *, title="安全生产知识竞赛", org=None, publish=True):
    activity = campaign.activities.get(key="ankang")
    quiz = quiz_create(actor=tree.committee_admin, activity_id=activity.pk, organisation_id=(org or tree.committee).pk,
                       title=title, bank_id=bank.pk, rules=rules)
    if publish:
        quiz = quiz_publish(actor=tree.committee_admin, quiz_id=quiz.pk, published=True)
    return quiz
