"""Results: organisation rankings against a hand-computed table, regrading after a corrected key, marking short
answers, item analysis, results shown after the window, and the metrics targets count."""

import datetime
from decimal import Decimal

import pytest
import yaml
from django.utils import timezone

from suzhi.campaigns.models import TargetValue
from suzhi.campaigns.services.plans import plan_load
from suzhi.campaigns.services.targets import targets_refresh
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.models import OperationLog
from suzhi.quizzes.models import Attempt, AttemptAnswer, AttemptRegrade, QuestionVersion, QuizOrgResult, QuizResult
from suzhi.quizzes.selectors.attempts import attempt_sheet, contests_for
from suzhi.quizzes.selectors.results import answers_to_mark, item_analysis, org_ranking, person_ranking
from suzhi.quizzes.services.attempts import answer_save, attempt_start, attempt_submit
from suzhi.quizzes.services.questions import question_save
from suzhi.quizzes.services.results import answer_mark, quiz_regrade, results_refresh
from tests.core.factories import make_org
from tests.people.factories import make_person
from tests.quizzes.factories import (
    fixed_rules,
    make_bank,
    make_quiz,
    multiple,
    quiz_campaign,
    short_answer,
    single,
    true_false,
)
from tests.support import make_participant

pytestmark = pytest.mark.django_db


def take(user, quiz, answers, *, now=None):
    """Start an attempt, save {slot: response} and submit it."""
    attempt = attempt_start(actor=user, quiz_id=quiz.pk, now=now)
    for slot, response in answers.items():
        answer_save(actor=user, attempt_id=attempt.pk, slot=slot, response=response, now=now)
    return attempt_submit(actor=user, attempt_id=attempt.pk, now=now)


def scored(user, quiz, score):
    """An attempt on the eight one-mark true/false questions scoring `score`."""
    return take(user, quiz, {slot: {"value": True} for slot in range(score)})


# Organisation ranking (单位排名).

@pytest.fixture
def eight(tree):
    return make_bank(tree, [true_false(f"判断{i}", True) for i in range(8)])


def test_organisation_ranking_matches_a_hand_computed_table(tree, eight):
    bank, ids = eight
    campaign = quiz_campaign(tree)
    quiz = make_quiz(tree, campaign, bank, fixed_rules(ids, points=1, attempts_per_person=3))
    unit_a2 = make_org("七里镇乙企业", parent=tree.town_a, code="DH-QLZ-002")
    unit_c = make_org("沙州镇丙企业", parent=tree.town_b, code="DH-SZZ-002")
    unit_d = make_org("沙州镇丁企业", parent=tree.town_b, code="DH-SZZ-003")
    unit_e = make_org("沙州镇戊企业", parent=tree.town_b, code="DH-SZZ-004")
    # Per unit: eligible people, then each participant's attempts by score (the highest counts).
    plan = {
        tree.unit_a: (4, [[8], [6, 0]]),  # rate 0.5, average 7, 1.5 attempts a person
        unit_a2: (2, [[7, 1, 0]]),  # rate 0.5, average 7, 3 attempts a person
        tree.unit_b: (2, [[8]]),  # rate 0.5, average 8
        unit_c: (4, [[6], [6]]),  # rate 0.5, average 6, 1 attempt a person
        unit_d: (2, [[6]]),  # the same as unit_c: they share a rank
        unit_e: (1, [[2, 1]]),  # rate 1: first whatever its average
    }
    for org, (eligible, participants) in plan.items():
        for i in range(eligible):
            if i < len(participants):
                _person, user = make_participant(tree, f"{org.code}-{i}", org=org)
                for score in participants[i]:
                    scored(user, quiz, score)
            else:
                make_person(f"{org.code}-{i}", org)
    make_person("离职", tree.unit_a, is_active=False)  # not eligible
    results_refresh(actor=None, quiz_id=quiz.pk)

    def table(parent):
        return [(r.organisation.code, r.rank, r.eligible, r.participants, r.attempts, r.score_sum)
                for r in org_ranking(quiz=quiz, parent=parent)]

    assert table(tree.town_b) == [
        ("DH-SZZ-004", 1, 1, 1, 2, Decimal("2")),
        ("DH-SZZ-001", 2, 2, 1, 1, Decimal("8")),
        ("DH-SZZ-002", 3, 4, 2, 2, Decimal("12")),
        ("DH-SZZ-003", 3, 2, 1, 1, Decimal("6")),
    ]
    assert table(tree.town_a) == [("DH-QLZ-002", 1, 2, 1, 3, Decimal("7")), ("DH-QLZ-001", 2, 4, 2, 3, Decimal("14"))]
    # Rolled up: town_b 5 of 9 (0.556) beats town_a 3 of 6 (0.5) despite town_a's higher average (7 against 5.6).
    assert table(tree.federation) == [("DH-SZZ", 1, 9, 5, 6, Decimal("28")), ("DH-QLZ", 2, 6, 3, 6, Decimal("21"))]
    top = QuizOrgResult.objects.get(quiz=quiz, organisation=tree.committee)
    assert (top.eligible, top.participants, top.attempts, top.score_sum, top.rank) == (15, 8, 12, Decimal("49"), 1)
    assert round(top.average_score, 3) == 6.125 and round(top.participation_rate, 4) == round(8 / 15, 4)


