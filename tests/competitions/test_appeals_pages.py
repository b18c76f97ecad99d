"""Appeals (申诉) through the pages and the API: filed from 我的比赛 or 比赛报名 within the plan's days, a correction
proposed or the appeal dismissed on the event's page of 比赛管理, approved by a second person (the proposer sees a
note instead of the button); refusals in Chinese, another town gets 404, the lists' queries do not grow with the
appeals, names but no ID number or phone, and no plan key where a label belongs."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suzhi.competitions.models import Appeal, Ranking, Standing
from suzhi.competitions.services.appeals import appeal_dismiss, appeal_file
from suzhi.competitions.services.draw import numbers_draw
from suzhi.competitions.services.measures import measures_enter
from suzhi.competitions.services.rankings import ranking_compute, ranking_publish, ranking_sign, ranking_verify
from tests.competitions.factories import competition_settings, make_competition, register
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db

API = "/api/v1/competitions/appeals"
KEYS = ("computer", "final", "theory", "time")

SETTINGS = competition_settings()
SETTINGS["events"] = [{"key": "computer", "title": "计算机操作", "components": [
    {"key": "theory", "label": "理论", "source": "measured", "weight": 100},
    {"key": "time", "label": "用时", "source": "measured", "better": "lower"}], "tie_break": ["time"]}]
del SETTINGS["judging"]


def _publish(contest, contestants, tree, verifier, scores):
    numbers_draw(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    measures_enter(actor=tree.committee_admin, activity_id=contest.pk, values={
        c.pk: {"theory": score, "time": 30} for c, score in zip(contestants, scores, strict=True)})
    ranking = ranking_compute(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    ranking_sign(actor=tree.committee_admin, ranking_id=ranking.pk)
    ranking_verify(actor=verifier, ranking_id=ranking.pk)
    return ranking_publish(actor=tree.committee_admin, ranking_id=ranking.pk)


@pytest.fixture
def published(tree, second_admin):
    """甲 (90) and 乙 (80, the worker's own roster record) of unit A, 丙 (70) of town B's unit, published."""
    contest = make_competition(tree.federation, settings=SETTINGS)
    people = [make_person("甲", tree.unit_a, phone="13811110001"),
              make_person("乙", tree.unit_a, phone="13811110002", user=tree.participant_a),
              make_person("丙", tree.unit_b, phone="13811110003")]
    contestants = register(contest, people[:2], actor=tree.unit_a_admin) + register(contest, people[2:],
                                                                                      actor=tree.town_b_admin)
    ranking = _publish(contest, contestants, tree, second_admin, (90, 80, 70))
    for contestant in contestants:
        contestant.refresh_from_db()  # the drawn numbers
    return contest, contestants, people, ranking


def _stage_url(contest, name="stage", *extra):
    return reverse(f"competitions:{name}", args=[contest.pk, "computer", "final", *extra])


def _shown(response) -> str:
    """The page's text without addresses, form values and data attributes (where plan keys belong)."""
    html = response.content.decode()
    return re.sub(r'(href|action|data-[a-z-]+|value|name|id|for)="[^"]*"', "", html)


def _text(response) -> str:
    return response.content.decode()


def test_a_contestant_appeals_and_the_organisers_correct_the_ranking_through_the_pages(
        tree, published, second_admin, login_client):
    contest, (first, second, _third), _people, ranking = published
    worker = login_client(tree.participant_a)
    page = worker.get(reverse("competitions:mine"))
    html = _text(page)
    assert "cp-appeal-file" in html and "<option" in html and ">理论</option>" in html and ">用时</option>" in html
    for key in KEYS:
        assert key not in _shown(page), key
    url = reverse("competitions:appeal_mine", args=[second.pk])
    filed = worker.post(url, {"component": "theory", "reason": "理论试卷第5题漏判。"}, follow=True)
    assert "申诉已提交" in _text(filed)
    appeal = Appeal.objects.get()
    assert (appeal.state, appeal.filed_by, appeal.position_before) == (Appeal.State.FILED, tree.participant_a, 2)
    twice = worker.post(url, {"component": "theory", "reason": "再次申诉"}, follow=True)
    assert "“理论”已有尚未处理完的申诉" in _text(twice) and Appeal.objects.count() == 1
    mine = _text(worker.get(reverse("competitions:mine")))
    assert "理论试卷第5题漏判。" in mine and "已提出" in mine and "80" in mine and "80.0000" not in mine

    committee = login_client(tree.committee_admin)
    stage = committee.get(_stage_url(contest))
    html = _text(stage).split('id="appeals"')[1]
    assert f'<td class="num">{second.label}</td><td>乙</td>' in html and "理论试卷第5题漏判。" in html
    assert f'<td class="num">{first.label}</td>' not in html
    assert "cp-appeal-propose" in html and "cp-appeal-dismiss" in html and "cp-appeal-approve" not in html
    for key in KEYS:
        assert key not in _shown(stage), key
    decide = _stage_url(contest, "appeal_decide", appeal.pk, "propose")
    bad = committee.post(decide, {"value": "九十五", "note": "复查属实"}, follow=True)
    assert "“理论”必须是数字" in _text(bad) and Appeal.objects.get().state == Appeal.State.FILED
    bare = committee.post(decide, {"value": "95", "note": " "}, follow=True)
    assert "请填写理由" in _text(bare) and Appeal.objects.get().state == Appeal.State.FILED
    committee.post(decide, {"value": "95", "note": "复查属实，加15分。"})
    assert Appeal.objects.get().state == Appeal.State.PROPOSED
    # Whoever proposed it sees a note instead of the button, and is refused if they post it anyway
    html = _text(committee.get(_stage_url(contest))).split('id="appeals"')[1]
    assert "cp-appeal-approve" not in html and "cp-appeal-second" in html and "80 → 95" in html
    refused = committee.post(_stage_url(contest, "appeal_decide", appeal.pk, "approve"), follow=True)
    assert "提出更正的人不能批准" in _text(refused) and Appeal.objects.get().state == Appeal.State.PROPOSED

    verifier = login_client(second_admin)
    html = _text(verifier.get(_stage_url(contest))).split('id="appeals"')[1]
    assert "cp-appeal-approve" in html and "cp-appeal-second" not in html
    approved = verifier.post(_stage_url(contest, "appeal_decide", appeal.pk, "approve"), follow=True)
    assert "更正已批准" in _text(approved)
    appeal.refresh_from_db()
    assert (appeal.state, appeal.position_before, appeal.position_after) == (Appeal.State.APPROVED, 2, 1)
    assert dict(Standing.objects.values_list("contestant_id", "position")) == {second.pk: 1, first.pk: 2,
                                                                              _third.pk: 3}
    ranking.refresh_from_db()
    assert ranking.state == Ranking.State.PUBLISHED
    html = _text(verifier.get(_stage_url(contest))).split('id="appeals"')[1]
    assert "已批准" in html and "2 → 1" in html and "cp-appeal-propose" not in html
    who = second_admin.get_full_name() or second_admin.username
    assert f"批准：{who}" in html and "提出更正：" in html  # who decided, and when
    mine = _text(login_client(tree.participant_a).get(reverse("competitions:mine")))
    assert "已批准" in mine and "80 → 95" in mine and "复查属实，加15分。" in mine and "第1名" in mine


def test_a_dismissed_appeal_keeps_its_reason_and_a_late_or_empty_one_is_refused(tree, published, login_client):
    contest, (first, _second, _third), _people, ranking = published
    unit = login_client(tree.unit_a_admin)
    url = reverse("competitions:appeal_unit", args=[contest.pk, first.pk])
    empty = unit.post(url, {"component": "time", "reason": "  "}, follow=True)
    assert "请填写理由" in _text(empty) and not Appeal.objects.exists()
    unit.post(url, {"component": "time", "reason": "计时有误"})
    appeal = Appeal.objects.get()
    committee = login_client(tree.committee_admin)
    bare = committee.post(_stage_url(contest, "appeal_decide", appeal.pk, "dismiss"), {"note": ""}, follow=True)
    assert "请填写理由" in _text(bare) and Appeal.objects.get().state == Appeal.State.FILED
    committee.post(_stage_url(contest, "appeal_decide", appeal.pk, "dismiss"), {"note": "经核对录像，计时无误。"})
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.DISMISSED and appeal.note == "经核对录像，计时无误。"
    html = _text(committee.get(_stage_url(contest))).split('id="appeals"')[1]
    assert "已驳回" in html and "经核对录像" in html and "cp-appeal-propose" not in html
    again = committee.post(_stage_url(contest, "appeal_decide", appeal.pk, "propose"), {"value": "1", "note": "改"},
                           follow=True)
    assert "现在不能进行这一步" in _text(again) and Appeal.objects.get().state == Appeal.State.DISMISSED

    Ranking.objects.filter(pk=ranking.pk).update(published_at=ranking.published_at - datetime.timedelta(days=4))
    page = _text(unit.get(reverse("competitions:register", args=[contest.pk])))
    assert "cp-appeal-file" not in page and "经核对录像，计时无误。" in page  # the window closed, the answer stays
    late = unit.post(url, {"component": "theory", "reason": "不服"}, follow=True)
    assert "申诉须在排名公布后3天内提出" in _text(late) and Appeal.objects.count() == 1


def test_a_unit_appeals_for_its_contestants_only_and_another_town_gets_404(tree, published, login_client):
    contest, (first, second, third), _people, _ranking = published
    unit = login_client(tree.unit_a_admin)
    page = unit.get(reverse("competitions:register", args=[contest.pk]))
    html = _text(page)
    for contestant in (first, second):
        assert reverse("competitions:appeal_unit", args=[contest.pk, contestant.pk]) in html
    assert reverse("competitions:appeal_unit", args=[contest.pk, third.pk]) not in html
    for key in KEYS:
        assert key not in _shown(page), key
    assert unit.post(reverse("competitions:appeal_unit", args=[contest.pk, third.pk]),
                     {"component": "theory", "reason": "不服"}).status_code == 404
    done = unit.post(reverse("competitions:appeal_unit", args=[contest.pk, first.pk]),
                     {"component": "theory", "reason": "阅卷有误"}, follow=True)
    assert "申诉已提交" in _text(done) and "cp-unit-appeals" in _text(done) and "阅卷有误" in _text(done)
    town_b = login_client(tree.town_b_admin)
    assert town_b.post(reverse("competitions:appeal_unit", args=[contest.pk, first.pk]),
                       {"component": "theory", "reason": "代为申诉"}).status_code == 404
    assert "阅卷有误" not in _text(town_b.get(reverse("competitions:register", args=[contest.pk])))
    # Another town's organiser neither sees nor decides the appeals of a competition it does not run
    appeal = Appeal.objects.get()
    assert town_b.get(_stage_url(contest)).status_code == 404
    assert town_b.post(_stage_url(contest, "appeal_decide", appeal.pk, "dismiss"),
                       {"note": "驳回"}).status_code == 404
    # A unit does not decide appeals
    unit = login_client(tree.unit_a_admin)  # one test client: logging in again switches the user
    assert unit.post(_stage_url(contest, "appeal_decide", appeal.pk, "dismiss"), {"note": "驳回"}).status_code == 403
    assert Appeal.objects.get().state == Appeal.State.FILED


def test_an_appeal_named_on_another_events_page_is_not_found(tree, published, login_client):
    contest, (first, *_rest), _people, _ranking = published
    appeal = appeal_file(actor=tree.unit_a_admin, contestant_id=first.pk, component="theory", reason="不服")
    committee = login_client(tree.committee_admin)
    other = reverse("competitions:appeal_decide", args=[contest.pk, "computer", "final", appeal.pk + 1, "dismiss"])
    assert committee.post(other, {"note": "驳回"}).status_code == 404
    unknown = _stage_url(contest, "appeal_decide", appeal.pk, "delete")
    assert committee.post(unknown).status_code == 404
    assert committee.get(_stage_url(contest, "appeal_decide", appeal.pk, "dismiss")).status_code == 405


def test_the_pages_show_names_but_no_id_number_or_phone(tree, published, login_client):
    contest, (first, second, third), people, _ranking = published
    for contestant in (first, second):
        appeal_file(actor=tree.unit_a_admin, contestant_id=contestant.pk, component="theory", reason="不服")
    appeal_file(actor=tree.town_b_admin, contestant_id=third.pk, component="time", reason="计时有误")
    pages = [login_client(tree.committee_admin).get(_stage_url(contest)),
             login_client(tree.unit_a_admin).get(reverse("competitions:register", args=[contest.pk])),
             login_client(tree.participant_a).get(reverse("competitions:mine"))]
    for page in pages:
        html = _text(page)
        for person in people:
            assert person.id_number not in html and person.id_number[-6:] not in html and person.phone not in html
    assert all(name in _text(pages[0]).split('id="appeals"')[1] for name in ("甲", "乙", "丙"))


def _appeals(tree, contestants, own_dismissed):
    """Each contestant appeals twice, once dismissed, once open; the first (the worker's own) `own_dismissed`
    more times."""
    for index, contestant in enumerate(contestants):
        for _ in range(1 + (own_dismissed if index == 0 else 0)):
            dismissed = appeal_file(actor=tree.unit_a_admin, contestant_id=contestant.pk, component="theory",
                                    reason="不服")
            appeal_dismiss(actor=tree.committee_admin, appeal_id=dismissed.pk, note="无误")
        appeal_file(actor=tree.unit_a_admin, contestant_id=contestant.pk, component="time", reason="计时有误")


def _queries(client, url) -> int:
    client.get(url)  # the first request of a login fills the caches of roles and menus
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_appeals_lists_take_as_many_queries_for_3_as_for_12(tree, second_admin, login_client, api_client):
    counts = []
    for n in (3, 12):
        contest = make_competition(tree.federation, settings=SETTINGS)
        people = [make_person(f"选手{n}-{i}", tree.unit_a, user=tree.participant_a if i == 0 else None)
                  for i in range(n)]
        contestants = register(contest, people, actor=tree.unit_a_admin)
        _publish(contest, contestants, tree, second_admin, [50 + i for i in range(n)])
        _appeals(tree, contestants, own_dismissed=n)
        stage = _queries(login_client(tree.committee_admin), _stage_url(contest))
        unit = _queries(login_client(tree.unit_a_admin), reverse("competitions:register", args=[contest.pk]))
        mine = _queries(login_client(tree.participant_a), reverse("competitions:mine"))
        client = api_client(tree.committee_admin)
        client.get(f"{API}/activities/{contest.pk}")
        with CaptureQueriesContext(connection) as listed:
            response = client.get(f"{API}/activities/{contest.pk}", {"event": "computer", "round": "final"})
        assert len(response.json()) == 2 * n + n
        counts.append((stage, unit, mine, len(listed)))
        # one roster record per login: the next competition's first contestant is the worker
        people[0].user = None
        people[0].save(update_fields=["user"])
    assert counts[0] == counts[1]


def test_the_whole_appeal_through_the_api(tree, published, second_admin, api_client):
    contest, (first, second, third), _people, ranking = published
    worker = api_client(tree.participant_a)
    filed = worker.post(API, {"contestant": second.pk, "component": "theory", "reason": "漏判"},
                        content_type="application/json")
    assert filed.status_code == 201
    body = filed.json()
    assert (body["state"], body["component_label"], body["event_title"], body["position_before"]) == (
        "filed", "理论", "计算机操作", 2)
    assert body["value_before"] in ("80", "80.0000", 80)
    twice = worker.post(API, {"contestant": second.pk, "component": "theory", "reason": "再次"},
                        content_type="application/json")
    assert twice.status_code == 409 and twice.json()["code"] == "appeal_open"
    others = worker.post(API, {"contestant": first.pk, "component": "theory", "reason": "代人申诉"},
                         content_type="application/json")
    assert others.status_code == 404
    assert [a["id"] for a in worker.get(f"{API}/mine").json()] == [body["id"]]
    assert worker.get(f"{API}/activities/{contest.pk}").status_code == 403

    town_b = api_client(tree.town_b_admin)
    assert town_b.post(API, {"contestant": second.pk, "component": "theory", "reason": "代为申诉"},
                       content_type="application/json").status_code == 404
    assert town_b.get(f"{API}/activities/{contest.pk}/unit").json() == []
    assert town_b.post(f"{API}/{body['id']}/dismiss", {"note": "驳回"},
                       content_type="application/json").status_code == 404
    unit = api_client(tree.unit_a_admin)
    assert [a["name"] for a in unit.get(f"{API}/activities/{contest.pk}/unit").json()] == ["乙"]
    assert unit.post(f"{API}/{body['id']}/dismiss", {"note": "驳回"},
                     content_type="application/json").status_code == 403

    committee = api_client(tree.committee_admin)
    listed = committee.get(f"{API}/activities/{contest.pk}").json()
    assert [(a["id"], a["number"], a["name"]) for a in listed] == [(body["id"], second.number, "乙")]
    bad = committee.post(f"{API}/{body['id']}/propose", {"value": "九十五", "note": "复查"},
                         content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "bad_value" and "理论" in bad.json()["message"]
    proposed = committee.post(f"{API}/{body['id']}/propose", {"value": "95", "note": "复查属实"},
                              content_type="application/json")
    assert proposed.status_code == 200 and proposed.json()["state"] == "proposed"
    same = committee.post(f"{API}/{body['id']}/approve")
    assert same.status_code == 409 and same.json()["code"] == "same_person"
    approved = api_client(second_admin).post(f"{API}/{body['id']}/approve")
    assert approved.status_code == 200
    assert (approved.json()["state"], approved.json()["position_after"]) == ("approved", 1)
    again = api_client(second_admin).post(f"{API}/{body['id']}/dismiss", {"note": "撤销"},
                                          content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "appeal_state"

    Ranking.objects.filter(pk=ranking.pk).update(published_at=ranking.published_at - datetime.timedelta(days=4))
    late = api_client(tree.town_b_admin).post(API, {"contestant": third.pk, "component": "time", "reason": "迟了"},
                                              content_type="application/json")
    assert late.status_code == 409 and late.json()["code"] == "appeal_closed"
