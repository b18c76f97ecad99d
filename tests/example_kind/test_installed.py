"""What a kind gets from one registration, proven with the example kind installed as an app. These tests run
only where tests.example_kind is in INSTALLED_APPS: tests/campaigns/test_kind_platform.py runs them so."""

import datetime

import pytest
import yaml
from django.apps import apps
from django.urls import reverse

pytestmark = [
    pytest.mark.skipif(not apps.is_installed("tests.example_kind"), reason="the example kind is not installed"),
    pytest.mark.django_db,
]

DAY = datetime.date(2024, 4, 12)


@pytest.fixture
def reading(tree):
    from suzhi.campaigns.services.plans import plan_load
    from suzhi.core.models import Role, RoleAssignment
    from tests.campaigns.factories import plan_data
    from tests.people.factories import make_person

    data = plan_data()
    data["activities"].append({"key": "books", "kind": "reading", "title": "职工读书活动",
                               "open_in": {"report": ["launch", "rollout"]}, "settings": {"books": ["平凡的世界"]}})
    campaign = plan_load(actor=tree.committee_admin, text=yaml.safe_dump(data, allow_unicode=True))
    role = Role.objects.create(code="reading_admin", name="读书活动管理员",
                               permissions=["reading.view", "campaign.view"],
                               data_scope="subtree")
    for admin, org in ((tree.town_a_admin, tree.town_a), (tree.town_b_admin, tree.town_b)):
        RoleAssignment.objects.create(user=admin, role=role, organisation=org)
    reader = make_person("王五", tree.unit_a)
    reader.user = tree.participant_a
    reader.save()
    return campaign.activities.get(key="books")


def _report(api_client, tree, activity, pages=120):
    return api_client(tree.participant_a).post(
        "/api/v1/reading/reports", {"activity": activity.pk, "pages": pages, "day": DAY.isoformat()},
        content_type="application/json")


def test_the_api_is_mounted_and_scoped(reading, tree, api_client):
    response = _report(api_client, tree, reading)
    assert response.status_code == 201, response.content
    mine = api_client(tree.town_a_admin).get("/api/v1/reading/reports").json()
    assert [row["pages"] for row in mine] == [120]
    assert api_client(tree.town_b_admin).get("/api/v1/reading/reports").json() == []
    assert "/api/v1/reading/reports" in api_client(tree.town_a_admin).get("/api/v1/openapi.json").json()["paths"]


def test_the_pages_and_navigation(reading, tree, login_client):
    from suzhi.core import navigation

    admin_menu = navigation.items_for(tree.town_a_admin)
    work = next(item for item in admin_menu if item["key"] == navigation.WORK)
    assert "reading" in {child["key"] for child in work["children"]}
    assert "reading_my" in {item["key"] for item in navigation.flatten(navigation.items_for(tree.participant_a))}
    page = login_client(tree.town_a_admin).get(reverse("reading:report_list"))
    assert page.status_code == 200 and "读书打卡" in page.content.decode()
    assert login_client(tree.participant_a).get(reverse("reading:report_list")).status_code == 403
    campaign_page = login_client(tree.town_a_admin).get(reverse("campaigns:campaign_detail",
                                                                args=[reading.campaign_id]))
    assert f'{reverse("reading:report_list")}?activity={reading.pk}' in campaign_page.content.decode()


def test_the_permissions_are_listed(reading, tree):
    from suzhi.core import permissions

    assert str(permissions.REGISTRY["reading.view"].label) == "查看读书打卡"
    assert "读书活动" in [str(group) for group, _codes in permissions.grouped()]


def test_the_usage_counter_keeps_the_unit(reading, tree, api_client):
    from suzhi.core import org_usage
    from suzhi.core.models import RoleAssignment, User

    assert _report(api_client, tree, reading).status_code == 201
    assert ("读书打卡记录", 1) in org_usage.usage_of(tree.unit_a.pk)
    # Nothing else holds the unit once its people's accounts and roles are gone; the report still does.
    RoleAssignment.objects.filter(organisation=tree.unit_a).delete()
    User.objects.filter(organisation=tree.unit_a).update(organisation=tree.town_a)
    response = api_client(tree.committee_admin).delete(f"/api/v1/orgs/{tree.unit_a.pk}")
    assert response.status_code == 409 and response.json()["code"] == "org_in_use"


def test_the_results_contract_and_the_demo_loader(reading, tree, api_client):
    from suzhi.campaigns.results import Subject, ranked_results
    from suzhi.core import demo
    from tests.example_kind import demo as reading_demo

    assert _report(api_client, tree, reading, pages=80).status_code == 201
    [ranking] = ranked_results(reading, subject=Subject.PERSON)
    assert [(e.position, e.name, e.score) for e in ranking.entries] == [(1, "王五", 80)]
    assert ranked_results(reading, subject=Subject.PERSON, user=tree.town_b_admin)[0].entries == ()
    assert "load_reading_demo" in [loader.__name__ for loader in demo._LOADERS]
    assert reading_demo.LOADED == []
