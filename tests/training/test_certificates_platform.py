"""Certificates of hours are the platform's certificates: issued through suzhi.certificates (kind
"training.hours"), verified on the one public page, revocable there; those issued before the move got their
platform certificate by the data migration with the same code, and the address printed on them still answers."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from suzhi.certificates.models import Certificate
from suzhi.certificates.services.revoke import certificate_revoke
from suzhi.training.models import HoursCertificate
from suzhi.training.selectors.certificates import attendances_of, content_digest
from suzhi.training.services import attendance as attendance_services
from suzhi.training.services import certificates
from tests.certificates.factories import pdf_pages
from tests.training.test_records import THIS_YEAR, worker  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

migration = importlib.import_module("suzhi.training.migrations.0004_hours_certificate_platform")


def test_a_certificate_of_hours_is_a_platform_certificate(tree, worker, client):  # noqa: F811
    person, _user, sessions = worker
    hours = certificates.certificate_issue(actor=tree.town_a_admin, person_id=person.pk, year=THIS_YEAR)
    platform = hours.certificate
    assert platform.code == hours.code and platform.kind == "training.hours"
    assert platform.source_key == f"{person.pk}/{THIS_YEAR}" and platform.digest == hours.digest
    assert platform.person == person and platform.issuer == tree.committee and platform.recipient_name == "王小五"
    assert platform.number == f"DH-ZWH-{timezone.localdate().year}-000001"
    assert platform.fields["hours"] == "4.5" and platform.fields["sessions"] == 2
    html = client.get(f"/verify/{hours.code}/").content.decode()
    assert 'data-state="valid"' in html and "王*五" in html and "4.5" in html and tree.unit_a.name in html
    # The hours change: the platform's page says so (training's digest is registered).
    attendance_services.attendance_mark(actor=tree.town_a_admin, session_id=sessions["course"].pk,
                                        marks={person.pk: "4"})
    assert 'id="changed"' in client.get(f"/verify/{hours.code}/").content.decode()


def test_revoking_a_certificate_of_hours_shows_on_the_old_address_too(tree, worker, client):  # noqa: F811
    person, _user, _sessions = worker
    hours = certificates.certificate_issue(actor=tree.town_a_admin, person_id=person.pk, year=THIS_YEAR)
    # Issued by the committee (the campaign's organiser): a town's administrator may not revoke it.
    from suzhi.core.errors import NotFound

    with pytest.raises(NotFound):
        certificate_revoke(actor=tree.town_a_admin, certificate_id=hours.certificate_id, reason="学时有误")
    certificate_revoke(actor=tree.committee_admin, certificate_id=hours.certificate_id, reason="学时有误")
    html = client.get(f"/training/verify/{hours.code}/").content.decode()
    assert 'data-state="revoked"' in html and "学时有误" in html


def test_certificates_issued_before_the_move_keep_their_codes(tree, worker, client):  # noqa: F811
    person, _user, _sessions = worker
    rows = list(attendances_of(person, THIS_YEAR))
    issued_at = timezone.now()
    old = HoursCertificate.objects.create(
        code="ABCD2345EFGH", person=person, organisation=person.organisation, issuer=tree.committee, year=THIS_YEAR,
        total_hours=Decimal("4.5"), sessions=2, digest=content_digest(person, THIS_YEAR, rows), issued_at=issued_at,
        issued_by=tree.town_a_admin)
    older = HoursCertificate.objects.create(
        code="WXYZ2345EFGH", person=person, organisation=person.organisation, issuer=tree.committee,
        year=THIS_YEAR - 1, total_hours=Decimal("3"), sessions=1, digest="0" * 64,
        issued_at=issued_at - timezone.timedelta(days=1), issued_by=None)
    migration.forwards(apps, None)
    old.refresh_from_db()
    older.refresh_from_db()
    assert old.certificate.code == "ABCD2345EFGH" and older.certificate.code == "WXYZ2345EFGH"
    # Numbered per year of issue, in the order they were issued.
    year, older_year = timezone.localdate(issued_at).year, timezone.localdate(older.issued_at).year
    second = 2 if older_year == year else 1
    assert older.certificate.number == f"DH-ZWH-{older_year}-000001"
    assert old.certificate.number == f"DH-ZWH-{year}-{second:06d}"
    assert old.certificate.fields["hours"] == "4.5" and old.certificate.issued_by == tree.town_a_admin
    assert "4.5" in old.certificate.fields["text"]["body"] and "王小五" in old.certificate.fields["text"]["body"]
    migration.forwards(apps, None)  # run twice: nothing more
    assert Certificate.objects.count() == 2
    for url in (f"/verify/{old.code}/", f"/training/verify/{old.code}/", "/training/verify/abcd-2345-efgh/"):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and 'data-state="valid"' in html and "王*五" in html, url
    assert 'data-state="changed"' in client.get(f"/verify/{older.code}/").content.decode()
    # Issuing the same hours now hands back the migrated certificate.
    assert certificates.certificate_issue(actor=tree.town_a_admin, person_id=person.pk, year=THIS_YEAR).pk == old.pk


def test_a_revoked_certificate_of_hours_prints_marked_revoked(tree, worker, login_client):  # noqa: F811
    person, user, _sessions = worker
    hours = certificates.certificate_issue(actor=tree.town_a_admin, person_id=person.pk, year=THIS_YEAR)
    client = login_client(user)
    url = f"/training/my/certificate/{THIS_YEAR}.pdf"
    assert "已撤销" not in pdf_pages(client.get(url).content)[0].replace(" ", "")
    certificate_revoke(actor=tree.committee_admin, certificate_id=hours.certificate_id, reason="学时有误")
    assert "已撤销" in pdf_pages(client.get(url).content)[0].replace(" ", "")
