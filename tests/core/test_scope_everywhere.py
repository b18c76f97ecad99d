"""Every page and endpoint that names an object answers 404 to another town's admin, whatever the method.

The URL list is read from the resolver, so a new route with an object id is covered the day it is added;
a route whose parameter this test does not know fails here until it is mapped below.
"""

import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from suzhi.campaigns.services.plans import plan_load
from suzhi.core.models import ExportJob, Notice, OperationLog, RoleAssignment, User
from suzhi.core.services import auth as auth_services
from suzhi.core.services import notices as notice_services
from suzhi.honours.services.honours import honour_add, honours_confirm
from suzhi.judging.services.assignments import assignment_add
from suzhi.quizzes.formats.base import ParsedQuestion, QuestionType
from suzhi.quizzes.services.attempts import attempt_start
from suzhi.quizzes.services.contests import quiz_create, quiz_publish
from suzhi.quizzes.services.questions import bank_create, question_save
from suzhi.training.codes import check_in_token
from tests.campaigns.factories import plan_yaml
from tests.certificates.factories import issue_honour
from tests.collections.factories import collection_campaign, submitted
from tests.core.factories import grant
from tests.judging.factories import judging_block, make_judge, put_entries, set_panel
from tests.people.factories import make_person
from tests.quizzes.factories import fixed_rules, quiz_campaign
from tests.support import make_participant
from tests.training.factories import make_session, training_campaign

# Global objects (roles, dictionaries, parameters) are not organisation-scoped: only holders of
# role.manage / dict.manage reach them, which a town admin is not (tested in their own modules).
GLOBAL_PARAMS = {"role_id", "code", "item_id", "key"}
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def routes():
    found = []

    def walk(resolver, prefix):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                found.append(prefix + str(entry.pattern))

    walk(get_resolver(), "")
    return sorted({r for r in found if PARAM.search(r)})


@pytest.fixture
def town_a_objects(tree):
    with transaction.atomic():
        notice = notice_services.notice_create(
            actor=tree.town_a_admin, organisation_id=tree.town_a.pk, title="七里镇通知", publish=True
        )
        token, _key = auth_services.api_token_create(user=tree.town_a_admin, name="七里镇脚本")
    # 七里镇's own campaign: a town above or beside it (沙州镇) does not take part in it.
    campaign = plan_load(actor=tree.committee_admin, text=plan_yaml(organiser="DH-QLZ", code="qlz-2024"))
    session = make_session(tree.town_a_admin, training_campaign(tree), tree.unit_a)
    bank = bank_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, name="七里镇题库")
    question = question_save(actor=tree.town_a_admin, bank_id=bank.pk, question=ParsedQuestion(
        type=QuestionType.TRUE_FALSE, stem="发现火灾应拨打119。", answer_bool=True))
    quiz = make_quiz(tree, quiz_campaign(tree), bank, fixed_rules([question.pk]), org=tree.town_a)
    _person, worker = make_participant(tree, name="李四")
    attempt = attempt_start(actor=worker, quiz_id=quiz.pk)
    judged = judged_activity(tree, campaign)
    suggestion = submitted(collection_campaign(tree), worker)
    # 七里镇's campaign honours one of its people, confirmed: on 七里镇's roll only.
    honour = honour_add(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="stars",
                        person_id=make_person("王标兵", tree.unit_a).pk, reason="成绩突出")
    honours_confirm(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="stars")
    contest = town_contest(tree)
    return {
        "org_id": tree.unit_a.pk,
        "user_id": tree.unit_a_admin.pk,
        "assignment_id": RoleAssignment.objects.get(user=tree.unit_a_admin).pk,
        "notice_id": notice.pk,
        "log_id": OperationLog.objects.filter(organisation=tree.town_a).latest("id").pk,
        "token_id": token.pk,
        "person_id": make_person("张三", tree.unit_a).pk,
        "job_id": ExportJob.objects.create(user=tree.town_a_admin, kind="people", title="七里镇名册").pk,
        "campaign_id": campaign.pk,
        "session_id": session.pk,
        "bank_id": bank.pk,
        "question_id": question.pk,
        "quiz_id": quiz.pk,
        "attempt_id": attempt.pk,
        "answer_id": attempt.answers.get().pk,
        # 七里镇's own collection activity (outside 沙州镇's tree), judged: its entry and a judge's sheet.
        **judged,
        "submission_id": suggestion.pk,
        **contest,
        "honour_id": honour.pk,
        "rule_key": "stars",  # the campaign's award rule: a key inside it, as phase_key
        # A certificate 七里镇 issued (its number, PDF, revocation).
        "certificate_id": issue_honour(tree.town_a_admin, tree.town_a).pk,
        "ref": 1,  # an attachment of the submission: it is out of 沙州镇's sight whatever the file
        "slot": 0,
        # Keys inside the campaign and a document format: not objects of their own.
        "phase_key": "launch",
        "activity_key": "lectures",
        "fmt": "docx",
        "year": 2024,
        "token": check_in_token(session),
    }


