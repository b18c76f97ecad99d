"""A whole round of a suggestion collection through the pages: a worker submits a suggestion on a phone, the unit
and the town recommend it and the city accepts it, which hands it to the expert judging; the committee sets the
panel and assigns the judges, a judge from another enterprise scores it on a phone, the committee computes the
results, a second administrator verifies them, the committee publishes them and applies the decisions, and the
dashboard's target of adopted suggestions moves from 0 to 1."""

import re

import pytest

from tests.collections.factories import collection_campaign
from tests.core.factories import UserFactory, grant
from tests.judging.factories import make_judge
from tests.support import make_participant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = 390
RUBRIC = [
    {"key": "tech", "label": "技术水平", "weight": 50, "max_score": 50},
    {"key": "use", "label": "实用性", "weight": 50, "max_score": 50},
]
LEVELS = [
    {"title": "单位", "org_types": ["enterprise"]},
    {"title": "乡镇", "org_types": ["town_federation"]},
    {"title": "市总工会", "org_types": ["federation"]},
]
ADOPTED = {"key": "adopted", "title": "采纳建议数", "metric": "collection.adopted", "form": "total",
           "threshold": 1, "deadline": "open"}


def _adopted_on_dashboard(page, campaign):
    _menu(page, "活动管理", "活动")
    page.click(f"text={campaign.title}")
    page.click("main .toolbar >> text=进度看板")
    return page.locator("#targets .target", has_text="采纳建议数")


def _menu(page, group, entry):
    page.click(f"nav.mainnav summary:text-is('{group}')")
    page.click(f"nav.mainnav a:text-is('{entry}')")


def _recommend_in_queue(page, title, reviewer):
    _menu(page, "活动管理", "征集")
    assert page.locator("select[name=organisation] option:checked").inner_text() == reviewer.name
    # The tab shown (待审核) stands out from the others.
    current, other = page.locator("nav.tabs a[aria-current=page]"), page.locator("nav.tabs a:text-is('已退回')")
    assert current.inner_text() == "待审核"
    weight = "el => getComputedStyle(el).fontWeight"
    assert int(current.evaluate(weight)) > int(other.evaluate(weight))
    page.get_by_label(title).check()
    page.select_option("#id_action", label="推荐")
    page.fill("#id_comment", "同意推荐")
    page.click("form.cl-bulk button:text-is('确定')")
    outcome = page.locator(".cl-outcomes li")
    outcome.wait_for()
    assert outcome.get_attribute("data-ok") == "1", outcome.inner_text()
    assert title in outcome.inner_text()
    assert page.locator(f"tr:has(input[name=ids]) >> text={title}").count() == 0  # gone from 待审核


