"""The training API (/api/v1/training): sessions, enrolment (bulk and self), attendance, check-in, scope."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from suzhi.training.codes import check_in_token
from suzhi.training.models import Attendance, Enrolment, TrainingSession
from tests.people.factories import make_person
from tests.support import make_participant
from tests.training.factories import make_session, training_campaign

pytestmark = pytest.mark.django_db

BASE = "/api/v1/training"


@pytest.fixture
def campaign(tree):
    return training_campaign(tree)



def _json(client, method, url, body=None):
    response = getattr(client, method)(url, data=body or {}, content_type="application/json")
    return response.status_code, (response.json() if response.content else None)


def test_create_get_patch_cancel(tree, campaign, api_client):
    client = api_client(tree.town_a_admin)
    activity = campaign.activities.get(key="lectures")
    start = timezone.localtime() + datetime.timedelta(days=1)
    body = {"activity_id": activity.pk, "title": "接口讲座", "form": "lecture", "organiser_id": tree.unit_a.pk,
            "starts_at": start.replace(tzinfo=None).isoformat(timespec="minutes"),
            "ends_at": (start + datetime.timedelta(hours=2)).isoformat(), "hours": 2, "capacity": 20,
            "person_categories": ["in_post"]}
    status, created = _json(client, "post", f"{BASE}/", body)
    assert status == 201, created
    assert created["title"] == "接口讲座" and created["organiser"]["id"] == tree.unit_a.pk
    assert created["enrolled"] == 0 and created["hours"] == 2 and created["capacity"] == 20
    session = TrainingSession.objects.get()
    assert abs((timezone.localtime(session.starts_at) - start).total_seconds()) < 60  # naive is local time
    status, error = _json(client, "post", f"{BASE}/", {**body, "organiser_id": tree.unit_b.pk})
    assert status == 422 and error["detail"][0]["field"] == "organiser_id"
    status, shown = _json(client, "get", f"{BASE}/{session.pk}")
    assert status == 200 and shown["id"] == session.pk
    status, patched = _json(client, "patch", f"{BASE}/{session.pk}", {"title": "改名", "capacity": None})
    assert status == 200 and patched["title"] == "改名" and patched["capacity"] is None
    status, cancelled = _json(client, "post", f"{BASE}/{session.pk}/cancel")
    assert status == 200 and cancelled["is_cancelled"] is True


def test_list_in_scope_with_filters_and_few_queries(tree, campaign, api_client):
    mine = make_session(tree.town_a_admin, campaign, tree.unit_a)
    make_session(tree.town_b_admin, campaign, tree.unit_b)
    client = api_client(tree.town_a_admin)
    status, page = _json(client, "get", f"{BASE}/")
    assert status == 200 and [s["id"] for s in page["items"]] == [mine.pk] and page["count"] == 1
    assert _json(client, "get", f"{BASE}/?org_id={tree.unit_b.pk}")[0] == 404
    assert _json(client, "get", f"{BASE}/?upcoming=false")[1]["count"] == 0
    with CaptureQueriesContext(connection) as few:
        client.get(f"{BASE}/")
    for index in range(5):
        make_session(tree.town_a_admin, campaign, tree.unit_a, title=f"讲座{index}")
    with CaptureQueriesContext(connection) as many:
        status, page = _json(client, "get", f"{BASE}/")
    assert page["count"] == 6 and len(many) == len(few)


def test_enrol_people_mark_and_list_attendance(tree, campaign, api_client):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, person_categories=["in_post"])
    worker = make_person("王五", tree.unit_a)
    teacher = make_person("李老师", tree.unit_a, categories=("teacher",))
    client = api_client(tree.town_a_admin)
    status, result = _json(client, "post", f"{BASE}/{session.pk}/enrolments",
                           {"person_ids": [worker.pk, teacher.pk]})
    assert status == 200 and [p["id"] for p in result["enrolled"]] == [worker.pk]
    assert result["refused"][0]["person"]["id"] == teacher.pk and "在岗职工" in result["refused"][0]["reason"]
    stranger = make_person("沙州人", tree.unit_b)
    assert _json(client, "post", f"{BASE}/{session.pk}/enrolments", {"person_ids": [stranger.pk]})[0] == 404
    status, counts = _json(client, "post", f"{BASE}/{session.pk}/attendance", {"marks": {str(worker.pk): 1.5}})
    assert status == 200 and counts == {"added": 1, "changed": 0, "removed": 0}
    status, rows = _json(client, "get", f"{BASE}/{session.pk}/attendance")
    assert status == 200 and rows[0]["hours"] == 1.5 and rows[0]["method"] == "list"
    assert rows[0]["id_number"] != worker.id_number and rows[0]["id_number"].endswith(worker.id_number[-4:])
    status, enrolled = _json(client, "get", f"{BASE}/{session.pk}/enrolments")
    assert status == 200 and enrolled[0]["attended"] is True and enrolled[0]["id_number"] != worker.id_number
    assert _json(client, "post", f"{BASE}/{session.pk}/attendance", {"marks": {str(worker.pk): 9}})[0] == 422
    status, counts = _json(client, "post", f"{BASE}/{session.pk}/attendance", {"marks": {str(worker.pk): False}})
    assert counts["removed"] == 1 and not Attendance.objects.exists()


def test_self_enrolment_and_check_in(tree, campaign, api_client):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a)
    person, user = make_participant(tree)
    client = api_client(user)
    url = f"{BASE}/{session.pk}/enrolment"
    assert _json(client, "get", url) == (200, {"session_id": session.pk, "enrolled": False, "attended": False,
                                               "hours": None})
    assert _json(client, "post", url)[0] == 201
    assert _json(client, "post", url)[0] == 409
    assert Enrolment.objects.get().person == person
    status, error = _json(client, "post", f"{BASE}/{session.pk}/check-in", {"token": "forged"})
    assert status == 422 and error["code"] == "code_invalid"
    status, attendance = _json(client, "post", f"{BASE}/{session.pk}/check-in", {"token": check_in_token(session)})
    assert status == 200 and attendance["hours"] == 2 and attendance["method"] == "qr"
    status, error = _json(client, "post", f"{BASE}/{session.pk}/check-in", {"token": check_in_token(session)})
    assert status == 409 and error["code"] == "already_checked_in"
    assert _json(client, "get", url)[1]["attended"] is True
    assert _json(client, "delete", url)[0] == 409  # attended: the enrolment stays
    # Participants do not see the organiser's lists.
    assert _json(client, "get", f"{BASE}/")[0] == 403


def test_self_withdraw(tree, campaign, api_client):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, starts_in_minutes=60)
    _person, user = make_participant(tree)
    client = api_client(user)
    url = f"{BASE}/{session.pk}/enrolment"
    assert _json(client, "post", url)[0] == 201
    assert _json(client, "delete", url)[0] == 204
    assert not Enrolment.objects.exists()


def test_another_towns_session_is_404(tree, campaign, api_client):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a)
    _person, user_b = make_participant(tree, "沙州人", tree.unit_b)
    for actor in (tree.town_b_admin, user_b):
        client = api_client(actor)
        for method, suffix, body in (
            ("get", "", None), ("patch", "", {"title": "x"}), ("post", "/cancel", None),
            ("get", "/enrolments", None), ("get", "/attendance", None), ("get", "/enrolment", None),
            ("post", "/enrolment", None), ("delete", "/enrolment", None),
            ("post", "/check-in", {"token": check_in_token(session)}),
        ):
            status, _body = _json(client, method, f"{BASE}/{session.pk}{suffix}", body)
            assert status in (403, 404), (actor, method, suffix, status)
            if actor is tree.town_b_admin or suffix in ("/enrolment", "/check-in"):
                assert status == 404, (method, suffix)
    session.refresh_from_db()
    assert session.title != "x" and not session.is_cancelled and not Enrolment.objects.exists()
