"""The contests API (/api/v1/contests): every endpoint, the data scope (404 outside it, 403 without the
permission), another participant's attempt, and the answer key kept from the sheet until the attempt is over."""

import pytest

from suzhi.quizzes.models import Attempt, AttemptAnswer, QuizResult
from suzhi.quizzes.services.attempts import answer_save, attempt_start, attempt_submit
from suzhi.quizzes.services.questions import question_save
from suzhi.quizzes.services.results import results_refresh
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

BASE = "/api/v1/contests"
JSON = "application/json"


@pytest.fixture
def world(tree):
    campaign = quiz_campaign(tree)
    bank, ids = make_bank(tree, [single("单选一", right=2), multiple("多选一", right=(0, 3)),
                                 true_false("判断一", False), short_answer("简述")])
    quiz = make_quiz(tree, campaign, bank, fixed_rules(ids))
    return campaign, bank, ids, quiz


def finished(tree, quiz, name, org, choice):
    _person, user = make_participant(tree, name, org=org)
    attempt = attempt_start(actor=user, quiz_id=quiz.pk)
    answer_save(actor=user, attempt_id=attempt.pk, slot=0, response={"choices": [choice]})
    answer_save(actor=user, attempt_id=attempt.pk, slot=3, response={"text": "安全第一"})
    return attempt_submit(actor=user, attempt_id=attempt.pk)


def test_a_participant_takes_a_contest(tree, world, api_client):
    _campaign, _bank, _ids, quiz = world
    person, user = make_participant(tree)
    client = api_client(user)
    mine = client.get(f"{BASE}/mine")
    assert mine.status_code == 200
    assert mine.json() == [{"quiz_id": quiz.pk, "title": quiz.title, "may_start": True, "reason_code": "",
                            "reason": "", "in_progress_attempt_id": None, "score": None, "rank": None}]
    started = client.post(f"{BASE}/{quiz.pk}/attempts")
    assert started.status_code == 201
    sheet = started.json()
    attempt_id = sheet["attempt_id"]
    assert sheet["state"] == "in_progress" and not sheet["revealed"] and sheet["remaining_seconds"] > 1190
    # The answer key never reaches the browser before the attempt is finished.
    for item in sheet["items"]:
        assert item["key"] is None and item["explanation"] is None and item["score"] is None
        assert all(set(option) == {"letter", "text"} for option in item["options"])
    assert "weight" not in started.content.decode() and "accepted" not in started.content.decode()
    assert client.post(f"{BASE}/{quiz.pk}/attempts").json()["attempt_id"] == attempt_id  # resume
    assert client.get(f"{BASE}/mine").json()[0]["in_progress_attempt_id"] == attempt_id
    saved = client.put(f"{BASE}/attempts/{attempt_id}/answers/0", {"response": {"choices": [2]}}, content_type=JSON)
    assert saved.status_code == 200 and saved.json()["remaining_seconds"] > 0
    bad = client.put(f"{BASE}/attempts/{attempt_id}/answers/0", {"response": {"choices": [7]}}, content_type=JSON)
    assert bad.status_code == 422 and bad.json()["code"] == "bad_answer"
    assert client.put(f"{BASE}/attempts/{attempt_id}/answers/9", {"response": {"value": True}},
                      content_type=JSON).json()["code"] == "bad_slot"
    client.put(f"{BASE}/attempts/{attempt_id}/answers/2", {"response": {"value": False}}, content_type=JSON)
    detail = client.get(f"{BASE}/attempts/{attempt_id}").json()
    assert detail["answered"] == 2 and detail["items"][0]["answer"] == {"choices": [2]}
    assert detail["items"][0]["key"] is None
    done = client.post(f"{BASE}/attempts/{attempt_id}/submit")
    assert done.status_code == 200
    body = done.json()
    assert body["state"] == "finished" and body["revealed"] and body["score"] == "4.00"
    assert body["pending_marking"] is False
    assert body["items"][0]["key"]["choices"] == [2] and body["items"][2]["key"]["value"] is False
    again = client.post(f"{BASE}/attempts/{attempt_id}/submit")
    assert again.status_code == 200 and again.json()["score"] == "4.00"
    assert Attempt.objects.filter(person=person).count() == 1
    late = client.put(f"{BASE}/attempts/{attempt_id}/answers/1", {"response": {"choices": [0]}}, content_type=JSON)
    assert late.status_code == 409 and late.json()["code"] == "finished"
    card = client.get(f"{BASE}/mine").json()[0]
    assert card["may_start"] is False and card["reason_code"] == "attempts_used" and card["score"] == 4.0
    refused = client.post(f"{BASE}/{quiz.pk}/attempts")
    assert refused.status_code == 422 and refused.json()["code"] == "attempts_used"