def test_a_suggestion_goes_from_a_phone_to_the_dashboard(open_page, tree):
    activity = collection_campaign(tree, review_levels=LEVELS, targets=[ADOPTED], judging={
        "rubric": RUBRIC, "judges_per_entry": 1, "aggregation": "mean"},
        awards=[{"title": "优秀建议", "by": "score", "min_score": 60, "adopt": True}])
    campaign = activity.campaign
    _person, worker = make_participant(tree, "王五", tree.unit_a, username="wangwu")
    judge = make_judge(tree.unit_b, "judge_li")  # an engineer of another town's enterprise
    judge.full_name = "李评委"
    judge.save(update_fields=["full_name"])
    checker = UserFactory(username="checker", full_name="赵核对", organisation=tree.committee)
    grant(checker, "committee_admin", tree.committee)
    title = "空压机节能改造"

    committee = open_page(tree.committee_admin)
    target = _adopted_on_dashboard(committee, campaign)
    assert re.match(r"0\s*/\s*1 ", target.locator(".target-figures").inner_text())
    assert "target-reached" not in target.get_attribute("class")

    # The worker, on a phone: 我的建议 → submit a new one, fill in the plan's form, save and submit.
    phone = open_page(worker, phone=True)
    phone.locator("nav.mainnav a:text-is('我的建议')").tap()
    phone.locator(f'.cl-activity[data-activity="{activity.pk}"] a.cl-new').tap()
    phone.fill("#id_title", title)
    phone.select_option("#id_category", "节能降耗")
    phone.get_by_label("现状及存在问题").fill("空压机空载运行时间长，电耗高。")
    phone.get_by_label("建议内容及措施").fill("加装变频控制，按用气量调速。")
    phone.get_by_label("经济效益").fill("12.5")
    submit = phone.locator("button.cl-submit")
    box = submit.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE and box["height"] >= 44
    submit.tap()
    phone.locator(".cl-detail[data-state='submitted']").wait_for()
    assert phone.locator(".cl-detail h1").inner_text() == title
    assert phone.locator(".cl-detail .badge").first.inner_text() == "已提交，待审核"
    assert "加装变频控制" in phone.locator(".cl-detail dl").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE

    # The unit, then the town recommend it from their queues; the city level (the committee, reviewing for the
    # federation) recommends it last, which accepts it and hands it to the expert judging.
    _recommend_in_queue(open_page(tree.unit_a_admin), title, tree.unit_a)
    _recommend_in_queue(open_page(tree.town_a_admin), title, tree.town_a)
    _recommend_in_queue(committee, title, tree.federation)
    phone.reload()
    assert phone.locator(".cl-detail .badge").first.inner_text() == "入围"
    assert [step.get_attribute("data-action") for step in phone.locator(".cl-steps li").all()] == [
        "edit", "submit", "recommend", "recommend", "recommend"]

    # The committee puts the judge on the panel and assigns the judges.
    _menu(committee, "活动管理", "专家评审")
    committee.click(f"td a:text-is('{activity.title}')")
    entries = committee.locator("section", has=committee.locator("h2:text-is('作品')"))
    assert entries.locator("th").nth(2).inner_text() == "类别"
    assert "节能降耗" in entries.locator("tr", has_text=title).inner_text()
    committee.select_option("select[name=judges]", label=f"李评委 · {tree.unit_b.name}")
    committee.click("button:text-is('保存评审组')")
    committee.locator(".messages li", has_text="评审组已保存").wait_for()
    committee.click("button:text-is('自动分配评委')")
    committee.locator(".messages li", has_text="评委已分配").wait_for()
    load = committee.locator("tr", has_text="李评委").inner_text().split("\t")
    assert load == ["李评委", tree.unit_b.name, "1", "0"], load
    assert entries.locator("tr", has_text=title).locator("td").last.inner_text() == "1"

    # The judge scores it on a phone: 我的评审 → the sheet → submit.
    judge_phone = open_page(judge, phone=True)
    judge_phone.locator("nav.mainnav a:text-is('我的评审')").tap()
    card = judge_phone.locator("article", has_text=title)
    assert "待评分" in card.inner_text()
    card.locator("a").tap()
    assert "加装变频控制" in judge_phone.locator("dl").inner_text()
    judge_phone.get_by_label("技术水平").fill("40")
    judge_phone.get_by_label("实用性").fill("45")
    judge_phone.locator("button[value=submit]").tap()
    judge_phone.locator("text=您的评分已提交。").wait_for()
    assert "总分 85" in judge_phone.locator("form:has(.badge-ok)").inner_text()
    assert judge_phone.get_by_label("技术水平").is_disabled()
    assert judge_phone.evaluate("document.documentElement.scrollWidth") <= PHONE

    # The committee computes the results; it may not verify its own computation, a second administrator does;
    # the committee publishes them.
    committee.click("a:text-is('成绩')")
    committee.click("button[value=compute]")
    assert committee.locator("th").first.inner_text() == "名次"
    row = committee.locator("tr", has_text=title)
    assert row.locator("td").nth(0).inner_text() == "1" and row.locator("td").nth(4).inner_text() == "85"
    committee.click("button[value=verify]")
    committee.locator("text=评审结果须由计算人以外的人员核对。").wait_for()
    assert committee.locator("main .badge").first.inner_text() == "草稿"
    second = open_page(checker)
    _menu(second, "活动管理", "专家评审")
    second.click(f"tr:has-text('{activity.title}') a:text-is('成绩')")
    second.click("button[value=verify]")
    second.locator("text=结果已核对。").wait_for()
    assert second.locator("main .badge").first.inner_text() == "已核对"
    committee.reload()
    committee.click("button[value=publish]")
    committee.locator("text=结果已发布。").wait_for()
    assert committee.locator("main .badge").first.inner_text() == "已发布"
    assert "由赵核对核对" in committee.locator("main").inner_text()

    # The published results lead on to the activity's review queue, whose 评审结果 applies the plan's awards.
    committee.click(f"a:text-is('前往{activity.title}继续办理')")
    assert committee.locator("select[name=activity] option:checked").inner_text() == activity.title
    committee.click(".cl-results-link a")
    committee.click(".cl-decide button")
    ranked = committee.locator(".cl-ranked li", has_text=title)
    ranked.locator(".cl-adopted").wait_for()
    assert ranked.locator(".cl-award").inner_text() == "优秀建议"

    # The worker sees the decision on the phone, and the dashboard's target has moved.
    phone.reload()
    assert "优秀建议" in phone.locator(".cl-decision").inner_text()
    target = _adopted_on_dashboard(committee, campaign)
    assert re.match(r"1\s*/\s*1 ", target.locator(".target-figures").inner_text())
    assert "target-reached" in target.get_attribute("class")
    assert committee.locator("#children tr", has_text=tree.federation.name).locator("td").last.inner_text() == "1"
