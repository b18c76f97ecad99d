"""The API and the pages: the same operations, scoped (another town gets 404, a participant cannot review)."""

import pytest
from django.urls import reverse

from suzhi.collections.models import Submission
from tests.collections.factories import VALUES, submitted

pytestmark = pytest.mark.django_db

API = "/api/v1/collections"


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_a_worker_submits_through_the_api_and_the_levels_review(tree, activity, worker, api_client):
    _person, user = worker
    me = api_client(user)
    created = _post(me, f"{API}/submissions", {"activity": activity.pk, "title": "节能建议", "values": VALUES,
                                               "category": "节能降耗", "submit": True})
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["state"] == "submitted" and item["values"]["benefit"] == 12.5
    assert [row["id"] for row in me.get(f"{API}/submissions").json()] == [item["id"]]
    bad = _post(me, f"{API}/submissions", {"activity": activity.pk, "title": "缺", "values": {}, "submit": True})
    assert bad.status_code == 422 and bad.json()["code"] == "form_invalid"
    # A participant cannot review; another town does not see it.
    assert _post(me, f"{API}/submissions/{item['id']}/review", {"action": "recommend"}).status_code == 403
    town_b = api_client(tree.town_b_admin)
    assert town_b.get(f"{API}/submissions/{item['id']}").status_code == 404
    assert _post(town_b, f"{API}/submissions/{item['id']}/review", {"action": "recommend"}).status_code == 404
    assert town_b.get(f"{API}/queue", {"organisation": tree.town_a.pk}).status_code == 404
    unit = api_client(tree.unit_a_admin)
    page = unit.get(f"{API}/queue", {"activity": activity.pk}).json()
    assert page["count"] == 1 and page["items"][0]["id"] == item["id"]
    assert api_client(tree.town_a_admin).get(f"{API}/pending", {"activity": activity.pk}).json() == [
        {"id": tree.unit_a.pk, "name": tree.unit_a.name, "n": 1}]
    outcome = _post(unit, f"{API}/review", {"ids": [item["id"], 123456], "action": "recommend"}).json()
    assert [(o["ok"], o["code"]) for o in outcome] == [(True, ""), (False, "not_found")]
    returned = _post(api_client(tree.town_a_admin), f"{API}/submissions/{item['id']}/review",
                     {"action": "return", "comment": "请补充"})
    assert returned.json()["state"] == "returned"
    me = api_client(user)  # the test client is shared: the last api_client() call decides who it is
    edited = me.put(f"{API}/submissions/{item['id']}", {"title": "节能建议（修改）", "values": VALUES},
                    content_type="application/json")
    assert edited.status_code == 200, edited.content
    again = _post(me, f"{API}/submissions/{item['id']}/submit", {})
    assert again.json()["state"] == "under_review" and again.json()["reviewer"] == tree.town_a.pk
    refused = _post(me, f"{API}/submissions/{item['id']}/withdraw", {})
    assert refused.status_code == 409 and refused.json()["code"] == "submission_state"
    counts = api_client(tree.town_a_admin).get(f"{API}/counts", {"activity": activity.pk,
                                                                 "organisation": tree.town_a.pk}).json()
    assert counts["under_review"] == 1


def test_a_unit_submits_for_a_team_through_the_api(tree, activity, api_client):
    from tests.people.factories import make_person

    one, two = make_person("甲", tree.unit_a), make_person("乙", tree.unit_a)
    response = _post(api_client(tree.unit_a_admin), f"{API}/submissions", {
        "activity": activity.pk, "title": "班组成果", "values": VALUES, "organisation": tree.unit_a.pk,
        "authors": [{"person": one.pk, "share": 70}, {"person": two.pk, "share": 30}]})
    assert response.status_code == 201
    assert [(a["name"], a["share"]) for a in response.json()["authors"]] == [("甲", 70), ("乙", 30)]
    other = _post(api_client(tree.town_b_admin), f"{API}/submissions", {
        "activity": activity.pk, "title": "越权", "values": VALUES, "organisation": tree.unit_a.pk,
        "authors": [{"person": one.pk, "share": 100}]})
    assert other.status_code == 404


def test_the_phone_pages(tree, activity, worker, login_client):
    _person, user = worker
    client = login_client(user)
    page = client.get(reverse("collections:my_list"))
    assert page.status_code == 200 and reverse("collections:new", args=[activity.pk]) in page.content.decode()
    form = client.get(reverse("collections:new", args=[activity.pk]))
    assert form.status_code == 200 and 'name="problem"' in form.content.decode()
    posted = client.post(reverse("collections:new", args=[activity.pk]), {
        "title": "手机上的建议", "category": "节能降耗", "submit": "1", **VALUES})
    item = Submission.objects.get(title="手机上的建议")
    assert posted.status_code == 302 and item.state == "submitted"
    assert client.get(reverse("collections:detail", args=[item.pk])).status_code == 200
    assert client.get(reverse("collections:queue")).status_code == 403
    assert login_client(tree.town_b_admin).get(reverse("collections:detail", args=[item.pk])).status_code == 404
    client = login_client(user)
    withdrawn = client.post(reverse("collections:withdraw", args=[item.pk]))
    assert withdrawn.status_code == 302 and Submission.objects.get(pk=item.pk).state == "withdrawn"


