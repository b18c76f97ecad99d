"""Who may start an attempt now (参赛资格), and which of a person's attempts counts."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.quizzes.models import QuizResult
from suzhi.quizzes.rules import contest_attributes, results_visible, start_decision, window_closes
from suzhi.quizzes.services.attempts import answer_save, attempt_start, attempt_submit
from suzhi.quizzes.services.contests import quiz_publish
from tests.core.factories import make_org
from tests.people.factories import make_person
from tests.quizzes.factories import fixed_rules, make_bank, make_quiz, quiz_campaign, true_false
from tests.support import make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(tree):
    return make_bank(tree, [true_false("判断一", True), true_false("判断二", True), true_false("判断三", True)])


def contest(tree, bank, *, open_days=(-10, 10), activity=None, **rules):
    campaign = quiz_campaign(tree, open_days=open_days, **(activity or {}))
    bank_obj, ids = bank
    return make_quiz(tree, campaign, bank_obj, fixed_rules(ids, **rules))


def code(quiz, person, now=None):
    return start_decision(quiz=quiz, person=person, now=now).code


def test_a_person_on_the_roster_may_start(tree, bank):
    quiz = contest(tree, bank)
    person, _user = make_participant(tree)
    assert start_decision(quiz=quiz, person=person).allowed
    assert code(quiz, None) == "no_person"


def test_not_published(tree, bank):
    quiz = contest(tree, bank)
    quiz = quiz_publish(actor=tree.committee_admin, quiz_id=quiz.pk, published=False)
    person, user = make_participant(tree)
    assert code(quiz, person) == "not_published"
    with pytest.raises(NotFound):  # an unpublished contest is not offered at all
        attempt_start(actor=user, quiz_id=quiz.pk)


@pytest.mark.parametrize(("open_days", "reason"), [((2, 5), "not_started"), ((-5, -1), "closed")])
def test_outside_the_phase(tree, bank, open_days, reason):
    quiz = contest(tree, bank, open_days=open_days)
    person, user = make_participant(tree)
    decision = start_decision(quiz=quiz, person=person)
    assert decision.code == reason and decision.message
    with pytest.raises(ValidationFailed) as exc:
        attempt_start(actor=user, quiz_id=quiz.pk)
    assert exc.value.code == reason
    assert window_closes(quiz, timezone.now()) is None


def test_the_phase_is_read_in_beijing_days(tree, bank):
    quiz = contest(tree, bank, open_days=(-3, 0))
    person, _user = make_participant(tree)
    today = timezone.localdate()
    tonight = timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 59)))
    assert start_decision(quiz=quiz, person=person, now=tonight).allowed
    assert code(quiz, person, tonight + datetime.timedelta(minutes=2)) == "closed"
    closes = window_closes(quiz, tonight)
    assert closes == timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1),
                                                                   datetime.time()))


def test_the_deadline_stops_at_the_end_of_the_window(tree, bank):
    quiz = contest(tree, bank, open_days=(-3, 0))
    _person, user = make_participant(tree)
    late = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(23, 50)))
    attempt = attempt_start(actor=user, quiz_id=quiz.pk, now=late)
    assert attempt.deadline == late + datetime.timedelta(minutes=10)


def test_not_open_when_the_plan_opens_no_phase(tree, bank):
    quiz = contest(tree, bank, activity={"open_in": {}})
    person, _user = make_participant(tree)
    assert code(quiz, person) == "not_open"


def test_organisation_outside(tree, bank):
    quiz = contest(tree, bank)
    elsewhere = make_org("别处工会", type_code="committee", code="ELSEWHERE")
    stranger = make_person("外人", elsewhere)
    assert code(quiz, stranger) == "outside"


def test_a_contest_of_a_town_is_not_for_another_town(tree, bank):
    bank_obj, ids = bank
    quiz = make_quiz(tree, quiz_campaign(tree), bank_obj, fixed_rules(ids), org=tree.town_a)
    inside = make_person("甲镇人", tree.unit_a)
    outside, user = make_participant(tree, "乙镇人", org=tree.unit_b)
    assert start_decision(quiz=quiz, person=inside).allowed
    assert code(quiz, outside) == "outside"
    with pytest.raises(NotFound):
        attempt_start(actor=user, quiz_id=quiz.pk)


def test_person_category(tree, bank):
    quiz = contest(tree, bank, activity={"person_categories": ["teacher"]})
    worker = make_person("职工", tree.unit_a, categories=("in_post",))
    teacher = make_person("教师", tree.unit_a, categories=("teacher", "union_cadre"))
    decision = start_decision(quiz=quiz, person=worker)
    assert decision.code == "category" and "教师" in decision.message
    assert start_decision(quiz=quiz, person=teacher).allowed


def test_organisation_type(tree, bank):
    quiz = contest(tree, bank, activity={"org_types": ["town_federation"]})
    assert code(quiz, make_person("企业职工", tree.unit_a)) == "org_type"
    assert start_decision(quiz=quiz, person=make_person("镇工会干部", tree.town_a)).allowed


def test_people_no_longer_on_the_roster(tree, bank):
    quiz = contest(tree, bank)
    person = make_person("离职", tree.unit_a, is_active=False)
    assert code(quiz, person) == "inactive"


def test_age_rule_with_birth_dates(tree, bank):
    quiz = contest(tree, bank, attributes=[{"field": "age", "op": "lt", "value": 45}])
    today = timezone.localdate()

    def born(years, days=0):
        return today.replace(year=today.year - years) + datetime.timedelta(days=days)

    assert start_decision(quiz=quiz, person=make_person("四十四", tree.unit_a, birth_date=born(45, 1))).allowed
    turned = start_decision(quiz=quiz, person=make_person("四十五", tree.unit_a, birth_date=born(45)))
    assert turned.code == "attributes" and "age < 45" in turned.message
    assert code(quiz, make_person("不详", tree.unit_a)) == "attributes"  # no birth date: the rule cannot be met
    assert contest_attributes(quiz) == "age < 45"


def finish(user, quiz, right, *, now=None):
    """An attempt with `right` of the three true/false questions answered right (2 marks each)."""
    attempt = attempt_start(actor=user, quiz_id=quiz.pk, now=now)
    for slot in range(3):
        answer_save(actor=user, attempt_id=attempt.pk, slot=slot, response={"value": slot < right}, now=now)
    return attempt_submit(actor=user, attempt_id=attempt.pk, now=now)


def test_attempts_per_person(tree, bank):
    quiz = contest(tree, bank, attempts_per_person=2)
    person, user = make_participant(tree)
    finish(user, quiz, 1)
    assert start_decision(quiz=quiz, person=person).allowed
    finish(user, quiz, 2)
    decision = start_decision(quiz=quiz, person=person)
    assert decision.code == "attempts_used" and "2" in decision.message


def test_attempts_per_day(tree, bank):
    quiz = contest(tree, bank, attempts_per_person=3, attempts_per_day=1)
    person, user = make_participant(tree)
    today = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(9)))
    finish(user, quiz, 1, now=today)
    assert code(quiz, person, today + datetime.timedelta(hours=2)) == "daily_limit"
    with pytest.raises(ValidationFailed) as exc:
        attempt_start(actor=user, quiz_id=quiz.pk, now=today + datetime.timedelta(hours=2))
    assert exc.value.code == "daily_limit"
    tomorrow = today + datetime.timedelta(days=1)
    assert start_decision(quiz=quiz, person=person, now=tomorrow).allowed
    finish(user, quiz, 2, now=tomorrow)
    assert code(quiz, person, tomorrow + datetime.timedelta(days=1)) == ""
    assert code(quiz, person, tomorrow + datetime.timedelta(days=1, hours=1)) == ""
    finish(user, quiz, 0, now=tomorrow + datetime.timedelta(days=1))
    assert code(quiz, person, tomorrow + datetime.timedelta(days=2)) == "attempts_used"


@pytest.mark.parametrize(("rule", "score", "number"), [("highest", "6.00", 2), ("first", "2.00", 1),
                                                       ("last", "4.00", 3)])
def test_counted_attempt(tree, bank, rule, score, number):
    quiz = contest(tree, bank, attempts_per_person=3, counted_attempt=rule)
    person, user = make_participant(tree)
    for right in (1, 3, 2):
        finish(user, quiz, right)
    result = QuizResult.objects.select_related("attempt").get(quiz=quiz, person=person)
    assert result.score == Decimal(score) and result.attempt.number == number and result.attempts == 3


def test_highest_prefers_the_quicker_of_equal_scores(tree, bank):
    quiz = contest(tree, bank, attempts_per_person=2, counted_attempt="highest")
    person, user = make_participant(tree)
    now = timezone.now()
    slow = attempt_start(actor=user, quiz_id=quiz.pk, now=now - datetime.timedelta(minutes=15))
    attempt_submit(actor=user, attempt_id=slow.pk, now=now - datetime.timedelta(minutes=5))  # 10 minutes
    quick = attempt_start(actor=user, quiz_id=quiz.pk, now=now - datetime.timedelta(minutes=4))
    attempt_submit(actor=user, attempt_id=quick.pk, now=now - datetime.timedelta(minutes=3))  # 1 minute
    result = QuizResult.objects.get(quiz=quiz, person=person)
    assert result.attempt_id == quick.pk and result.seconds_used == 60


def test_results_after_the_window(tree, bank):
    quiz = contest(tree, bank, open_days=(-3, 1), show_results="after_window")
    assert not results_visible(quiz)
    assert results_visible(quiz, timezone.now() + datetime.timedelta(days=2))
    assert results_visible(contest(tree, bank, show_results="after_submit"))
