"""Operation and login log reads: scope, filters, Beijing-day date ranges."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from suzhi.core.errors import NotFound
from suzhi.core.models import LoginLog, OperationLog
from suzhi.core.selectors import logs as selectors
from tests.core.factories import UserFactory

UTC = datetime.UTC


def oplog(org, action="org.update", *, actor=None, repr_="对象", at=None, **extra):
    row = OperationLog.objects.create(
        organisation=org, action=action, actor=actor, actor_username=getattr(actor, "username", "system"),
        object_type="core.organisation", object_id="1", object_repr=repr_, **extra,
    )
    if at is not None:
        OperationLog.objects.filter(pk=row.pk).update(created_at=at)
    return row


def reprs(rows):
    return {row.object_repr for row in rows}


@pytest.fixture
def rows(tree):
    return {
        "town_a": oplog(tree.town_a, repr_="七里镇行"),
        "unit_a": oplog(tree.unit_a, "user.create", repr_="甲企业行"),
        "town_b": oplog(tree.town_b, repr_="沙州镇行", summary="改了名称"),
        "unit_b": oplog(tree.unit_b, "user.create", repr_="乙企业行"),
        "global": oplog(None, "dict.item_update", repr_="无组织行"),
    }


def test_each_admin_sees_own_subtree_only(tree, rows):
    assert reprs(selectors.operation_logs_visible(user=tree.town_b_admin)) == {"沙州镇行", "乙企业行"}
    assert reprs(selectors.operation_logs_visible(user=tree.unit_a_admin)) == {"甲企业行"}
    # Rows of no organisation are for whole-system viewers only.
    assert "无组织行" not in reprs(selectors.operation_logs_visible(user=tree.committee_admin))
    assert "无组织行" in reprs(selectors.operation_logs_visible(user=UserFactory(is_superuser=True)))


def test_participant_without_log_view_sees_nothing(tree, rows):
    oplog(tree.unit_a, actor=tree.participant_a, repr_="本人行")
    assert not selectors.operation_logs_visible(user=tree.participant_a).exists()


def test_detail_outside_scope_is_not_found(tree, rows):
    with pytest.raises(NotFound):
        selectors.operation_log_get(user=tree.town_b_admin, log_id=rows["town_a"].pk)
    assert selectors.operation_log_get(user=tree.town_b_admin, log_id=rows["unit_b"].pk) == rows["unit_b"]


def test_org_filter_is_that_subtree_and_must_be_visible(tree, rows):
    found = selectors.operation_logs_visible(user=tree.committee_admin, org_id=tree.town_a.pk)
    assert reprs(found) == {"七里镇行", "甲企业行"}
    with pytest.raises(NotFound):
        selectors.operation_logs_visible(user=tree.town_b_admin, org_id=tree.town_a.pk)
    with pytest.raises(NotFound):
        selectors.operation_logs_visible(user=tree.town_b_admin, org_id=999_999)


def test_text_filters(tree, rows):
    user = tree.committee_admin
    assert reprs(selectors.operation_logs_visible(user=user, action="user")) == {"甲企业行", "乙企业行"}
    assert reprs(selectors.operation_logs_visible(user=user, action="org.update")) == {"七里镇行", "沙州镇行"}
    assert reprs(selectors.operation_logs_visible(user=user, action="us")) == set()  # not a loose prefix
    assert reprs(selectors.operation_logs_visible(user=user, q="名称")) == {"沙州镇行"}
    assert reprs(selectors.operation_logs_visible(user=user, q="企业")) == {"甲企业行", "乙企业行"}
    oplog(tree.town_a, actor=tree.town_a_admin, repr_="镇管理员行")
    assert reprs(selectors.operation_logs_visible(user=user, actor="town_a")) == {"镇管理员行"}
    assert reprs(selectors.operation_logs_visible(user=user, object_type="core.user")) == set()


def test_dates_are_beijing_days(tree):
    # 2024-04-10 16:30 UTC is 2024-04-11 00:30 in Beijing.
    late = oplog(tree.town_a, repr_="北京11日", at=datetime.datetime(2024, 4, 10, 16, 30, tzinfo=UTC))
    oplog(tree.town_a, repr_="北京10日", at=datetime.datetime(2024, 4, 10, 15, 59, tzinfo=UTC))
    user = tree.town_a_admin
    day10 = datetime.date(2024, 4, 10)
    day11 = datetime.date(2024, 4, 11)
    assert reprs(selectors.operation_logs_visible(user=user, date_from=day10, date_to=day10)) == {"北京10日"}
    assert reprs(selectors.operation_logs_visible(user=user, date_from=day11)) == {"北京11日"}
    assert reprs(selectors.operation_logs_visible(user=user, date_to=day11)) == {"北京10日", "北京11日"}
    late.refresh_from_db()
    assert late.created_at.astimezone(ZoneInfo("Asia/Shanghai")).day == 11


def login(user, *, success=True, ip="10.0.0.1", username=None):
    return LoginLog.objects.create(
        username=username or user.username, user=user, organisation_id=user.organisation_id, ip=ip,
        success=success, reason=LoginLog.Reason.OK if success else LoginLog.Reason.BAD_CREDENTIALS,
    )


def test_login_log_scope_and_filters(tree):
    login(tree.town_a_admin)
    login(tree.participant_a, success=False, ip="10.0.1.7")
    login(tree.town_b_admin, ip="192.168.3.4")
    LoginLog.objects.create(username="nobody", ip="10.0.0.9", reason=LoginLog.Reason.BAD_CREDENTIALS)

    def names(**filters):
        return {row.username for row in selectors.login_logs_visible(**filters)}

    assert names(user=tree.town_b_admin) == {"town_b"}
    assert names(user=tree.town_a_admin) == {"town_a", "worker_a"}
    assert names(user=tree.town_a_admin, success=False) == {"worker_a"}
    assert names(user=tree.town_a_admin, ip="10.0.1.") == {"worker_a"}
    assert names(user=tree.town_a_admin, ip="10.0.0.1") == {"town_a"}
    assert names(user=tree.town_a_admin, username="WORK") == {"worker_a"}
    assert names(user=tree.participant_a) == set()
    assert "nobody" in names(user=UserFactory(is_superuser=True))


def test_changes_table_labels_fields_and_masks_phones(tree):
    row = oplog(
        tree.town_a, before={"name": "旧名", "contact_phone": "13912345678"},
        after={"name": "新名", "contact_phone": "13912345678", "extra": {"a": 1}},
    )
    changes = {c.field: c for c in selectors.operation_log_changes(row)}
    assert changes["name"].before == "旧名" and changes["name"].after == "新名"
    assert changes["name"].label != "name"  # the model's verbose name
    assert changes["contact_phone"].after == "139****5678"
    assert changes["extra"].before == "" and changes["extra"].multiline
