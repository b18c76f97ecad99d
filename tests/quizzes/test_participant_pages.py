"""The participant's contest pages (我的竞赛, 答题, 成绩): reasons instead of buttons, start and resume, other
people's attempts, when the key and explanations show, and that the attempt page carries no answer key."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from suzhi.core.navigation import flatten, items_for
from suzhi.quizzes.formats.base import ParsedOption, ParsedQuestion, QuestionType
from suzhi.quizzes.models import Attempt
from suzhi.quizzes.rules import start_decision
from suzhi.quizzes.services.attempts import answer_save, attempt_start, attempt_submit
from tests.quizzes.factories import (
    fill_in,
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

MY = "/quizzes/my/"
EXPLANATION = "《安全生产法》第三条规定"
SECRET_BLANK = "预防为主综合治理"


@pytest.fixture
def campaign(tree):
    return quiz_campaign(tree)


@pytest.fixture
def bank(tree):
    return make_bank(tree, [
        single("单选一", right=2, explanation=EXPLANATION),
        multiple("多选一", right=(0, 3)),
        true_false("判断一", False),
        fill_in("填空一", accepted=(("安全第一",), (SECRET_BLANK,))),
        short_answer("简答一"),
    ])


@pytest.fixture
def quiz(tree, campaign, bank):
    _bank, ids = bank
    return make_quiz(tree, campaign, _bank, fixed_rules(ids))


def _start(client, quiz):
    response = client.post(f"/quizzes/my/{quiz.pk}/start/")
    assert response.status_code == 302
    return response


def _attempt_id(response) -> int:
    found = re.fullmatch(r"/quizzes/attempts/(\d+)/", response["Location"])
    assert found, response["Location"]
    return int(found.group(1))


def _state(html: str) -> dict:
    found = re.search(r'<script id="qz-state" type="application/json">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))


def test_my_contests_shows_each_contest_with_its_button_or_reason(tree, campaign, bank, login_client):
    _bank, ids = bank
    person, user = make_participant(tree)
    open_one = make_quiz(tree, campaign, _bank, fixed_rules(ids, attempts_per_person=2), title="可以开始的竞赛")
    running = make_quiz(tree, campaign, _bank, fixed_rules(ids), title="答了一半的竞赛")
    attempt_start(actor=user, quiz_id=running.pk)
    used = make_quiz(tree, campaign, _bank, fixed_rules(ids), title="次数已用完的竞赛")
    attempt_submit(actor=user, attempt_id=attempt_start(actor=user, quiz_id=used.pk).pk)
    make_quiz(tree, campaign, _bank, fixed_rules(ids), title="未发布的竞赛", publish=False)
    make_quiz(tree, campaign, _bank, fixed_rules(ids), title="沙州镇的竞赛", org=tree.town_b)

    response = login_client(user).get(MY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "可以开始的竞赛" in html and "答了一半的竞赛" in html and "次数已用完的竞赛" in html
    assert "未发布的竞赛" not in html and "沙州镇的竞赛" not in html

    cards = {card.quiz.title: card for card in (row["card"] for row in response.context["cards"])}
    assert cards["可以开始的竞赛"].decision.allowed
    assert cards["答了一半的竞赛"].in_progress is not None
    refusal = start_decision(quiz=used, person=person)
    assert refusal.code == "attempts_used"
    section = _card_html(html, used.pk)
    assert str(refusal.message) in section and 'data-code="attempts_used"' in section
    assert "qz-start" not in section
    # The finished contest shows its result (shown after submitting by default).
    assert 'class="qz-my-score"' in section
    assert 'data-action="start"' in _card_html(html, open_one.pk)
    assert 'data-action="continue"' in _card_html(html, running.pk)
    assert 'data-minutes="20"' in _card_html(html, open_one.pk)


def _card_html(html: str, quiz_id: int) -> str:
    start = html.index(f'data-quiz="{quiz_id}"')
    end = html.find("</article>", start)
    return html[start:end]


def test_my_contests_reads_the_same_queries_for_one_contest_or_many(tree, campaign, bank, login_client):
    _bank, ids = bank
    _person, user = make_participant(tree)
    client = login_client(user)
    first = make_quiz(tree, campaign, _bank, fixed_rules(ids, attempts_per_person=3), title="竞赛一")
    attempt_submit(actor=user, attempt_id=attempt_start(actor=user, quiz_id=first.pk).pk)
    client.get(MY)
    with CaptureQueriesContext(connection) as one:
        assert client.get(MY).status_code == 200
    for n in range(3):
        quiz = make_quiz(tree, campaign, _bank, fixed_rules(ids, attempts_per_person=3), title=f"竞赛{n + 2}")
        attempt_start(actor=user, quiz_id=quiz.pk)
    with CaptureQueriesContext(connection) as four:
        response = client.get(MY)
    assert len(response.context["cards"]) == 4
    # Windows, attempts, results and the start rule's inputs are read once for all the contests.
    assert len(four) == len(one)


def test_a_login_without_a_roster_record_is_told_so(tree, login_client):
    response = login_client(tree.town_a_admin).get(MY)
    assert response.status_code == 200
    assert "qz-no-person" in response.content.decode() and response.context["cards"] == []


def test_the_menu_offers_my_contests_to_every_participant(tree):
    _person, user = make_participant(tree)
    assert any(item["url"] == MY for item in flatten(items_for(user)))


def test_start_then_resume_gives_the_same_attempt(tree, quiz, login_client):
    _person, user = make_participant(tree)
    client = login_client(user)
    first = _attempt_id(_start(client, quiz))
    answer_save(actor=user, attempt_id=first, slot=0, response={"choices": [2]})
    answer_save(actor=user, attempt_id=first, slot=3, response={"blanks": ["安全第一", ""]})
    assert _attempt_id(_start(client, quiz)) == first
    assert Attempt.objects.filter(quiz=quiz).count() == 1

    page = client.get(f"/quizzes/attempts/{first}/")
    assert page.status_code == 200
    html = page.content.decode()
    # The saved answers are on the page (display positions; option C of the first question).
    assert re.search(r'name="q0" value="2" data-choice checked', html)
    assert 'value="安全第一"' in html
    state = _state(html)
    assert [item["answer"] for item in page.context["sheet"]["items"]] == [
        {"choices": [2]}, None, None, {"blanks": ["安全第一", ""]}, None]
    assert 1150 <= state["remaining"] <= 1200
    assert state["save_url"] == f"/api/v1/contests/attempts/{first}/answers/"
    assert page.context["sheet"]["answered"] == 2


def test_a_refused_start_says_why_on_my_contests(tree, campaign, bank, login_client):
    _bank, ids = bank
    _person, user = make_participant(tree)
    quiz = make_quiz(tree, campaign, _bank, fixed_rules(ids, attributes=[{"field": "age", "op": "gt", "value": 200}]))
    client = login_client(user)
    with translation.override("zh-hans"):
        response = client.post(f"/quizzes/my/{quiz.pk}/start/", follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
        expected = str(start_decision(quiz=quiz, person=_person).message)
    assert response.redirect_chain == [(MY, 302)]
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [expected]
    assert not Attempt.objects.exists()


def test_start_of_a_contest_not_open_to_the_person_is_404(tree, campaign, bank, login_client):
    _bank, ids = bank
    elsewhere = make_quiz(tree, campaign, _bank, fixed_rules(ids), org=tree.town_b)
    _person, user = make_participant(tree)
    assert login_client(user).post(f"/quizzes/my/{elsewhere.pk}/start/").status_code == 404
    assert login_client(user).get(f"/quizzes/my/{elsewhere.pk}/start/").status_code == 405


def test_another_persons_attempt_is_not_found(tree, quiz, login_client):
    _person, user = make_participant(tree)
    _other, other_user = make_participant(tree, name="赵六")
    attempt = attempt_start(actor=user, quiz_id=quiz.pk)
    intruder = login_client(other_user)
    assert intruder.get(f"/quizzes/attempts/{attempt.pk}/").status_code == 404
    assert intruder.get(f"/quizzes/attempts/{attempt.pk}/result/").status_code == 404
    assert intruder.post(f"/quizzes/attempts/{attempt.pk}/submit/").status_code == 404
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS
    assert login_client(user).get(f"/quizzes/attempts/{attempt.pk}/").status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, tree, quiz):
    for url in (MY, "/quizzes/attempts/1/", "/quizzes/attempts/1/result/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_attempt_page_carries_no_answer_key(tree, quiz, login_client):
    _person, user = make_participant(tree)
    client = login_client(user)
    attempt_id = _attempt_id(_start(client, quiz))
    html = client.get(f"/quizzes/attempts/{attempt_id}/").content.decode()
    assert "单选一" in html and "填空一" in html  # the questions are there without the script
    assert EXPLANATION not in html and SECRET_BLANK not in html
    assert "weight" not in html and '"key"' not in html
    state = _state(html)
    assert set(state) == {"attempt", "remaining", "save_url", "submit_url", "result_url"}
    # The same after answering: the sheet stays keyless until the attempt is finished.
    answer_save(actor=user, attempt_id=attempt_id, slot=0, response={"choices": [2]})
    html = client.get(f"/quizzes/attempts/{attempt_id}/").content.decode()
    assert EXPLANATION not in html and SECRET_BLANK not in html


def test_submit_from_the_page_then_the_result_shows_key_score_and_rank(tree, quiz, login_client,
                                                                       django_capture_on_commit_callbacks):
    _person, user = make_participant(tree)
    client = login_client(user)
    attempt_id = _attempt_id(_start(client, quiz))
    answer_save(actor=user, attempt_id=attempt_id, slot=0, response={"choices": [2]})
    answer_save(actor=user, attempt_id=attempt_id, slot=2, response={"value": True})
    answer_save(actor=user, attempt_id=attempt_id, slot=3, response={"blanks": ["安全第一", "预防为主综合治理"]})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/quizzes/attempts/{attempt_id}/submit/")
    assert response.status_code == 302 and response["Location"] == f"/quizzes/attempts/{attempt_id}/result/"
    # A finished attempt's page goes to its result.
    assert client.get(f"/quizzes/attempts/{attempt_id}/")["Location"] == f"/quizzes/attempts/{attempt_id}/result/"

    page = client.get(f"/quizzes/attempts/{attempt_id}/result/")
    html = page.content.decode()
    assert page.context["sheet"]["revealed"]
    assert 'data-score="4.00"' in html and 'data-rank="1"' in html
    assert EXPLANATION in html and SECRET_BLANK in html
    items = {item["slot"]: item for item in page.context["items"]}
    assert (items[0]["given"], items[0]["right"], items[0]["full_marks"]) == ("C", "C", True)
    assert (items[1]["given"], items[1]["right"]) == ("", "AD")
    with translation.override("zh-hans"):  # the page's language: Chinese unless the visitor chose otherwise
        truth = (translation.gettext("True"), translation.gettext("False"))
    assert (items[2]["given"], items[2]["right"], items[2]["full_marks"]) == (*truth, False)
    assert items[3]["right"] == "安全第一; 预防为主综合治理"
    assert (items[4]["given"], items[4]["right"], items[4]["score"]) == ("", "", "0.00")


def test_results_shown_after_the_window_keep_the_key_back(tree, campaign, bank, login_client):
    _bank, ids = bank
    _person, user = make_participant(tree)
    quiz = make_quiz(tree, campaign, _bank, fixed_rules(ids, show_results="after_window"))
    client = login_client(user)
    attempt_id = _attempt_id(_start(client, quiz))
    answer_save(actor=user, attempt_id=attempt_id, slot=0, response={"choices": [2]})
    client.post(f"/quizzes/attempts/{attempt_id}/submit/")

    page = client.get(f"/quizzes/attempts/{attempt_id}/result/")
    html = page.content.decode()
    assert page.status_code == 200 and not page.context["sheet"]["revealed"]
    assert EXPLANATION not in html and SECRET_BLANK not in html and "data-score" not in html
    closes = timezone.localdate() + datetime.timedelta(days=10)
    assert page.context["shown_after"] == closes
    assert 'class="msg qz-later"' in html
    # 我的竞赛 says the same and shows no score.
    section = _card_html(client.get(MY).content.decode(), quiz.pk)
    assert "qz-my-score" not in section and "qz-later" in section


def test_an_attempt_past_its_time_is_submitted_when_opened(tree, quiz, login_client):
    _person, user = make_participant(tree)
    client = login_client(user)
    attempt_id = _attempt_id(_start(client, quiz))
    answer_save(actor=user, attempt_id=attempt_id, slot=0, response={"choices": [2]})
    Attempt.objects.filter(pk=attempt_id).update(started_at=timezone.now() - datetime.timedelta(minutes=30),
                                                 deadline=timezone.now() - datetime.timedelta(minutes=10))
    response = client.get(f"/quizzes/attempts/{attempt_id}/")
    assert response["Location"] == f"/quizzes/attempts/{attempt_id}/result/"
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.state == Attempt.State.FINISHED and attempt.finished_by == Attempt.FinishedBy.TIMER
    html = client.get(f"/quizzes/attempts/{attempt_id}/result/").content.decode()
    assert 'data-seconds="1200"' in html and 'data-finished-by="timer"' in html


def test_feedback_shows_with_the_results_only(tree, campaign, login_client):
    """Issue 14: the feedback the answer earns (the chosen option's, or the question's for a right or a wrong
    answer) shows on the result page once results show, never before."""
    feedback_bank, ids = make_bank(tree, [
        ParsedQuestion(
            type=QuestionType.SINGLE, stem="带反馈单选", options=[
                ParsedOption("甲", 0.0, "选甲的反馈"), ParsedOption("乙", 1.0, "选乙的反馈")]),
        true_false("带反馈判断", False, feedback_right="答对的反馈", feedback_wrong="答错的反馈"),
        fill_in("带反馈填空", feedback_right="填对的反馈", feedback_wrong="填错的反馈"),
    ], name="反馈题库")
    for show, revealed in (("after_submit", True), ("after_window", False)):
        quiz = make_quiz(tree, campaign, feedback_bank, fixed_rules(ids, show_results=show))
        _person, user = make_participant(tree, name=f"王{show}")
        client = login_client(user)
        attempt_id = _attempt_id(_start(client, quiz))
        answer_save(actor=user, attempt_id=attempt_id, slot=0, response={"choices": [0]})
        answer_save(actor=user, attempt_id=attempt_id, slot=1, response={"value": True})
        answer_save(actor=user, attempt_id=attempt_id, slot=2, response={"blanks": ["安全第一"]})
        client.post(f"/quizzes/attempts/{attempt_id}/submit/")
        html = client.get(f"/quizzes/attempts/{attempt_id}/result/").content.decode()
        shown = [text in html for text in ("选甲的反馈", "答错的反馈", "填对的反馈")]
        assert shown == [revealed] * 3, show
        assert not any(text in html for text in ("选乙的反馈", "答对的反馈", "填错的反馈"))