def test_the_plan_may_rank_organisations_by_average_first(tree, eight):
    bank, ids = eight
    quiz = make_quiz(tree, quiz_campaign(tree), bank,
                     fixed_rules(ids, points=1, unit_ranking=["average_score", "participation_rate"]))
    for i, score in enumerate((4, 2)):
        scored(make_participant(tree, f"甲{i}", org=tree.unit_a)[1], quiz, score)  # 2 of 2, average 3
    scored(make_participant(tree, "乙", org=tree.unit_b)[1], quiz, 5)  # 1 of 3, average 5
    make_person("乙二", tree.unit_b)
    make_person("乙三", tree.unit_b)
    results_refresh(actor=None, quiz_id=quiz.pk)
    assert [(r.organisation_id, r.rank) for r in org_ranking(quiz=quiz, parent=tree.federation)] == [
        (tree.town_b.pk, 1), (tree.town_a.pk, 2)]


# Regrading (重新评分).

@pytest.fixture
def keyed(tree):
    bank, ids = make_bank(tree, [single("单选一", right=0), true_false("判断一", True),
                                 multiple("多选一", right=(0, 1))])
    quiz = make_quiz(tree, quiz_campaign(tree), bank, fixed_rules(ids))
    return bank, ids, quiz


def test_regrade_after_a_corrected_key(tree, keyed):
    bank, ids, quiz = keyed
    (p1, u1), (p2, u2) = make_participant(tree, "张一"), make_participant(tree, "李二", org=tree.unit_b)
    first = take(u1, quiz, {0: {"choices": [0]}, 1: {"value": True}})  # 4 marks
    second = take(u2, quiz, {0: {"choices": [2]}, 1: {"value": True}})  # 2 marks
    old_version = first.paper[0]["version"]
    # The key was wrong: option 2 is the right one.
    question_save(actor=tree.committee_admin, bank_id=bank.pk, question_id=ids[0], question=single("单选一", right=2))
    new_version = QuestionVersion.objects.get(question_id=ids[0], number=2)
    summary = quiz_regrade(actor=tree.committee_admin, quiz_id=quiz.pk)
    assert summary == {"attempts": 2, "scores_changed": 2, "questions_moved": 2}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.paper[0]["version"] == new_version.pk != old_version
    assert (first.score, second.score) == (Decimal("2.00"), Decimal("4.00"))
    assert AttemptAnswer.objects.get(attempt=first, slot=0).version_id == new_version.pk
    assert AttemptAnswer.objects.get(attempt=second, slot=0).score == Decimal("2.00")
    regrades = {r.attempt_id: (r.old_score, r.new_score, r.actor_id) for r in AttemptRegrade.objects.all()}
    assert regrades == {first.pk: (Decimal("4.00"), Decimal("2.00"), tree.committee_admin.pk),
                        second.pk: (Decimal("2.00"), Decimal("4.00"), tree.committee_admin.pk)}
    assert QuizResult.objects.get(quiz=quiz, person=p1).score == Decimal("2.00")
    assert QuizResult.objects.get(quiz=quiz, person=p2).score == Decimal("4.00")
    log = OperationLog.objects.get(action="quiz.regrade")
    assert log.object_id == str(quiz.pk) and log.after["scores_changed"] == 2
    # Regrading again changes nothing.
    assert quiz_regrade(actor=tree.committee_admin, quiz_id=quiz.pk) == {
        "attempts": 2, "scores_changed": 0, "questions_moved": 0}
    assert AttemptRegrade.objects.count() == 2


