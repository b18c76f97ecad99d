"""Notice services and selectors: who reads what, who may change what, transitions, read marks, to-dos."""

import pytest

from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.core.models import Notice, NoticeRead, OperationLog
from suzhi.core.selectors import notices as selectors
from suzhi.core.services import notices as services


def publish(actor, org, title="通知", **extra):
    return services.notice_create(actor=actor, organisation_id=org.pk, title=title, publish=True, **extra)


def titles(user):
    return {n.title for n in selectors.notices_for_user(user=user)}


def test_a_town_notice_reaches_the_town_and_below_only(tree):
    publish(tree.town_a_admin, tree.town_a, "七里镇通知")
    assert titles(tree.participant_a) == {"七里镇通知"}
    assert titles(tree.town_a_admin) == {"七里镇通知"}
    assert titles(tree.town_b_admin) == set()
    assert titles(tree.committee_admin) == set()  # addressed downwards, not upwards


def test_a_committee_notice_reaches_everyone_below(tree):
    publish(tree.committee_admin, tree.committee, "组委会通知")
    for user in (tree.participant_a, tree.town_a_admin, tree.town_b_admin, tree.unit_a_admin, tree.committee_admin):
        assert titles(user) == {"组委会通知"}


def test_drafts_and_withdrawn_notices_are_invisible_to_readers(tree):
    draft = services.notice_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, title="草稿")
    assert draft.status == Notice.Status.DRAFT and titles(tree.participant_a) == set()
    with pytest.raises(NotFound):
        selectors.notice_for_reader(user=tree.participant_a, notice_id=draft.pk)
    # Its manager may open the draft to check it.
    assert selectors.notice_for_reader(user=tree.town_a_admin, notice_id=draft.pk) == draft
    published = publish(tree.town_a_admin, tree.town_a, "已撤回")
    services.notice_withdraw(actor=tree.town_a_admin, notice_id=published.pk)
    assert titles(tree.participant_a) == set()


def test_reader_outside_the_audience_gets_not_found(tree):
    notice = publish(tree.town_a_admin, tree.town_a)
    with pytest.raises(NotFound):
        selectors.notice_for_reader(user=tree.town_b_admin, notice_id=notice.pk)
    assert selectors.notice_for_reader(user=tree.participant_a, notice_id=notice.pk) == notice


def test_cannot_publish_outside_own_scope(tree):
    with pytest.raises(NotFound):
        services.notice_create(actor=tree.town_b_admin, organisation_id=tree.town_a.pk, title="越权")
    with pytest.raises(NotFound):
        services.notice_create(actor=tree.town_a_admin, organisation_id=tree.federation.pk, title="向上")
    assert not Notice.objects.exists()


def test_town_b_cannot_touch_town_a_notice(tree):
    notice = services.notice_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, title="七里镇")
    for call in (
        lambda: services.notice_update(actor=tree.town_b_admin, notice_id=notice.pk, title="改"),
        lambda: services.notice_publish(actor=tree.town_b_admin, notice_id=notice.pk),
        lambda: services.notice_withdraw(actor=tree.town_b_admin, notice_id=notice.pk),
    ):
        with pytest.raises(NotFound):
            call()
    notice.refresh_from_db()
    assert (notice.title, notice.status) == ("七里镇", Notice.Status.DRAFT)


def test_cannot_move_a_notice_out_of_scope(tree):
    notice = services.notice_create(actor=tree.town_a_admin, organisation_id=tree.unit_a.pk, title="单位")
    with pytest.raises(NotFound):
        services.notice_update(actor=tree.town_a_admin, notice_id=notice.pk, organisation_id=tree.town_b.pk)
    services.notice_update(actor=tree.town_a_admin, notice_id=notice.pk, organisation_id=tree.town_a.pk)
    notice.refresh_from_db()
    assert notice.organisation == tree.town_a


def test_transitions(tree):
    actor = tree.town_a_admin
    notice = services.notice_create(actor=actor, organisation_id=tree.town_a.pk, title="通知", body="第一行\r\n第二行")
    assert notice.body == "第一行\n第二行"
    services.notice_publish(actor=actor, notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED and notice.published_at
    with pytest.raises(Conflict):
        services.notice_publish(actor=actor, notice_id=notice.pk)
    services.notice_update(actor=actor, notice_id=notice.pk, title="通知(更正)")
    services.notice_withdraw(actor=actor, notice_id=notice.pk)
    with pytest.raises(Conflict):
        services.notice_update(actor=actor, notice_id=notice.pk, title="再改")
    with pytest.raises(Conflict):
        services.notice_withdraw(actor=actor, notice_id=notice.pk)
    actions = list(OperationLog.objects.filter(object_id=str(notice.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["notice.create", "notice.publish", "notice.update", "notice.withdraw"]
    update = OperationLog.objects.get(action="notice.update")
    assert update.before == {"title": "通知"} and update.organisation == tree.town_a


@pytest.mark.parametrize(("title", "field"), [("  ", "title"), ("长" * 201, "title")])
def test_title_is_checked(tree, title, field):
    with pytest.raises(ValidationFailed) as exc:
        services.notice_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, title=title)
    assert exc.value.detail[0]["field"] == field


def test_mark_read_is_idempotent_and_only_for_the_audience(tree):
    notice = publish(tree.town_a_admin, tree.town_a)
    assert services.notice_mark_read(user=tree.participant_a, notice_id=notice.pk)
    assert services.notice_mark_read(user=tree.participant_a, notice_id=notice.pk)
    assert NoticeRead.objects.filter(notice=notice).count() == 1
    assert not services.notice_mark_read(user=tree.town_b_admin, notice_id=notice.pk)
    assert not services.notice_mark_read(user=tree.committee_admin, notice_id=notice.pk)
    assert NoticeRead.objects.count() == 1
    assert not OperationLog.objects.filter(action__contains="read").exists()


def test_unread_todo(tree, django_assert_max_num_queries):
    assert selectors.unread_notice_todos(tree.participant_a) == []
    first = publish(tree.town_a_admin, tree.town_a, "一")
    publish(tree.committee_admin, tree.committee, "二")
    with django_assert_max_num_queries(2):
        todos = selectors.unread_notice_todos(tree.participant_a)
    assert len(todos) == 1 and todos[0].count == 2 and todos[0].url == "/notices/"
    assert "2" in todos[0].label
    services.notice_mark_read(user=tree.participant_a, notice_id=first.pk)
    assert selectors.unread_notice_todos(tree.participant_a)[0].count == 1


def test_manageable_is_the_scope(tree):
    services.notice_create(actor=tree.town_a_admin, organisation_id=tree.unit_a.pk, title="甲")
    services.notice_create(actor=tree.town_b_admin, organisation_id=tree.town_b.pk, title="乙")
    assert {n.title for n in selectors.notices_manageable(user=tree.town_a_admin)} == {"甲"}
    assert {n.title for n in selectors.notices_manageable(user=tree.committee_admin)} == {"甲", "乙"}
    assert not selectors.notices_manageable(user=tree.participant_a).exists()


def test_target_orgs_are_the_notice_scope(tree):
    from tests.core.factories import make_org

    deep = make_org("车间", parent=tree.unit_a)
    deeper = make_org("班组", parent=deep)
    codes = {o.code for o in selectors.notice_target_orgs(user=tree.town_a_admin)}
    assert codes == {tree.town_a.code, tree.unit_a.code, deep.code, deeper.code}
    assert not selectors.notice_target_orgs(user=tree.participant_a).exists()
