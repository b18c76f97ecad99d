"""The campaign dashboard in a browser: the committee opens it from the menu, sees its targets, drills down
from the federation to a town to its units, and back up by the breadcrumbs."""

import datetime

import pytest
import yaml
from django.db import transaction

from suzhi.campaigns.services.plans import plan_load
from suzhi.campaigns.services.records import metric_record_put
from suzhi.campaigns.services.targets import targets_refresh
from tests.campaigns.factories import plan_data
from tests.campaigns.test_targets import TARGETS
from tests.people.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_committee_drills_down_the_dashboard(live_server, page, tree, password):
    campaign = plan_load(actor=tree.committee_admin,
                         text=yaml.safe_dump(plan_data(targets=TARGETS), allow_unicode=True))
    lectures = campaign.activities.get(key="lectures")
    with transaction.atomic():
        for name, unit in (("甲", tree.unit_a), ("乙", tree.unit_a), ("丙", tree.unit_b)):
            person = make_person(name, unit)
            metric_record_put(activity=lectures, metric="training.people", person=person,
                              occurred_on=datetime.date(2024, 4, 12), source=str(person.pk))
    targets_refresh(actor=None, campaign_id=campaign.pk)

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=login]", "committee")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.click("nav.mainnav summary:text-is('活动管理')")  # the menu group, then its entry
    page.click("nav.mainnav a:text-is('活动')")
    page.click(f"text={campaign.title}")
    page.click("main .toolbar >> text=进度看板")
    page.locator("#targets", has_text="总数").wait_for()
    assert "3 / 3" in page.locator("#targets .target", has_text="总数").inner_text()

    page.click(f"#children >> text={tree.federation.name}")
    page.locator("#breadcrumbs", has_text=tree.federation.name).wait_for()
    page.click(f"#children >> text={tree.town_a.name}")
    page.locator("#breadcrumbs strong", has_text=tree.town_a.name).wait_for()
    rows = page.locator("#children tbody tr")
    assert rows.count() == 1 and tree.unit_a.name in rows.first.inner_text()
    assert "2 / 3" in page.locator("#targets .target", has_text="总数").inner_text()

    page.click(f"#breadcrumbs >> text={tree.committee.short_name or tree.committee.name}")
    page.locator("#breadcrumbs strong", has_text=tree.committee.name).wait_for()
