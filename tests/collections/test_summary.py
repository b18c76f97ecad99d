"""The summary table (汇总表): the figures per organisation right below and per category against hand counts, the
award list once the results are published, the PDF (valid, Chinese, logged), a fixed number of queries whatever the
number of organisations, and the scope: a town sees only its units, another organisation gets 404."""

import io

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suzhi.collections.selectors.summary import activity_summary
from suzhi.collections.services.decisions import decisions_apply
from suzhi.collections.services.submissions import submission_save, submission_withdraw
from suzhi.core.models import OperationLog
from tests.collections.decided import accepted, decided_campaign, publish
from tests.collections.factories import VALUES, review, submitted
from tests.core.factories import UserFactory, grant, make_org
from tests.support import make_participant

pytestmark = pytest.mark.django_db

API = "/api/v1/collections/activities"
FIELDS = ("submitted", "recommended", "not_passed", "judging", "adopted", "awarded")


def _figures(counts):
    return tuple(getattr(counts, name) for name in FIELDS)


def _unit_b_admin(tree):
    admin = UserFactory(organisation=tree.unit_b)
    grant(admin, "unit_admin", tree.unit_b)
    return admin


def _collected(tree, activity):
    """unit_a: one accepted (节能降耗), one rejected by the town (安全生产), one returned by the unit (no category),
    a draft and a withdrawn one; unit_b: one waiting at the unit (节能降耗), one recommended by the town to the
    federation (安全生产)."""
    _p, worker_a = make_participant(tree, "职工甲", tree.unit_a)
    _p, worker_b = make_participant(tree, "职工乙", tree.unit_b)
    unit_b_admin = _unit_b_admin(tree)
    first = submitted(activity, worker_a, title="甲一", category="节能降耗")
    for admin in (tree.unit_a_admin, tree.town_a_admin, tree.committee_admin):
        first = review(admin, first, "recommend")
    second = review(tree.unit_a_admin, submitted(activity, worker_a, title="甲二", category="安全生产"), "recommend")
    review(tree.town_a_admin, second, "reject", comment="重复")
    review(tree.unit_a_admin, submitted(activity, worker_a, title="甲三"), "return", comment="补充")
    submission_save(actor=worker_a, activity_id=activity.pk, title="甲草稿", values=dict(VALUES))
    submission_withdraw(actor=worker_a, submission_id=submitted(activity, worker_a, title="甲撤回").pk)
    submitted(activity, worker_b, title="乙一", category="节能降耗")
    seventh = submitted(activity, worker_b, title="乙二", category="安全生产")
    for admin in (unit_b_admin, tree.town_b_admin):
        seventh = review(admin, seventh, "recommend")
    assert first.state == "accepted" and seventh.state == "under_review"


def test_the_committee_reads_its_towns_and_categories_against_hand_counts(tree, activity):
    _collected(tree, activity)
    summary = activity_summary(user=tree.committee_admin, activity_id=activity.pk)
    assert summary.organisation == tree.federation and summary.issuer == tree.committee
    rows = {row.label: _figures(row.counts) for row in summary.by_organisation}
    assert rows == {tree.town_a.name: (3, 1, 2, 1, 0, 0), tree.town_b.name: (2, 1, 0, 0, 0, 0)}
    assert [row.organisation_id for row in summary.by_organisation] == [tree.town_a.pk, tree.town_b.pk]
    assert _figures(summary.organisation_total) == (5, 2, 2, 1, 0, 0)
    assert [(row.label, _figures(row.counts)) for row in summary.by_category] == [
        ("节能降耗", (2, 1, 0, 1, 0, 0)), ("安全生产", (2, 1, 1, 0, 0, 0)), ("", (1, 0, 1, 0, 0, 0))]
    assert _figures(summary.category_total) == _figures(summary.organisation_total)
    assert not summary.published and summary.awarded == []


