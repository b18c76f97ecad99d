"""The participant's journey on a phone: open the check-in link from the QR code, log in, tap 签到, and see
the credit hours of the year rise from 0 to the session's hours on 我的学时."""

import pytest
from django.utils import timezone

from suzhi.training.codes import check_in_path
from suzhi.training.models import Attendance, Enrolment
from tests.support import make_participant
from tests.training.factories import make_session, training_campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_participant_checks_in_on_a_phone_and_sees_hours_rise(live_server, phone_page, tree, password):
    campaign = training_campaign(tree)
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, title="安全生产讲座", hours="2",
                           starts_in_minutes=-10)
    worker, user = make_participant(tree, "王五", username="wangwu")
    Enrolment.objects.create(session=session, person=worker, source="self")
    page = phone_page

    # The scanned link asks for a login first and comes back to the link.
    page.goto(f"{live_server.url}{check_in_path(session)}")
    page.wait_for_url("**/login/**")
    page.fill("input[name=login]", "wangwu")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/training/c/**")
    page.locator("h1", has_text="安全生产讲座").wait_for()
    assert page.locator(".tr-year-total").get_attribute("data-hours") == "0"
    page.goto(f"{live_server.url}/training/my/hours/")
    assert page.locator(".tr-year-hours").get_attribute("data-hours") == "0"
    page.go_back()
    page.wait_for_url("**/training/c/**")

    # One big button, comfortably tappable on a 390px screen.
    button = page.locator(".tr-check-in-button")
    box = button.bounding_box()
    assert box is not None and box["width"] >= 300 and box["height"] >= 80
    assert box["x"] + box["width"] <= 390
    button.tap()
    page.locator(".tr-result.msg-success").wait_for()
    assert page.locator(".tr-year-total").get_attribute("data-hours") == "2"
    assert Attendance.objects.get(session=session, person=worker).hours == 2

    page.locator(".tr-result ~ p a.button").tap()
    page.wait_for_url("**/training/my/hours/")
    year = page.locator(f".tr-year-hours[data-year='{timezone.localdate(session.starts_at).year}']")
    assert year.get_attribute("data-hours") == "2"
    assert page.locator(".tr-attended", has_text="安全生产讲座").is_visible()
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
