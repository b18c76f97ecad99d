"""Setting up contests: create, update, publish; the paper and scoring rules locked once people have started;
errors name the field (in Chinese by default); only organisers in scope change a contest."""

import pytest
from django.utils import translation

from suzhi.core.errors import NotFound, PermissionDenied, ValidationFailed
from suzhi.core.models import OperationLog
from suzhi.quizzes.models import Quiz
from suzhi.quizzes.services.attempts import attempt_start
from suzhi.quizzes.services.contests import default_rules, quiz_create, quiz_publish, quiz_update
from suzhi.quizzes.services.questions import question_retire
from tests.quizzes.factories import fixed_rules, make_bank, quiz_campaign, single, true_false
from tests.support import make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree):
    campaign = quiz_campaign(tree)
    activity = campaign.activities.get(key="ankang")
    bank, ids = make_bank(tree, [single("单选一"), single("单选二"), true_false("判断一")])
    return activity, bank, ids


def create(tree, setup, *, actor=None, org=None, **overrides):
    activity, bank, ids = setup
    args = {"activity_id": activity.pk, "organisation_id": (org or tree.committee).pk, "title": " 安全  知识竞赛 ",
            "bank_id": bank.pk, "rules": fixed_rules(ids)}
    args.update(overrides)
    return quiz_create(actor=actor or tree.committee_admin, **args)


