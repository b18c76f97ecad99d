"""The roster API: masking, the logged full view, scope (404 for another town), query counts."""

import json

import pytest

from suzhi.core.models import OperationLog
from suzhi.people.models import Person
from tests.people.test_persons_helpers import make_person, resident_id

PHONE = "13712345678"
BASE = "/api/v1/people/"


@pytest.fixture
def worker(tree):
    return make_person("张三", tree.unit_a, phone=PHONE)


def masked(person):
    return f"{person.id_number[:6]}********{person.id_number[-4:]}"


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_list_masked_by_default_full_only_when_asked_and_logged(tree, worker, api_client):
    client = api_client(tree.town_a_admin)
    body = client.get(BASE).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["id_number"], item["phone"], item["full"]) == (masked(worker), "137****5678", False)
    # The birth date is the ID number's middle: masked with it, only the year shows.
    assert item["birth_date"] is None and item["birth_year"] == int(worker.id_number[6:10])
    assert not OperationLog.objects.filter(action="person.pii_view").exists()
    item = client.get(BASE, {"full": "true"}).json()["items"][0]
    assert (item["id_number"], item["phone"], item["full"]) == (worker.id_number, PHONE, True)
    assert item["birth_date"] == f"{worker.id_number[6:10]}-{worker.id_number[10:12]}-{worker.id_number[12:14]}"
    assert OperationLog.objects.get(action="person.pii_view").after == {"person_ids": [worker.pk]}


def test_full_is_ignored_without_pii_view(tree, worker, api_client):
    item = api_client(tree.unit_a_admin).get(BASE, {"full": "true"}).json()["items"][0]
    assert (item["id_number"], item["phone"], item["full"]) == (masked(worker), "137****5678", False)
    assert not OperationLog.objects.filter(action="person.pii_view").exists()


def test_detail_masked_and_reveal(tree, worker, api_client):
    client = api_client(tree.town_a_admin)
    body = client.get(f"{BASE}{worker.pk}").json()
    assert body["id_number"] == masked(worker) and body["phone"] == "137****5678"
    assert body["categories"] == [{"code": "in_post", "label": "在岗职工"}]
    body = post(client, f"{BASE}{worker.pk}/reveal").json()
    assert body == {"id_number": worker.id_number, "phone": PHONE}
    assert OperationLog.objects.filter(action="person.pii_view", object_id=str(worker.pk)).count() == 1
    response = post(api_client(tree.unit_a_admin), f"{BASE}{worker.pk}/reveal")
    assert response.status_code == 403 and worker.id_number not in response.content.decode()