def test_sessions_work_too(tree, world, login_client):
    _campaign, _bank, _ids, quiz = world
    _person, user = make_participant(tree)
    client = login_client(user)
    assert client.get(f"{BASE}/mine").json()[0]["quiz_id"] == quiz.pk


def test_another_participants_attempt_is_not_found(tree, world, api_client):
    _campaign, _bank, _ids, quiz = world
    _person, owner = make_participant(tree)
    attempt = attempt_start(actor=owner, quiz_id=quiz.pk)
    _other, stranger = make_participant(tree, "赵六", org=tree.unit_b)
    client = api_client(stranger)
    assert client.get(f"{BASE}/attempts/{attempt.pk}").status_code == 404
    assert client.put(f"{BASE}/attempts/{attempt.pk}/answers/0", {"response": {"choices": [1]}},
                      content_type=JSON).status_code == 404
    assert client.post(f"{BASE}/attempts/{attempt.pk}/submit").status_code == 404
    assert AttemptAnswer.objects.get(attempt=attempt, slot=0).response is None
    assert client.get(f"{BASE}/attempts/999999").status_code == 404
    assert client.post(f"{BASE}/999999/attempts").status_code == 404


def test_an_account_without_a_person(tree, world, api_client):
    _campaign, _bank, _ids, quiz = world
    client = api_client(tree.participant_a)
    assert client.get(f"{BASE}/mine").json() == []
    assert client.post(f"{BASE}/{quiz.pk}/attempts").status_code == 404  # no contest is open to them


def test_organisers_set_up_a_contest(tree, world, api_client):
    campaign, bank, ids, quiz = world
    client = api_client(tree.committee_admin)
    listed = client.get(f"{BASE}/")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert listed.json()["items"][0]["organiser"] == {"id": tree.committee.pk, "name": tree.committee.name}
    activity = campaign.activities.get(key="ankang")
    created = client.post(f"{BASE}/", {"activity_id": activity.pk, "organisation_id": tree.federation.pk,
                                       "title": "第二场", "bank_id": bank.pk, "rules": fixed_rules(ids[:2])},
                          content_type=JSON)
    assert created.status_code == 201
    new = created.json()
    assert new["title"] == "第二场" and new["is_published"] is False and new["bank"]["id"] == bank.pk
    assert new["campaign_code"] == "quiz-test" and new["participants"] == 0
    assert client.get(f"{BASE}/?activity_id={activity.pk}&page_size=1").json()["count"] == 2
    assert client.get(f"{BASE}/{new['id']}").json()["title"] == "第二场"
    patched = client.patch(f"{BASE}/{new['id']}", {"title": "第二场（改）"}, content_type=JSON)
    assert patched.status_code == 200 and patched.json()["title"] == "第二场（改）"
    assert patched.json()["rules"]["paper"] == new["rules"]["paper"]
    published = client.post(f"{BASE}/{new['id']}/publish", {"published": True}, content_type=JSON)
    assert published.status_code == 200 and published.json()["is_published"] is True
    invalid = client.post(f"{BASE}/", {"activity_id": activity.pk, "organisation_id": tree.committee.pk,
                                       "title": "坏的", "bank_id": bank.pk, "rules": {"time_limit_minutes": -1}},
                          content_type=JSON)
    assert invalid.status_code == 422 and invalid.json()["detail"][0]["field"] == "rules.time_limit_minutes"


def test_locked_rules_over_the_api(tree, world, api_client):
    _campaign, _bank, _ids, quiz = world
    _person, user = make_participant(tree)
    attempt_start(actor=user, quiz_id=quiz.pk)
    client = api_client(tree.committee_admin)
    refused = client.patch(f"{BASE}/{quiz.pk}", {"rules": {**quiz.rules, "time_limit_minutes": 90}},
                           content_type=JSON)
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "rules.time_limit_minutes"


