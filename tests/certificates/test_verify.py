"""The one public page (no login) that verifies a code: valid, revoked with the reason and the date, changed
since issue, unknown; throttled per address; nothing personal beyond the recipient's name and the title. The API's
verify-by-code answers the same."""

import pytest
from django.utils import timezone

from suzhi.certificates.services.revoke import certificate_revoke
from suzhi.core.codes import format_code
from tests.certificates.factories import digest_of, issue_honour
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db


def test_a_valid_certificate(tree, client, honours_source):
    certificate = issue_honour(tree.town_a_admin, tree.town_a, name="敦煌市七里镇工会")
    honours_source["1"] = certificate.digest
    response = client.get(f"/verify/{certificate.code}/")  # nobody logged in
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="valid"' in html and 'id="changed"' not in html and "msg-success" in html
    assert certificate.number in html and "敦煌市七里镇工会" in html and "优秀志愿者" in html
    assert tree.town_a.name in html and "在职工素质提升活动中表现突出" in html  # the source's facts
    # Typed from the paper, in groups and lower case.
    assert client.get(f"/verify/{format_code(certificate.code).lower()}/").status_code == 200
    # The code box sends the code to the page.
    assert client.get("/verify/", {"code": format_code(certificate.code)})["Location"] == \
        f"/verify/{certificate.code}/"
    assert 'id="verify-form"' in client.get("/verify/").content.decode()


def test_a_person_is_named_masked_and_nothing_else_personal_shows(tree, client):
    person = make_person("王小五", tree.unit_a)
    certificate = issue_honour(tree.town_a_admin, tree.town_a, person=person)
    html = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "王*五" in html and "王小五" not in html
    assert person.id_number not in html and person.id_number[-4:] not in html
    if person.phone:
        assert person.phone not in html


def test_a_revoked_certificate_says_so_with_the_reason_and_date(tree, client, honours_source):
    certificate = issue_honour(tree.town_a_admin, tree.town_a)
    honours_source["1"] = certificate.digest
    certificate_revoke(actor=tree.town_a_admin, certificate_id=certificate.pk, reason="评选材料不实")
    response = client.get(f"/verify/{certificate.code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="revoked"' in html and "msg-success" not in html
    assert "评选材料不实" in html and timezone.localdate().strftime("%Y年") in html
    api = client.get(f"/api/v1/certificates/verify/{certificate.code}").json()
    assert api["state"] == "revoked" and api["revoke_reason"] == "评选材料不实"
    assert api["revoked_on"] == timezone.localdate().isoformat()


def test_a_source_changed_since_issue_is_noted(tree, client, honours_source):
    certificate = issue_honour(tree.town_a_admin, tree.town_a)
    honours_source["1"] = digest_of("v2")  # the honour was edited after the certificate was issued
    html = client.get(f"/verify/{certificate.code}/").content.decode()
    assert 'id="changed"' in html and 'data-state="changed"' in html
    assert client.get(f"/api/v1/certificates/verify/{certificate.code}").json()["state"] == "changed"
    honours_source["1"] = certificate.digest  # back as it was
    assert 'id="changed"' not in client.get(f"/verify/{certificate.code}/").content.decode()
    del honours_source["1"]  # the source is gone
    assert 'id="changed"' in client.get(f"/verify/{certificate.code}/").content.decode()


def test_an_unknown_code(tree, client):
    response = client.get("/verify/ABCDEFGHJKMN/")
    assert response.status_code == 404 and 'class="errorbox" id="verdict"' in response.content.decode()
    assert client.get("/verify/short/").status_code == 404
    answer = client.get("/api/v1/certificates/verify/ABCDEFGHJKMN")
    assert answer.status_code == 404 and answer.json() == {
        "state": "unknown", "number": None, "title": None, "recipient": None, "issuer": None, "issued_on": None,
        "revoked_on": None, "revoke_reason": None}


def test_verification_is_throttled_per_address(tree, client, monkeypatch):
    from suzhi.certificates import throttle

    monkeypatch.setattr(throttle, "VERIFY_LIMIT", 2)
    assert [client.get("/verify/ABCDEFGHJKMN/").status_code for _i in range(2)] == [404, 404]
    assert client.get("/api/v1/certificates/verify/ABCDEFGHJKMN").status_code == 429
    assert client.get("/verify/ABCDEFGHJKMN/").status_code == 429