def test_regrade_keeps_a_question_whose_shape_changed(tree, keyed):
    bank, ids, quiz = keyed
    _person, user = make_participant(tree)
    attempt = take(user, quiz, {0: {"choices": [0]}})
    question_save(actor=tree.committee_admin, bank_id=bank.pk, question_id=ids[0],
                  question=single("单选一", right=1, n=3))  # an option fewer: no longer the same question
    assert quiz_regrade(actor=tree.committee_admin, quiz_id=quiz.pk) == {
        "attempts": 1, "scores_changed": 0, "questions_moved": 0}
    attempt.refresh_from_db()
    assert attempt.score == Decimal("2.00")


def test_only_the_organisers_regrade(tree, keyed):
    _bank, _ids, quiz = keyed
    with pytest.raises(NotFound):
        quiz_regrade(actor=tree.town_a_admin, quiz_id=quiz.pk)


# Marking short answers (人工阅卷).

def test_short_answers_are_pending_until_marked(tree):
    bank, ids = make_bank(tree, [true_false("判断一", True), short_answer("简述安全生产方针"), short_answer("空着")])
    quiz = make_quiz(tree, quiz_campaign(tree), bank, fixed_rules(ids, points=5))
    person, user = make_participant(tree)
    attempt = take(user, quiz, {0: {"value": True}, 1: {"text": "安全第一，预防为主，综合治理"}})
    assert attempt.pending_marking and attempt.score == Decimal("5.00")
    answer = AttemptAnswer.objects.get(attempt=attempt, slot=1)
    assert answer.score is None
    assert AttemptAnswer.objects.get(attempt=attempt, slot=2).score == Decimal("0.00")  # nothing written
    assert list(answers_to_mark(user=tree.committee_admin, quiz=quiz)) == [answer]
    assert list(answers_to_mark(user=tree.town_b_admin, quiz=quiz)) == []  # not in their scope
    for bad in (6, -1, "x", "NaN", "Infinity", None):
        with pytest.raises(ValidationFailed) as exc:
            answer_mark(actor=tree.committee_admin, answer_id=answer.pk, score=bad)
        assert exc.value.code == "mark_range"
    with pytest.raises(ValidationFailed) as exc:
        answer_mark(actor=tree.committee_admin, answer_id=AttemptAnswer.objects.get(attempt=attempt, slot=0).pk,
                    score=1)
    assert exc.value.code == "not_manual"
    with pytest.raises(NotFound):
        answer_mark(actor=tree.town_a_admin, answer_id=answer.pk, score=3)
    marked = answer_mark(actor=tree.committee_admin, answer_id=answer.pk, score="3.5")
    assert marked.score == Decimal("3.50") and marked.marked_by_id == tree.committee_admin.pk
    attempt.refresh_from_db()
    assert not attempt.pending_marking and attempt.score == Decimal("8.50")
    assert QuizResult.objects.get(quiz=quiz, person=person).score == Decimal("8.50")
    assert OperationLog.objects.filter(action="quiz.answer_mark", object_id=str(attempt.pk)).count() == 1
    assert list(answers_to_mark(user=tree.committee_admin, quiz=quiz)) == []


def test_an_unfinished_attempt_is_not_marked(tree):
    bank, ids = make_bank(tree, [short_answer("简述")])
    quiz = make_quiz(tree, quiz_campaign(tree), bank, fixed_rules(ids))
    _person, user = make_participant(tree)
    attempt = attempt_start(actor=user, quiz_id=quiz.pk)
    answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"text": "答"})
    with pytest.raises(ValidationFailed) as exc:
        answer_mark(actor=tree.committee_admin, answer_id=AttemptAnswer.objects.get(attempt=attempt).pk, score=1)
    assert exc.value.code == "not_finished"


