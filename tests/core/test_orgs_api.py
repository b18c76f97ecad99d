"""The organisation API: shapes, scope (404 for another town), permissions, query counts."""


import pytest

from suzhi.core.models import OperationLog, Organisation
from suzhi.core.services.orgs import org_create, org_update
from tests.core.factories import UserFactory
from tests.support import upload, xlsx

BASE = "/api/v1/orgs"


def as_json(client, method, url, body):
    return getattr(client, method)(url, body, content_type="application/json")


def test_list_is_scoped_and_paginated(tree, api_client):
    response = api_client(tree.town_a_admin).get(f"{BASE}/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [o["code"] for o in body["items"]] == ["DH-QLZ", "DH-QLZ-001"]
    town = body["items"][0]
    assert town["org_type"] == "town_federation" and town["has_children"] is True
    assert town["parent_id"] is None  # the federation is outside town_a's scope
    assert body["items"][1]["parent_id"] == tree.town_a.pk


def test_list_filters(tree, api_client):
    client = api_client(tree.committee_admin)
    by_parent = client.get(f"{BASE}/", {"parent_id": tree.federation.pk}).json()
    assert {o["code"] for o in by_parent["items"]} == {"DH-QLZ", "DH-SZZ"}
    by_type = client.get(f"{BASE}/", {"type": "enterprise"}).json()
    assert {o["code"] for o in by_type["items"]} == {"DH-QLZ-001", "DH-SZZ-001"}
    by_initials = client.get(f"{BASE}/", {"q": "szz"}).json()
    assert {o["code"] for o in by_initials["items"]} == {"DH-SZZ", "DH-SZZ-001"}
    paged = client.get(f"{BASE}/", {"page": 2, "page_size": 4}).json()
    assert paged["count"] == 6 and len(paged["items"]) == 2


def test_list_query_count_does_not_grow_with_rows(tree, api_client, django_assert_max_num_queries):
    client = api_client(tree.town_a_admin)
    for i in range(30):
        org_create(actor=tree.committee_admin, parent=tree.unit_a, code=f"Q-{i}", name=f"班组{i}",
                   org_type_code="other")
    with django_assert_max_num_queries(8):
        response = client.get(f"{BASE}/", {"page_size": 50})
    assert response.json()["count"] == 32
    with django_assert_max_num_queries(8):
        children = client.get(f"{BASE}/{tree.unit_a.pk}/children")
    assert len(children.json()) == 30


def test_phone_is_masked_without_pii_view(tree, api_client):
    org_update(actor=tree.committee_admin, org_id=tree.unit_a.pk, data={"contact_phone": "13912345678"})
    assert api_client(tree.town_a_admin).get(f"{BASE}/{tree.unit_a.pk}").json()["contact_phone"] == "13912345678"
    viewer = UserFactory(organisation=tree.unit_a)
    from tests.core.factories import grant

    grant(viewer, "unit_admin", tree.unit_a)  # org.view without pii.view
    assert api_client(viewer).get(f"{BASE}/{tree.unit_a.pk}").json()["contact_phone"] == "139****5678"


def test_roots(tree, api_client):
    assert [o["code"] for o in api_client(tree.town_b_admin).get(f"{BASE}/roots").json()] == ["DH-SZZ"]
    assert [o["code"] for o in api_client(tree.committee_admin).get(f"{BASE}/roots").json()] == ["DH-ZWH"]


def test_detail_and_children(tree, api_client):
    client = api_client(tree.town_a_admin)
    detail = client.get(f"{BASE}/{tree.unit_a.pk}")
    assert detail.status_code == 200 and detail.json()["name"] == "七里镇甲企业"
    children = client.get(f"{BASE}/{tree.town_a.pk}/children")
    assert [o["code"] for o in children.json()] == ["DH-QLZ-001"]


def test_create(tree, api_client):
    response = as_json(api_client(tree.town_a_admin), "post", f"{BASE}/", {
        "parent_id": tree.town_a.pk, "code": "API-1", "name": "七里镇乙企业", "org_type": "企事业单位",
        "contact_phone": "13912345678",
    })
    assert response.status_code == 201
    body = response.json()
    assert body["parent_id"] == tree.town_a.pk and body["name_initials"] == "qlzyqy"
    assert Organisation.objects.get(code="API-1").path.startswith(tree.town_a.path)


def test_create_bad_input_is_422_with_fields(tree, api_client):
    client = api_client(tree.town_a_admin)
    response = as_json(client, "post", f"{BASE}/", {
        "parent_id": tree.town_a.pk, "code": "DH-QLZ", "name": "重复", "org_type": "外星", "region_code": "1",
    })
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert {d["field"] for d in body["detail"]} == {"code", "org_type", "region_code"}
    missing = as_json(client, "post", f"{BASE}/", {"parent_id": tree.town_a.pk})
    assert missing.status_code == 422
    assert {"code", "name", "org_type"} <= {d["field"] for d in missing.json()["detail"]}


def test_create_root_needs_all_scope(tree, api_client):
    response = as_json(api_client(tree.committee_admin), "post", f"{BASE}/",
                       {"code": "ROOT", "name": "顶级", "org_type": "other"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "parent"


def test_update(tree, api_client):
    response = as_json(api_client(tree.town_a_admin), "patch", f"{BASE}/{tree.unit_a.pk}",
                       {"short_name": "甲", "is_active": False, "name": None})
    assert response.status_code == 200
    assert response.json()["short_name"] == "甲" and response.json()["is_active"] is False
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.name == "七里镇甲企业"


def test_move(tree, api_client):
    response = as_json(api_client(tree.committee_admin), "post", f"{BASE}/{tree.unit_a.pk}/move",
                       {"target_id": tree.town_b.pk})
    assert response.status_code == 200 and response.json()["parent_id"] == tree.town_b.pk
    into_self = as_json(api_client(tree.committee_admin), "post", f"{BASE}/{tree.town_b.pk}/move",
                        {"target_id": tree.unit_a.pk})
    assert into_self.status_code == 422 and into_self.json()["detail"][0]["field"] == "target_id"


def test_delete(tree, api_client):
    org = org_create(actor=tree.town_a_admin, parent=tree.town_a, code="DEL", name="待删", org_type_code="other")
    client = api_client(tree.town_a_admin)
    assert client.delete(f"{BASE}/{org.pk}").status_code == 204
    assert not Organisation.objects.filter(pk=org.pk).exists()
    refused = client.delete(f"{BASE}/{tree.town_a.pk}")
    assert refused.status_code == 409
    assert refused.json()["code"] == "org_in_use" and refused.json()["detail"]


def test_unit_admin_may_read_but_not_write(tree, api_client):
    client = api_client(tree.unit_a_admin)
    assert client.get(f"{BASE}/{tree.unit_a.pk}").status_code == 200
    assert as_json(client, "patch", f"{BASE}/{tree.unit_a.pk}", {"name": "x"}).status_code == 403
    assert client.delete(f"{BASE}/{tree.unit_a.pk}").status_code == 403
    assert api_client(tree.participant_a).get(f"{BASE}/").status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/{id}", None),
        ("get", "/{id}/children", None),
        ("get", "/?parent_id={id}", None),
        ("patch", "/{id}", {"name": "改名"}),
        ("post", "/{id}/move", {"target_id": "{b}"}),
        ("post", "/{b}/move", {"target_id": "{id}"}),
        ("delete", "/{id}", None),
        ("post", "/", {"parent_id": "{id}", "code": "X-1", "name": "渗透", "org_type": "other"}),
    ],
)
def test_other_town_gets_404(tree, api_client, method, path, body):
    client = api_client(tree.town_b_admin)
    ids = {"id": tree.unit_a.pk, "b": tree.unit_b.pk}
    url = BASE + path.format(**ids)
    if body is not None:
        body = {k: int(v.format(**ids)) if isinstance(v, str) and v.startswith("{") else v for k, v in body.items()}
        response = as_json(client, method, url, body)
    else:
        response = getattr(client, method)(url)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.name == "七里镇甲企业" and tree.unit_a.path.startswith(tree.town_a.path)
    assert not Organisation.objects.filter(code="X-1").exists()


def test_import_dry_run_then_write(tree, api_client):
    client = api_client(tree.town_a_admin)
    data = xlsx([["组织编码", "组织名称", "组织类型", "上级编码"], ["IMP-1", "导入单位", "其他", "DH-QLZ"],
                 ["IMP-2", "坏", "其他", "DH-SZZ"]])
    preview = client.post(f"{BASE}/import", {"file": upload("o.xlsx", data), "dry_run": "true"})
    assert preview.status_code == 200
    body = preview.json()
    assert (body["created"], body["written"], body["invalid_rows"]) == (1, False, 1)
    assert body["errors"][0]["row"] == 3 and body["errors"][0]["column"] == "上级编码"
    refused = client.post(f"{BASE}/import", {"file": upload("o.xlsx", data)})
    assert refused.json()["written"] is False and not Organisation.objects.filter(code="IMP-1").exists()
    done = client.post(f"{BASE}/import", {"file": upload("o.xlsx", data), "skip_invalid": "true"})
    assert done.json()["written"] is True
    assert Organisation.objects.filter(code="IMP-1").exists() and not Organisation.objects.filter(code="IMP-2")
    assert OperationLog.objects.filter(action="org.import").count() == 1


def test_import_bad_file_is_422(tree, api_client):
    response = api_client(tree.town_a_admin).post(f"{BASE}/import", {"file": upload("a.txt", b"hi")})
    assert response.status_code == 422 and response.json()["code"] == "not_a_spreadsheet"
    missing = api_client(tree.town_a_admin).post(f"{BASE}/import", {})
    assert missing.status_code == 422


def test_import_other_towns_org_is_a_row_error(tree, api_client):
    data = xlsx([["编码", "名称", "类型", "上级编码"], ["DH-QLZ-001", "改名", "其他", "DH-QLZ"]])
    body = api_client(tree.town_b_admin).post(f"{BASE}/import", {"file": upload("o.xlsx", data)}).json()
    assert body["errors"][0]["column"] == "编码" and not body["written"]
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.name == "七里镇甲企业"


def test_import_template(tree, api_client):
    response = api_client(tree.town_a_admin).get(f"{BASE}/import/template")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert api_client(tree.unit_a_admin).get(f"{BASE}/import/template").status_code == 403
