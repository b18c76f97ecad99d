"""Dictionary and parameter pages: dict.manage only, inline item editing, errors next to the field."""

import pytest

from suzhi.core import params
from suzhi.core.models import DictItem, DictType, SystemParameter


@pytest.fixture(autouse=True)
def fresh_params():
    params.forget()
    yield
    params.forget()


@pytest.mark.parametrize("url", ["/dicts/", "/dicts/org_type/", "/dicts/org_type/edit/", "/params/"])
def test_town_admin_gets_403(tree, login_client, url):
    client = login_client(tree.town_a_admin)
    assert client.get(url).status_code == 403
    posted = {"code": "x", "name": "x", "label": "x", "key": "site_name", "value": "x"}
    assert client.post(url, posted).status_code == 403


def test_town_admin_cannot_edit_an_item(tree, login_client):
    school = DictItem.objects.get(dict_type__code="org_type", code="school")
    response = login_client(tree.town_a_admin).post(
        f"/dicts/org_type/items/{school.pk}/edit/", {"label": "改", "sort_order": 1}
    )
    assert response.status_code == 403
    school.refresh_from_db()
    assert school.label == "学校"


def test_list_and_detail(tree, login_client, django_assert_max_num_queries):
    client = login_client(tree.committee_admin)
    with django_assert_max_num_queries(12):
        html = client.get("/dicts/").content.decode()
    assert "组织类型" in html
    with django_assert_max_num_queries(12):
        detail = client.get("/dicts/org_type/")
    assert "乡镇工会联合会" in detail.content.decode()
    assert client.get("/dicts/no_such/").status_code == 404


def test_create_dictionary_and_item(tree, login_client):
    client = login_client(tree.committee_admin)
    response = client.post("/dicts/", {"code": "skill", "name": "工种"})
    assert response.status_code == 302 and response["Location"] == "/dicts/skill/"
    bad = client.post("/dicts/", {"code": "Bad Code", "name": "工种"})
    assert bad.status_code == 200 and bad.context["form"].errors["code"]
    added = client.post("/dicts/skill/", {"code": "driver", "label": "汽车驾驶", "sort_order": 1, "is_active": "on"})
    assert added.status_code == 302
    assert DictItem.objects.get(dict_type__code="skill", code="driver").label == "汽车驾驶"
    duplicate = client.post("/dicts/skill/", {"code": "driver", "label": "又一个", "sort_order": 2})
    assert duplicate.status_code == 200 and duplicate.context["form"].errors["code"]


def test_inline_item_edit_with_htmx(tree, login_client):
    client = login_client(tree.committee_admin)
    school = DictItem.objects.get(dict_type__code="org_type", code="school")
    url = f"/dicts/org_type/items/{school.pk}/edit/"
    form_row = client.get(url, HTTP_HX_REQUEST="true")
    assert form_row.status_code == 200
    assert "<form" in form_row.content.decode() and "<html" not in form_row.content.decode()
    saved = client.post(url, {"label": "中小学", "label_en": "School", "sort_order": 3}, HTTP_HX_REQUEST="true")
    row = saved.content.decode()
    assert saved.status_code == 200 and "中小学" in row and "<form" not in row
    school.refresh_from_db()
    assert (school.label, school.is_active, school.code) == ("中小学", False, "school")
    bad = client.post(url, {"label": "", "sort_order": 3}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and "<form" in bad.content.decode()


def test_item_edit_without_javascript(tree, login_client):
    client = login_client(tree.committee_admin)
    school = DictItem.objects.get(dict_type__code="org_type", code="school")
    url = f"/dicts/org_type/items/{school.pk}/edit/"
    assert "<html" in client.get(url).content.decode()
    response = client.post(url, {"label": "学校", "sort_order": 7, "is_active": "on"})
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.sort_order == 7


def test_builtin_dictionary_code_is_locked_in_the_form(tree, login_client):
    client = login_client(tree.committee_admin)
    response = client.post("/dicts/org_type/edit/", {"code": "renamed", "name": "单位类型"})
    assert response.status_code == 302 and response["Location"] == "/dicts/org_type/"
    assert DictType.objects.get(code="org_type").name == "单位类型"


def test_param_page_saves_and_shows_errors(tree, login_client, django_capture_on_commit_callbacks):
    client = login_client(tree.committee_admin)
    assert "import_max_rows" in client.get("/params/").content.decode()
    bad = client.post("/params/", {"key": "import_max_rows", "value": "abc"})
    assert bad.status_code == 200
    form = next(f for f in bad.context["forms"] if f.param.key == "import_max_rows")
    assert form.errors["value"]
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post("/params/", {"key": "site_name", "value": "七里镇素质提升平台"})
    assert ok.status_code == 302
    assert SystemParameter.objects.get(key="site_name").value == "七里镇素质提升平台"
    assert "七里镇素质提升平台" in client.get("/").content.decode()  # the header reads the refreshed cache
