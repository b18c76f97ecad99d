"""Personal training records: the record page against hand-computed hours, the certificate of hours as a PDF
for an administrator and for the person, and the public page that verifies it."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from suzhi.certificates.models import Certificate
from suzhi.core.codes import format_code
from suzhi.core.masking import mask_id_number, mask_name
from suzhi.core.models import OperationLog
from suzhi.training.models import TrainingSession
from suzhi.training.selectors.certificates import hours_of
from suzhi.training.services import attendance as attendance_services
from suzhi.training.services import certificates, enrolments
from tests.people.factories import make_person
from tests.support import make_participant
from tests.training.factories import make_session, training_campaign

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def hours_certificates():
    """Certificates of hours are the platform's certificates of kind training.hours."""
    return Certificate.objects.filter(kind="training.hours")


def _attend(tree, session, person, hours=None):
    enrolments.enrol_people(actor=tree.town_a_admin, session_id=session.pk, person_ids=[person.pk], recording=True)
    attendance_services.attendance_mark(actor=tree.town_a_admin, session_id=session.pk, marks={person.pk: hours})


@pytest.fixture
def worker(tree):
    """王小五 attended, this year, a 2-hour lecture (in full) and a 4-hour class (2.5 hours credited), and last
    year a 3-hour lecture: 3 sessions and 7.5 hours in all, 4.5 of them this year."""
    campaign = training_campaign(tree)
    person, user = make_participant(tree, "王小五")
    lecture = make_session(tree.town_a_admin, campaign, tree.unit_a, title="安全生产讲座", hours="2")
    course = make_session(tree.town_a_admin, campaign, tree.town_a, title="电工技能培训班", form="class", hours="4",
                          starts_in_minutes=-60)
    earlier = make_session(tree.town_a_admin, campaign, tree.unit_a, title="职业道德讲座", hours="3",
                           starts_in_minutes=-120)
    _attend(tree, lecture, person)
    _attend(tree, course, person, "2.5")
    _attend(tree, earlier, person)
    last_year = timezone.make_aware(datetime.datetime(THIS_YEAR - 1, 6, 15, 9, 0))
    TrainingSession.objects.filter(pk=earlier.pk).update(starts_at=last_year,
                                                         ends_at=last_year + datetime.timedelta(hours=3))
    # Someone else's hours never show on 王小五's record.
    other = make_person("李四", tree.unit_a)
    _attend(tree, lecture, other)
    return person, user, {"lecture": lecture, "course": course, "earlier": earlier}


def _pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_record_page_lists_sessions_and_hours_per_year_and_form(tree, worker, login_client):
    person, _user, _sessions = worker
    response = login_client(tree.town_a_admin).get(f"/training/people/{person.pk}/record/")
    assert response.status_code == 200
    record = response.context["record"]
    assert [row.session.title for row in record.rows] == ["安全生产讲座", "电工技能培训班", "职业道德讲座"]
    assert [(t.key, t.sessions, t.hours) for t in record.years] == [
        (THIS_YEAR, 2, Decimal("4.5")), (THIS_YEAR - 1, 1, Decimal("3"))]
    assert record.years[0].forms == {"lecture": Decimal("2"), "class": Decimal("2.5")}
    assert [(t.key, t.sessions, t.hours) for t in record.forms] == [
        ("class", 1, Decimal("2.5")), ("lecture", 2, Decimal("5"))]
    assert (record.total.sessions, record.total.hours) == (3, Decimal("7.5"))
    html = response.content.decode()
    assert "电工技能培训班" in html and "7.5" in html
    assert person.id_number not in html and mask_id_number(person.id_number) in html
    assert f'action="/training/people/{person.pk}/certificate/{THIS_YEAR}/issue/"' in html


def test_another_towns_admin_gets_404(tree, worker, login_client):
    person, _user, _sessions = worker
    client = login_client(tree.town_b_admin)
    assert client.get(f"/training/people/{person.pk}/record/").status_code == 404
    assert client.get(f"/training/people/{person.pk}/certificate/{THIS_YEAR}.pdf").status_code == 404
    assert client.post(f"/training/people/{person.pk}/certificate/{THIS_YEAR}/issue/").status_code == 404
    assert not hours_certificates().exists()


def test_a_participant_cannot_open_the_administrators_pages(tree, worker, login_client):
    person, user, _sessions = worker
    client = login_client(user)
    assert client.get(f"/training/people/{person.pk}/record/").status_code == 403
    # Without a roster record, "my certificate" does not exist.
    assert login_client(tree.town_b_admin).get(f"/training/my/certificate/{THIS_YEAR}.pdf").status_code == 404
    assert login_client(tree.town_b_admin).post(f"/training/my/certificate/{THIS_YEAR}/issue/").status_code == 404


def _issue(client, url):
    """POST to the issue address, then follow its redirect to the PDF (a GET)."""
    response = client.post(url)
    assert response.status_code == 302, response.content[:500]
    return client.get(response["Location"])


