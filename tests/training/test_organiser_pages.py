"""The organiser's training pages: list and calendar in scope, opening, editing and cancelling sessions,
bulk enrolment from the roster, the attendance sheet, the exports and their masking."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from suzhi.core.excel import read_rows
from suzhi.core.models import OperationLog
from suzhi.core.navigation import flatten, items_for
from suzhi.training.models import Attendance, Enrolment, TrainingSession
from suzhi.training.services.enrolments import enrol_people
from tests.people.factories import make_person
from tests.training.factories import make_session, training_campaign

pytestmark = pytest.mark.django_db

LIST = reverse("training:session_list")


@pytest.fixture
def campaign(tree):
    return training_campaign(tree)


def _detail(session):
    return reverse("training:session_detail", args=[session.pk])


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _xlsx(response):
    return read_rows(response.content, "x.xlsx")


def test_list_shows_sessions_in_scope_with_counts(tree, campaign, login_client):
    mine = make_session(tree.town_a_admin, campaign, tree.unit_a, title="七里镇讲座")
    above = make_session(tree.committee_admin, campaign, tree.federation, title="全市讲座")
    other = make_session(tree.town_b_admin, campaign, tree.unit_b, title="沙州镇讲座")
    worker = make_person("王五", tree.unit_a)
    enrol_people(actor=tree.town_a_admin, session_id=mine.pk, person_ids=[worker.pk])
    client = login_client(tree.town_a_admin)
    page = client.get(LIST)
    assert page.status_code == 200
    shown = {s.pk: s for s in page.context["page_obj"]}
    assert set(shown) == {mine.pk, above.pk} and other.pk not in shown
    assert shown[mine.pk].enrolled == 1 and shown[mine.pk].attended == 0
    body = page.content.decode()
    assert "七里镇讲座" in body and "沙州镇讲座" not in body
    # Filters: the organisation narrows to its subtree; one outside the scope is a 404.
    narrowed = client.get(LIST, {"org": tree.unit_a.pk})
    assert [s.pk for s in narrowed.context["page_obj"]] == [mine.pk]
    assert client.get(LIST, {"org": tree.unit_b.pk}).status_code == 404
    assert [s.pk for s in client.get(LIST, {"when": "past"}).context["page_obj"]] == []
    activity = campaign.activities.get(key="lectures")
    assert len(client.get(LIST, {"activity": activity.pk, "when": "upcoming"}).context["page_obj"]) == 2


def test_list_queries_do_not_grow_with_sessions(tree, campaign, login_client):
    client = login_client(tree.town_a_admin)
    make_session(tree.town_a_admin, campaign, tree.unit_a)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for index in range(6):
        session = make_session(tree.town_a_admin, campaign, tree.unit_a, title=f"讲座{index}")
        enrol_people(actor=tree.town_a_admin, session_id=session.pk,
                     person_ids=[make_person(f"人{index}", tree.unit_a).pk])
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).status_code == 200
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as calendar_queries:
        assert client.get(reverse("training:session_calendar")).status_code == 200
    assert len(calendar_queries) <= len(few) + 1


def test_calendar_puts_sessions_on_their_days(tree, campaign, login_client):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, title="月历讲座")
    client = login_client(tree.town_a_admin)
    day = timezone.localdate(session.starts_at)
    page = client.get(reverse("training:session_calendar"), {"month": f"{day:%Y-%m}"})
    assert page.status_code == 200
    cells = [cell for week in page.context["weeks"] for cell in week if cell["sessions"]]
    assert [(cell["day"], [s.pk for s in cell["sessions"]]) for cell in cells] == [(day, [session.pk])]
    assert "月历讲座" in page.content.decode()
    empty = client.get(reverse("training:session_calendar"), {"month": "2001-02"})
    assert empty.context["count"] == 0 and empty.context["previous"] == "2001-01"
    assert client.get(reverse("training:session_calendar"), {"month": "garbage"}).status_code == 200


def test_create_session_through_the_form(tree, campaign, login_client):
    client = login_client(tree.town_a_admin)
    form_page = client.get(reverse("training:session_new"))
    assert form_page.status_code == 200
    organisers = {org.pk for org in form_page.context["form"].fields["organiser"].queryset}
    assert tree.unit_a.pk in organisers and tree.unit_b.pk not in organisers
    activity = campaign.activities.get(key="lectures")
    start = timezone.now() + datetime.timedelta(days=1)
    data = {"activity": activity.pk, "title": "新开讲座", "form": "lecture", "organiser": tree.unit_a.pk,
            "starts_at": _local(start), "ends_at": _local(start + datetime.timedelta(hours=2)), "hours": "2",
            "capacity": "30", "person_categories": ["in_post"], "place": "会议室"}
    response = client.post(reverse("training:session_new"), data)
    session = TrainingSession.objects.get(title="新开讲座")
    assert response.status_code == 302 and response["Location"] == _detail(session)
    assert session.capacity == 30 and session.person_categories == ["in_post"] and session.organiser == tree.unit_a
    # A service error lands on its field: a form the activity does not allow.
    refused = client.post(reverse("training:session_new"), {**data, "form": "workshop", "title": "研修"})
    assert refused.status_code == 200 and "form" in refused.context["form"].errors
    # The plan's phases refuse the day: shown above the form and at the start time.
    late = start + datetime.timedelta(days=60)
    closed = client.post(reverse("training:session_new"), {
        **data, "title": "太晚", "starts_at": _local(late), "ends_at": _local(late + datetime.timedelta(hours=1))})
    assert closed.status_code == 200
    assert closed.context["form"].non_field_errors() and "starts_at" in closed.context["form"].errors
    assert not TrainingSession.objects.filter(title__in=["研修", "太晚"]).exists()


def test_edit_and_cancel_a_session(tree, campaign, login_client):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, starts_in_minutes=60)
    client = login_client(tree.town_a_admin)
    url = reverse("training:session_edit", args=[session.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["title"] == session.title
    data = {"title": "改名讲座", "form": "lecture", "organiser": tree.unit_a.pk, "starts_at": _local(session.starts_at),
            "ends_at": _local(session.ends_at), "hours": "1.5", "capacity": ""}
    assert client.post(url, data).status_code == 302
    session.refresh_from_db()
    assert session.title == "改名讲座" and str(session.hours) == "1.5" and session.capacity is None
    bad = client.post(url, {**data, "ends_at": _local(session.starts_at - datetime.timedelta(hours=1))})
    assert bad.status_code == 200 and "ends_at" in bad.context["form"].errors
    assert client.post(reverse("training:session_cancel", args=[session.pk])).status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled


def test_another_towns_session_is_404_everywhere(tree, campaign, login_client):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a)
    above = make_session(tree.committee_admin, campaign, tree.federation, title="全市讲座")
    client = login_client(tree.town_b_admin)
    for name in ("session_detail", "session_edit", "session_attendance_export", "session_import_enrol",
                 "session_import_sign_in", "session_import_remote"):
        assert client.get(reverse(f"training:{name}", args=[session.pk])).status_code == 404, name
    for name in ("session_cancel", "session_enrol", "session_attendance", "session_edit"):
        assert client.post(reverse(f"training:{name}", args=[session.pk]), {"title": "x"}).status_code == 404, name
    session.refresh_from_db()
    assert not session.is_cancelled and session.title != "x"
    # A session organised above them they may see, not change.
    assert client.get(_detail(above)).status_code == 200
    assert client.get(reverse("training:session_edit", args=[above.pk])).status_code == 404
    assert client.post(reverse("training:session_cancel", args=[above.pk])).status_code == 404


def test_bulk_enrol_from_the_roster_with_reasons(tree, campaign, login_client):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, person_categories=["in_post"])
    worker = make_person("王五", tree.unit_a)
    teacher = make_person("李老师", tree.unit_a, categories=("teacher",))
    make_person("沙州人", tree.unit_b)
    client = login_client(tree.town_a_admin)
    page = client.get(_detail(session), {"pick": "1", "org": tree.unit_a.pk})
    assert {p.pk for p in page.context["candidates"]} == {worker.pk, teacher.pk}
    assert worker.id_number not in page.content.decode()  # masked
    only_workers = client.get(_detail(session), {"pick": "1", "category": "in_post"})
    assert [p.pk for p in only_workers.context["candidates"]] == [worker.pk]
    result = client.post(reverse("training:session_enrol", args=[session.pk]),
                         {"person": [worker.pk, teacher.pk]})
    assert result.status_code == 200
    assert [p.pk for p in result.context["result"].enrolled] == [worker.pk]
    refused = result.context["result"].refused
    assert [p.pk for p, _reason in refused] == [teacher.pk] and "在岗职工" in refused[0][1]
    assert "在岗职工" in result.content.decode()
    assert list(Enrolment.objects.values_list("person_id", flat=True)) == [worker.pk]
    detail = client.get(_detail(session))
    assert [e.person_id for e in detail.context["enrolments"]] == [worker.pk]
    assert worker.id_number[-4:] in detail.content.decode() and worker.id_number not in detail.content.decode()


def test_attendance_sheet_marks_changes_and_removes(tree, campaign, login_client):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, hours="2")
    a, b = make_person("甲", tree.unit_a), make_person("乙", tree.unit_a)
    enrol_people(actor=tree.town_a_admin, session_id=session.pk, person_ids=[a.pk, b.pk])
    client = login_client(tree.town_a_admin)
    page = client.get(_detail(session))
    assert page.context["sheet_open"]
    url = reverse("training:session_attendance", args=[session.pk])
    response = client.post(url, {"person": [a.pk, b.pk], f"present_{a.pk}": "1", f"hours_{a.pk}": "1.5",
                                 f"present_{b.pk}": "1", f"hours_{b.pk}": ""})
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("person_id", "hours")) == {a.pk: pytest.approx(1.5),
                                                                         b.pk: pytest.approx(2)}
    assert Attendance.objects.filter(method="list").count() == 2
    client.post(url, {"person": [a.pk, b.pk], f"present_{a.pk}": "1", f"hours_{a.pk}": "2"})
    assert dict(Attendance.objects.values_list("person_id", "hours")) == {a.pk: pytest.approx(2)}
    # Above the session's hours: refused with the service's message, nothing changes.
    refused = client.post(url, {"person": [a.pk], f"present_{a.pk}": "1", f"hours_{a.pk}": "5"}, follow=True)
    assert "甲" in refused.content.decode() and Attendance.objects.get().hours == 2
    detail = client.get(_detail(session))
    assert detail.context["attended_count"] == 1


def test_session_export_and_attendance_export_masked(tree, campaign, login_client):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, title="导出讲座")
    worker = make_person("王五", tree.unit_a)
    enrol_people(actor=tree.town_a_admin, session_id=session.pk, person_ids=[worker.pk])
    from suzhi.training.services.attendance import attendance_mark

    attendance_mark(actor=tree.town_a_admin, session_id=session.pk, marks={worker.pk: "1.5"})
    # The unit admin holds no pii.view: masked even when asking for full numbers.
    unit = login_client(tree.unit_a_admin)
    rows = _xlsx(unit.get(reverse("training:session_attendance_export", args=[session.pk]), {"full": "1"}))
    assert rows[1][0] == "王五" and rows[1][1] != worker.id_number and rows[1][1].endswith(worker.id_number[-4:])
    assert rows[1][6] == 1.5
    town = login_client(tree.town_a_admin)
    masked = _xlsx(town.get(reverse("training:session_attendance_export", args=[session.pk])))
    assert masked[1][1] != worker.id_number
    logs = OperationLog.objects.filter(action="person.pii_view").count()
    full = _xlsx(town.get(reverse("training:session_attendance_export", args=[session.pk]), {"full": "1"}))
    assert full[1][1] == worker.id_number
    assert OperationLog.objects.filter(action="person.pii_view").count() == logs + 1
    sessions = _xlsx(town.get(reverse("training:session_export")))
    assert len(sessions) == 2 and sessions[1][0] == "导出讲座" and sessions[1][10:12] == [1, 1]


def test_navigation_entry(tree):
    assert "training" in {item["key"] for item in flatten(items_for(tree.town_a_admin))}
    assert "training" not in {item["key"] for item in flatten(items_for(tree.participant_a))}
