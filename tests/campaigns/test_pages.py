"""Campaign pages: list, detail, loading a plan (errors with lines), downloads, phase changes, and the
dashboard with drill-down, scope and a query count that does not grow with the tree."""

import datetime

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from suzhi.campaigns.models import Campaign, Phase
from suzhi.campaigns.services.plans import plan_load
from suzhi.campaigns.services.records import metric_record_put
from suzhi.campaigns.services.targets import targets_refresh
from suzhi.core.excel import read_rows
from tests.campaigns.factories import plan_data, plan_yaml
from tests.campaigns.test_targets import TARGETS
from tests.core.factories import make_org
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(tree):
    return plan_load(actor=tree.committee_admin,
                     text=yaml.safe_dump(plan_data(targets=TARGETS), allow_unicode=True))


def _train(campaign, person, n=0):
    lectures = campaign.activities.get(key="lectures")
    with transaction.atomic():
        for metric in ("training.people", "training.participations"):
            metric_record_put(activity=lectures, metric=metric, person=person, occurred_on=datetime.date(2024, 4, 12),
                              source=f"{person.pk}-{n}")


def test_list_and_detail(tree, campaign, login_client):
    client = login_client(tree.town_a_admin)
    page = client.get("/campaigns/")
    assert page.status_code == 200 and campaign.title in page.content.decode()
    detail = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "启动阶段" in detail and "职工素质提升讲座" in detail and "在岗职工至少培训2次" in detail
    assert "phases/launch/end" not in detail  # a town admin cannot change phases


def test_load_page_shows_errors_with_lines_and_loads(tree, login_client):
    client = login_client(tree.committee_admin)
    bad = plan_yaml().replace("kind: collection", "kind: voting")
    page = client.post("/campaigns/load/", {"file": SimpleUploadedFile("plan.yaml", bad.encode())})
    html = page.content.decode()
    assert page.status_code == 200 and "activities[1].kind" in html and "voting" in html
    assert not Campaign.objects.exists()
    checked = client.post("/campaigns/load/", {"text": plan_yaml(), "dry_run": "on"})
    assert 'id="plan-ok"' in checked.content.decode() and not Campaign.objects.exists()
    loaded = client.post("/campaigns/load/", {"text": plan_yaml()})
    campaign = Campaign.objects.get()
    assert loaded.status_code == 302 and loaded["Location"] == f"/campaigns/{campaign.pk}/"


def test_load_page_needs_campaign_manage(tree, login_client):
    assert login_client(tree.town_a_admin).get("/campaigns/load/").status_code == 403


def test_plan_download_round_trip(tree, campaign, login_client):
    response = login_client(tree.town_a_admin).get(f"/campaigns/{campaign.pk}/plan.yaml")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('test-2024.yaml"')
    assert yaml.safe_load(response.content.decode()) == yaml.safe_load(campaign.source)


def test_phase_end_form(tree, campaign, login_client):
    client = login_client(tree.committee_admin)
    client.post(f"/campaigns/{campaign.pk}/phases/launch/end/", {"ends_on": "2024-04-25", "reason": "延期"})
    assert Phase.objects.get(campaign=campaign, key="launch").effective_end == datetime.date(2024, 4, 25)
    assert login_client(tree.town_a_admin).post(
        f"/campaigns/{campaign.pk}/phases/launch/end/", {"ends_on": "2024-04-30", "reason": "x"}).status_code == 403


def test_dashboard_drill_down_and_scope(tree, campaign, login_client):
    _train(campaign, make_person("甲", tree.unit_a))
    _train(campaign, make_person("乙", tree.unit_b))
    targets_refresh(actor=None, campaign_id=campaign.pk)
    client = login_client(tree.committee_admin)
    top = client.get(f"/campaigns/{campaign.pk}/dashboard/").content.decode()
    assert tree.committee.name in top and "在岗职工至少培训2次" in top
    assert f'?org={tree.federation.pk}' in top  # a child to drill into
    town = client.get(f"/campaigns/{campaign.pk}/dashboard/?org={tree.town_a.pk}").content.decode()
    assert tree.unit_a.name in town and tree.unit_b.name not in town
    # A town admin starts at their town and cannot open the other one.
    town_admin = login_client(tree.town_b_admin)
    own = town_admin.get(f"/campaigns/{campaign.pk}/dashboard/").content.decode()
    assert tree.town_b.name in own and tree.unit_b.name in own and tree.unit_a.name not in own
    assert town_admin.get(f"/campaigns/{campaign.pk}/dashboard/?org={tree.town_a.pk}").status_code == 404
    assert town_admin.get(f"/campaigns/{campaign.pk}/dashboard/export.xlsx?org={tree.town_a.pk}").status_code == 404


def test_dashboard_lagging_units(tree, campaign, login_client):
    make_person("丙", tree.unit_b)
    _train(campaign, make_person("甲", tree.unit_a))
    targets_refresh(actor=None, campaign_id=campaign.pk)
    page = login_client(tree.committee_admin).get(f"/campaigns/{campaign.pk}/dashboard/").content.decode()
    lagging = page[page.index('id="lagging"'):]
    assert tree.unit_b.name in lagging and tree.unit_a.name in lagging  # both below 2 trained
    assert "<th>完成值</th>" in lagging and "参数值" not in lagging  # the target's value, not a parameter's


def test_dashboard_export(tree, campaign, login_client):
    _train(campaign, make_person("甲", tree.unit_a))
    targets_refresh(actor=None, campaign_id=campaign.pk)
    response = login_client(tree.committee_admin).get(
        f"/campaigns/{campaign.pk}/dashboard/export.xlsx?org={tree.town_a.pk}")
    rows = read_rows(response.content, "t.xlsx")
    assert rows[0][:2] == ["所属组织", "总数"]
    assert [r[0] for r in rows[1:]] == [tree.town_a.name, tree.unit_a.name]
    assert rows[1][1] == 1  # one person trained in 七里镇


def test_dashboard_queries_do_not_grow_with_organisations(tree, campaign, login_client):
    client = login_client(tree.committee_admin)
    url = f"/campaigns/{campaign.pk}/dashboard/?org={tree.federation.pk}"
    targets_refresh(actor=None, campaign_id=campaign.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(15):
        town = make_org(f"新镇{i}", parent=tree.federation, type_code="town_federation")
        unit = make_org(f"新企业{i}", parent=town)
        _train(campaign, make_person(f"新人{i}", unit))
    targets_refresh(actor=None, campaign_id=campaign.pk)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_refresh_button(tree, campaign, login_client):
    client = login_client(tree.town_a_admin)
    response = client.post(f"/campaigns/{campaign.pk}/targets/refresh/", {"org": str(tree.town_a.pk)})
    assert response.status_code == 302 and response["Location"].endswith(f"?org={tree.town_a.pk}")


def test_document_downloads(tree, campaign, login_client):
    client = login_client(tree.town_a_admin)
    pdf = client.get(f"/campaigns/{campaign.pk}/document.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    docx = client.get(f"/campaigns/{campaign.pk}/document.docx")
    assert docx.status_code == 200 and docx["Content-Disposition"].startswith("attachment")
    assert client.get(f"/campaigns/{campaign.pk}/document.exe").status_code == 404
