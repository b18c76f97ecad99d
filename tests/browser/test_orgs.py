"""The foundation's browser journey: log in, open the tree, expand it, create an organisation."""

import pytest

from suzhi.core.models import OperationLog, Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_town_admin_logs_in_opens_tree_and_creates_a_unit(live_server, page, tree, password):
    page.goto(f"{live_server.url}/")
    page.wait_for_url("**/login/**")
    page.fill("input[name=login]", "town_a")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.click("nav.mainnav summary:text-is('组织人员')")  # the menu group, then its entry
    page.click("nav.mainnav a:text-is('组织架构')")
    page.wait_for_url("**/orgs/")
    town = page.locator(".org-tree details", has_text="七里镇工会联合会").first
    town.locator("summary").click(position={"x": 4, "y": 8})  # the marker, not the link inside
    # The children arrive by HTMX when the node opens.
    page.locator(".org-tree >> text=七里镇甲企业").wait_for()
    assert page.locator("text=沙州镇").count() == 0  # another town is invisible

    page.locator(".org-tree a", has_text="七里镇工会联合会").first.click()
    page.click("text=新增下级组织")
    page.fill("input[name=code]", "DH-QLZ-009")
    page.fill("input[name=name]", "敦煌市七里镇新建培训站")
    page.select_option("select[name=org_type]", label="培训站")
    page.click("main form button[type=submit]")
    page.locator("h1", has_text="敦煌市七里镇新建培训站").wait_for()

    created = Organisation.objects.get(code="DH-QLZ-009")
    assert created.path.startswith(tree.town_a.path) and created.depth == tree.town_a.depth + 1
    assert OperationLog.objects.filter(action="org.create", object_id=str(created.pk)).exists()
