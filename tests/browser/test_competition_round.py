"""A whole round of a skills competition through the pages: a judge from an outside enterprise scores the drawn
contestants' practical on a phone, the committee computes the ranking, the chief judge signs it, a second
administrator verifies it and the committee publishes it; the plan's award rule then proposes the 敦煌市技术标兵,
the committee confirms them and issues their certificates of honour, and anyone can verify one on the public page."""

import datetime

import pytest
import yaml
from django.utils import timezone

from suzhi.campaigns.services.plans import plan_load
from suzhi.competitions.models import Contestant
from suzhi.competitions.services.draw import numbers_draw
from suzhi.competitions.services.measures import measures_enter
from suzhi.judging.services.assignments import assignment_auto
from tests.campaigns.factories import plan_data
from tests.competitions.factories import register
from tests.core.factories import UserFactory, grant, make_org
from tests.judging.factories import make_judge, set_panel
from tests.people.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = 390
DAY = datetime.timedelta(days=1)
TITLE = "敦煌市技术标兵"
CONTEST = {
    "key": "contest", "kind": "competition", "title": "全市职工技能大赛",
    "open_in": {"register": ["rollout"], "score": ["rollout"]},
    "settings": {
        "events": [{"key": "computer", "title": "计算机操作", "components": [
            {"key": "theory", "label": "理论", "source": "measured", "weight": 30},
            {"key": "practical", "label": "实操", "source": "judging", "weight": 70}],
            "tie_break": ["practical", "theory"]}],
        "rounds": [{"key": "final", "title": "决赛"}],
        "judging": {"rubric": [{"key": "skill", "label": "操作", "weight": 100, "max_score": 100}],
                    "judges_per_entry": 1, "aggregation": "mean", "blind": True, "panels_by_category": True},
    },
}
CITY_STARS = {"key": "city-stars", "title": "技术标兵", "text": "计算机操作前2名授予敦煌市技术标兵称号。",
              "basis": "ranking", "activity": "contest", "top": 2, "per_ranking": True, "ties": "share",
              "titles": [TITLE], "title_by_ranking": {"计算机操作": TITLE}}
# name, unit, theory, practical: totals 张一 80×0.3 + 90×0.7 = 87, 王三 95×0.3 + 85×0.7 = 88, 李二 70×0.3 + 60×0.7 = 63
CONTESTANTS = [("张一", "unit_a", "80", "90"), ("李二", "unit_a", "70", "60"), ("王三", "unit_b", "95", "85")]


