"""The honours pages and API: the organiser proposes, adds and removes with reasons and confirms; the roll shows
the confirmed honours of the viewer's organisations in a fixed number of queries, and exports them with every
cell text; a participant sees their own; another organisation gets 404."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from suzhi.core.models import OperationLog
from suzhi.honours.models import Honour
from suzhi.honours.services.honours import honour_add, honour_remove, honours_confirm, honours_propose
from tests.people.factories import make_person
from tests.support import make_participant

pytestmark = pytest.mark.django_db


def _confirmed(tree, campaign, rule_key="city-stars"):
    honours_propose(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key=rule_key)
    honours_confirm(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key=rule_key)


def test_the_organiser_works_the_list_through_the_pages(tree, campaign, contest, people, login_client):
    client = login_client(tree.committee_admin)
    rules = client.get(reverse("honours:rules", args=[campaign.pk]))
    assert rules.status_code == 200 and b'data-rule="city-stars"' in rules.content
    proposed = client.post(reverse("honours:propose", args=[campaign.pk, "city-stars"]))
    assert proposed.status_code == 302
    page = client.get(reverse("honours:proposal", args=[campaign.pk, "city-stars"]))
    assert page.status_code == 200 and page.content.count(b'data-state="proposed"') == 5
    removed = Honour.objects.get(rule_key="city-stars", name="丁")
    client.post(reverse("honours:remove", args=[removed.pk]), {"reason": "资格审查未通过"})
    assert Honour.objects.get(pk=removed.pk).state == "removed"
    added = client.post(reverse("honours:proposal", args=[campaign.pk, "city-stars"]), {
        "organisation": tree.unit_a.pk, "name": "丙", "title": "技术标兵", "basis": "补录", "reason": "成绩复核后补录"})
    assert added.status_code == 302
    assert Honour.objects.get(rule_key="city-stars", name="丙", title="技术标兵").origin == "manual"
    client.post(reverse("honours:confirm", args=[campaign.pk, "city-stars"]))
    states = sorted(Honour.objects.filter(rule_key="city-stars").values_list("state", flat=True))
    assert states == ["confirmed"] * 5 + ["removed"]


def test_the_add_form_says_when_nobody_has_the_name(tree, campaign, people, login_client):
    client = login_client(tree.committee_admin)
    response = client.post(reverse("honours:proposal", args=[campaign.pk, "jiuquan"]), {
        "organisation": tree.unit_a.pk, "name": "查无此人", "title": "酒泉市技术标兵", "reason": "x"})
    assert response.status_code == 200 and not Honour.objects.exists()


def test_a_town_admin_cannot_reach_the_committees_rules(tree, campaign, contest, login_client, api_client):
    honour = honours_propose(actor=tree.committee_admin, campaign_id=campaign.pk, rule_key="strict")[0]
    client = login_client(tree.town_b_admin)
    assert client.get(reverse("honours:rules", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("honours:proposal", args=[campaign.pk, "strict"])).status_code == 404
    assert client.post(reverse("honours:confirm", args=[campaign.pk, "strict"])).status_code == 404
    assert client.post(reverse("honours:remove", args=[honour.pk]), {"reason": "x"}).status_code == 404
    api = api_client(tree.town_b_admin)
    assert api.post(f"/api/v1/honours/campaigns/{campaign.pk}/rules/strict/propose").status_code == 404
    assert api.post(f"/api/v1/honours/{honour.pk}/remove", {"reason": "x"},
                    content_type="application/json").status_code == 404
    assert api.get(f"/api/v1/honours/{honour.pk}").status_code == 404  # proposed: not on anyone's roll yet
    assert Honour.objects.get(pk=honour.pk).state == "proposed"


def test_the_roll_shows_each_town_its_own_and_not_the_others(tree, campaign, contest, login_client, api_client):
    _confirmed(tree, campaign)
    everyone = {h.name for h in Honour.objects.filter(state="confirmed")}
    assert everyone == {"甲", "乙", "丙", "丁"}
    committee = login_client(tree.committee_admin).get(reverse("honours:roll", args=[campaign.pk]))
    assert committee.content.count(b"data-honour=") == 5
    town_b = api_client(tree.town_b_admin).get(f"/api/v1/honours/campaigns/{campaign.pk}/roll").json()
    assert [h["name"] for h in town_b] == ["丁"]
    outside = api_client(tree.town_b_admin).get(
        f"/api/v1/honours/campaigns/{campaign.pk}/roll?organisation={tree.town_a.pk}")
    assert outside.status_code == 404
    narrowed = api_client(tree.committee_admin).get(
        f"/api/v1/honours/campaigns/{campaign.pk}/roll?organisation={tree.unit_b.pk}").json()
    assert [h["name"] for h in narrowed] == ["丁"]
    page = login_client(tree.town_b_admin).get(reverse("honours:roll", args=[campaign.pk]),
                                               {"organisation": tree.unit_b.pk})
    html = page.content.decode()
    assert page.status_code == 200 and html.count("data-honour=") == 1
    # The organisations to choose from are the viewer's own.
    assert f'value="{tree.unit_b.pk}"' in html and f'value="{tree.unit_a.pk}"' not in html


def test_the_roll_reads_in_a_fixed_number_of_queries(tree, campaign, people, login_client,
                                                     django_assert_max_num_queries):
    admin = tree.committee_admin
    client = login_client(admin)
    url = reverse("honours:roll", args=[campaign.pk])
    client.get(url)  # the session and the menu's first reads

    def add(n):
        for i in range(n):
            person = make_person(f"员工{Honour.objects.count()}{i}", tree.unit_a if i % 2 else tree.unit_b)
            honour_add(actor=admin, campaign_id=campaign.pk, rule_key="jiuquan", person_id=person.pk,
                       reason="酒泉成绩")
        honours_confirm(actor=admin, campaign_id=campaign.pk, rule_key="jiuquan")

    add(2)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    add(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.count(b"data-honour=") == 27


def test_the_proposal_reads_in_a_fixed_number_of_queries(tree, campaign, people, login_client,
                                                          django_assert_max_num_queries):
    admin = tree.committee_admin
    client = login_client(admin)
    url = reverse("honours:proposal", args=[campaign.pk, "jiuquan"])
    client.get(url)

    def add(n):
        for i in range(n):
            person = make_person(f"选手{Honour.objects.count()}{i}", tree.unit_a)
            honour = honour_add(actor=admin, campaign_id=campaign.pk, rule_key="jiuquan", person_id=person.pk,
                                reason="酒泉成绩")
            if i % 3 == 0:
                honour_remove(actor=admin, honour_id=honour.pk, reason="重复")

    add(2)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    add(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.count(b'class="card ho-honour"') == 27


def test_the_export_is_text_only_and_logged(tree, campaign, people, login_client, api_client):
    admin = tree.committee_admin
    formula = make_person('=HYPERLINK("http://x","点击")', tree.unit_a, phone="13812345678")
    honour_add(actor=admin, campaign_id=campaign.pk, rule_key="jiuquan", person_id=formula.pk, reason="酒泉成绩",
               basis="+1 计算机操作")
    honours_confirm(actor=admin, campaign_id=campaign.pk, rule_key="jiuquan")
    response = login_client(tree.town_a_admin).get(reverse("honours:roll_xlsx", args=[campaign.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 1
    cells = {cell.value: cell for cell in rows[0]}
    name = cells[formula.name]
    assert name.data_type == "s" and cells["+1 计算机操作"].data_type == "s"
    values = [cell.value for cell in rows[0]]
    assert formula.id_number not in values and "13812345678" not in " ".join(str(v) for v in values)
    log = OperationLog.objects.get(action="honours.export")
    assert log.actor == tree.town_a_admin and log.after["rows"] == 1
    # Another town's admin exports nothing of town A.
    other = api_client(tree.town_b_admin).get(f"/api/v1/honours/campaigns/{campaign.pk}/roll.xlsx")
    assert other.status_code == 200
    assert list(load_workbook(io.BytesIO(other.content)).active.iter_rows(min_row=2)) == []


def test_a_participant_sees_their_own_honours(tree, campaign, login_client, api_client):
    person, user = make_participant(tree, "陈职工", tree.unit_a)
    other, _user = make_participant(tree, "李职工", tree.unit_a)
    admin = tree.committee_admin
    mine = honour_add(actor=admin, campaign_id=campaign.pk, rule_key="jiuquan", person_id=person.pk,
                      title="酒泉市技术标兵", reason="酒泉成绩")
    honour_add(actor=admin, campaign_id=campaign.pk, rule_key="jiuquan", person_id=other.pk, reason="酒泉成绩")
    page = login_client(user).get(reverse("honours:mine"))
    assert page.status_code == 200 and b"data-honour=" not in page.content  # proposed is not an honour yet
    honours_confirm(actor=admin, campaign_id=campaign.pk, rule_key="jiuquan")
    page = login_client(user).get(reverse("honours:mine"))
    assert page.content.count(b"data-honour=") == 1 and "酒泉市总工会" in page.content.decode()
    api = api_client(user)
    assert [h["id"] for h in api.get("/api/v1/honours/mine").json()] == [mine.pk]
    assert api.get(f"/api/v1/honours/{mine.pk}").json()["recommend_to"] == "酒泉市总工会"
    theirs = Honour.objects.get(person=other)
    assert api.get(f"/api/v1/honours/{theirs.pk}").status_code == 404
    assert login_client(user).get(reverse("honours:roll", args=[campaign.pk])).status_code == 403


def test_the_api_adds_removes_and_confirms(tree, campaign, people, api_client):
    api = api_client(tree.committee_admin)
    base = f"/api/v1/honours/campaigns/{campaign.pk}/rules"
    rules = api.get(base).json()
    assert [r["key"] for r in rules][:2] == ["city-stars", "strict"]
    unit = api.post(f"{base}/units/honours", {"organisation": tree.unit_b.pk, "reason": "表现突出"},
                    content_type="application/json")
    assert unit.status_code == 201 and unit.json()["history"][0]["reason"] == "表现突出"
    no_reason = api.post(f"{base}/units/honours", {"organisation": tree.unit_a.pk, "reason": ""},
                         content_type="application/json")
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "honour_reason_needed"
    proposed = api.post(f"{base}/units/propose").json()
    assert [h["organisation"] for h in proposed] == [tree.unit_a.pk]
    removed = api.post(f"/api/v1/honours/{unit.json()['id']}/remove", {"reason": "重复"},
                       content_type="application/json")
    assert removed.json()["state"] == "removed"
    assert api.post(f"{base}/units/confirm").json() == {"confirmed": 1}
    listed = api.get(f"{base}/units/honours").json()
    assert sorted(h["state"] for h in listed) == ["confirmed", "removed"]
