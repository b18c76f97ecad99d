"""The participant's phone pages (我的培训, 扫码签到, 我的学时) and the organiser's check-in code page."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from suzhi.core.errors import DomainError
from suzhi.training.codes import check_in_path, read_token
from suzhi.training.models import Attendance, Enrolment, TrainingSession
from suzhi.training.selectors.records import my_hours
from suzhi.training.services import enrolments
from tests.people.factories import make_person
from tests.support import make_participant
from tests.training.factories import make_session, training_campaign

pytestmark = pytest.mark.django_db

MY = "/training/my/"


@pytest.fixture
def campaign(tree):
    return training_campaign(tree)



def _zh(message):
    with translation.override("zh-hans"):
        return translation.gettext(message)


def _service_refusal(user, session):
    """What enrol_self says for this person and session (rolled back either way)."""
    try:
        with transaction.atomic():
            enrolments.enrol_self(actor=user, session_id=session.pk)
            transaction.set_rollback(True)
    except DomainError as exc:
        return str(exc.message)
    return None


def test_my_page_lists_enrolled_and_open_sessions_with_reasons(tree, campaign, login_client):
    worker, user = make_participant(tree)
    enrolled = make_session(tree.town_a_admin, campaign, tree.unit_a, title="已报名的讲座", place="三楼会议室",
                            starts_in_minutes=60 * 24)
    Enrolment.objects.create(session=enrolled, person=worker, source="self")
    open_one = make_session(tree.town_a_admin, campaign, tree.town_a, title="可报名的培训班", form="class")
    full = make_session(tree.town_a_admin, campaign, tree.unit_a, title="名额已满", capacity=1)
    Enrolment.objects.create(session=full, person=make_person("赵六", tree.unit_a), source="unit")
    teachers = make_session(tree.town_a_admin, campaign, tree.unit_a, title="教师专场", person_categories=["teacher"])
    elsewhere = make_session(tree.town_b_admin, campaign, tree.unit_b, title="沙州镇的讲座")
    TrainingSession.objects.filter(pk=make_session(tree.town_a_admin, campaign, tree.unit_a, title="已取消").pk
                                   ).update(is_cancelled=True)

    response = login_client(user).get(MY)
    assert response.status_code == 200
    body = response.content.decode()
    assert "已报名的讲座" in body and "三楼会议室" in body
    assert [row.session for row in response.context["enrolled"]] == [enrolled]
    rows = {row.session.title: row.refusal for row in response.context["open"]}
    assert set(rows) == {"可报名的培训班", "名额已满", "教师专场"}  # not another town's, not cancelled, not enrolled
    assert rows["可报名的培训班"] is None
    # The reasons are the ones enrolling would give.
    assert rows["名额已满"] == _service_refusal(user, full) and rows["名额已满"] in body
    assert rows["教师专场"] == _service_refusal(user, teachers) and "教师" in rows["教师专场"]
    assert body.count('name="action" value="enrol"') == 1
    assert _service_refusal(user, open_one) is None
    assert "沙州镇的讲座" not in body and elsewhere.pk


def test_my_page_without_a_roster_record(tree, login_client):
    response = login_client(tree.participant_a).get(MY)
    assert response.status_code == 200
    assert _zh("Your account is not linked to a person on a roster, so there is no training record to show. "
               "Ask your unit's administrator to link your login to your roster entry.") in response.content.decode()
    assert login_client(tree.participant_a).post(MY, {"action": "enrol", "session": "1"}).status_code == 404


def test_enrol_and_withdraw_through_the_page(tree, campaign, login_client):
    worker, user = make_participant(tree)
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, starts_in_minutes=60)
    client = login_client(user)
    response = client.post(MY, {"action": "enrol", "session": session.pk})
    assert response.status_code == 302 and response.url == MY
    assert Enrolment.objects.filter(session=session, person=worker, source="self").exists()
    page = client.get(MY)
    assert [row.session for row in page.context["enrolled"]] == [session] and not page.context["open"]
    assert 'name="action" value="withdraw"' in page.content.decode()

    response = client.post(MY, {"action": "withdraw", "session": session.pk}, follow=True)
    assert not Enrolment.objects.filter(session=session, person=worker).exists()
    assert [row.session for row in response.context["open"]] == [session]

    # A refusal comes back as a message on the page, nothing changes.
    full = make_session(tree.town_a_admin, campaign, tree.unit_a, capacity=1)
    Enrolment.objects.create(session=full, person=make_person("赵六", tree.unit_a), source="unit")
    expected = _service_refusal(user, full)
    response = client.post(MY, {"action": "enrol", "session": full.pk}, follow=True)
    assert expected in [str(m) for m in response.context["messages"]]
    assert not Enrolment.objects.filter(session=full, person=worker).exists()
    # Another town's session does not exist for them.
    elsewhere = make_session(tree.town_b_admin, campaign, tree.unit_b)
    assert client.post(MY, {"action": "enrol", "session": elsewhere.pk}).status_code == 404
    assert client.post(MY, {"action": "enrol", "session": "x"}).status_code == 404


def test_withdraw_after_attending_is_refused(tree, campaign, login_client):
    worker, user = make_participant(tree)
    session = make_session(tree.town_a_admin, campaign, tree.unit_a)
    Enrolment.objects.create(session=session, person=worker, source="self")
    client = login_client(user)
    assert client.post(check_in_path(session)).status_code == 200
    page = client.get(MY)
    assert 'name="action" value="withdraw"' not in page.content.decode()
    response = client.post(MY, {"action": "withdraw", "session": session.pk}, follow=True)
    assert Enrolment.objects.filter(session=session, person=worker).exists()
    assert len(list(response.context["messages"])) == 1


def test_check_in_link_get_post_twice_forged_expired_not_enrolled(tree, campaign, login_client, client):
    worker, user = make_participant(tree)
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, hours="2")
    Enrolment.objects.create(session=session, person=worker, source="self")
    link = check_in_path(session)

    # Not logged in: to the login page and back.
    response = client.get(link)
    assert response.status_code == 302 and "/login/" in response.url and "next=" in response.url

    client = login_client(user)
    response = client.get(link)
    assert response.status_code == 200
    assert "tr-check-in-button" in response.content.decode()
    assert not Attendance.objects.exists()

    response = client.post(link)
    assert response.status_code == 200 and response.context["success"]
    assert response.context["hours"] == "2" and response.context["year_hours"] == "2"
    assert _zh("Checked in: %(hours)s credit hours earned.") % {"hours": 2} in response.content.decode()
    assert Attendance.objects.get(session=session, person=worker).hours == 2

    # Twice: refused, nothing double-counted; the page itself then shows the check-in already made.
    response = client.post(link)
    assert response.status_code == 400 and response.context["code"] == "already_checked_in"
    assert 'data-code="already_checked_in"' in response.content.decode()
    assert Attendance.objects.count() == 1
    again = client.get(link)
    assert again.status_code == 200 and again.context["attendance"]
    assert "tr-check-in-button" not in again.content.decode()

    # A forged code.
    other = make_session(tree.town_a_admin, campaign, tree.unit_a)
    Enrolment.objects.create(session=other, person=worker, source="self")
    genuine = check_in_path(other).rstrip("/").rsplit("/", 1)[1]
    forged = reverse("training:check_in", args=[other.pk, genuine[:-2] + "xx"])
    response = client.post(forged)
    assert response.status_code == 400 and response.context["code"] == "code_invalid"
    assert _zh("This is not a valid check-in code.") in response.content.decode()
    assert response.context["refusal"] == _zh("This is not a valid check-in code.")
    # Another session's code on this session's link is forged too.
    token = check_in_path(session).rstrip("/").rsplit("/", 1)[1]
    response = client.post(reverse("training:check_in", args=[other.pk, token]))
    assert response.status_code == 400 and response.context["code"] == "code_invalid"

    # Expired: the session ended.
    late = make_session(tree.town_a_admin, campaign, tree.unit_a, starts_in_minutes=-200, minutes=60)
    Enrolment.objects.create(session=late, person=worker, source="self")
    response = client.post(check_in_path(late))
    assert response.status_code == 400 and response.context["code"] == "expired"

    # Not enrolled.
    walk_in = make_session(tree.town_a_admin, campaign, tree.unit_a)
    response = client.post(check_in_path(walk_in))
    assert response.status_code == 400 and response.context["code"] == "not_enrolled"
    assert _zh("You are not enrolled in this session.") in response.content.decode()
    assert Attendance.objects.count() == 1

    # Another town's session does not exist for them; neither does a missing one.
    elsewhere = make_session(tree.town_b_admin, campaign, tree.unit_b)
    assert client.post(check_in_path(elsewhere)).status_code == 404
    assert client.get(check_in_path(elsewhere)).status_code == 404
    assert client.get(reverse("training:check_in", args=[987654, "x"])).status_code == 404


def test_check_in_without_a_roster_record(tree, campaign, login_client):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a)
    response = login_client(tree.unit_a_admin).post(check_in_path(session))
    assert response.status_code == 403
    assert _zh("Your account is not linked to a person on a roster.") in response.content.decode()
    assert not Attendance.objects.exists()


def test_my_hours_per_year_and_form(tree, campaign, login_client):
    worker, user = make_participant(tree)
    lecture = make_session(tree.town_a_admin, campaign, tree.unit_a, hours="2")
    course = make_session(tree.town_a_admin, campaign, tree.unit_a, hours="1.5", form="remote")
    last_year = make_session(tree.town_a_admin, campaign, tree.unit_a, hours="3")
    year = timezone.localdate().year
    TrainingSession.objects.filter(pk=last_year.pk).update(
        starts_at=datetime.datetime(year - 1, 12, 31, 20, tzinfo=timezone.get_current_timezone()),
        ends_at=datetime.datetime(year - 1, 12, 31, 22, tzinfo=timezone.get_current_timezone()))
    for session, hours in ((lecture, "2"), (course, "1.5"), (last_year, "3")):
        Attendance.objects.create(session=session, person=worker, hours=hours, method="list",
                                  checked_in_at=timezone.now())
    someone_else = make_person("赵六", tree.unit_a)
    Attendance.objects.create(session=lecture, person=someone_else, hours="2", method="list",
                              checked_in_at=timezone.now())

    with CaptureQueriesContext(connection) as queries:
        years = my_hours(person=worker)
    assert len(queries) == 1
    assert [(y.year, y.hours, y.count) for y in years] == [(year, 3.5, 2), (year - 1, 3, 1)]
    assert sorted((label, hours) for label, hours, _n in years[0].by_form) == sorted(
        [(str(TrainingSession.Form.LECTURE.label), 2), (str(TrainingSession.Form.REMOTE.label), 1.5)])

    response = login_client(user).get("/training/my/hours/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-year="{year}"' in body and f'data-year="{year - 1}"' in body
    assert len(response.context["page_obj"].object_list) == 3
    assert reverse("training:my_certificate_issue", args=[year]) in body
    assert login_client(user).get(MY).context["year_hours"] == 3.5


def test_qr_page_for_the_organiser_and_scope(tree, campaign, login_client):
    worker, user = make_participant(tree)
    session = make_session(tree.town_a_admin, campaign, tree.unit_a)
    Enrolment.objects.create(session=session, person=worker, source="self")
    url = f"/training/sessions/{session.pk}/qr/"
    old_link = check_in_path(session)

    response = login_client(tree.town_a_admin).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and f"http://testserver{old_link}" in body
    assert response.context["opens"] == session.starts_at - datetime.timedelta(minutes=30)

    assert login_client(tree.town_b_admin).get(url).status_code == 404
    assert login_client(tree.town_b_admin).post(url).status_code == 404
    assert login_client(user).get(url).status_code == 403
    # A session organised above the admin's town is visible to them but not theirs to hand out.
    above = make_session(tree.committee_admin, campaign, tree.federation)
    assert login_client(tree.town_a_admin).get(f"/training/sessions/{above.pk}/qr/").status_code == 404

    # 换码: the old link stops working, the new one works.
    response = login_client(tree.town_a_admin).post(url)
    assert response.status_code == 302 and response.url == url
    session.refresh_from_db()
    assert session.code_version == 2
    shown = login_client(tree.town_a_admin).get(url).context["link"]
    read_token(session, shown.rstrip("/").rsplit("/", 1)[1])  # the page shows a current code
    new_link = check_in_path(session)
    response = login_client(user).post(old_link)
    assert response.status_code == 400 and response.context["code"] == "code_replaced"
    assert login_client(user).post(new_link).status_code == 200


def test_my_page_queries_do_not_grow_with_sessions(tree, campaign, login_client):
    worker, user = make_participant(tree)

    def add(count):
        for index in range(count):
            enrolled = make_session(tree.town_a_admin, campaign, tree.unit_a, title=f"讲座{index}", capacity=5)
            Enrolment.objects.create(session=enrolled, person=worker, source="self")
            attended = make_session(tree.town_a_admin, campaign, tree.unit_a, title=f"已签到{index}")
            Enrolment.objects.create(session=attended, person=worker, source="self")
            Attendance.objects.create(session=attended, person=worker, hours=2, method="list",
                                      checked_in_at=timezone.now())
            make_session(tree.town_a_admin, campaign, tree.town_a, title=f"开放{index}", capacity=3)
            make_session(tree.town_a_admin, campaign, tree.unit_a, title=f"教师{index}",
                         person_categories=["teacher"])

    client = login_client(user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(MY)
        assert response.status_code == 200
        return len(queries), len(response.context["enrolled"]), len(response.context["open"])

    add(1)
    client.get(MY)  # caches filled on the first request (permissions, navigation) do not count
    few, enrolled, opened = count()
    assert (enrolled, opened) == (2, 2)
    add(4)
    many, enrolled, opened = count()
    assert (enrolled, opened) == (10, 10)
    assert many == few