def test_a_town_sees_only_its_units_and_what_left_each_of_them(tree, activity, login_client):
    _collected(tree, activity)
    quiet = make_org("七里镇乙企业", parent=tree.town_a)
    summary = activity_summary(user=tree.town_a_admin, activity_id=activity.pk)
    assert summary.organisation == tree.town_a and summary.issuer == tree.town_a
    # From unit_a's point of view the rejected item was recommended onwards too (to the town).
    assert [(row.label, _figures(row.counts)) for row in summary.by_organisation] == [
        (tree.unit_a.name, (3, 2, 2, 1, 0, 0)), (quiet.name, (0, 0, 0, 0, 0, 0))]
    page = login_client(tree.town_a_admin).get(reverse("collections:summary", args=[activity.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and tree.unit_a.name in body and quiet.name in body
    assert tree.unit_b.name not in body and tree.town_b.name not in body and "乙一" not in body


def test_awards_benefit_and_the_award_list_once_published(tree, login_client, api_client):
    activity = decided_campaign(tree, benefit_field="benefit")
    items = [accepted(tree, activity, tree.unit_a, "职工甲", "甲建议"),
             accepted(tree, activity, tree.unit_b, "职工乙", "乙建议")]
    publish(tree, activity, {items[0].pk: 50, items[1].pk: 95})
    decisions_apply(actor=tree.committee_admin, activity_id=activity.pk)
    summary = activity_summary(user=tree.committee_admin, activity_id=activity.pk)
    rows = {row.label: row.counts for row in summary.by_organisation}
    assert _figures(rows[tree.town_a.name]) == (1, 1, 0, 1, 0, 1)  # 鼓励奖, not adopted
    assert _figures(rows[tree.town_b.name]) == (1, 1, 0, 1, 1, 1)  # 一等奖, adopted
    assert rows["评审专家库"].submitted == 0  # every organisation below is listed, zeros included
    assert str(rows[tree.town_a.name].benefit) == "12.5" and str(summary.organisation_total.benefit) == "25.0"
    assert summary.published
    assert [(r.place, r.award, r.title, r.unit, r.first_author, float(r.score)) for r in summary.awarded] == [
        (1, "一等奖", "乙建议", tree.unit_b.name, "职工乙", 95.0),
        (2, "鼓励奖", "甲建议", tree.unit_a.name, "职工甲", 50.0)]
    town_a = activity_summary(user=tree.town_a_admin, activity_id=activity.pk)
    assert [r.title for r in town_a.awarded] == ["甲建议"]
    data = api_client(tree.committee_admin).get(f"{API}/{activity.pk}/summary").json()
    assert data["organisation"] == tree.federation.pk and data["organisation_total"]["benefit"] == 25.0
    assert data["organisation_total"]["awarded"] == 2 and data["awarded"][0]["first_author"] == "职工乙"
    assert "id_number" not in str(data) and "phone" not in str(data)


def _pdf_text(content):
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages)


def test_the_pdf_is_a_logged_a4_with_the_tables_in_chinese(tree, login_client, api_client):
    activity = decided_campaign(tree)
    items = [accepted(tree, activity, tree.unit_a, "职工甲", "甲建议")]
    publish(tree, activity, {items[0].pk: 95})
    decisions_apply(actor=tree.committee_admin, activity_id=activity.pk)
    response = login_client(tree.committee_admin).get(reverse("collections:summary_pdf", args=[activity.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = _pdf_text(response.content)
    for expected in ("合理化建议征集", "汇总表", tree.committee.name, tree.town_a.name, "甲建议", "职工甲", "一等奖"):
        assert expected in text, expected
    logged = OperationLog.objects.filter(action="collection.summary_pdf")
    assert logged.count() == 1 and logged.get().actor_id == tree.committee_admin.pk
    via_api = api_client(tree.committee_admin).get(f"{API}/{activity.pk}/summary.pdf")
    assert via_api.status_code == 200 and via_api.content.startswith(b"%PDF-")
    assert logged.count() == 2


def test_the_queries_do_not_grow_with_the_organisations_below(tree, activity, login_client):
    _collected(tree, activity)
    committee = login_client(tree.committee_admin)
    page = reverse("collections:summary", args=[activity.pk])

    def counted():
        activity_summary(user=tree.committee_admin, activity_id=activity.pk)  # warms the scope's cache
        connection.queries_log.clear()  # the log keeps at most 9000: the setup alone may have filled it
        with CaptureQueriesContext(connection) as read:
            found = activity_summary(user=tree.committee_admin, activity_id=activity.pk)
        committee.get(page)
        with CaptureQueriesContext(connection) as shown:
            assert committee.get(page).status_code == 200
        return len(found.by_organisation), len(read), len(shown)

    for index in range(3):
        make_org(f"直属单位{index}", parent=tree.federation)
    rows, few, few_page = counted()
    for index in range(3, 30):
        make_org(f"直属单位{index}", parent=tree.federation)
    more_rows, many, many_page = counted()
    assert (rows, more_rows) == (5, 32)
    assert (many, many_page) == (few, few_page)


def test_another_organisation_gets_not_found_on_the_page_the_pdf_and_the_api(tree, activity, login_client,
                                                                               api_client):
    _collected(tree, activity)
    other = make_org("外市总工会", type_code="federation")
    outsider = UserFactory(organisation=other)
    grant(outsider, "town_admin", other)
    page, pdf = (reverse("collections:summary", args=[activity.pk]),
                 reverse("collections:summary_pdf", args=[activity.pk]))
    for user, query in ((outsider, {}), (tree.town_b_admin, {"organisation": tree.town_a.pk})):
        web, api = login_client(user), api_client(user)
        assert web.get(page, query).status_code == 404
        assert web.get(pdf, query).status_code == 404
        assert api.get(f"{API}/{activity.pk}/summary", query).status_code == 404
        assert api.get(f"{API}/{activity.pk}/summary.pdf", query).status_code == 404
    assert not OperationLog.objects.filter(action="collection.summary_pdf").exists()
    _p, worker = make_participant(tree, "职工丙", tree.unit_a)
    assert login_client(worker).get(page).status_code == 403


def test_the_results_page_and_the_queue_link_the_summary(tree, activity, login_client):
    committee = login_client(tree.committee_admin)
    url = reverse("collections:summary", args=[activity.pk])
    assert url in committee.get(reverse("collections:results", args=[activity.pk])).content.decode()
    assert url in committee.get(reverse("collections:queue"), {"activity": activity.pk}).content.decode()
