"""Dictionary and parameter API: who may read and change, 422 with the field, route order."""

import pytest

from suzhi.core import params
from suzhi.core.models import DictItem, SystemParameter

BASE = "/api/v1/dicts"


@pytest.fixture(autouse=True)
def fresh_params():
    params.forget()
    yield
    params.forget()


def test_any_logged_in_user_reads_active_items(tree, api_client):
    DictItem.objects.filter(dict_type__code="org_type", code="other").update(is_active=False)
    client = api_client(tree.participant_a)
    assert "org_type" in {t["code"] for t in client.get(f"{BASE}/").json()}
    codes = [i["code"] for i in client.get(f"{BASE}/org_type/items").json()]
    assert codes[0] == "committee" and "other" not in codes
    # ?all=1 needs dict.manage; without it the answer is still the active list.
    assert "other" not in [i["code"] for i in client.get(f"{BASE}/org_type/items?all=1").json()]
    assert client.get(f"{BASE}/nope/items").status_code == 404


def test_manager_sees_inactive_items_with_all(tree, api_client):
    DictItem.objects.filter(dict_type__code="org_type", code="other").update(is_active=False)
    client = api_client(tree.committee_admin)
    assert "other" in [i["code"] for i in client.get(f"{BASE}/org_type/items?all=1").json()]


def test_town_admin_cannot_change_dictionaries(tree, api_client):
    client = api_client(tree.town_a_admin)
    school = DictItem.objects.get(dict_type__code="org_type", code="school")
    calls = [
        client.post(f"{BASE}/org_type/items", {"code": "x", "label": "x"}, content_type="application/json"),
        client.patch(f"{BASE}/org_type/items/{school.pk}", {"label": "x"}, content_type="application/json"),
        client.post(f"{BASE}/", {"code": "skill", "name": "工种"}, content_type="application/json"),
        client.get(f"{BASE}/params/all"),
        client.patch(f"{BASE}/params/site_name", {"value": "x"}, content_type="application/json"),
    ]
    assert [r.status_code for r in calls] == [403] * 5
    assert {r.json()["code"] for r in calls} == {"permission_denied"}
    school.refresh_from_db()
    assert school.label == "学校"


def test_create_and_patch_items(tree, api_client):
    client = api_client(tree.committee_admin)
    created = client.post(
        f"{BASE}/org_type/items", {"code": "station2", "label": "分站", "sort_order": 20},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["code"] == "station2"
    item_id = created.json()["id"]
    patched = client.patch(
        f"{BASE}/org_type/items/{item_id}", {"is_active": False}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json() == {
        "id": item_id, "code": "station2", "label": "分站", "label_en": "", "sort_order": 20, "is_active": False,
    }
    renamed = client.patch(f"{BASE}/org_type/items/{item_id}", {"code": "s3"}, content_type="application/json")
    assert renamed.status_code == 422 and renamed.json()["detail"][0]["field"] == "code"
    other_dict = client.patch(f"{BASE}/nope/items/{item_id}", {"label": "x"}, content_type="application/json")
    assert other_dict.status_code == 404


def test_params_routes_come_before_dictionary_codes(tree, api_client):
    client = api_client(tree.committee_admin)
    listed = client.get(f"{BASE}/params/all")
    assert listed.status_code == 200
    assert {"site_name", "import_max_rows"} <= {p["key"] for p in listed.json()}


def test_int_param_rejects_text_with_the_field(tree, api_client):
    response = api_client(tree.committee_admin).patch(
        f"{BASE}/params/import_max_rows", {"value": "abc"}, content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and body["detail"][0]["field"] == "value"
    assert SystemParameter.objects.get(key="import_max_rows").value == "200000"


def test_param_update_refreshes_the_cache(tree, api_client, django_capture_on_commit_callbacks):
    client = api_client(tree.committee_admin)
    assert params.get_param("import_max_rows") == 200000
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(f"{BASE}/params/import_max_rows", {"value": 800}, content_type="application/json")
    assert response.status_code == 200 and response.json()["value"] == "800"
    assert params.get_param("import_max_rows") == 800
    assert client.patch(f"{BASE}/params/nope", {"value": 1}, content_type="application/json").status_code == 404