# Item analysis (题目分析).

def test_item_analysis_on_a_hand_computed_set(tree):
    bank, ids = make_bank(tree, [true_false("甲题", True), true_false("乙题", True), true_false("丙题", True)])
    quiz = make_quiz(tree, quiz_campaign(tree), bank, fixed_rules(ids, points=1))
    right, wrong = {"value": True}, {"value": False}
    # Scores 3, 2, 1, 1: the top 27 % is the 3; the bottom is both 1s (tied at the cut).
    sheets = [(right, right, right), (right, right, wrong), (right, wrong, wrong), (wrong, None, right)]
    for i, answers in enumerate(sheets):
        take(make_participant(tree, f"考生{i}")[1], quiz, {s: a for s, a in enumerate(answers) if a})
    rows = item_analysis(quiz=quiz)
    assert [(r["question_id"], r["answered"], r["facility"], r["discrimination"]) for r in rows] == [
        (ids[1], 4, 0.5, 1.0),  # 乙: 2 of 4; all of the top, none of the bottom
        (ids[2], 4, 0.5, 0.5),  # 丙: 2 of 4; top 1, bottom 0.5
        (ids[0], 4, 0.75, 0.5),  # 甲: 3 of 4; top 1, bottom 0.5
    ]
    assert rows[0]["stem"] == "乙题" and rows[0]["type"] == "true_false"


def test_item_analysis_without_results_is_empty(tree, keyed):
    _bank, _ids, quiz = keyed
    assert item_analysis(quiz=quiz) == []


# Results shown after the window.

def test_results_after_the_window_hide_the_score_and_key_until_then(tree, keyed):
    bank, ids, _quiz = keyed
    quiz = make_quiz(tree, quiz_campaign(tree, open_days=(-3, 1)), bank,
                     fixed_rules(ids, show_results="after_window"), title="赛后公布")
    person, user = make_participant(tree)
    attempt = take(user, quiz, {0: {"choices": [0]}})
    results_refresh(actor=None, quiz_id=quiz.pk)
    sheet = attempt_sheet(attempt)
    assert not sheet["revealed"] and sheet["score"] is None
    assert all("key" not in item and "score" not in item and "explanation" not in item for item in sheet["items"])
    card = contests_for(person)[0]
    assert card.result is not None and not card.results_visible
    later = timezone.now() + datetime.timedelta(days=3)
    shown = attempt_sheet(attempt, later)
    assert shown["revealed"] and shown["score"] == "2.00"
    assert shown["items"][0]["key"]["choices"] == [0] and shown["items"][0]["score"] == "2.00"
    assert contests_for(person, later)[0].results_visible


# Metrics for targets.

