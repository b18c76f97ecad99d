"""The competition pages: 比赛管理 (draw, results table, import, ranking steps, standings) for organisers, 比赛报名
for units, 我的比赛 for a participant; another town gets 404, a unit cannot run the competition, no ID number or
phone shown, no plan key where its title belongs, and the lists' queries do not grow with the contestants."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suzhi.competitions.models import Contestant, Draw, Measure, Ranking
from suzhi.competitions.services.draw import numbers_draw
from suzhi.competitions.services.measures import measures_enter
from suzhi.competitions.services.rankings import ranking_compute, ranking_publish, ranking_sign, ranking_verify
from tests.competitions.factories import make_competition, measured_settings, register
from tests.people.factories import make_person
from tests.support import make_participant, upload, xlsx

pytestmark = pytest.mark.django_db


def _stage_url(contest, name="stage", *extra):
    return reverse(f"competitions:{name}", args=[contest.pk, "computer", "final", *extra])


def _shown(response) -> str:
    """The page's text without addresses and data attributes (where plan keys belong)."""
    html = response.content.decode()
    return re.sub(r'(href|action|data-[a-z-]+|value|name|id|for)="[^"]*"', "", html)


def _drawn(contest, tree, n_a=2, n_b=1):
    people = [make_person(f"甲{i}", tree.unit_a, phone=f"1380000{i:04d}") for i in range(n_a)]
    others = [make_person(f"乙{i}", tree.unit_b, phone=f"1390000{i:04d}") for i in range(n_b)]
    register(contest, people, actor=tree.unit_a_admin)
    register(contest, others, actor=tree.town_b_admin)
    numbers_draw(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    return people + others


def test_an_organiser_draws_enters_results_and_takes_the_ranking_to_publication(tree, contest, second_admin,
                                                                                login_client):
    people = [make_person(n, tree.unit_a) for n in ("张一", "李二")]
    register(contest, people, actor=tree.unit_a_admin)
    unranked = make_person("赵列名", tree.unit_b)
    register(contest, [unranked], actor=tree.town_b_admin, official=False)
    client = login_client(tree.committee_admin)
    listed = client.get(reverse("competitions:list"))
    assert listed.status_code == 200 and contest.title in listed.content.decode()
    overview = client.get(reverse("competitions:activity", args=[contest.pk]))
    text = _shown(overview)
    assert "计算机操作 · 决赛" in text and "七里镇甲企业：2" in text and "computer" not in text

    assert client.get(_stage_url(contest)).status_code == 200
    client.post(_stage_url(contest, "draw"))
    draw = Draw.objects.get(activity=contest)
    page = client.get(_stage_url(contest))
    assert draw.seed in page.content.decode() and "cp-draw-button" not in page.content.decode()

    by_person = {c.person_id: c for c in Contestant.objects.filter(activity=contest)}
    first, second, third = (by_person[p.pk] for p in (*people, unranked))
    bad = client.post(_stage_url(contest), {f"m-{first.pk}-theory": "九十", f"m-{second.pk}-theory": "80"})
    assert bad.status_code == 200
    assert f"{first.label}号，理论：" in bad.content.decode() and not Measure.objects.exists()
    saved = client.post(_stage_url(contest), {
        f"m-{first.pk}-theory": "90", f"m-{first.pk}-practical": "80", f"m-{first.pk}-time": "30",
        f"m-{second.pk}-theory": "70", f"m-{second.pk}-practical": "95",
        f"m-{third.pk}-theory": "100", f"m-{third.pk}-practical": "100"})
    assert saved.status_code == 302 and Measure.objects.count() == 7

    client.post(_stage_url(contest, "compute"))
    ranking = Ranking.objects.get(activity=contest)
    page = client.get(_stage_url(contest))
    text = _shown(page)
    assert "草稿" in text and "cp-sign" in page.content.decode() and "cp-publish" not in page.content.decode()
    # 李二: 70×0.4 + 95×0.6 = 85 first; 张一: 90×0.4 + 80×0.6 = 84 second; 赵列名 listed, without a place
    rows = re.findall(r'<tr data-contestant="(\d+)"( class="cp-unofficial")?>\s*<td class="num">(.*?)</td>',
                      page.content.decode().split("cp-standings-table")[1])
    assert [(int(pk), bool(unofficial), "列名参赛" in place or place) for pk, unofficial, place in rows] == [
        (third.pk, True, True), (second.pk, False, "1"), (first.pk, False, "2")]
    assert '<td class="num">95</td>' in page.content.decode() and "95.0000" not in page.content.decode()

    client.post(_stage_url(contest, "ranking_step", ranking.pk, "sign"))
    # The one who computed and signed sees no 复核 button, and is refused if they post it anyway
    page = client.get(_stage_url(contest))
    assert "cp-verify" not in page.content.decode() and "cp-second" in page.content.decode()
    refused = client.post(_stage_url(contest, "ranking_step", ranking.pk, "verify"), follow=True)
    assert "复核" in refused.content.decode() and Ranking.objects.get().state == Ranking.State.SIGNED
    early = client.post(_stage_url(contest, "ranking_step", ranking.pk, "publish"), follow=True)
    assert "现在不能进行这一步" in early.content.decode()
    login_client(second_admin).post(_stage_url(contest, "ranking_step", ranking.pk, "verify"))
    client = login_client(tree.committee_admin)
    client.post(_stage_url(contest, "ranking_step", ranking.pk, "publish"))
    ranking.refresh_from_db()
    assert ranking.state == Ranking.State.PUBLISHED and ranking.published_by == tree.committee_admin
    page = client.get(_stage_url(contest))
    assert "cp-compute" not in page.content.decode() and "已发布" in page.content.decode()
    assert "cp-locked" in page.content.decode() and "cp-save" not in page.content.decode()


def test_another_town_gets_404_and_a_unit_cannot_run_the_competition(tree, login_client):
    contest = make_competition(tree.town_a, settings=measured_settings())
    register(contest, [make_person("甲选手", tree.unit_a)], actor=tree.unit_a_admin)
    town_b = login_client(tree.town_b_admin)
    for url in (reverse("competitions:activity", args=[contest.pk]), _stage_url(contest),
                _stage_url(contest, "measures_import"), reverse("competitions:register", args=[contest.pk])):
        assert town_b.get(url).status_code == 404, url
    for url in (_stage_url(contest, "draw"), _stage_url(contest, "compute"), _stage_url(contest)):
        assert town_b.post(url).status_code == 404, url
    person = make_person("乙选手", tree.unit_b)
    assert town_b.post(reverse("competitions:register", args=[contest.pk]),
                       {"event": "computer", "person": person.pk}).status_code == 404
    assert contest.title not in town_b.get(reverse("competitions:list")).content.decode()
    unit = login_client(tree.unit_a_admin)
    assert unit.get(_stage_url(contest)).status_code == 403
    assert unit.post(_stage_url(contest, "draw")).status_code == 403
    assert not Draw.objects.exists()


def test_a_unit_registers_its_people_sees_the_limit_and_withdraws_before_the_draw(tree, login_client):
    contest = make_competition(tree.federation, settings=measured_settings(per_unit=1))
    zhang, li = make_person("张三", tree.unit_a), make_person("李四", tree.unit_a)
    stranger = make_person("王五", tree.unit_b)
    client = login_client(tree.unit_a_admin)
    assert contest.title in client.get(reverse("competitions:register_list")).content.decode()
    url = reverse("competitions:register", args=[contest.pk])
    found = client.get(url, {"event": "computer", "q": "zs"}).content.decode()
    assert "张三" in found and "李四" not in found and "王五" not in found
    done = client.post(url, {"event": "computer", "person": zhang.pk, "q": ""}, follow=True).content.decode()
    assert "张三已报名" in done and "每个单位至多 1 人" in done
    limited = client.post(url, {"event": "computer", "person": li.pk}, follow=True).content.decode()
    assert "七里镇甲企业已为计算机操作报名1人" in limited
    client.post(url, {"event": "computer", "person": li.pk, "unofficial": "on"})
    assert client.post(url, {"event": "computer", "person": stranger.pk}).status_code == 404
    assert Contestant.objects.filter(activity=contest).count() == 2
    mine = Contestant.objects.get(person=li)
    client.post(reverse("competitions:withdraw", args=[contest.pk, mine.pk]))
    assert Contestant.objects.get(pk=mine.pk).state == Contestant.State.WITHDRAWN
    numbers_draw(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    page = client.get(url).content.decode()
    number = Contestant.objects.get(person=zhang).label
    assert f'<strong class="cp-number">{number}</strong>' in page
    assert reverse("competitions:withdraw", args=[contest.pk, Contestant.objects.get(person=zhang).pk]) not in page
    refused = client.post(reverse("competitions:withdraw", args=[contest.pk, Contestant.objects.get(person=zhang).pk]),
                          follow=True).content.decode()
    assert "已抽签" in refused


def test_the_eligibility_refusal_is_shown_in_chinese(tree, login_client):
    contest = make_competition(tree.federation, settings=measured_settings(), org_types=["school"])
    person = make_person("张三", tree.unit_a)
    page = login_client(tree.unit_a_admin).post(reverse("competitions:register", args=[contest.pk]),
                                                {"event": "computer", "person": person.pk}, follow=True)
    assert "学校" in page.content.decode() and not Contestant.objects.exists()


def test_my_competitions_show_the_number_and_the_published_place_only(tree, contest, second_admin, login_client):
    person, user = make_participant(tree, "王五")
    register(contest, [person, make_person("赵六", tree.unit_a)], actor=tree.unit_a_admin)
    client = login_client(user)
    page = client.get(reverse("competitions:mine")).content.decode()
    assert "计算机操作" in page and "尚未抽签" in page
    numbers_draw(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    contestants = {c.person_id: c for c in Contestant.objects.filter(activity=contest)}
    measures_enter(actor=tree.committee_admin, activity_id=contest.pk, values={
        c.pk: {"theory": "90" if pid == person.pk else "50", "practical": "90"} for pid, c in contestants.items()})
    ranking = ranking_compute(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    page = client.get(reverse("competitions:mine")).content.decode()
    assert contestants[person.pk].label in page and "成绩尚未公布" in page and "第1名" not in page
    ranking_sign(actor=tree.committee_admin, ranking_id=ranking.pk)
    ranking_verify(actor=second_admin, ranking_id=ranking.pk)
    ranking_publish(actor=tree.committee_admin, ranking_id=ranking.pk)
    page = client.get(reverse("competitions:mine")).content.decode()
    assert "第1名" in page and "90.00" in page
    assert "competitions:mine" not in page and reverse("competitions:mine") in page  # the menu links it


def test_the_results_import_previews_then_enters_everything_or_nothing(tree, contest, login_client):
    _drawn(contest, tree)
    numbers = dict(Contestant.objects.filter(activity=contest).values_list("number", "pk"))
    client = login_client(tree.committee_admin)
    template = client.get(_stage_url(contest, "measures_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    url = _stage_url(contest, "measures_import")
    bad = xlsx([["参赛号", "理论", "实操"], ["001", "90", "80"], ["002", "九十", "70"], ["099", "1", "1"]])
    preview = client.post(url, {"file": upload("成绩.xlsx", bad)})
    text = preview.content.decode()
    assert "第 3 行，“理论”列：" in text and "“099”" in text and not Measure.objects.exists()
    confirmed = client.post(url, {"step": "confirm"})
    assert "未导入任何数据" in confirmed.content.decode() and not Measure.objects.exists()
    good = xlsx([["参赛号", "理论", "实操", "用时"], [1, 90, 80, 30], [2, 70, "", ""]])
    client.post(url, {"file": upload("成绩.xlsx", good)})
    assert not Measure.objects.exists()  # the preview writes nothing
    done = client.post(url, {"step": "confirm"})
    assert done.status_code == 200 and Measure.objects.count() == 4
    assert Measure.objects.get(contestant_id=numbers[2], component="theory").value == 70


def test_the_pages_show_no_id_number_phone_or_plan_key(tree, contest, login_client):
    people = _drawn(contest, tree)
    measures_enter(actor=tree.committee_admin, activity_id=contest.pk, values={
        c.pk: {"theory": "80", "practical": "80"} for c in Contestant.objects.filter(activity=contest)})
    ranking_compute(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    pages = [login_client(tree.committee_admin).get(url) for url in (
        reverse("competitions:list"), reverse("competitions:activity", args=[contest.pk]), _stage_url(contest))]
    pages.append(login_client(tree.unit_a_admin).get(reverse("competitions:register", args=[contest.pk])))
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        for person in people:
            assert person.id_number not in html and person.id_number[-6:] not in html
            assert person.phone not in html
        text = _shown(page)
        for key in ("computer", "driving", "theory", "practical", "final"):
            assert key not in text, key
    assert "计算机操作" in pages[2].content.decode()


def _stage_queries(client, contest) -> int:
    client.get(_stage_url(contest))  # the first request of a login fills the caches of roles and menus
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_stage_url(contest)).status_code == 200
    return len(queries)


def test_the_stage_page_queries_do_not_grow_with_the_contestants(tree, login_client):
    counts = []
    for n in (3, 20):
        contest = make_competition(tree.federation, settings=measured_settings())
        people = [make_person(f"选手{n}-{i}", tree.unit_a) for i in range(n)]
        register(contest, people, actor=tree.unit_a_admin)
        numbers_draw(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
        measures_enter(actor=tree.committee_admin, activity_id=contest.pk, values={
            c.pk: {"theory": "80", "practical": str(50 + i)}
            for i, c in enumerate(Contestant.objects.filter(activity=contest))})
        ranking_compute(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
        counts.append(_stage_queries(login_client(tree.committee_admin), contest))
    assert counts[0] == counts[1]


def test_the_campaign_page_links_the_competition_by_role(tree, contest):
    from suzhi.competitions.manifest import activity_url

    _person, worker = make_participant(tree, "王五")
    assert activity_url(contest, tree.committee_admin) == reverse("competitions:activity", args=[contest.pk])
    assert activity_url(contest, tree.unit_a_admin) == reverse("competitions:register", args=[contest.pk])
    assert activity_url(contest, worker) == reverse("competitions:mine")


def test_the_registration_and_my_pages_take_as_many_queries_for_3_as_for_20(tree, login_client):
    person, worker = make_participant(tree, "王五")
    counts = []
    for n in (3, 20):
        contest = make_competition(tree.federation, settings=measured_settings())
        people = [make_person(f"选手{n}-{i}", tree.unit_a, phone=f"1370000{n:02d}{i:02d}") for i in range(n)]
        register(contest, [person, *people], actor=tree.unit_a_admin)
        numbers_draw(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
        unit = login_client(tree.unit_a_admin)
        url = reverse("competitions:register", args=[contest.pk])
        unit.get(url)
        with CaptureQueriesContext(connection) as registration:
            page = unit.get(url)
        for someone in people:
            assert someone.id_number not in page.content.decode() and someone.phone not in page.content.decode()
        mine = login_client(worker)
        mine.get(reverse("competitions:mine"))
        with CaptureQueriesContext(connection) as own:
            page = mine.get(reverse("competitions:mine"))
        assert person.id_number not in page.content.decode() and "competition" not in _shown(page)
        counts.append((len(registration), len(own)))
    assert counts[0] == counts[1]


def test_a_judged_event_links_the_judges_scores_rather_than_entering_them(tree, login_client):
    from tests.competitions.factories import competition_settings

    contest = make_competition(tree.federation, settings=competition_settings())
    page = login_client(tree.committee_admin).get(_stage_url(contest)).content.decode()
    assert reverse("judging:activity", args=[contest.pk]) in page
    assert "实操" not in page.split("cp-entry-table")[1].split("</thead>")[0]  # judged: no column to type in


def test_the_rankings_trail_names_people_not_their_logins(tree, contest, login_client):
    _drawn(contest, tree)
    tree.committee_admin.full_name = "孙组委"
    tree.committee_admin.save(update_fields=["full_name"])
    ranking = ranking_compute(actor=tree.committee_admin, activity_id=contest.pk, event="computer", round_="final")
    ranking_sign(actor=tree.committee_admin, ranking_id=ranking.pk)
    page = login_client(tree.committee_admin).get(_stage_url(contest))
    trail = page.content.decode().split('class="small cp-trail"')[1].split("</ul>")[0]
    assert "计算：孙组委" in trail and "裁判长已签字：孙组委" in trail
    assert tree.committee_admin.username not in trail


def test_a_judge_reads_the_events_title_not_its_plan_key(tree, login_client):
    from suzhi.judging.models import Assignment
    from suzhi.judging.services.assignments import assignment_auto
    from tests.competitions.factories import competition_settings, event_judges
    from tests.core.factories import make_org

    contest = make_competition(tree.federation, settings=competition_settings())
    _drawn(contest, tree, n_a=1, n_b=0)
    (judge,) = event_judges(contest, [make_org("评委单位", parent=tree.federation)], actor=tree.committee_admin)
    assignment_auto(actor=tree.committee_admin, activity_id=contest.pk)
    client = login_client(judge)
    mine = _shown(client.get(reverse("judging:my_entries")))
    sheet = _shown(client.get(reverse("judging:sheet", args=[Assignment.objects.get().pk])))
    for page in (mine, sheet):
        assert "计算机操作" in page and "computer" not in page