def _competition(tree):
    """The plan with the competition and its award rule; three contestants registered by their units, drawn,
    their theory entered; the judge on the event's panel and assigned every sheet."""
    today = timezone.localdate()
    data = plan_data(year=today.year, awards=[CITY_STARS], phases=[  # registration and scoring open today
        {"key": "launch", "title": "启动阶段", "start": today - DAY * 20, "end": today - DAY * 10},
        {"key": "rollout", "title": "实施阶段", "start": today - DAY * 10, "end": today + DAY * 20}])
    data["activities"].append(CONTEST)
    campaign = plan_load(actor=tree.committee_admin, text=yaml.safe_dump(data, allow_unicode=True))
    contest = campaign.activities.get(key="contest")
    admins = {"unit_a": tree.unit_a_admin, "unit_b": tree.town_b_admin}
    people = {}
    for name, unit, _theory, _practical in CONTESTANTS:
        people[name] = make_person(name, getattr(tree, unit))
        register(contest, [people[name]], actor=admins[unit])
    numbers_draw(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    by_person = {c.person_id: c for c in Contestant.objects.filter(activity=contest)}
    measures_enter(actor=tree.committee_admin, activity_id=contest.pk, values={
        by_person[people[name].pk].pk: {"theory": theory} for name, _unit, theory, _practical in CONTESTANTS})
    judge = make_judge(make_org("市职业技能鉴定站", parent=tree.federation), "judge_zhou")
    judge.full_name = "周评委"
    judge.save(update_fields=["full_name"])
    set_panel(contest, [judge], actor=tree.committee_admin, category="computer")
    assignment_auto(actor=tree.committee_admin, activity_id=contest.pk)
    numbers = {by_person[people[name].pk].label: practical for name, _unit, _theory, practical in CONTESTANTS}
    return campaign, contest, judge, numbers


def _committee_user(tree, username, full_name):
    user = UserFactory(username=username, full_name=full_name, organisation=tree.committee)
    grant(user, "committee_admin", tree.committee)
    return user


def _menu(page, group, entry):
    page.click(f"nav.mainnav summary:text-is('{group}')")
    page.click(f"nav.mainnav a:text-is('{entry}')")


def _stage(page, contest):
    """比赛管理 → the competition → 计算机操作 · 决赛."""
    _menu(page, "活动管理", "比赛管理")
    page.click(f".cp-activity a:text-is('{contest.title}')")
    page.click(".cp-stage a:text-is('计算机操作 · 决赛')")
    page.locator(".cp-stage-page h1").wait_for()
    assert page.locator(".cp-stage-page h1").inner_text() == "计算机操作 · 决赛"


def _state(page):
    badge = page.locator(".cp-ranking .cp-state")
    return badge.get_attribute("data-state"), badge.inner_text()


def test_a_competition_goes_from_the_judges_phone_to_a_verified_certificate(open_page, browser, live_server, tree):
    campaign, contest, judge, practical = _competition(tree)
    # The chief judge (裁判长) is a committee member who also sits on the event's panel: the chief judge signs on
    # the organisers' event page, which offers signing to the panel's judges with the organisers' access. Put on
    # the panel after the assignment, the chief judge scores nothing: the outside judge scores every sheet.
    chief = _committee_user(tree, "chief_judge", "吴裁判长")
    grant(chief, "judge", tree.committee)
    set_panel(contest, [judge, chief], actor=tree.committee_admin, category="computer")
    checker = _committee_user(tree, "checker", "赵复核")

    # 1. The judge, on a phone: 我的评审 → each sheet (blind: only the contestant's number) → the score → 提交.
    phone = open_page(judge, phone=True)
    phone.locator("nav.mainnav a:text-is('我的评审')").tap()
    phone.locator("h1:text-is('我的评审')").wait_for()
    cards = phone.locator("article")
    assert cards.count() == 3
    for card in cards.all():
        text = card.inner_text()
        assert "待评分" in text and "计算机操作 · 决赛" in text and "全市职工技能大赛 · 计算机操作" in text
        assert not any(name in text for name, *_rest in CONTESTANTS)
        assert "computer" not in text, text  # the event's title, never its plan key
    for number, score in practical.items():
        phone.locator("article", has_text=f"· {number}").locator("a").tap()
        assert number in phone.locator("h1").inner_text()
        assert "computer" not in phone.locator("main").inner_text()
        phone.get_by_label("操作").fill(score)
        submit = phone.locator("button[value=submit]")
        box = submit.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE and box["height"] >= 44
        submit.tap()
        phone.locator("text=您的评分已提交。").wait_for()
        assert f"总分 {score}" in phone.locator("form:has(.badge-ok)").inner_text()
        assert phone.get_by_label("操作").is_disabled()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE
        phone.locator(".breadcrumbs a:text-is('我的评审')").tap()
        phone.locator("h1:text-is('我的评审')").wait_for()
    assert phone.locator("article .badge-ok", has_text="已提交").count() == 3

    # 2. The committee computes the ranking on the event page; the chief judge signs it there.
    committee = open_page(tree.committee_admin)
    _stage(committee, contest)
    assert committee.locator(".cp-ranking").inner_text().count("尚未计算") == 1
    committee.click("button.cp-compute")
    committee.locator(".messages li", has_text="排名已计算").wait_for()
    assert _state(committee) == ("draft", "草稿")
    assert committee.locator("button.cp-publish").count() == 0
    chief_page = open_page(chief)
    _stage(chief_page, contest)
    chief_page.click("button.cp-sign")
    chief_page.locator(".messages li", has_text="已签字").wait_for()
    assert _state(chief_page) == ("signed", "裁判长已签字")
    assert "裁判长已签字：吴裁判长" in chief_page.locator(".cp-trail").inner_text()
    # whoever signed may not verify as well
    assert chief_page.locator("button.cp-verify").count() == 0

    # 3. A second administrator verifies; the committee publishes; the standings show the places.
    second = open_page(checker)
    _stage(second, contest)
    second.click("button.cp-verify")
    second.locator(".messages li", has_text="已复核").wait_for()
    assert _state(second) == ("verified", "已核对")
    committee.reload()
    committee.click("button.cp-publish")
    committee.locator(".messages li", has_text="已公布").wait_for()
    assert _state(committee) == ("published", "已发布")
    trail = committee.locator(".cp-trail").inner_text()
    assert "吴裁判长" in trail and "赵复核" in trail
    rows = committee.locator(".cp-standings-table tbody tr")
    places = [(row.locator("td").nth(0).inner_text(), row.locator("td").nth(2).inner_text(),
               row.locator("td").nth(6).inner_text()) for row in rows.all()]
    assert places == [("1", "王三", "88.00"), ("2", "张一", "87.00"), ("3", "李二", "63.00")], places

    # 4. 表彰: the campaign's rules → city-stars → the proposed list → confirm → certificates of honour.
    _menu(committee, "活动管理", "表彰")
    committee.locator(f".ho-campaign[data-campaign='{campaign.pk}'] a.ho-rules").click()
    rule = committee.locator(".ho-rule[data-rule='city-stars']")
    assert rule.locator("h2").inner_text() == CITY_STARS["title"]
    assert "建议0个，已确认0个" in rule.inner_text()
    rule.locator("a.button").click()
    committee.locator(".ho-proposal h1").wait_for()
    assert committee.locator(".ho-none").inner_text() == "名单暂无人员。"
    committee.click(".ho-propose button")
    honours = committee.locator(".ho-honour")
    honours.first.wait_for()
    assert [h.locator("h3").inner_text().split()[0] for h in honours.all()] == ["王三", "张一"]
    assert all(TITLE in h.inner_text() and h.get_attribute("data-state") == "proposed" for h in honours.all())
    committee.click(".ho-confirm button")
    committee.locator(".ho-honour[data-state='confirmed']").first.wait_for()
    assert committee.locator(".ho-honour[data-state='confirmed']").count() == 2
    committee.click(".ho-certify button")
    certificates = committee.locator(".ho-certificate")
    certificates.first.wait_for()
    assert certificates.count() == 2
    numbers = [c.inner_text() for c in certificates.all()]
    assert all(text.startswith("证书 ") and text.endswith(" · 核验") for text in numbers), numbers
    link = committee.locator(".ho-honour", has_text="王三").locator(".ho-certificate a:text-is('核验')")
    code = link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
    number = committee.locator(".ho-honour", has_text="王三").locator(".ho-certificate").inner_text()

    # 5. Anyone, not logged in, types the code on the public verification page.
    context = browser.new_context(locale="zh-CN", viewport={"width": PHONE, "height": 844}, is_mobile=True)
    try:
        public = context.new_page()
        public.set_default_timeout(15000)
        public.goto(f"{live_server.url}/verify/")
        public.fill("#verify-code", code)
        assert public.locator("#verify-form button[type=submit]").inner_text() == "核验"
        public.click("#verify-form button[type=submit]")
        public.locator("#verification").wait_for()
        assert public.locator("#verdict").inner_text() == "本证明真实有效。"
        assert public.locator("#changed").count() == 0
        assert public.locator("#number").inner_text() in number
        assert public.locator("#masked-name").inner_text() == "王*"
        assert public.locator("#conferred").inner_text() == TITLE
    finally:
        context.close()