def test_metric_records_feed_the_targets(tree, eight, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    data = {
        "code": "quiz-metrics", "title": "竞赛指标", "year": today.year, "organiser": tree.committee.code,
        "goals": "提升职工安全素质。",
        "phases": [{"key": "contest", "title": "竞赛阶段", "start": today - datetime.timedelta(days=3),
                    "end": today + datetime.timedelta(days=3)}],
        "activities": [{"key": "ankang", "kind": "quiz", "title": "安康杯", "open_in": {"attempt": ["contest"]}}],
        "targets": [{"key": key, "title": key, "metric": metric, "form": "total", "threshold": 1, "deadline": "contest"}
                    for key, metric in (("people", "quiz.participants"), ("attempts", "quiz.attempts"),
                                        ("score", "quiz.score"), ("average", "quiz.average_score"))],
    }
    campaign = plan_load(actor=tree.committee_admin, text=yaml.safe_dump(data, allow_unicode=True))
    bank, ids = eight
    quiz = make_quiz(tree, campaign, bank, fixed_rules(ids, points=1, attempts_per_person=2))
    _p1, u1 = make_participant(tree, "甲")
    _p2, u2 = make_participant(tree, "乙", org=tree.unit_b)
    scored(u1, quiz, 3)
    scored(u1, quiz, 7)  # the highest counts: 7
    scored(u2, quiz, 4)
    targets_refresh(actor=None, campaign_id=campaign.pk)

    def value(key, org):
        return TargetValue.objects.get(target__campaign=campaign, target__key=key, organisation=org).value

    assert value("people", tree.committee) == 2
    assert value("attempts", tree.committee) == 3
    assert value("score", tree.committee) == 11
    assert value("average", tree.committee) == 5.5
    assert (value("people", tree.town_a), value("attempts", tree.town_a), value("average", tree.town_a)) == (1, 2, 7)
    assert value("score", tree.unit_b) == 4


def test_refresh_folds_overdue_attempts_in(tree, keyed):
    _bank, _ids, quiz = keyed
    person, user = make_participant(tree)
    attempt = attempt_start(actor=user, quiz_id=quiz.pk, now=timezone.now() - datetime.timedelta(hours=1))
    answer_save(actor=user, attempt_id=attempt.pk, slot=1, response={"value": True},
                now=timezone.now() - datetime.timedelta(minutes=59))
    results_refresh(actor=tree.committee_admin, quiz_id=quiz.pk)
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED and attempt.finished_by == Attempt.FinishedBy.TIMER
    result = QuizResult.objects.get(quiz=quiz, person=person)
    assert (result.score, result.rank, result.seconds_used) == (Decimal("2.00"), 1, 20 * 60)
    assert OperationLog.objects.filter(action="quiz.results_refresh").count() == 1


# Query counts: the lists do not grow with their rows.

def test_result_lists_do_not_grow_with_rows(tree, eight, django_assert_max_num_queries):
    bank, ids = eight
    quiz = make_quiz(tree, quiz_campaign(tree), bank, fixed_rules(ids, points=1))

    def read():
        page = list(person_ranking(user=tree.town_b_admin, quiz=quiz)[:50])
        for row in page:
            (row.person.name, row.organisation.name)
        units = org_ranking(quiz=quiz, parent=tree.town_b)
        for unit in units:
            unit.organisation.name
        return len(page), len(units)

    scored(make_participant(tree, "一号", org=tree.unit_b)[1], quiz, 3)
    results_refresh(actor=None, quiz_id=quiz.pk)
    with django_assert_max_num_queries(4) as few:
        assert read() == (1, 1)
    for i in range(6):
        org = make_org(f"沙州镇单位{i}", parent=tree.town_b, code=f"DH-SZZ-1{i}")
        scored(make_participant(tree, f"参赛{i}", org=org)[1], quiz, i)
    results_refresh(actor=None, quiz_id=quiz.pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert read() == (7, 7)


def test_my_contests_do_not_grow_with_contests(tree, eight, django_assert_max_num_queries):
    bank, ids = eight
    # Conditions on the organisation type, the person's categories and age each need a look at the database.
    campaign = quiz_campaign(tree, person_categories=["in_post"], org_types=["enterprise", "town_federation"])
    person, user = make_participant(tree)
    person.birth_date = timezone.localdate().replace(year=1990)
    person.save(update_fields=["birth_date"])
    young = [{"field": "age", "op": "lt", "value": 45}]
    make_quiz(tree, campaign, bank, fixed_rules(ids, points=1, attributes=young), title="第一场")
    scored(user, make_quiz(tree, campaign, bank, fixed_rules(ids, points=1, attributes=young), title="第二场"), 2)
    with django_assert_max_num_queries(40) as few:
        cards = contests_for(person)
    assert len(cards) == 2
    for i in range(5):
        quiz = make_quiz(tree, campaign, bank, fixed_rules(ids, points=1, attempts_per_day=1, attributes=young),
                         title=f"第{i}场")
        if i % 2:
            attempt_start(actor=user, quiz_id=quiz.pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        cards = contests_for(person)
    assert len(cards) == 7 and sum(1 for c in cards if c.in_progress) == 2
    assert [c.decision.code for c in cards].count("") == 4  # the others are in progress or used up