def test_results_units_live_items_regrade_marking(tree, world, api_client):
    _campaign, bank, ids, quiz = world
    first = finished(tree, quiz, "张一", tree.unit_a, 2)
    finished(tree, quiz, "李二", tree.unit_b, 1)
    _p, user = make_participant(tree, "答题中")
    attempt_start(actor=user, quiz_id=quiz.pk)
    client = api_client(tree.committee_admin)
    refreshed = client.post(f"{BASE}/{quiz.pk}/results/refresh")
    assert refreshed.status_code == 200 and refreshed.json()["results_computed_at"]
    results = client.get(f"{BASE}/{quiz.pk}/results").json()
    assert results["count"] == 2 and [(r["name"], r["rank"], r["score"]) for r in results["items"]] == [
        ("张一", 1, 2.0), ("李二", 2, 0.0)]
    assert client.get(f"{BASE}/{quiz.pk}/results?q=李").json()["count"] == 1
    assert client.get(f"{BASE}/{quiz.pk}/results?org_id={tree.town_b.pk}").json()["items"][0]["name"] == "李二"
    units = client.get(f"{BASE}/{quiz.pk}/units?org_id={tree.federation.pk}").json()
    assert units["figures"]["participants"] == 2
    # town_b: 1 of its 1 person took part; town_a: 1 of 2 (one is still answering).
    assert [(u["organisation"]["id"], u["participants"], u["rank"]) for u in units["children"]] == [
        (tree.town_b.pk, 1, 1), (tree.town_a.pk, 1, 2)]
    assert client.get(f"{BASE}/{quiz.pk}/units").json()["organisation"]["id"] == tree.committee.pk
    live = client.get(f"{BASE}/{quiz.pk}/live").json()
    assert live == {"answering": 1, "finished": 2, "finished_today": 2, "people": 3}
    items = client.get(f"{BASE}/{quiz.pk}/items").json()
    assert {i["question_id"] for i in items} == set(ids) - {ids[3]}
    to_mark = client.get(f"{BASE}/{quiz.pk}/marking").json()
    assert len(to_mark) == 2 and to_mark[0]["text"] == "安全第一" and to_mark[0]["points"] == 2.0
    answer_id = next(a["answer_id"] for a in to_mark if a["attempt_id"] == first.pk)
    marked = client.post(f"{BASE}/answers/{answer_id}/mark", {"score": 1.5}, content_type=JSON)
    assert marked.status_code == 200 and marked.json()["person"] == "张一"
    out_of_range = client.post(f"{BASE}/answers/{answer_id}/mark", {"score": 3}, content_type=JSON)
    assert out_of_range.status_code == 422 and out_of_range.json()["code"] == "mark_range"
    assert len(client.get(f"{BASE}/{quiz.pk}/marking").json()) == 1
    question_save(actor=tree.committee_admin, bank_id=bank.pk, question_id=ids[0], question=single("单选一", right=1))
    regraded = client.post(f"{BASE}/{quiz.pk}/regrade")
    assert regraded.status_code == 200 and regraded.json()["scores_changed"] == 2
    first.refresh_from_db()
    assert first.score == 1.5
    record = client.get(f"{BASE}/{quiz.pk}/regrades").json()
    assert record["count"] == 2
    admin = tree.committee_admin.username
    assert {(r["person"], r["old_score"], r["new_score"], r["actor"]) for r in record["items"]} == {
        ("张一", "3.50", "1.50", admin), ("李二", "0.00", "2.00", admin)}


def test_scope_of_another_town(tree, world, api_client):
    campaign, _bank, _ids, committee_quiz = world
    town_bank, town_ids = make_bank(tree, [single("七里镇题")], name="七里镇题库", org=tree.town_a)
    town_quiz = make_quiz(tree, campaign, town_bank, fixed_rules(town_ids), org=tree.town_a, title="七里镇竞赛")
    finished(tree, committee_quiz, "七里镇人", tree.unit_a, 2)
    finished(tree, committee_quiz, "沙州镇人", tree.unit_b, 2)
    results_refresh(actor=None, quiz_id=committee_quiz.pk)
    client = api_client(tree.town_b_admin)
    # Another town's contest does not exist for town_b.
    for path in ("", "/results", "/units", "/live", "/items", "/marking", "/regrades"):
        assert client.get(f"{BASE}/{town_quiz.pk}{path}").status_code == 404, path
    assert client.patch(f"{BASE}/{town_quiz.pk}", {"title": "改"}, content_type=JSON).status_code == 404
    assert client.post(f"{BASE}/{town_quiz.pk}/publish", {"published": False}, content_type=JSON).status_code == 404
    assert client.post(f"{BASE}/{town_quiz.pk}/regrade").status_code == 404
    assert client.post(f"{BASE}/{town_quiz.pk}/results/refresh").status_code == 404
    assert [q["id"] for q in client.get(f"{BASE}/").json()["items"]] == [committee_quiz.pk]
    # The committee's contest: town_b sees it and only its own people's results and units.
    results = client.get(f"{BASE}/{committee_quiz.pk}/results").json()
    assert [r["name"] for r in results["items"]] == ["沙州镇人"] and results["count"] == 1
    assert client.get(f"{BASE}/{committee_quiz.pk}/results?org_id={tree.town_a.pk}").status_code == 404
    assert client.get(f"{BASE}/{committee_quiz.pk}/units?org_id={tree.town_a.pk}").status_code == 404
    assert client.get(f"{BASE}/{committee_quiz.pk}/units").json()["organisation"]["id"] == tree.town_b.pk
    assert client.get(f"{BASE}/{committee_quiz.pk}/live").json()["people"] == 1
    assert client.patch(f"{BASE}/{committee_quiz.pk}", {"title": "改"}, content_type=JSON).status_code == 404
    assert client.post(f"{BASE}/{committee_quiz.pk}/regrade").status_code == 404
    assert client.get(f"{BASE}/{committee_quiz.pk}/marking").status_code == 404
    assert client.get(f"{BASE}/{committee_quiz.pk}/regrades").status_code == 404
    answer = AttemptAnswer.objects.filter(attempt__organisation=tree.unit_a, slot=3).first()
    assert client.post(f"{BASE}/answers/{answer.pk}/mark", {"score": 1}, content_type=JSON).status_code == 404
    assert QuizResult.objects.filter(quiz=committee_quiz).count() == 2


