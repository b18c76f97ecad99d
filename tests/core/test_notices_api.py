"""Notice API: audience, 404 outside it and outside the manager's scope, transitions, query counts."""

from suzhi.core.models import Notice, NoticeRead
from suzhi.core.services import notices as services

BASE = "/api/v1/notices"


def publish(actor, org, title="通知"):
    return services.notice_create(actor=actor, organisation_id=org.pk, title=title, publish=True)


def test_mine_and_detail_follow_the_audience(tree, api_client):
    notice = publish(tree.town_a_admin, tree.town_a, "七里镇通知")
    reader = api_client(tree.participant_a)
    mine = reader.get(f"{BASE}/mine").json()
    assert mine["count"] == 1 and mine["items"][0]["is_read"] is False
    detail = reader.get(f"{BASE}/{notice.pk}")
    assert detail.status_code == 200 and detail.json()["is_read"] is True
    assert NoticeRead.objects.filter(notice=notice, user=tree.participant_a).exists()
    assert reader.get(f"{BASE}/mine", {"unread": True}).json()["count"] == 0
    outsider = api_client(tree.town_b_admin)
    assert outsider.get(f"{BASE}/mine").json()["count"] == 0
    response = outsider.get(f"{BASE}/{notice.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_committee_notice_reaches_everyone(tree, api_client):
    publish(tree.committee_admin, tree.committee, "组委会通知")
    for user in (tree.participant_a, tree.town_b_admin, tree.unit_a_admin):
        assert [n["title"] for n in api_client(user).get(f"{BASE}/mine").json()["items"]] == ["组委会通知"]


def test_create_publish_withdraw(tree, api_client):
    client = api_client(tree.town_a_admin)
    created = client.post(
        f"{BASE}/", {"organisation_id": tree.town_a.pk, "title": "草稿", "body": "正文"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["status"] == "draft"
    notice_id = created.json()["id"]
    assert api_client(tree.participant_a).get(f"{BASE}/{notice_id}").status_code == 404
    client = api_client(tree.town_a_admin)  # the fixture's client carries one token at a time
    patched = client.patch(f"{BASE}/{notice_id}", {"pinned": True}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["pinned"] is True and patched.json()["title"] == "草稿"
    assert client.post(f"{BASE}/{notice_id}/publish").json()["status"] == "published"
    conflict = client.post(f"{BASE}/{notice_id}/publish")
    assert conflict.status_code == 409 and conflict.json()["code"] == "notice_not_draft"
    assert client.post(f"{BASE}/{notice_id}/withdraw").json()["status"] == "withdrawn"


def test_validation_error_names_the_field(tree, api_client):
    response = api_client(tree.town_a_admin).post(
        f"{BASE}/", {"organisation_id": tree.town_a.pk, "title": " "}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "title"


def test_town_b_gets_404_for_town_a_notice(tree, api_client):
    notice = services.notice_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, title="七里镇草稿")
    client = api_client(tree.town_b_admin)
    responses = [
        client.get(f"{BASE}/{notice.pk}"),
        client.patch(f"{BASE}/{notice.pk}", {"title": "改"}, content_type="application/json"),
        client.post(f"{BASE}/{notice.pk}/publish"),
        client.post(f"{BASE}/{notice.pk}/withdraw"),
        client.post(f"{BASE}/", {"organisation_id": tree.town_a.pk, "title": "越权"}, content_type="application/json"),
    ]
    assert [r.status_code for r in responses] == [404] * 5
    assert client.get(f"{BASE}/manage").json()["count"] == 0
    notice.refresh_from_db()
    assert (notice.title, notice.status) == ("七里镇草稿", Notice.Status.DRAFT)


def test_participant_cannot_manage(tree, api_client):
    client = api_client(tree.participant_a)
    assert client.get(f"{BASE}/manage").status_code == 403
    response = client.post(
        f"{BASE}/", {"organisation_id": tree.unit_a.pk, "title": "x"}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_list_query_counts(tree, api_client, django_assert_max_num_queries):
    for i in range(30):
        publish(tree.committee_admin, tree.committee, f"通知{i}")
    reader = api_client(tree.participant_a)
    with django_assert_max_num_queries(6):
        assert len(reader.get(f"{BASE}/mine").json()["items"]) == 20
    manager = api_client(tree.committee_admin)
    with django_assert_max_num_queries(8):
        body = manager.get(f"{BASE}/manage", {"page_size": 30}).json()
    assert body["count"] == 30 and body["items"][0]["read_count"] == 0
