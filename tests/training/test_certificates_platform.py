"""Certificates of hours are the platform's certificates: issued through suzhi.certificates (kind
"training.hours"), verified on the one public page, revocable there. Those issued before the move (training's own
table, migrations 0004 and 0005) became platform certificates with the same code, and the address printed on them
still answers."""

from decimal import Decimal

import pytest
from django.utils import timezone

from suzhi.certificates.services.revoke import certificate_revoke
from suzhi.training.selectors.certificates import hours_of
from suzhi.training.services import attendance as attendance_services
from suzhi.training.services import certificates
from tests.certificates.factories import pdf_pages
from tests.training.test_records import THIS_YEAR, worker  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_a_certificate_of_hours_is_a_platform_certificate(tree, worker, client):  # noqa: F811
    person, _user, sessions = worker
    hours = certificates.certificate_issue(actor=tree.town_a_admin, person_id=person.pk, year=THIS_YEAR)
    assert hours.kind == "training.hours" and hours.source_key == f"{person.pk}/{THIS_YEAR}"
    assert hours.person == person and hours.issuer == tree.committee and hours.recipient_name == "王小五"
    assert hours.organisation == tree.unit_a and hours.number == f"DH-ZWH-{timezone.localdate().year}-000001"
    assert hours_of(hours) == (THIS_YEAR, Decimal("4.5"), 2) and hours.fields["organisation"] == tree.unit_a.name
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
        certificate_revoke(actor=tree.town_a_admin, certificate_id=hours.pk, reason="学时有误")
    certificate_revoke(actor=tree.committee_admin, certificate_id=hours.pk, reason="学时有误")
    html = client.get(f"/training/verify/{hours.code}/").content.decode()
    assert 'data-state="revoked"' in html and "学时有误" in html


def test_a_revoked_certificate_of_hours_prints_marked_revoked(tree, worker, login_client):  # noqa: F811
    person, user, _sessions = worker
    hours = certificates.certificate_issue(actor=tree.town_a_admin, person_id=person.pk, year=THIS_YEAR)
    client = login_client(user)
    url = f"/training/my/certificate/{THIS_YEAR}.pdf"
    assert "已撤销" not in pdf_pages(client.get(url).content)[0].replace(" ", "")
    certificate_revoke(actor=tree.committee_admin, certificate_id=hours.pk, reason="学时有误")
    assert "已撤销" in pdf_pages(client.get(url).content)[0].replace(" ", "")
