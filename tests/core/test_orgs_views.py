"""Organisation pages: tree with lazy children, search, detail, forms, move, delete, import, export."""


import pytest
from django.urls import reverse

from suzhi.core.excel import read_rows
from suzhi.core.models import Organisation
from suzhi.core.services.orgs import org_create, org_update
from tests.core.factories import UserFactory, grant
from tests.support import upload, xlsx

HEADER = ["组织编码", "组织名称", "组织类型", "上级编码"]


def url(name, *args, query=""):
    return reverse(f"core:{name}", args=args) + (f"?{query}" if query else "")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def add_units(parent, count, actor):
    return [
        org_create(actor=actor, parent=parent, code=f"{parent.code}-U{i}", name=f"单位{i}", org_type_code="other")
        for i in range(count)
    ]


# ---- tree, children, search ------------------------------------------------------------------------------


def test_tree_shows_scope_roots(tree, login_client):
    page = login_client(tree.town_a_admin).get(url("org_tree")).content.decode()
    assert "七里镇工会联合会" in page and "沙州镇" not in page and "敦煌市总工会" not in page
    assert url("org_children", tree.town_a.pk) in page  # lazily expandable
    assert url("org_import") in page


def test_tree_for_committee_starts_at_the_committee(tree, login_client):
    page = login_client(tree.committee_admin).get(url("org_tree")).content.decode()
    assert "敦煌市职工职业技能素质提升活动组委会" in page and "七里镇工会联合会" not in page


def test_tree_hides_manage_buttons_without_permission(tree, login_client):
    page = login_client(tree.unit_a_admin).get(url("org_tree")).content.decode()
    assert "七里镇甲企业" in page and url("org_import") not in page


def test_tree_needs_view_permission(tree, login_client):
    assert login_client(tree.participant_a).get(url("org_tree")).status_code == 403


def test_tree_page_query_count(tree, login_client, django_assert_max_num_queries):
    client = login_client(tree.committee_admin)
    add_units(tree.federation, 15, tree.committee_admin)
    grant(tree.committee_admin, "town_admin", tree.town_a)  # a second, overlapping grant
    for unit in Organisation.objects.filter(code__startswith="DH-ZGH-U"):
        grant(tree.committee_admin, "town_admin", unit)
    with django_assert_max_num_queries(14):
        page = client.get(url("org_tree")).content.decode()
    # Grants inside the committee's subtree add no roots of their own.
    assert page.count(url("org_children", tree.committee.pk)) == 1 and "单位3" not in page
    assert url("org_detail", tree.town_a.pk) not in page