def test_the_certificate_pdf_for_an_administrator_and_for_the_person(tree, worker, login_client, client):
    person, user, _sessions = worker
    text = _pdf_text(_issue(login_client(tree.town_a_admin),
                            f"/training/people/{person.pk}/certificate/{THIS_YEAR}/issue/"))
    certificate = hours_certificates().get()
    assert hours_of(certificate) == (THIS_YEAR, Decimal("4.5"), 2)
    assert certificate.person == person and certificate.organisation == tree.unit_a
    assert certificate.issued_by == tree.town_a_admin
    assert certificate.issuer == tree.committee  # the campaign's organiser, above the person
    assert len(certificate.code) == 12 and set(certificate.code) <= set(certificates.ALPHABET)
    flat = text.replace(" ", "").replace("\n", "")
    assert "王小五" in flat and mask_id_number(person.id_number) in flat and "学时" in flat and "4.5" in flat
    assert "安全生产讲座" in flat and "电工技能培训班" in flat and "职业道德讲座" not in flat  # last year's
    assert format_code(certificate.code) in flat
    # The QR and the address point at the platform's verification page.
    assert f"/verify/{certificate.code}/" in flat and "/training/verify/" not in flat
    assert person.id_number not in flat

    client.logout()
    own = _pdf_text(_issue(login_client(user), f"/training/my/certificate/{THIS_YEAR}/issue/"))
    assert mask_id_number(person.id_number) in own.replace(" ", "") and person.id_number not in own.replace(" ", "")
    # The same content issued again is the same certificate, logged once.
    assert hours_certificates().count() == 1
    assert OperationLog.objects.filter(action="training.certificate_issue").count() == 1
    last = _pdf_text(_issue(login_client(user), f"/training/my/certificate/{THIS_YEAR - 1}/issue/"))
    assert "职业道德讲座" in last.replace(" ", "").replace("\n", "")
    assert hours_certificates().count() == 2


def test_reissue_is_idempotent_and_a_year_without_hours_is_refused(tree, worker, login_client):
    person, user, _sessions = worker
    first = certificates.certificate_issue(actor=tree.town_a_admin, person_id=person.pk, year=THIS_YEAR)
    again = certificates.certificate_issue(actor=user, person_id=person.pk, year=THIS_YEAR)
    assert again.pk == first.pk and again.code == first.code
    response = login_client(user).post(f"/training/my/certificate/{THIS_YEAR - 5}/issue/")
    assert response.status_code == 422
    assert login_client(user).post("/training/my/certificate/1800/issue/").status_code == 404
    assert login_client(user).get("/training/my/certificate/1800.pdf").status_code == 404


def test_verification_page_is_public_and_shows_only_the_masked_name(tree, worker, client):
    person, _user, _sessions = worker
    certificate = certificates.certificate_issue(actor=tree.town_a_admin, person_id=person.pk, year=THIS_YEAR)
    response = client.get(f"/training/verify/{certificate.code}/")  # nobody logged in
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="verdict"' in html and "msg-success" in html and 'id="changed"' not in html
    assert "王*五" in html and "王小五" not in html
    assert tree.unit_a.name in html and "4.5" in html and str(THIS_YEAR) in html
    assert person.id_number not in html and mask_id_number(person.id_number) not in html
    assert person.id_number[-4:] not in html
    # Typed from the paper, in groups and lower case: the same certificate.
    typed = format_code(certificate.code).lower()
    assert client.get(f"/training/verify/{typed}/").status_code == 200


def test_unknown_code_is_invalid(tree, client):
    response = client.get("/training/verify/ABCDEFGHJKMN/")
    assert response.status_code == 404
    assert 'class="errorbox" id="verdict"' in response.content.decode()
    assert client.get("/training/verify/short/").status_code == 404


def test_changed_hours_are_noted_on_the_verification_page(tree, worker, client):
    person, _user, sessions = worker
    certificate = certificates.certificate_issue(actor=tree.town_a_admin, person_id=person.pk, year=THIS_YEAR)
    attendance_services.attendance_mark(actor=tree.town_a_admin, session_id=sessions["course"].pk,
                                        marks={person.pk: "4"})
    html = client.get(f"/training/verify/{certificate.code}/").content.decode()
    assert 'id="changed"' in html and "4.5" in html  # what was certified, with the note
    newer = certificates.certificate_issue(actor=tree.town_a_admin, person_id=person.pk, year=THIS_YEAR)
    assert newer.pk != certificate.pk and hours_of(newer)[1] == Decimal("6")
    assert 'id="changed"' not in client.get(f"/training/verify/{newer.code}/").content.decode()
    # Back to what was first certified: the first certificate stands again, and issuing returns it.
    attendance_services.attendance_mark(actor=tree.town_a_admin, session_id=sessions["course"].pk,
                                        marks={person.pk: "2.5"})
    assert 'id="changed"' not in client.get(f"/training/verify/{certificate.code}/").content.decode()
    assert certificates.certificate_issue(actor=tree.town_a_admin, person_id=person.pk,
                                          year=THIS_YEAR).pk == certificate.pk


