"""The one eligibility decision (`may_take_part`): every reason code, the attribute rules, and training and
contests deciding through it."""

import datetime

import pytest
import yaml
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suzhi.campaigns import eligibility
from suzhi.campaigns.eligibility import REASONS, Reason, attribute_q, describe_attributes, may_take_part, reason
from suzhi.campaigns.services.plans import plan_load
from suzhi.core.errors import ValidationFailed
from suzhi.core.models import DictItem
from suzhi.people.models import Person
from suzhi.people.services.persons import person_create
from suzhi.quizzes.rules import start_decision
from suzhi.training.rules import enrolment_refusal
from suzhi.training.services import enrolments
from tests.campaigns.factories import plan_data
from tests.core.factories import make_org
from tests.people.factories import make_person, resident_id
from tests.quizzes.factories import fixed_rules, make_bank, make_quiz, quiz_campaign, true_false
from tests.support import make_participant
from tests.training.factories import make_session, training_campaign

pytestmark = pytest.mark.django_db
D = datetime.date
MAY_DAY = D(2024, 5, 1)  # in the plan's rollout phase (20 April to 31 May 2024)

# The engine's reason codes, each proved by a test below (a new code fails test_every_engine_code_is_declared_here
# until it is added here and tested).
ENGINE_CODES = {"no_person", "unknown_action", "not_open", "not_started", "closed", "outside", "org_type", "category",
                "inactive", "attributes"}


@pytest.fixture
def campaign(tree):
    data = plan_data()
    data["activities"] += [
        {"key": "teachers", "kind": "training", "title": "教师研修", "person_categories": ["teacher"],
         "open_in": {"enroll": ["rollout"]}},
        {"key": "young", "kind": "training", "title": "青年职工培训", "open_in": {"enroll": ["rollout"]},
         "settings": {"attributes": [{"field": "age", "op": "lt", "value": 45}]}},
        {"key": "electricians", "kind": "collection", "title": "电工技术革新", "open_in": {"submit": ["rollout"]},
         "settings": {"attributes": [{"field": "extra.工种", "op": "in", "value": ["电工", "高压电工"]}]}},
    ]
    return plan_load(actor=tree.committee_admin, text=yaml.safe_dump(data, allow_unicode=True))


def _activity(campaign, key):
    return campaign.activities.select_related("organiser").get(key=key)


def _decide(person, action, activity, at=MAY_DAY, **kwargs):
    return may_take_part(person, action, activity, at=at, **kwargs)


def test_every_engine_code_is_declared_here():
    declared = {value.code for value in vars(eligibility).values() if isinstance(value, Reason)}
    assert declared == ENGINE_CODES
    assert set(REASONS) >= ENGINE_CODES and all(REASONS[code].sentence for code in ENGINE_CODES)


def test_a_reason_is_a_declared_code_with_one_sentence():
    from suzhi.campaigns.error_codes import CampaignErrors

    with pytest.raises(TypeError, match="declared error code"):
        reason("made_up", "again")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="already has a sentence"):
        reason(CampaignErrors.CLOSED, "again")


def test_allowed(tree, campaign):
    decision = _decide(make_person("王五", tree.unit_a), "enroll", _activity(campaign, "lectures"))
    assert decision.allowed and decision.code == "" and bool(decision)


def test_no_person(tree, campaign):
    decision = _decide(None, "enroll", _activity(campaign, "lectures"))
    assert not decision and decision.code == "no_person"
    assert decision.message == "您的账号未关联人员名册中的人员。"


def test_unknown_action(tree, campaign):
    decision = _decide(make_person("王五", tree.unit_a), "vote", _activity(campaign, "lectures"))
    assert decision.code == "unknown_action" and decision.message == "本活动没有此项操作。"


def test_not_open(tree, campaign):
    # The plan opens no phase for creating sessions of the teachers' activity.
    decision = _decide(make_person("王五", tree.unit_a), "create_session", _activity(campaign, "teachers"))
    assert decision.code == "not_open" and decision.message == "本活动未开放开班"


def test_not_started(tree, campaign):
    decision = _decide(make_person("王五", tree.unit_a), "enroll", _activity(campaign, "lectures"), at=D(2024, 4, 1))
    assert decision.code == "not_started" and decision.message == "报名将于2024年4月10日开始"


def test_closed(tree, campaign):
    decision = _decide(make_person("王五", tree.unit_a), "enroll", _activity(campaign, "lectures"), at=D(2024, 6, 1))
    assert decision.code == "closed" and decision.message == "报名已于2024年5月31日截止"
    with translation.override("en"):
        assert "closed" in _decide(make_person("赵六", tree.unit_a), "enroll", _activity(campaign, "lectures"),
                                   at=D(2024, 6, 1)).message


def test_outside(tree, campaign):
    stranger = make_person("外人", make_org("外市工会", type_code="committee", code="ELSEWHERE"))
    decision = _decide(stranger, "enroll", _activity(campaign, "lectures"))
    assert decision.code == "outside" and decision.message == f"本活动仅面向{tree.committee.name}及下属单位"