def test_create_update_publish(tree, setup):
    activity, bank, ids = setup
    quiz = create(tree, setup)
    assert quiz.title == "安全 知识竞赛" and not quiz.is_published and quiz.organiser == tree.committee
    assert quiz.rules["paper"]["questions"][0] == {"question": ids[0], "points": 2.0}
    assert quiz.rules["attempts_per_person"] == 1  # the defaults are filled in
    rules = fixed_rules(ids[:2], attempts_per_person=3)
    quiz = quiz_update(actor=tree.committee_admin, quiz_id=quiz.pk, title="新标题", bank_id=bank.pk, rules=rules,
                       description="说明")
    quiz.refresh_from_db()
    assert (quiz.title, quiz.description, quiz.rules["attempts_per_person"]) == ("新标题", "说明", 3)
    assert len(quiz.rules["paper"]["questions"]) == 2
    quiz = quiz_publish(actor=tree.committee_admin, quiz_id=quiz.pk, published=True)
    assert Quiz.objects.get(pk=quiz.pk).is_published
    quiz_publish(actor=tree.committee_admin, quiz_id=quiz.pk, published=True)  # again: nothing new
    quiz_publish(actor=tree.committee_admin, quiz_id=quiz.pk, published=False)
    assert not Quiz.objects.get(pk=quiz.pk).is_published
    actions = list(OperationLog.objects.filter(object_id=str(quiz.pk), object_type="quizzes.quiz")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["quiz.quiz_create", "quiz.quiz_update", "quiz.quiz_publish", "quiz.quiz_withdraw"]


def test_new_contests_start_from_the_plans_settings(tree, setup):
    activity, bank, ids = setup
    assert default_rules(activity)["time_limit_minutes"] == 20
    quiz = quiz_create(actor=tree.committee_admin, activity_id=activity.pk, organisation_id=tree.committee.pk,
                       title="按方案", bank_id=bank.pk,
                       rules={**default_rules(activity), "paper": fixed_rules(ids)["paper"]})
    assert quiz.rules["time_limit_minutes"] == 20


def test_invalid_rules_name_the_field(tree, setup):
    with pytest.raises(ValidationFailed) as exc:
        create(tree, setup, rules={"time_limit_minutes": 0, "counted_attempt": "best"})
    fields = {item["field"] for item in exc.value.detail}
    assert {"rules.time_limit_minutes", "rules.counted_attempt"} <= fields


def test_a_paper_the_bank_cannot_make_is_refused(tree, setup):
    with pytest.raises(ValidationFailed) as exc:
        create(tree, setup, rules={"paper": {"mode": "random", "quotas": [{"type": "multiple", "count": 2}]}})
    assert exc.value.detail[0]["field"] == "rules.paper"
    with pytest.raises(ValidationFailed):
        create(tree, setup, title="")


def test_publishing_checks_the_paper_again(tree, setup):
    _activity, bank, ids = setup
    quiz = create(tree, setup)
    question_retire(actor=tree.committee_admin, bank_id=bank.pk, question_id=ids[1])
    with pytest.raises(ValidationFailed) as exc:
        quiz_publish(actor=tree.committee_admin, quiz_id=quiz.pk, published=True)
    assert exc.value.detail[0]["field"] == "rules.paper"
    assert not Quiz.objects.get(pk=quiz.pk).is_published


def test_the_paper_and_scoring_lock_once_people_have_started(tree, setup):
    _activity, bank, ids = setup
    quiz = quiz_publish(actor=tree.committee_admin, quiz_id=create(tree, setup).pk, published=True)
    _person, user = make_participant(tree)
    attempt_start(actor=user, quiz_id=quiz.pk)
    for change in ({"time_limit_minutes": 45}, {"multiple_choice_credit": "partial"}, {"counted_attempt": "last"},
                   {"paper": fixed_rules(ids[:1])["paper"]}):
        with pytest.raises(ValidationFailed) as exc:
            quiz_update(actor=tree.committee_admin, quiz_id=quiz.pk, title=quiz.title, bank_id=bank.pk,
                        rules={**quiz.rules, **change})
        assert exc.value.detail[0]["field"] == f"rules.{next(iter(change))}"
    other, other_ids = make_bank(tree, [single("别的")], name="别的题库")
    with pytest.raises(ValidationFailed) as exc:
        quiz_update(actor=tree.committee_admin, quiz_id=quiz.pk, title=quiz.title, bank_id=other.pk,
                    rules={**quiz.rules, "paper": fixed_rules(other_ids)["paper"]})
    assert {item["field"] for item in exc.value.detail} == {"bank_id", "rules.paper"}
    # What does not change a paper or its scores may still change.
    quiz = quiz_update(actor=tree.committee_admin, quiz_id=quiz.pk, title="延长", bank_id=bank.pk,
                       rules={**quiz.rules, "attempts_per_person": 2, "show_results": "after_window"})
    assert Quiz.objects.get(pk=quiz.pk).rules["attempts_per_person"] == 2


def test_a_bank_the_organiser_cannot_see(tree, setup):
    activity, _bank, _ids = setup
    town_b_bank, town_b_ids = make_bank(tree, [single("沙州题")], name="沙州题库", org=tree.town_b)
    with pytest.raises(ValidationFailed) as exc:
        quiz_create(actor=tree.town_a_admin, activity_id=activity.pk, organisation_id=tree.town_a.pk,
                    title="七里镇竞赛", bank_id=town_b_bank.pk, rules=fixed_rules(town_b_ids))
    assert exc.value.detail == [{"field": "bank_id", "message": "Choose a question bank you can see."}]
    with pytest.raises(ValidationFailed):
        create(tree, setup, actor=tree.town_a_admin, org=tree.town_a, bank_id="x")


def test_a_town_uses_the_committees_bank_for_its_own_contest(tree, setup):
    quiz = create(tree, setup, actor=tree.town_a_admin, org=tree.town_a)
    assert quiz.organiser == tree.town_a


def test_a_town_admin_cannot_change_a_committee_contest(tree, setup):
    _activity, bank, ids = setup
    quiz = create(tree, setup)
    with pytest.raises(NotFound):
        quiz_update(actor=tree.town_a_admin, quiz_id=quiz.pk, title="改", bank_id=bank.pk, rules=fixed_rules(ids))
    with pytest.raises(NotFound):
        quiz_publish(actor=tree.town_a_admin, quiz_id=quiz.pk, published=True)
    with pytest.raises(ValidationFailed) as exc:
        create(tree, setup, actor=tree.town_a_admin, org=tree.committee)
    assert exc.value.detail[0]["field"] == "organisation_id"
    town_b_quiz = create(tree, setup, actor=tree.town_b_admin, org=tree.town_b)
    with pytest.raises(NotFound):
        quiz_update(actor=tree.town_a_admin, quiz_id=town_b_quiz.pk, title="改", bank_id=bank.pk,
                    rules=fixed_rules(ids))


def test_participants_cannot_set_up_contests(tree, setup):
    _person, user = make_participant(tree)
    with pytest.raises(PermissionDenied):
        create(tree, setup, actor=user, org=tree.unit_a)


def test_not_a_quiz_activity(tree, setup):
    with pytest.raises(NotFound):
        create(tree, setup, activity_id=999999)


def test_errors_are_chinese_by_default(tree, setup):
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as exc:
        create(tree, setup, actor=tree.town_a_admin, org=tree.committee)
    assert exc.value.detail[0] == {"field": "organisation_id", "message": "请选择您管理的单位。"}
    assert str(exc.value.message) == "请选择您管理的单位。"