def test_the_review_queue_page_with_bulk_outcomes(tree, activity, worker, login_client):
    _person, user = worker
    items = [submitted(activity, user, f"建议{i}") for i in range(3)]
    client = login_client(tree.unit_a_admin)
    page = client.get(reverse("collections:queue"), {"activity": activity.pk, "organisation": tree.unit_a.pk})
    assert page.status_code == 200 and all(i.title in page.content.decode() for i in items)
    done = client.post(reverse("collections:queue"), {
        "organisation": tree.unit_a.pk, "activity": activity.pk, "ids": [items[0].pk, items[1].pk],
        "action": "reject", "comment": ""})
    html = done.content.decode()
    assert done.status_code == 200 and html.count('data-code="reason_needed"') == 2
    done = client.post(reverse("collections:queue"), {
        "organisation": tree.unit_a.pk, "activity": activity.pk, "ids": [items[0].pk], "action": "recommend"})
    assert 'data-ok="1"' in done.content.decode()
    assert Submission.objects.get(pk=items[0].pk).reviewer == tree.town_a
    # Nothing ticked, or no action chosen: the page says which, and nothing changes
    for data, said in (({"action": "recommend"}, "请先勾选要处理的条目。"),
                       ({"ids": [items[2].pk], "action": "approve"}, "请选择对勾选条目的处理方式。")):
        refused = client.post(reverse("collections:queue"), {"organisation": tree.unit_a.pk, "activity": activity.pk,
                                                               **data})
        assert refused.status_code == 200 and said in refused.content.decode()
    assert Submission.objects.get(pk=items[2].pk).reviewer == tree.unit_a
    committee = login_client(tree.committee_admin).get(reverse("collections:queue"), {"activity": activity.pk})
    assert committee.context["organisation"] == tree.federation  # the highest of a review level
    client = login_client(tree.unit_a_admin)
    campaign_page = client.get(reverse("campaigns:campaign_detail", args=[activity.campaign_id]))
    assert f'{reverse("collections:queue")}?activity={activity.pk}' in campaign_page.content.decode()


def test_a_unit_submits_for_a_team_on_the_page(tree, activity, login_client):
    from tests.people.factories import make_person

    one, two = make_person("甲", tree.unit_a), make_person("乙", tree.unit_a)
    client = login_client(tree.town_a_admin)
    url = reverse("collections:new", args=[activity.pk]) + f"?unit=1&organisation={tree.unit_a.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "甲" in page.content.decode() and 'name="share_0"' in page.content.decode()
    bad = client.post(url, {"title": "班组成果", "author_0": one.pk, "share_0": 50, "author_1": two.pk, "share_1": 40,
                            **VALUES})
    assert bad.status_code == 200 and 'class="errorbox cl-error"' in bad.content.decode()
    done = client.post(url, {"title": "班组成果", "author_0": one.pk, "share_0": 60, "author_1": two.pk,
                             "share_1": 40, "submit": "1", **VALUES})
    item = Submission.objects.get(title="班组成果")
    assert done.status_code == 302 and item.by_unit and item.organisation == tree.unit_a
    assert [(a.person_id, a.share) for a in item.authors.all()] == [(one.pk, 60), (two.pk, 40)]
    assert item.state == "submitted" and item.reviewer == tree.unit_a
    other = login_client(tree.town_b_admin).get(url)
    assert other.status_code == 404


def test_the_bulk_outcome_names_the_items_the_reviewer_may_see(tree, activity, worker, login_client):
    """The clerk reads which suggestion each line of the outcome is about; an id of another town's submission
    posted by hand is refused without its title."""
    from tests.support import make_participant

    _person, user = worker
    mine = submitted(activity, user, "空压机节能改造")
    _other, other_user = make_participant(tree, "赵六", tree.unit_b)
    theirs = submitted(activity, other_user, "沙州镇的建议")
    done = login_client(tree.unit_a_admin).post(reverse("collections:queue"), {
        "organisation": tree.unit_a.pk, "activity": activity.pk, "ids": [mine.pk, theirs.pk],
        "action": "recommend"})
    html = done.content.decode()
    lines = html[html.index('class="card cl-outcomes"'):html.index("</ul>", html.index('class="card cl-outcomes"'))]
    assert f'data-id="{mine.pk}" data-ok="1"' in lines and "空压机节能改造" in lines
    assert f'data-id="{theirs.pk}" data-ok="0"' in lines and "沙州镇的建议" not in html


def test_the_reviewer_reviews_on_the_submission_page_in_the_collections_words(tree, activity, worker,
                                                                             login_client):
    """The reviewer's form on a submission's page says 审核 (what the levels do), not 评审 (the experts' judging)."""
    _person, user = worker
    item = submitted(activity, user)
    html = login_client(tree.unit_a_admin).get(reverse("collections:detail", args=[item.pk])).content.decode()
    assert '<label for="id_action">审核</label>' in html and "评审" not in html