def test_outside_a_kinds_own_organiser(tree, campaign):
    """A town's session or contest within a city-wide activity: the town's tree too."""
    other_town = make_person("乙镇人", tree.unit_b)
    decision = _decide(other_town, "enroll", _activity(campaign, "lectures"), organiser=tree.town_a)
    assert decision.code == "outside" and tree.town_a.name in decision.message
    assert _decide(make_person("甲镇人", tree.unit_a), "enroll", _activity(campaign, "lectures"),
                   organiser=tree.town_a).allowed


def test_org_type(tree, campaign):
    decision = _decide(make_person("镇干部", tree.town_a), "submit", _activity(campaign, "suggestions"),
                       at=D(2024, 4, 12))
    assert decision.code == "org_type" and decision.message == "本活动仅面向企事业单位"


def test_category(tree, campaign):
    teachers = _activity(campaign, "teachers")
    decision = _decide(make_person("职工", tree.unit_a, categories=("in_post",)), "enroll", teachers)
    assert decision.code == "category" and decision.message == "本活动仅面向教师"
    assert _decide(make_person("教师", tree.unit_a, categories=("teacher",)), "enroll", teachers).allowed


def test_inactive(tree, campaign):
    decision = _decide(make_person("离职", tree.unit_a, is_active=False), "enroll", _activity(campaign, "lectures"))
    assert decision.code == "inactive" and decision.message == "离职已不在册。"


def test_attributes(tree, campaign):
    young = _activity(campaign, "young")
    older = make_person("五十岁", tree.unit_a, birth_date=D(1974, 4, 30))
    decision = _decide(older, "enroll", young)
    assert decision.code == "attributes" and decision.message == "本活动仅面向符合以下条件的人员：年龄 < 45。"
    assert _decide(make_person("三十岁", tree.unit_a, birth_date=D(1994, 1, 1)), "enroll", young).allowed
    # No birth date: the rule cannot be met.
    assert _decide(make_person("不详", tree.unit_a, birth_date=None), "enroll", young).code == "attributes"


def test_the_phases_can_be_left_out(tree, campaign):
    """An organiser recording who attended a session that has started: who it is for still applies."""
    lectures = _activity(campaign, "lectures")
    person = make_person("王五", tree.unit_a)
    assert _decide(person, "enroll", lectures, at=D(2024, 6, 1), phased=False).allowed
    left = make_person("离职", tree.unit_a, is_active=False)
    assert _decide(left, "enroll", lectures, at=D(2024, 6, 1), phased=False).code == "inactive"


def test_age_comes_from_the_id_number_on_the_reference_day(tree, campaign):
    # Added to the roster with a resident ID number only: the birth date is the one the number holds.
    person = person_create(actor=tree.committee_admin, name="身份证", organisation_id=tree.unit_a.pk,
                           id_number=resident_id(D(1979, 5, 2)), categories=["in_post"])
    assert person.birth_date == D(1979, 5, 2)
    young = _activity(campaign, "young")
    assert _decide(person, "enroll", young, at=D(2024, 5, 1)).allowed  # 44 the day before the birthday
    assert _decide(person, "enroll", young, at=D(2024, 5, 2)).code == "attributes"  # 45 on it
    # A moment is the day in Beijing: 1 May 16:00 UTC is already 2 May there.
    utc = datetime.UTC
    assert _decide(person, "enroll", young, at=datetime.datetime(2024, 5, 1, 15, 59, tzinfo=utc)).allowed
    assert not _decide(person, "enroll", young, at=datetime.datetime(2024, 5, 1, 16, 0, tzinfo=utc))


def test_extra_attribute_values(tree, campaign):
    electricians = _activity(campaign, "electricians")
    electrician = make_person("电工", tree.unit_a, extra={"工种": "电工"})
    welder = make_person("焊工", tree.unit_a, extra={"工种": "焊工"})
    unknown = make_person("未填", tree.unit_a)
    assert _decide(electrician, "submit", electricians).allowed
    refused = _decide(welder, "submit", electricians)
    assert refused.code == "attributes" and refused.message == "本活动仅面向符合以下条件的人员：工种 ∈ 电工、高压电工。"
    assert _decide(unknown, "submit", electricians).code == "attributes"
    # A call's own rules add to the activity's: a session for the electricians who are union members.
    member_rule = [{"field": "union_member", "value": True}]
    assert _decide(electrician, "submit", electricians, attributes=member_rule).code == "attributes"
    Person.objects.filter(pk=electrician.pk).update(union_member=True)
    assert _decide(electrician, "submit", electricians, attributes=member_rule).allowed


