"""Notice pages: audience, 404 outside it, managing within scope, escaping, query counts."""

from suzhi.core.models import Notice, NoticeRead
from suzhi.core.services import notices as services


def publish(actor, org, title="通知", body=""):
    return services.notice_create(actor=actor, organisation_id=org.pk, title=title, body=body, publish=True)


def test_town_notice_seen_in_town_not_in_other_town(tree, login_client):
    notice = publish(tree.town_a_admin, tree.town_a, "七里镇培训通知")
    for user in (tree.participant_a, tree.town_a_admin):
        client = login_client(user)
        assert "七里镇培训通知" in client.get("/notices/").content.decode()
        assert client.get(f"/notices/{notice.pk}/").status_code == 200
    client = login_client(tree.town_b_admin)
    assert "七里镇培训通知" not in client.get("/notices/").content.decode()
    assert client.get(f"/notices/{notice.pk}/").status_code == 404


def test_detail_marks_read_and_escapes_the_body(tree, login_client):
    notice = publish(tree.town_a_admin, tree.town_a, body="第一行\n<script>alert(1)</script>")
    client = login_client(tree.participant_a)
    assert "badge-new" in client.get("/notices/").content.decode()
    html = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "第一行<br>&lt;script&gt;" in html and "<script>alert" not in html
    assert NoticeRead.objects.filter(notice=notice, user=tree.participant_a).exists()
    assert "badge-new" not in client.get("/notices/").content.decode()
    client.get(f"/notices/{notice.pk}/")
    assert NoticeRead.objects.filter(notice=notice).count() == 1


def test_drafts_are_invisible_to_readers(tree, login_client):
    draft = services.notice_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, title="草稿通知")
    client = login_client(tree.participant_a)
    assert "草稿通知" not in client.get("/notices/").content.decode()
    assert client.get(f"/notices/{draft.pk}/").status_code == 404


def test_list_query_count_is_constant(tree, login_client, django_assert_max_num_queries):
    for i in range(30):
        publish(tree.committee_admin, tree.committee, f"通知{i}")
    client = login_client(tree.participant_a)
    with django_assert_max_num_queries(12):
        page = client.get("/notices/")
    assert len(page.context["page_obj"]) == 20


def test_participant_cannot_manage(tree, login_client):
    client = login_client(tree.participant_a)
    for url in ("/notices/manage/", "/notices/new/"):
        assert client.get(url).status_code == 403
    notice = services.notice_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, title="草稿")
    assert client.post(f"/notices/{notice.pk}/publish/").status_code == 403


def test_create_and_publish_from_the_page(tree, login_client):
    client = login_client(tree.town_a_admin)
    form_page = client.get("/notices/new/")
    offered = set(form_page.context["form"].fields["organisation"].queryset.values_list("pk", flat=True))
    assert offered == {tree.town_a.pk, tree.unit_a.pk}
    response = client.post(
        "/notices/new/", {"title": "七里镇通知", "organisation": tree.unit_a.pk, "body": "内容", "action": "publish"}
    )
    assert response.status_code == 302
    notice = Notice.objects.get(title="七里镇通知")
    assert notice.status == Notice.Status.PUBLISHED and notice.organisation == tree.unit_a
    outside = client.post("/notices/new/", {"title": "越权", "organisation": tree.town_b.pk, "action": "publish"})
    assert outside.status_code == 200 and outside.context["form"].errors["organisation"]
    empty = client.post("/notices/new/", {"title": "", "organisation": tree.town_a.pk})
    assert empty.status_code == 200 and empty.context["form"].errors["title"]


def test_town_b_cannot_edit_or_publish_town_a_notice(tree, login_client):
    notice = services.notice_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, title="七里镇草稿")
    client = login_client(tree.town_b_admin)
    assert client.get(f"/notices/{notice.pk}/edit/").status_code == 404
    moved = {"title": "改", "organisation": tree.town_b.pk}
    assert client.post(f"/notices/{notice.pk}/edit/", moved).status_code == 404
    assert client.post(f"/notices/{notice.pk}/publish/").status_code == 404
    assert client.post(f"/notices/{notice.pk}/withdraw/").status_code == 404
    assert "七里镇草稿" not in client.get("/notices/manage/").content.decode()
    notice.refresh_from_db()
    assert (notice.title, notice.status) == ("七里镇草稿", Notice.Status.DRAFT)


def test_manage_edit_publish_withdraw(tree, login_client, django_assert_max_num_queries):
    client = login_client(tree.town_a_admin)
    notice = services.notice_create(actor=tree.town_a_admin, organisation_id=tree.town_a.pk, title="草稿")
    for i in range(25):
        services.notice_create(actor=tree.town_a_admin, organisation_id=tree.unit_a.pk, title=f"单位{i}")
    client.get("/notices/manage/")  # warm the parameter cache
    with django_assert_max_num_queries(12):
        page = client.get("/notices/manage/")
    assert len(page.context["page_obj"]) == 20
    assert client.get("/notices/manage/", {"q": "草稿"}).context["page_obj"].paginator.count == 1
    edited = client.post(f"/notices/{notice.pk}/edit/", {"title": "通知", "organisation": tree.town_a.pk, "body": "x"})
    assert edited.status_code == 302
    assert client.get(f"/notices/{notice.pk}/publish/").status_code == 405
    assert client.post(f"/notices/{notice.pk}/publish/").status_code == 302
    again = client.post(f"/notices/{notice.pk}/publish/", follow=True)
    assert "error" in [m.level_tag for m in again.context["messages"]]
    assert client.post(f"/notices/{notice.pk}/withdraw/").status_code == 302
    notice.refresh_from_db()
    assert (notice.title, notice.status) == ("通知", Notice.Status.WITHDRAWN)
