"""A participant takes a whole contest on a 360 px phone: start from 我的竞赛, answer one question per screen,
lose the network for one answer, reload in the middle (the saved answers come back from the server and the
unsent one from the phone, and is sent), jump with the answer sheet, submit with the confirm, and read the
result with the key. A page whose time is up submits itself, and one whose attempt was submitted on another
device goes to the result on its next answer."""

import datetime
import re

import pytest
from django.utils import timezone

from suzhi.quizzes.models import Attempt, AttemptAnswer
from suzhi.quizzes.services.attempts import attempt_submit
from tests.quizzes.factories import (
    fill_in,
    fixed_rules,
    make_bank,
    make_quiz,
    multiple,
    quiz_campaign,
    single,
    true_false,
)
from tests.support import make_participant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTH = 360


@pytest.fixture
def phone(browser):
    """The narrowest phone the pages are made for."""
    context = browser.new_context(viewport={"width": WIDTH, "height": 740}, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def contest(tree):
    campaign = quiz_campaign(tree)
    bank, ids = make_bank(tree, [
        single("安全生产的方针是什么", right=2, explanation="安全第一、预防为主、综合治理。"),
        multiple("哪些属于劳动防护用品", right=(0, 3)),
        true_false("发现隐患可以不报告", False),
        fill_in("安全生产工作应当坚持___、___", accepted=(("安全第一",), ("预防为主",))),
        true_false("特种作业人员必须持证上岗", True),
    ])
    quiz = make_quiz(tree, campaign, bank, fixed_rules(ids, points=2), title="安康杯知识竞赛")
    person, user = make_participant(tree)
    return quiz, person, user


def _login(page, base, user, password):
    page.goto(f"{base}/quizzes/my/")
    page.wait_for_url("**/login/**")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/quizzes/my/")


def _saved(page):
    page.locator('.qz-save[data-state="saved"]').wait_for()


def _response(attempt, slot):
    return AttemptAnswer.objects.get(attempt=attempt, slot=slot).response


def _visible_question(page):
    return page.locator(".qz-q.qz-current")


def test_a_whole_contest_on_a_phone_with_a_reload_in_the_middle(live_server, phone, contest, password):
    quiz, _person, user = contest
    page = phone
    _login(page, live_server.url, user, password)

    card = page.locator(f'.qz-card[data-quiz="{quiz.pk}"]')
    start = card.locator('button.qz-start[data-action="start"]')
    box = start.bounding_box()
    assert box is not None and box["x"] + box["width"] <= WIDTH and box["height"] >= 48
    start.tap()
    page.wait_for_url(re.compile(r".*/quizzes/attempts/\d+/$"))
    attempt = Attempt.objects.get(quiz=quiz, user=user)
    assert page.locator(".qz-total").inner_text() == "5"
    assert re.fullmatch(r"\d\d:\d\d", page.locator(".qz-timer").inner_text())
    assert 1150 <= int(page.locator(".qz-timer").get_attribute("data-left")) <= 1200

    # One question per screen: only the first shows; choosing C saves it on the server at once.
    assert page.locator(".qz-q:visible").count() == 1
    assert _visible_question(page).get_attribute("data-slot") == "0"
    _visible_question(page).locator(".qz-opt", has_text="选项2").tap()
    _saved(page)
    assert _response(attempt, 0) == {"choices": [2]}
    assert page.locator(".qz-answered").inner_text() == "1"

    page.locator(".qz-next").tap()
    question = _visible_question(page)
    assert question.get_attribute("data-slot") == "1"
    question.locator(".qz-opt", has_text="选项0").tap()
    question.locator(".qz-opt", has_text="选项3").tap()
    _saved(page)
    assert _response(attempt, 1) == {"choices": [0, 3]}

    # The network drops for the third answer: the page says it is not saved and keeps it on the phone.
    page.route("**/answers/2", lambda route: route.abort("internetdisconnected"))
    page.locator(".qz-next").tap()
    _visible_question(page).locator(".qz-opt", has_text="错").tap()
    page.locator('.qz-save[data-state="unsaved"]').wait_for()
    assert _response(attempt, 2) is None
    kept = page.evaluate(f"JSON.parse(localStorage.getItem('suzhi.quiz.{attempt.pk}'))")
    assert {slot: entry["r"] for slot, entry in kept.items()} == {"2": {"value": False}}

    # Reload with the network back: the server's answers and the phone's unsent one are all there, on the same
    # question, and the unsent one reaches the server.
    page.unroute("**/answers/2")
    page.reload()
    _saved(page)
    assert _response(attempt, 2) == {"value": False}
    assert _visible_question(page).get_attribute("data-slot") == "2"
    assert _visible_question(page).locator("input[value=false]").is_checked()
    assert page.locator('.qz-q[data-slot="0"] input[value="2"]').is_checked()
    assert page.locator('.qz-q[data-slot="1"] input[value="3"]').is_checked()
    assert page.locator(".qz-answered").inner_text() == "3"
    assert page.evaluate(f"localStorage.getItem('suzhi.quiz.{attempt.pk}')") is None

    # The answer sheet marks what is answered and jumps to a question; typing is saved after a pause.
    page.locator(".qz-card-toggle").tap()
    assert page.locator(".qz-cell[data-goto].qz-done").count() == 3
    page.locator('.qz-cell[data-goto="3"]').tap()
    question = _visible_question(page)
    assert question.get_attribute("data-slot") == "3"
    blanks = question.locator("input[data-blank]")
    assert blanks.count() == 2
    blanks.nth(0).fill("安全第一")
    blanks.nth(1).fill("预防为主")
    _saved(page)
    assert _response(attempt, 3) == {"blanks": ["安全第一", "预防为主"]}

    # All questions scrolling, and nothing wider than the phone.
    page.locator(".qz-mode").tap()
    assert page.locator(".qz-q:visible").count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH

    # Submit: the confirm counts the unanswered question; the result shows the score, rank and the key.
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    page.locator(".qz-submit").tap()
    page.wait_for_url(f"**/quizzes/attempts/{attempt.pk}/result/")
    assert len(messages) == 1 and "1" in messages[0]
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED and attempt.finished_by == Attempt.FinishedBy.PARTICIPANT
    assert attempt.score == 8
    assert page.locator(".qz-score").get_attribute("data-score") == "8.00"
    assert page.locator(".qz-explanation", has_text="安全第一、预防为主、综合治理。").is_visible()
    assert page.locator('.qz-reviewed[data-slot="4"] .qz-key').is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH

    # 我的竞赛 now shows the result and no start button (one attempt allowed).
    page.goto(f"{live_server.url}/quizzes/my/")
    card = page.locator(f'.qz-card[data-quiz="{quiz.pk}"]')
    assert card.locator(".qz-my-score").get_attribute("data-score") == "8.00"
    assert card.locator(".qz-start").count() == 0
    assert card.locator('.qz-reason[data-code="attempts_used"]').is_visible()


def test_the_page_submits_itself_when_time_is_up(live_server, phone, contest, password):
    quiz, _person, user = contest
    page = phone
    _login(page, live_server.url, user, password)
    page.locator(f'.qz-card[data-quiz="{quiz.pk}"] button.qz-start').tap()
    page.wait_for_url(re.compile(r".*/quizzes/attempts/\d+/$"))
    attempt = Attempt.objects.get(quiz=quiz, user=user)
    page.locator(".qz-opt", has_text="选项2").first.tap()
    _saved(page)

    # The server's clock says the time is up (within the grace the server allows): the reloaded page
    # shows 00:00 and submits with what was saved.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - datetime.timedelta(seconds=1))
    page.reload()
    page.wait_for_url(f"**/quizzes/attempts/{attempt.pk}/result/")
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED and attempt.score == 2
    assert page.locator(".qz-score").get_attribute("data-score") == "2.00"


def test_an_attempt_submitted_on_another_device_takes_this_page_to_the_result(live_server, phone, contest, password):
    quiz, _person, user = contest
    page = phone
    _login(page, live_server.url, user, password)
    page.locator(f'.qz-card[data-quiz="{quiz.pk}"] button.qz-start').tap()
    page.wait_for_url(re.compile(r".*/quizzes/attempts/\d+/$"))
    attempt = Attempt.objects.get(quiz=quiz, user=user)
    attempt_submit(actor=user, attempt_id=attempt.pk)  # 交卷 on the other phone

    # The next answer here is refused (409): the page does not pretend to keep it and shows the result.
    page.locator(".qz-opt", has_text="选项2").first.tap()
    page.wait_for_url(f"**/quizzes/attempts/{attempt.pk}/result/")
    assert _response(attempt, 0) is None
    assert page.locator(".qz-score").get_attribute("data-score") == "0.00"
    assert page.evaluate(f"localStorage.getItem('suzhi.quiz.{attempt.pk}')") is None
