import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_log_in_on_a_phone(live_server, phone_page, tree, password):
    phone_page.goto(f"{live_server.url}/login/")
    phone_page.fill("input[name=login]", "13900000005")
    phone_page.fill("input[name=password]", password)
    phone_page.click("button[type=submit]")
    phone_page.wait_for_url(f"{live_server.url}/")
    assert phone_page.locator("h1").first.is_visible()