def test_create_patch_and_errors(tree, api_client):
    client = api_client(tree.town_a_admin)
    number = resident_id(male=False)
    response = post(client, BASE, {"name": "李四", "id_number": number, "organisation_id": tree.unit_a.pk,
                                   "phone": "13800138000", "categories": ["teacher"], "gender": "男"})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "gender"
    response = post(client, BASE, {"name": "李四", "id_number": number, "organisation_id": tree.unit_a.pk,
                                   "phone": "13800138000", "categories": ["teacher"], "gender": "女"})
    assert response.status_code == 201
    body = response.json()
    assert body["id_number"] == masked(Person.objects.get(pk=body["id"])) and body["phone"] == "138****8000"
    response = post(client, BASE, {"name": "李四", "id_number": number, "organisation_id": tree.unit_a.pk})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "id_number"
    response = client.patch(f"{BASE}{body['id']}", json.dumps({"post": "教研组长", "phone": "1"}),
                            content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert response.json()["detail"][0]["field"] == "phone"
    response = client.patch(f"{BASE}{body['id']}", json.dumps({"post": "教研组长"}), content_type="application/json")
    assert response.status_code == 200 and response.json()["post"] == "教研组长"


def test_transfer_deactivate_reactivate_login(tree, worker, api_client):
    client = api_client(tree.committee_admin)
    response = post(client, f"{BASE}{worker.pk}/transfer", {"to_organisation_id": tree.unit_b.pk, "reason": "调动"})
    assert response.status_code == 200 and response.json()["organisation"]["id"] == tree.unit_b.pk
    response = post(client, f"{BASE}{worker.pk}/deactivate", {"reason": "retired"})
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert post(client, f"{BASE}{worker.pk}/deactivate", {"reason": "retired"}).status_code == 409
    assert post(client, f"{BASE}{worker.pk}/reactivate").json()["is_active"] is True
    response = post(client, f"{BASE}{worker.pk}/login")
    assert response.status_code == 201 and response.json()["username"] == f"ry{worker.pk}"
    assert response.json()["initial_password"]


def test_login_needs_user_manage_too(tree, api_client):
    from suzhi.core.models import Role
    from tests.core.factories import UserFactory, grant

    Role.objects.create(code="roster_clerk", name="名册员", permissions=["person.view", "person.manage"])
    clerk = UserFactory(organisation=tree.town_a)
    grant(clerk, "roster_clerk", tree.town_a)
    person = make_person("赵六", tree.unit_a)
    response = post(api_client(clerk), f"{BASE}{person.pk}/login")
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.user is None
    response = post(api_client(tree.unit_a_admin), f"{BASE}{person.pk}/login")
    assert response.status_code == 201
    assert response.json()["username"] == f"ry{person.pk}"  # no personal data in the username


ENDPOINTS = [
    ("get", "{id}", None),
    ("patch", "{id}", {"name": "改名"}),
    ("post", "{id}/transfer", {"to_organisation_id": 0}),
    ("post", "{id}/deactivate", {"reason": "resigned"}),
    ("post", "{id}/reactivate", None),
    ("post", "{id}/reveal", None),
    ("post", "{id}/login", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_other_town_gets_404_and_changes_nothing(tree, worker, api_client, method, path, body):
    client = api_client(tree.town_b_admin)
    url = BASE + path.format(id=worker.pk)
    if body and "to_organisation_id" in body:
        body = {"to_organisation_id": tree.unit_b.pk}
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    worker.refresh_from_db()
    assert worker.name == "张三" and worker.organisation == tree.unit_a and worker.is_active and worker.user is None
    assert not OperationLog.objects.filter(object_type="people.person", object_id=str(worker.pk)).exists()


def test_other_town_list_and_org_filter(tree, worker, api_client):
    client = api_client(tree.town_b_admin)
    assert client.get(BASE).json()["count"] == 0
    assert client.get(BASE, {"org_id": tree.unit_a.pk}).status_code == 404
    response = post(client, BASE, {"name": "李四", "id_number": resident_id(), "organisation_id": tree.unit_a.pk})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "organisation_id"


def test_participant_sees_only_themself(tree, api_client):
    own = make_person("本人", tree.unit_a, phone=PHONE, user=tree.participant_a)
    other = make_person("同事", tree.unit_a)
    client = api_client(tree.participant_a)
    assert client.get(BASE).status_code == 403
    body = client.get(f"{BASE}{own.pk}").json()
    assert body["name"] == "本人" and body["phone"] == "137****5678"
    assert client.get(f"{BASE}{other.pk}").status_code == 404
    response = client.patch(f"{BASE}{own.pk}", json.dumps({"name": "x"}), content_type="application/json")
    assert response.status_code == 403
    assert post(client, f"{BASE}{own.pk}/reveal").status_code == 403


@pytest.mark.parametrize("full", [False, True])
def test_list_query_count_does_not_grow(tree, api_client, django_assert_max_num_queries, full):
    client = api_client(tree.town_a_admin)
    params = {"full": "true"} if full else {}
    for i in range(5):
        make_person(f"甲{i}", tree.unit_a, categories=("in_post", "teacher"), phone=PHONE)
    client.get(BASE, params)
    with django_assert_max_num_queries(30) as small:
        client.get(BASE, {**params, "page_size": 50})
    for i in range(20):
        make_person(f"乙{i}", tree.unit_a, categories=("in_post", "teacher"))
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        body = client.get(BASE, {**params, "page_size": 50}).json()
    assert len(body["items"]) == 25 and body["count"] == 25
    assert len(large.captured_queries) == len(small.captured_queries)
