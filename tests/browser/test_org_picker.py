"""At province scale the organisation field is a search box; a user is created through it."""

import pytest

from suzhi.core.forms import fields
from suzhi.core.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_create_user_choosing_the_unit_by_search(live_server, page, tree, monkeypatch):
    monkeypatch.setattr(fields, "SELECT_LIMIT", 1)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=login]", "town_a")
    page.fill("input[name=password]", "Passw0rd!x")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/users/new/")
    page.fill("input[name=username]", "xiaowang")
    page.fill("input[name=full_name]", "小王")
    page.fill("[data-org-picker] input[type=search]", "甲企业")
    page.click("[data-org-picker] [data-pick]")
    assert page.locator("[data-org-picker] .orgpick-chip").inner_text().startswith("七里镇甲企业")
    page.click("main form button[type=submit]")
    page.locator("text=xiaowang").first.wait_for()
    assert User.objects.get(username="xiaowang").organisation == tree.unit_a
