"""Log pages: scope, 403 without log.view, filters, Excel export, constant query counts."""

import pytest

from suzhi.core.excel import read_rows
from suzhi.core.models import LoginLog, OperationLog

OPS = "/logs/operations/"
LOGINS = "/logs/logins/"


def oplog(org, repr_, action="org.update", **extra):
    return OperationLog.objects.create(
        organisation=org, action=action, actor_username="someone", object_type="core.organisation",
        object_repr=repr_, **extra,
    )


@pytest.fixture
def rows(tree):
    return {
        "a": oplog(tree.town_a, "七里镇行", before={"name": "旧名"}, after={"name": "新名"}),
        "b": oplog(tree.town_b, "沙州镇行", before={"name": "沙州旧"}, after={"name": "沙州新"}),
    }


def test_town_b_admin_never_sees_town_a_rows(tree, rows, login_client):
    client = login_client(tree.town_b_admin)
    page = client.get(OPS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "沙州镇行" in html and "七里镇行" not in html
    assert client.get(f"{OPS}{rows['a'].pk}/").status_code == 404


def test_detail_shows_before_and_after(tree, rows, login_client):
    page = login_client(tree.town_b_admin).get(f"{OPS}{rows['b'].pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "沙州旧" in html and "沙州新" in html


def test_participant_gets_403(tree, rows, login_client):
    client = login_client(tree.participant_a)
    assert client.get(OPS).status_code == 403
    assert client.get(f"{OPS}{rows['a'].pk}/").status_code == 403
    assert client.get(LOGINS).status_code == 403
    assert client.get(f"{OPS}?export=xlsx").status_code == 403


def test_time_is_shown_in_chinese_format(tree, rows, login_client):
    import datetime

    OperationLog.objects.filter(pk=rows["b"].pk).update(
        created_at=datetime.datetime(2024, 4, 10, 6, 3, tzinfo=datetime.UTC)
    )
    html = login_client(tree.town_b_admin).get(OPS).content.decode()
    assert "2024年4月10日 14:03" in html


def test_export_has_only_rows_in_scope_and_same_filters(tree, rows, login_client):
    oplog(tree.unit_b, "乙企业行", action="user.create")
    client = login_client(tree.town_b_admin)
    response = client.get(f"{OPS}?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    table = read_rows(response.content, "log.xlsx")
    objects = {row[7] for row in table[1:]}
    assert objects == {"沙州镇行", "乙企业行"}
    filtered = read_rows(client.get(f"{OPS}?action=user.create&export=xlsx").content, "log.xlsx")
    assert [row[7] for row in filtered[1:]] == ["乙企业行"]
    assert filtered[1][4] == "新增用户"  # the readable action, not its code


def test_export_over_the_cap_is_refused_with_a_message(tree, rows, login_client, monkeypatch):
    from suzhi.core.views import logs as views

    monkeypatch.setattr(views, "EXPORT_MAX_ROWS", 1)
    oplog(tree.unit_b, "乙企业行")
    client = login_client(tree.town_b_admin)
    response = client.get(f"{OPS}?actor=some&export=xlsx")
    assert response.status_code == 302
    assert "export" not in response["Location"] and "actor=some" in response["Location"]
    page = client.get(response["Location"])
    assert "2" in page.content.decode() and list(page.context["messages"])


def test_org_code_filter_outside_scope_is_a_form_error(tree, rows, login_client):
    client = login_client(tree.town_b_admin)
    page = client.get(OPS, {"org_code": tree.town_a.code})
    assert page.status_code == 200
    assert page.context["form"].errors["org_code"]
    assert "七里镇行" not in page.content.decode()
    own = client.get(OPS, {"org_code": tree.town_b.code})
    assert "沙州镇行" in own.content.decode()


def test_bad_date_range_is_a_form_error(tree, rows, login_client):
    page = login_client(tree.town_b_admin).get(OPS, {"date_from": "2024-05-01", "date_to": "2024-04-01"})
    assert page.status_code == 200 and page.context["form"].errors["date_to"]


def test_operation_list_query_count_is_constant(tree, login_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login_client(tree.town_b_admin)
    client.get(OPS)  # warm the per-process caches (parameters)

    def queries_for_page():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(OPS)
        return len(ctx.captured_queries), page

    oplog(tree.town_b, "行0")
    few, _ = queries_for_page()
    for i in range(1, 40):
        oplog(tree.unit_b if i % 2 else tree.town_b, f"行{i}")
    many, page = queries_for_page()
    assert len(page.context["page_obj"]) == 20
    assert many == few


def login_row(user, success=True):
    return LoginLog.objects.create(
        username=user.username, user=user, organisation_id=user.organisation_id, ip="10.1.2.3",
        success=success, reason=LoginLog.Reason.OK if success else LoginLog.Reason.BAD_CREDENTIALS,
        user_agent="Mozilla/5.0 MicroMessenger",
    )


def test_login_log_page_scope_filter_and_export(tree, login_client, django_assert_max_num_queries):
    login_row(tree.town_a_admin)
    for _ in range(30):
        login_row(tree.town_b_admin, success=False)
    login_row(tree.town_b_admin)
    client = login_client(tree.town_a_admin)
    html = client.get(LOGINS).content.decode()
    assert "town_a" in html and "town_b" not in html
    b_client = login_client(tree.town_b_admin)
    with django_assert_max_num_queries(12):
        page = b_client.get(LOGINS, {"success": "1"})
    assert page.context["page_obj"].paginator.count == 1
    table = read_rows(b_client.get(LOGINS, {"success": "0", "export": "xlsx"}).content, "x.xlsx")
    assert len(table) == 31 and {row[1] for row in table[1:]} == {"town_b"}