def test_participants_cannot_read_organiser_endpoints(tree, world, api_client):
    _campaign, _bank, _ids, quiz = world
    attempt = finished(tree, quiz, "张一", tree.unit_a, 2)
    client = api_client(attempt.user)
    for path in ("/", f"/{quiz.pk}", f"/{quiz.pk}/results", f"/{quiz.pk}/units", f"/{quiz.pk}/live",
                 f"/{quiz.pk}/items"):
        assert client.get(f"{BASE}{path}").status_code == 403, path
    assert client.get(f"{BASE}/{quiz.pk}/marking").status_code in (403, 404)
    assert client.patch(f"{BASE}/{quiz.pk}", {"title": "改"}, content_type=JSON).status_code in (403, 404)
    assert client.post(f"{BASE}/{quiz.pk}/regrade").status_code in (403, 404)
    answer = AttemptAnswer.objects.get(attempt=attempt, slot=3)
    assert client.post(f"{BASE}/answers/{answer.pk}/mark", {"score": 2}, content_type=JSON).status_code in (403, 404)
    answer.refresh_from_db()
    assert answer.score is None


def test_a_viewer_reads_but_does_not_change(tree, world, api_client):
    _campaign, _bank, _ids, quiz = world
    client = api_client(tree.unit_a_admin)
    assert client.get(f"{BASE}/{quiz.pk}/results").status_code == 200
    assert client.get(f"{BASE}/{quiz.pk}/items").status_code == 403
    assert client.patch(f"{BASE}/{quiz.pk}", {"title": "改"}, content_type=JSON).status_code in (403, 404)
    assert client.post(f"{BASE}/{quiz.pk}/publish", {"published": False}, content_type=JSON).status_code in (403, 404)


def test_result_pages_do_not_grow_with_rows(tree, world, api_client, django_assert_max_num_queries):
    _campaign, _bank, _ids, quiz = world
    finished(tree, quiz, "第一人", tree.unit_a, 2)
    results_refresh(actor=None, quiz_id=quiz.pk)
    client = api_client(tree.committee_admin)
    urls = (f"{BASE}/{quiz.pk}/results", f"{BASE}/{quiz.pk}/units?org_id={tree.federation.pk}")
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(30) as few:
            assert client.get(url).status_code == 200
        counts[url] = len(few.captured_queries)
    for i in range(5):
        finished(tree, quiz, f"参赛{i}", tree.unit_b if i % 2 else tree.unit_a, i % 3)
    results_refresh(actor=None, quiz_id=quiz.pk)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200
    assert client.get(urls[0]).json()["count"] == 6


def test_the_regrade_record_does_not_grow_with_rows(tree, world, django_assert_max_num_queries):
    from suzhi.quizzes.selectors.results import regrade_changes
    from suzhi.quizzes.services.results import quiz_regrade

    _campaign, bank, ids, quiz = world

    def read() -> list:
        return [(r.attempt.person.name, r.attempt.organisation.name, r.actor.username)
                for r in regrade_changes(user=tree.committee_admin, quiz=quiz)]

    finished(tree, quiz, "第一人", tree.unit_a, 2)
    question_save(actor=tree.committee_admin, bank_id=bank.pk, question_id=ids[0], question=single("单选一", right=1))
    quiz_regrade(actor=tree.committee_admin, quiz_id=quiz.pk)
    for i in range(5):
        finished(tree, quiz, f"参赛{i}", tree.unit_b if i % 2 else tree.unit_a, 2)
    question_save(actor=tree.committee_admin, bank_id=bank.pk, question_id=ids[0], question=single("单选一", right=2))
    quiz_regrade(actor=tree.committee_admin, quiz_id=quiz.pk)
    with django_assert_max_num_queries(1):
        rows = read()
    assert len(rows) == 7