def test_children_partial(tree, login_client, django_assert_max_num_queries):
    add_units(tree.unit_a, 25, tree.town_a_admin)
    client = login_client(tree.town_a_admin)
    with django_assert_max_num_queries(12):
        response = client.get(url("org_children", tree.unit_a.pk), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and page.count("<li>") == 25
    assert "<html" not in page


def test_search_by_initials_shows_path(tree, login_client, django_assert_max_num_queries):
    add_units(tree.unit_a, 20, tree.town_a_admin)
    client = login_client(tree.town_a_admin)
    with django_assert_max_num_queries(12):
        response = client.get(url("org_search", query="q=dw"), HTTP_HX_REQUEST="true")  # 单位 -> dw
    page = response.content.decode()
    assert page.count('class="muted small">七里镇工会联合会 / 七里镇甲企业 / 单位') == 20
    assert "<html" not in page
    org_update(actor=tree.town_a_admin, org_id=tree.unit_a.pk, data={"name": "七里镇甲公司"})
    full = client.get(url("org_search", query="q=qlzjgs")).content.decode()
    assert "<html" in full and "七里镇甲公司" in full


def test_search_stays_in_scope(tree, login_client):
    page = login_client(tree.town_b_admin).get(url("org_search", query="q=七里")).content.decode()
    assert "七里镇甲企业" not in page


# ---- detail ------------------------------------------------------------------------------------------------


def test_detail(tree, login_client, django_assert_max_num_queries):
    org_update(actor=tree.committee_admin, org_id=tree.unit_a.pk, data={"contact_phone": "13912345678"})
    add_units(tree.unit_a, 20, tree.town_a_admin)
    client = login_client(tree.town_a_admin)
    with django_assert_max_num_queries(18):
        response = client.get(url("org_detail", tree.unit_a.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "13912345678" in page and "单位19" in page
    assert url("org_detail", tree.town_a.pk) in page  # breadcrumb
    assert url("org_detail", tree.federation.pk) not in page  # outside town_a's scope
    assert url("org_edit", tree.unit_a.pk) in page and url("org_delete", tree.unit_a.pk) in page


def test_detail_masks_phone_and_hides_buttons_without_rights(tree, login_client):
    org_update(actor=tree.committee_admin, org_id=tree.unit_a.pk, data={"contact_phone": "13912345678"})
    page = login_client(tree.unit_a_admin).get(url("org_detail", tree.unit_a.pk)).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    assert url("org_edit", tree.unit_a.pk) not in page


# ---- create, edit --------------------------------------------------------------------------------------------


def test_create_page(tree, login_client):
    client = login_client(tree.town_a_admin)
    form = client.get(url("org_create", query=f"parent={tree.town_a.pk}"))
    assert form.status_code == 200 and "乡镇工会联合会" in form.content.decode()  # types from the dictionary
    response = client.post(url("org_create"), {
        "parent": tree.town_a.pk, "code": "PAGE-1", "name": "七里镇乙企业", "org_type": "enterprise",
    })
    org = Organisation.objects.get(code="PAGE-1")
    assert response.status_code == 302 and response["Location"] == url("org_detail", org.pk)
    assert org.path[:-4] == tree.town_a.path


def test_create_page_shows_service_errors_at_fields(tree, login_client):
    response = login_client(tree.town_a_admin).post(url("org_create"), {
        "parent": tree.town_a.pk, "code": "DH-QLZ", "name": "重复", "org_type": "enterprise", "contact_phone": "1",
    })
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"code", "contact_phone"}


def test_create_without_parent_for_town_admin_is_a_form_error(tree, login_client):
    response = login_client(tree.town_a_admin).post(url("org_create"), {
        "code": "ROOTY", "name": "顶级", "org_type": "other"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Organisation.objects.filter(code="ROOTY").exists()


def test_edit_page(tree, login_client):
    client = login_client(tree.town_a_admin)
    assert client.get(url("org_edit", tree.unit_a.pk)).status_code == 200
    response = client.post(url("org_edit", tree.unit_a.pk), {
        "code": "DH-QLZ-001", "name": "七里镇甲公司", "org_type": "enterprise", "is_active": "on",
    })
    assert response.status_code == 302
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.name == "七里镇甲公司" and tree.unit_a.name_initials == "qlzjgs"


def test_manage_pages_need_manage_permission(tree, login_client):
    client = login_client(tree.unit_a_admin)
    assert client.get(url("org_edit", tree.unit_a.pk)).status_code == 403
    assert client.get(url("org_create", query=f"parent={tree.unit_a.pk}")).status_code == 403
    assert client.get(url("org_import")).status_code == 403


# ---- move, delete ---------------------------------------------------------------------------------------------


def test_move_page(tree, login_client):
    client = login_client(tree.committee_admin)
    page = client.get(url("org_move", tree.town_a.pk, query="q=镇")).content.decode()
    assert "沙州镇工会联合会" in page
    assert f'value="{tree.unit_a.pk}"' not in page  # its own subtree is never offered
    response = client.post(url("org_move", tree.unit_a.pk), {"target_id": tree.town_b.pk})
    assert response.status_code == 302
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.path[:-4] == tree.town_b.path


def test_move_page_shows_refusal(tree, login_client):
    response = login_client(tree.committee_admin).post(url("org_move", tree.town_a.pk), {"target_id": tree.unit_a.pk})
    assert response.status_code == 200 and response.context["error"]
    tree.town_a.refresh_from_db()
    assert tree.town_a.path[:-4] == tree.federation.path


def test_delete_page(tree, login_client):
    org = org_create(actor=tree.town_a_admin, parent=tree.town_a, code="GONE", name="待删", org_type_code="other")
    client = login_client(tree.town_a_admin)
    assert client.get(url("org_delete", org.pk)).status_code == 405
    response = client.post(url("org_delete", org.pk))
    assert response.status_code == 302 and response["Location"] == url("org_detail", tree.town_a.pk)
    assert not Organisation.objects.filter(pk=org.pk).exists()


def test_delete_refusal_is_shown(tree, login_client):
    client = login_client(tree.town_a_admin)
    response = client.post(url("org_delete", tree.unit_a.pk), follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "2" in messages[0]  # two user accounts
    assert Organisation.objects.filter(pk=tree.unit_a.pk).exists()


# ---- another town: 404 everywhere -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name", "with_id", "query", "data"),
    [
        ("get", "org_detail", True, "", None),
        ("get", "org_children", True, "", None),
        ("get", "org_edit", True, "", None),
        ("post", "org_edit", True, "", {"code": "DH-QLZ-001", "name": "改", "org_type": "enterprise"}),
        ("get", "org_move", True, "", None),
        ("post", "org_move", True, "", {"target_id": "town_b"}),
        ("post", "org_delete", True, "", None),
        ("get", "org_create", False, "parent={id}", None),
        ("post", "org_create", False, "", {"parent": "{id}", "code": "X-1", "name": "渗透", "org_type": "other"}),
        ("get", "org_export", False, "root={id}", None),
    ],
)
def test_other_town_gets_404(tree, login_client, method, name, with_id, query, data):
    client = login_client(tree.town_b_admin)
    target = tree.unit_a.pk
    address = url(name, *([target] if with_id else []), query=query.format(id=target))
    if data is not None:
        data = {k: (tree.town_b.pk if v == "town_b" else v.format(id=target)) for k, v in data.items()}
        response = client.post(address, data)
    else:
        response = getattr(client, method)(address)
    assert response.status_code == 404
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.name == "七里镇甲企业" and tree.unit_a.path[:-4] == tree.town_a.path
    assert not Organisation.objects.filter(code="X-1").exists()


def test_moving_own_org_under_other_towns_org_is_404(tree, login_client):
    response = login_client(tree.town_b_admin).post(url("org_move", tree.unit_b.pk), {"target_id": tree.unit_a.pk})
    assert response.status_code == 404
    tree.unit_b.refresh_from_db()
    assert tree.unit_b.path[:-4] == tree.town_b.path


# ---- import, template, export ---------------------------------------------------------------------------------


def test_import_preview_then_confirm(tree, login_client, media):
    client = login_client(tree.town_a_admin)
    assert client.get(url("org_import")).status_code == 200
    data = xlsx([HEADER, ["IMP-1", "导入一", "其他", "DH-QLZ"], ["IMP-2", "导入二", "外星", "DH-QLZ"]])
    preview = client.post(url("org_import"), {"step": "preview", "file": upload("o.xlsx", data)})
    assert preview.status_code == 200
    assert preview.context["result"].created == 1 and preview.context["result"].invalid_rows == 1
    assert not Organisation.objects.filter(code="IMP-1").exists()  # a preview writes nothing
    stored = list((media / "imports").iterdir())
    assert len(stored) == 2  # the upload and its error rows

    errors = client.get(url("org_import_errors"))
    sheet = read_rows(b"".join(errors.streaming_content), "e.xlsx")
    assert [row[0] for row in sheet[1:]] == ["IMP-2"] and len(sheet[0]) == 5

    refused = client.post(url("org_import"), {"step": "confirm"})
    assert refused.status_code == 200 and not refused.context["result"].written
    assert not Organisation.objects.filter(code="IMP-1").exists()

    done = client.post(url("org_import"), {"step": "confirm", "skip_invalid": "on"})
    assert done.status_code == 200 and done.context["result"].written
    assert Organisation.objects.filter(code="IMP-1").exists() and not Organisation.objects.filter(code="IMP-2")
    assert client.get(url("org_import_errors")).status_code == 200  # the error rows stay downloadable
    again = client.post(url("org_import"), {"step": "confirm", "skip_invalid": "on"})
    assert again.status_code == 302  # the upload is gone once written


def test_import_confirm_never_reads_a_client_path(tree, login_client, media):
    client = login_client(tree.town_a_admin)
    response = client.post(url("org_import"), {"step": "confirm", "path": "/etc/passwd", "token": "x"})
    assert response.status_code == 302 and response["Location"] == url("org_import")


def test_import_bad_file_is_a_form_error(tree, login_client, media):
    response = login_client(tree.town_a_admin).post(
        url("org_import"), {"step": "preview", "file": upload("a.txt", b"hello")})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert not (media / "imports").exists()


def test_import_other_towns_code_is_a_row_error(tree, login_client, media):
    data = xlsx([HEADER, ["DH-QLZ-001", "改名", "其他", "DH-SZZ"]])
    client = login_client(tree.town_b_admin)
    preview = client.post(url("org_import"), {"step": "preview", "file": upload("o.xlsx", data)})
    assert preview.context["result"].invalid_rows == 1
    client.post(url("org_import"), {"step": "confirm", "skip_invalid": "on"})
    tree.unit_a.refresh_from_db()
    assert tree.unit_a.name == "七里镇甲企业"


def test_import_errors_download_needs_a_preview(tree, login_client, media):
    assert login_client(tree.town_a_admin).get(url("org_import_errors")).status_code == 404


def test_import_template_download(tree, login_client):
    response = login_client(tree.town_a_admin).get(url("org_import_template"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert len(read_rows(response.content, "t.xlsx")[0]) == 9


def test_export_visible_subtree(tree, login_client, django_assert_max_num_queries):
    org_update(actor=tree.committee_admin, org_id=tree.unit_a.pk, data={"contact_phone": "13912345678"})
    add_units(tree.unit_a, 20, tree.town_a_admin)
    client = login_client(tree.town_a_admin)
    with django_assert_max_num_queries(12):
        response = client.get(url("org_export", query=f"root={tree.unit_a.pk}"))
    rows = read_rows(response.content, "x.xlsx")
    assert len(rows) == 22 and rows[1][0] == "DH-QLZ-001" and rows[1][3] == ""  # parent outside the export
    assert rows[2][3] == "DH-QLZ-001" and "13912345678" in rows[1]
    everything = read_rows(client.get(url("org_export")).content, "x.xlsx")
    assert {r[0] for r in everything[1:]} >= {"DH-QLZ", "DH-QLZ-001"}
    assert not {"DH-SZZ", "DH-ZGH"} & {r[0] for r in everything[1:]}


def test_export_masks_phone_without_pii_view(tree, login_client):
    org_update(actor=tree.committee_admin, org_id=tree.unit_a.pk, data={"contact_phone": "13912345678"})
    viewer = UserFactory(organisation=tree.unit_a)
    grant(viewer, "unit_admin", tree.unit_a)
    rows = read_rows(login_client(viewer).get(url("org_export")).content, "x.xlsx")
    assert "139****5678" in rows[1] and "13912345678" not in rows[1]