def judged_activity(tree, campaign):
    """七里镇's suggestions judged by a judge of 沙州镇: the activity, an entry and the judge's score sheet."""
    activity = campaign.activities.get(key="suggestions")
    activity.settings = {"judging": judging_block(judges_per_entry=1)}
    activity.save()
    judge = make_judge(tree.unit_b)
    set_panel(activity, [judge], actor=tree.committee_admin)
    entry = put_entries(activity, [tree.unit_a], actor=tree.committee_admin, n=1)[0]
    sheet = assignment_add(actor=tree.committee_admin, entry_id=entry.pk, judge_id=judge.pk)
    return {"activity_id": activity.pk, "entry_id": entry.pk, "sheet_id": sheet.pk, "entry_source": entry.source}


def town_contest(tree):
    """七里镇's own skill competition: a contestant of its unit, drawn, ranked and published, and the unit's appeal
    against the result."""
    from suzhi.competitions.services.appeals import appeal_file
    from suzhi.competitions.services.draw import numbers_draw
    from suzhi.competitions.services.rankings import ranking_compute, ranking_publish, ranking_sign, ranking_verify
    from tests.competitions.factories import make_competition, measured_settings, register
    from tests.core.factories import UserFactory

    contest = make_competition(tree.town_a, settings=measured_settings())
    contestant = register(contest, [make_person("赵选手", tree.unit_a)], actor=tree.unit_a_admin)[0]
    numbers_draw(actor=tree.town_a_admin, activity_id=contest.pk, event="computer", round_="final")
    ranking = ranking_compute(actor=tree.town_a_admin, activity_id=contest.pk, event="computer", round_="final")
    ranking_sign(actor=tree.town_a_admin, ranking_id=ranking.pk)
    verifier = UserFactory(organisation=tree.town_a)
    grant(verifier, "town_admin", tree.town_a)
    ranking_verify(actor=verifier, ranking_id=ranking.pk)
    ranking_publish(actor=tree.town_a_admin, ranking_id=ranking.pk)
    appeal = appeal_file(actor=tree.unit_a_admin, contestant_id=contestant.pk, component="theory", reason="阅卷有误")
    return {"contestant_id": contestant.pk, "ranking_id": ranking.pk, "event": "computer", "round_": "final",
            "step": "sign", "appeal_id": appeal.pk}


def make_quiz(tree, campaign, bank, rules, org):
    quiz = quiz_create(actor=tree.town_a_admin, activity_id=campaign.activities.get(key="ankang").pk,
                       organisation_id=org.pk, title="七里镇知识竞赛", bank_id=bank.pk, rules=rules)
    return quiz_publish(actor=tree.town_a_admin, quiz_id=quiz.pk, published=True)


def fill(route, values):
    path = "/" + PARAM.sub(lambda m: str(values[m.group(1)]), route)
    return path.replace("^", "").replace("$", "")


METHODS = ("get", "post", "put", "patch", "delete")


# A body every write endpoint accepts as valid, so the answer is about the object, not the payload.
BODY: dict = {}


def call(client, method, url, extra):
    if method == "get":
        return client.get(url, **extra).status_code
    return getattr(client, method)(url, data=BODY, content_type="application/json", **extra).status_code


def test_every_object_route_hides_town_a_from_town_b(tree, town_a_objects, client, api_client):
    BODY.update({"target_id": tree.unit_b.pk, "role_code": "participant", "organisation_id": tree.unit_b.pk,
                 "title": "改名", "name": "改名", "full_name": "改名",
                 "to_organisation_id": tree.unit_b.pk, "reason": "resigned", "score": 1,
                 "judge_id": tree.town_b_admin.pk, "status": "in_progress",
                 "event": "computer", "round": "final", "person": 1, "values": {}, "value": "1",
                 "note": "改正"})
    # Campaign management held at 沙州镇 too, so the campaign write routes are reached and must refuse on scope.
    grant(tree.town_b_admin, "committee_admin", tree.town_b)
    # And a judge there: a judge's own score sheets only.
    grant(tree.town_b_admin, "judge", tree.town_b)
    api = api_client(tree.town_b_admin)
    bearer = api.defaults.pop("HTTP_AUTHORIZATION")
    client.force_login(tree.town_b_admin)
    before = (
        sorted(User.objects.values_list("id", "is_active", "full_name", "organisation_id", "password")),
        sorted(Notice.objects.values_list("id", "status", "title")),
        RoleAssignment.objects.count(),
        OperationLog.objects.count(),
    )
    checked = 0
    for route in routes():
        names = set(PARAM.findall(route))
        if names & GLOBAL_PARAMS:
            continue
        unknown = names - set(town_a_objects)
        assert not unknown, f"{route}: map {unknown} to a town_a object in this test"
        url = fill(route, town_a_objects)
        missing = fill(route, {name: (987654 if name.endswith("_id") else value)
                               for name, value in town_a_objects.items()})
        extra = {"HTTP_AUTHORIZATION": bearer} if url.startswith("/api/") else {}
        statuses = {method: call(client, method, url, extra) for method in METHODS}
        # Indistinguishable from an object that does not exist: same answers, never a success.
        assert statuses == {method: call(client, method, missing, extra) for method in METHODS}, url
        assert not any(200 <= code < 400 for code in statuses.values()), f"{url}: {statuses}"
        assert 404 in statuses.values(), f"{url}: {statuses}"
        checked += 1
    assert checked >= 29  # the pages and endpoints listed when this test was written
    after = (
        sorted(User.objects.values_list("id", "is_active", "full_name", "organisation_id", "password")),
        sorted(Notice.objects.values_list("id", "status", "title")),
        RoleAssignment.objects.count(),
        OperationLog.objects.count(),
    )
    assert after == before