def test_gender_education_and_ne_rules(tree, campaign):
    lectures = _activity(campaign, "lectures")
    bachelor = DictItem.objects.get(dict_type__code="education", code="bachelor")
    woman = make_person("女本科", tree.unit_a, gender="F", education=bachelor)
    man = make_person("男", tree.unit_a, gender="M")
    rules = [{"field": "gender", "value": "F"}, {"field": "education", "op": "in", "value": ["bachelor", "master"]}]
    assert _decide(woman, "enroll", lectures, attributes=rules).allowed
    assert _decide(man, "enroll", lectures, attributes=rules).code == "attributes"
    assert _decide(man, "enroll", lectures, attributes=[{"field": "gender", "op": "ne", "value": "F"}]).allowed
    with translation.override("en"):
        assert describe_attributes(rules) == "gender = F, education ∈ bachelor, master"


def test_a_calls_own_categories_replace_the_activitys(tree, campaign):
    """A training session's categories (教师专场 in an activity for everyone) decide instead of the activity's."""
    lectures = _activity(campaign, "lectures")
    worker = make_person("职工", tree.unit_a, categories=("in_post",))
    assert _decide(worker, "enroll", lectures).allowed
    assert _decide(worker, "enroll", lectures, categories=["teacher"]).code == "category"


def test_the_memo_reads_each_fact_once(tree, campaign):
    """A page deciding for one person and many activities asks the database once per fact."""
    person = make_person("教师", tree.unit_a, categories=("teacher",), birth_date=D(1990, 1, 1))
    activities = [_activity(campaign, key) for key in ("teachers", "young", "lectures")]
    phases = list(campaign.phases.all())
    memo: dict = {}
    for activity in activities:
        assert _decide(person, "enroll", activity, phases=phases, memo=memo).allowed
    with CaptureQueriesContext(connection) as queries:
        for activity in activities * 3:
            assert _decide(person, "enroll", activity, phases=phases, memo=memo).allowed
    assert len(queries) == 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(birth=st.dates(D(1940, 1, 1), D(2010, 12, 31)), reference=st.dates(D(2000, 1, 1), D(2060, 12, 31)),
       years=st.integers(0, 90), op=st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge"]))
def test_age_rules_agree_with_completed_years(tree, birth, reference, years, op):
    """The age query against an independent count of completed years (29 February birthdays included)."""
    with transaction.atomic():
        person = make_person("某人", tree.unit_a, birth_date=birth)
        kept = Person.objects.filter(pk=person.pk).filter(
            attribute_q({"field": "age", "op": op, "value": years}, "", reference)).exists()
        transaction.set_rollback(True)
    age = reference.year - birth.year - ((reference.month, reference.day) < (birth.month, birth.day))
    expected = {"eq": age == years, "ne": age != years, "lt": age < years, "le": age <= years,
                "gt": age > years, "ge": age >= years}[op]
    assert kept == expected, (birth, reference, age)


# Training and contests decide through it: rules they never had of their own (an activity's attribute rules)
# refuse with the engine's code.

def test_training_enrolment_goes_through_it(tree):
    campaign = training_campaign(tree, settings={"attributes": [{"field": "extra.工种", "value": "电工"}]})
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, starts_in_minutes=60)
    person, user = make_participant(tree)
    decision = enrolment_refusal(session, person, 0, now=timezone.now())
    assert decision.code == "attributes" and "工种 = 电工" in decision.message
    with pytest.raises(ValidationFailed) as exc:  # the API's error carries the reason code
        enrolments.enrol_self(actor=user, session_id=session.pk)
    assert exc.value.code == "attributes"
    result = enrolments.enrol_people(actor=tree.town_a_admin, session_id=session.pk, person_ids=[person.pk])
    assert result.refused == [(person, decision.message)]
    Person.objects.filter(pk=person.pk).update(extra={"工种": "电工"})
    person.refresh_from_db()
    assert enrolment_refusal(session, person, 0, now=timezone.now()).allowed


def test_training_codes_of_its_own(tree):
    campaign = training_campaign(tree)
    person, _user = make_participant(tree)
    full = make_session(tree.town_a_admin, campaign, tree.unit_a, starts_in_minutes=60, capacity=1)
    assert enrolment_refusal(full, person, 1, now=timezone.now()).code == "full"
    over = make_session(tree.town_a_admin, campaign, tree.unit_a, starts_in_minutes=-300)
    assert enrolment_refusal(over, person, 0, now=timezone.now()).code == "over"


def test_contests_go_through_it(tree):
    bank, ids = make_bank(tree, [true_false("判断一", True)])
    campaign = quiz_campaign(tree, settings={"time_limit_minutes": 20,
                                             "attributes": [{"field": "union_member", "value": True}]})
    # The contest's own rules (copied from the settings when it was set up) no longer name the condition: the
    # activity's still holds.
    quiz = make_quiz(tree, campaign, bank, fixed_rules(ids))
    assert quiz.rules.get("attributes") in (None, [])
    person, _user = make_participant(tree)
    decision = start_decision(quiz=quiz, person=person)
    assert decision.code == "attributes" and "工会会员 = True" in decision.message
    Person.objects.filter(pk=person.pk).update(union_member=True)
    person.refresh_from_db()
    assert start_decision(quiz=quiz, person=person).allowed