def test_mask_name():
    assert [mask_name(n) for n in ("王五", "王小五", "欧阳小明", "王", "")] == [
        "王*", "王*五", "欧**明", "*", ""]


def test_verification_is_throttled_per_address(tree, client, monkeypatch):
    from suzhi.certificates import throttle

    monkeypatch.setattr(throttle, "VERIFY_LIMIT", 2)
    assert [client.get("/training/verify/ABCDEFGHJKMN/").status_code for _i in range(3)] == [404, 404, 429]


def test_the_record_page_query_count_does_not_grow_with_sessions(tree, worker, login_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person, _user, sessions = worker
    client = login_client(tree.town_a_admin)
    client.get(f"/training/people/{person.pk}/record/")  # the first page of a login caches its menu
    with CaptureQueriesContext(connection) as before:
        client.get(f"/training/people/{person.pk}/record/")
    campaign = sessions["lecture"].activity.campaign
    for i in range(3):
        _attend(tree, make_session(tree.town_a_admin, campaign, tree.unit_a, title=f"讲座{i}"), person)
    with CaptureQueriesContext(connection) as after:
        response = client.get(f"/training/people/{person.pk}/record/")
    assert response.context["record"].total.sessions == 6
    assert len(after) == len(before), [q["sql"][:150] for q in after.captured_queries]


def test_person_page_links_to_the_training_record(tree, client):
    from tests.people.factories import make_person

    person = make_person("王五", tree.unit_a)
    client.force_login(tree.town_a_admin)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert f"/training/people/{person.pk}/record/" in page


def test_reading_a_certificate_issues_nothing(tree, worker, login_client):
    """A GET serves the certificate already issued for the current hours, or says to issue it: it never
    creates one nor writes a log row (issue 13)."""
    person, user, sessions = worker
    admin = login_client(tree.town_a_admin)
    url = f"/training/people/{person.pk}/certificate/{THIS_YEAR}.pdf"
    response = admin.get(url)
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'id="not-issued"' in html and f'action="/training/people/{person.pk}/certificate/{THIS_YEAR}/issue/"' in html
    assert not hours_certificates().exists() and not OperationLog.objects.filter(
        action="training.certificate_issue").exists()
    # Issued by a POST, then read as often as wanted: the same certificate, one log row.
    issued = admin.post(f"/training/people/{person.pk}/certificate/{THIS_YEAR}/issue/")
    assert issued.status_code == 302 and issued["Location"] == url
    for _ in range(2):
        assert admin.get(url)["Content-Type"] == "application/pdf"
    assert hours_certificates().count() == 1
    assert OperationLog.objects.filter(action="training.certificate_issue").count() == 1
    # The hours change: the old certificate no longer certifies them, and reading does not issue a new one.
    attendance_services.attendance_mark(actor=tree.town_a_admin, session_id=sessions["course"].pk,
                                        marks={person.pk: "4"})
    assert admin.get(url).status_code == 404
    # A year without hours offers nothing to issue.
    html = admin.get(f"/training/people/{person.pk}/certificate/{THIS_YEAR - 5}.pdf").content.decode()
    assert 'id="not-issued"' in html and 'id="issue"' not in html
    assert admin.get(f"/training/people/{person.pk}/certificate/{THIS_YEAR}/issue/").status_code == 405
    assert login_client(user).get(f"/training/my/certificate/{THIS_YEAR}.pdf").status_code == 404
    assert hours_certificates().count() == 1


def test_issuing_over_the_api(tree, worker, api_client, client):
    person, user, _sessions = worker
    response = api_client(tree.town_a_admin).post(
        "/api/v1/training/certificates", {"person_id": person.pk, "year": THIS_YEAR}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    certificate = hours_certificates().get()
    assert body["code"] == certificate.code and body["total_hours"] == 4.5 and body["sessions"] == 2
    assert body["pdf_url"] == f"/training/people/{person.pk}/certificate/{THIS_YEAR}.pdf"
    assert body["verify_url"].endswith(f"/verify/{certificate.code}/")
    assert "/training/verify/" not in body["verify_url"]
    # The person asks for their own without naming themselves: the same certificate, nothing new written.
    own = api_client(user).post("/api/v1/training/certificates", {"year": THIS_YEAR}, content_type="application/json")
    assert own.status_code == 201 and own.json()["code"] == certificate.code
    assert own.json()["pdf_url"] == f"/training/my/certificate/{THIS_YEAR}.pdf"
    assert OperationLog.objects.filter(action="training.certificate_issue").count() == 1
    other = api_client(tree.town_b_admin).post(
        "/api/v1/training/certificates", {"person_id": person.pk, "year": THIS_YEAR}, content_type="application/json")
    assert other.status_code == 404
    # The public verification page still answers for it.
    client.defaults.pop("HTTP_AUTHORIZATION", None)
    assert client.get(f"/training/verify/{certificate.code}/").status_code == 200
