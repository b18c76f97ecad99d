"""Opening accounts in bulk (批量开通账号): one participant account per selected person, an activation code each (only
its digest stored), one activation sheet for the caller alone, one log row without codes; in scope only."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suzhi.core.errors import NotFound, PermissionDenied, ValidationFailed
from suzhi.core.models import ActivationCode, ExportJob, OperationLog, RoleAssignment, User
from suzhi.core.services.activation import ALPHABET, code_digest
from suzhi.people.models import Person
from suzhi.people.services import accounts
from suzhi.people.services.accounts import accounts_create_for_people
from tests.people.test_persons_helpers import make_person

pytestmark = pytest.mark.django_db

URL = "http://testserver/activate/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _codes_on(job: ExportJob) -> list[str]:
    """The codes printed on the sheet (as the QR codes carry them: the activation address and the code)."""
    from pypdf import PdfReader

    with job.file.open("rb") as handle:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    group = "[2-9A-HJ-NP-Z]"
    return [code.replace("-", "") for code in re.findall(rf"{group}{{4}}-{group}{{4}}-{group}{{2}}", text)]


def test_accounts_for_a_selection_are_linked_with_one_code_each_and_one_log_row(tree):
    first = make_person("王一", tree.unit_a, phone="13800000011")
    second = make_person("李二", tree.unit_a)
    batch = accounts_create_for_people(actor=tree.unit_a_admin, activate_url=URL, person_ids=[first.pk, second.pk])
    assert (batch.created, batch.already, batch.skipped, batch.inactive) == (2, 0, 0, 0)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.user.username == f"ry{first.pk}" and second.user.username == f"ry{second.pk}"
    assert first.user.phone == "13800000011" and second.user.phone is None
    assert first.user.organisation == tree.unit_a and first.user.full_name == "王一"
    assert not first.user.has_usable_password()  # nobody can log in until the person sets a password
    assert RoleAssignment.objects.filter(user=first.user, role__code="participant", organisation=tree.unit_a).exists()
    codes = ActivationCode.objects.filter(user__in=[first.user, second.user])
    assert codes.count() == 2 and all(code.used_at is None for code in codes)
    sheet = batch.sheet
    assert sheet.user == tree.unit_a_admin and sheet.kind == accounts.SHEET_KIND and sheet.file.name.endswith(".pdf")
    printed = _codes_on(sheet)
    assert len(printed) == 2 and all(len(code) == 10 and set(code) <= set(ALPHABET) for code in printed)
    assert {code_digest(code) for code in printed} == set(codes.values_list("code_hash", flat=True))
    log = OperationLog.objects.filter(action="person.accounts_create").get()
    assert log.actor == tree.unit_a_admin and log.after["created"] == 2 and log.organisation == tree.unit_a
    everything = str(list(OperationLog.objects.values_list("before", "after", "summary")))
    assert not any(code in everything for code in printed)


def test_the_sheet_prints_the_name_unit_username_and_code_but_no_phone_or_id_number(tree):
    person = make_person("王一", tree.unit_a, phone="13800000011")
    batch = accounts_create_for_people(actor=tree.unit_a_admin, activate_url=URL, person_ids=[person.pk])
    from pypdf import PdfReader

    with batch.sheet.file.open("rb") as handle:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert "王一" in text and tree.unit_a.name in text and f"ry{person.pk}" in text
    assert "13800000011" not in text and person.id_number not in text and person.id_number[-4:] not in text


def test_people_who_have_an_account_or_left_are_counted_not_given_one(tree):
    linked = make_person("王一", tree.unit_a)
    accounts.person_account_link(actor=tree.unit_a_admin, person_id=linked.pk, username="worker_a")
    left = make_person("李二", tree.unit_a, is_active=False)
    fresh = make_person("张三", tree.unit_a)
    batch = accounts_create_for_people(actor=tree.unit_a_admin, activate_url=URL,
                                       person_ids=[linked.pk, left.pk, fresh.pk, 999999])
    assert (batch.created, batch.already, batch.inactive, batch.skipped) == (1, 1, 1, 1)
    assert Person.objects.get(pk=left.pk).user is None
    assert Person.objects.get(pk=linked.pk).user == tree.participant_a


def test_the_whole_unit_at_once(tree):
    people = [make_person(name, tree.unit_a) for name in ("王一", "李二", "张三")]
    make_person("赵四", tree.unit_b)
    make_person("钱五", tree.unit_a, is_active=False)
    batch = accounts_create_for_people(actor=tree.town_a_admin, activate_url=URL, org_id=tree.town_a.pk,
                                       all_in_org=True)
    assert batch.created == 3 and batch.remaining == 0
    assert set(Person.objects.filter(user__isnull=False).values_list("pk", flat=True)) == {p.pk for p in people}
    again = accounts_create_for_people(actor=tree.town_a_admin, activate_url=URL, org_id=tree.town_a.pk,
                                       all_in_org=True)
    assert (again.created, again.already, again.sheet) == (0, 3, None)


def test_a_large_unit_is_done_in_batches_that_say_what_remains(tree, monkeypatch):
    monkeypatch.setattr(accounts, "MAX_BATCH", 2)
    for name in ("王一", "李二", "张三"):
        make_person(name, tree.unit_a)
    batch = accounts_create_for_people(actor=tree.unit_a_admin, activate_url=URL, org_id=tree.unit_a.pk,
                                       all_in_org=True)
    assert (batch.created, batch.remaining) == (2, 1)
    batch = accounts_create_for_people(actor=tree.unit_a_admin, activate_url=URL, org_id=tree.unit_a.pk,
                                       all_in_org=True)
    assert (batch.created, batch.remaining, batch.already) == (1, 0, 2)
    with pytest.raises(ValidationFailed):
        accounts_create_for_people(actor=tree.unit_a_admin, activate_url=URL, person_ids=[1, 2, 3])
    for wrong in (["abc"], [10**30], []):
        with pytest.raises(ValidationFailed):
            accounts_create_for_people(actor=tree.unit_a_admin, activate_url=URL, person_ids=wrong)


def test_another_towns_admin_cannot_open_accounts_outside_their_scope(tree):
    person = make_person("王一", tree.unit_a)
    with pytest.raises(NotFound):
        accounts_create_for_people(actor=tree.town_b_admin, activate_url=URL, person_ids=[person.pk])
    with pytest.raises(NotFound):
        accounts_create_for_people(actor=tree.town_b_admin, activate_url=URL, org_id=tree.unit_a.pk, all_in_org=True)
    own = make_person("赵四", tree.unit_b)
    batch = accounts_create_for_people(actor=tree.town_b_admin, activate_url=URL, person_ids=[person.pk, own.pk])
    assert (batch.created, batch.skipped) == (1, 1)
    assert Person.objects.get(pk=person.pk).user is None
    with pytest.raises(PermissionDenied):  # a participant holds neither person.manage nor user.manage
        accounts_create_for_people(actor=tree.participant_a, activate_url=URL, person_ids=[person.pk])


def test_a_phone_another_account_uses_is_not_copied(tree):
    person = make_person("王一", tree.unit_a, phone="13900000005")  # worker_a's phone
    accounts_create_for_people(actor=tree.unit_a_admin, activate_url=URL, person_ids=[person.pk])
    assert Person.objects.get(pk=person.pk).user.phone is None


def test_a_taken_username_gets_another(tree):
    person = make_person("王一", tree.unit_a)
    User.objects.create(username=f"RY{person.pk}")
    accounts_create_for_people(actor=tree.unit_a_admin, activate_url=URL, person_ids=[person.pk])
    assert Person.objects.get(pk=person.pk).user.username.startswith(f"ry{person.pk}-")


def test_statements_do_not_grow_with_the_number_of_people(tree, monkeypatch):
    # The PDF is rendered the same way whatever the count; here only the database work is measured.
    monkeypatch.setattr("suzhi.people.activation_sheet.render_activation_sheet", lambda **kwargs: b"%PDF-")
    one = [make_person("王一", tree.unit_a).pk]
    many = [make_person(f"李{i}", tree.unit_a).pk for i in range(20)]
    warm_up = [make_person("热身", tree.unit_a).pk]
    accounts_create_for_people(actor=tree.unit_a_admin, activate_url=URL, person_ids=warm_up)
    with CaptureQueriesContext(connection) as few:
        accounts_create_for_people(actor=tree.unit_a_admin, activate_url=URL, person_ids=one)
    with CaptureQueriesContext(connection) as lots:
        accounts_create_for_people(actor=tree.unit_a_admin, activate_url=URL, person_ids=many)
    assert len(lots) == len(few), [q["sql"][:80] for q in lots.captured_queries]
    assert Person.objects.filter(user__isnull=False).count() == 22


def test_the_list_offers_selection_and_the_result_page_gives_the_sheet_to_its_creator_alone(tree, login_client, client):
    first, second = make_person("王一", tree.unit_a), make_person("李二", tree.unit_a)
    admin = login_client(tree.unit_a_admin)
    page = admin.get("/people/").content.decode()
    assert f'name="person_ids" value="{first.pk}"' in page and "/people/accounts/create/" in page
    response = admin.post("/people/accounts/create/", {"person_ids": [first.pk, second.pk]})
    assert response.status_code == 200
    job = ExportJob.objects.get(kind=accounts.SHEET_KIND)
    assert f"/exports/{job.pk}/download/" in response.content.decode()
    download = admin.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert admin.get("/people/").content.decode().count('title="已开通账号"') == 2  # both have an account now
    other = login_client(tree.town_b_admin)
    assert other.get(f"/exports/{job.pk}/download/").status_code == 404
    assert other.get(f"/api/v1/people/accounts/sheets/{job.pk}").status_code == 404


def test_the_page_for_the_whole_unit_and_out_of_scope_selections(tree, login_client):
    person = make_person("王一", tree.unit_a)
    other = login_client(tree.town_b_admin)
    assert other.post("/people/accounts/create/", {"person_ids": [person.pk]}).status_code == 404
    assert other.post("/people/accounts/create/", {"all": "1", "org": tree.unit_a.pk}).status_code == 404
    assert Person.objects.get(pk=person.pk).user is None
    admin = login_client(tree.unit_a_admin)
    response = admin.post("/people/accounts/create/", {"all": "1", "org": tree.unit_a.pk})
    assert response.status_code == 200 and Person.objects.get(pk=person.pk).user is not None
    nothing = admin.post("/people/accounts/create/", {}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert nothing.status_code == 302


def test_the_api_opens_accounts_and_hands_the_sheet_to_the_caller_only(tree, api_client, client):
    person = make_person("王一", tree.unit_a)
    foreign = client.post("/api/v1/people/accounts", {"person_ids": [person.pk]}, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {_token(tree.town_b_admin)}")
    assert foreign.status_code == 404
    response = client.post("/api/v1/people/accounts", {"org_id": tree.unit_a.pk, "all": True},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {_token(tree.unit_a_admin)}")
    assert response.status_code == 201
    body = response.json()
    assert (body["created"], body["already"]) == (1, 0) and body["sheet_url"].startswith("/api/v1/people/accounts/")
    sheet = client.get(body["sheet_url"], HTTP_AUTHORIZATION=f"Bearer {_token(tree.unit_a_admin)}")
    assert sheet.status_code == 200 and sheet["Content-Type"] == "application/pdf"
    assert client.get(body["sheet_url"], HTTP_AUTHORIZATION=f"Bearer {_token(tree.town_b_admin)}").status_code == 404
    missing = client.post("/api/v1/people/accounts", {"all": True}, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {_token(tree.unit_a_admin)}")
    assert missing.status_code == 422


def _token(user) -> str:
    from django.db import transaction

    from suzhi.core.services.auth import api_token_create

    with transaction.atomic():
        return api_token_create(user=user, name="test")[1]


def test_a_person_activates_the_account_from_the_sheet_and_logs_in_with_it(tree, client):
    person = make_person("王一", tree.unit_a)
    batch = accounts_create_for_people(actor=tree.unit_a_admin, activate_url=URL, person_ids=[person.pk])
    [code] = _codes_on(batch.sheet)
    response = client.post("/activate/", {"code": code, "password": "Xin-mima2024", "password_again": "Xin-mima2024"})
    assert response.status_code == 302
    token = client.post("/api/v1/auth/token", {"username": person.id_number, "password": "Xin-mima2024"},
                        content_type="application/json")  # the ID number names the account, as for any participant
    assert token.status_code == 201


def test_new_codes_for_people_not_yet_activated_replace_the_old_ones(tree, client):
    waiting, activated, without = (make_person(name, tree.unit_a) for name in ("王一", "李二", "张三"))
    batch = accounts_create_for_people(actor=tree.unit_a_admin, activate_url=URL,
                                       person_ids=[waiting.pk, activated.pk])
    first_codes = _codes_on(batch.sheet)
    activated_code = next(code for code in first_codes
                          if ActivationCode.objects.get(code_hash=code_digest(code)).user.person == activated)
    assert client.post("/api/v1/auth/activate", {"code": activated_code, "password": "Xin-mima2024"},
                       content_type="application/json").status_code == 200
    again = accounts.activation_codes_reissue(actor=tree.unit_a_admin, activate_url=URL,
                                              person_ids=[waiting.pk, activated.pk, without.pk])
    assert (again.reissued, again.already, again.no_account) == (1, 1, 1)
    [new_code] = _codes_on(again.sheet)
    old_code = next(code for code in first_codes if code != activated_code)
    assert client.post("/api/v1/auth/activate", {"code": old_code, "password": "Xin-mima2024"},
                       content_type="application/json").status_code == 422
    assert client.post("/api/v1/auth/activate", {"code": new_code, "password": "Xin-mima2024"},
                       content_type="application/json").status_code == 200
    assert OperationLog.objects.filter(action="person.activation_reissue").get().after["reissued"] == 1
    with pytest.raises(NotFound):
        accounts.activation_codes_reissue(actor=tree.town_b_admin, activate_url=URL, person_ids=[waiting.pk])


def test_no_new_code_for_an_account_holding_a_role_the_admin_cannot_grant(tree):
    person = make_person("王一", tree.unit_a)
    accounts_create_for_people(actor=tree.town_a_admin, activate_url=URL, person_ids=[person.pk])
    account = Person.objects.get(pk=person.pk).user
    from tests.core.factories import grant

    grant(account, "town_admin", tree.town_a)  # a higher role, granted from above
    batch = accounts.activation_codes_reissue(actor=tree.unit_a_admin, activate_url=URL, person_ids=[person.pk])
    assert (batch.reissued, batch.skipped, batch.sheet) == (0, 1, None)


def test_the_reissue_page_and_api(tree, login_client, client):
    person = make_person("王一", tree.unit_a)
    accounts_create_for_people(actor=tree.unit_a_admin, activate_url=URL, person_ids=[person.pk])
    admin = login_client(tree.unit_a_admin)
    page = admin.get("/people/").content.decode()
    assert "/people/accounts/reissue/" in page
    response = admin.post("/people/accounts/reissue/", {"person_ids": [person.pk]})
    assert response.status_code == 200 and ExportJob.objects.filter(kind=accounts.SHEET_KIND).count() == 2
    answer = client.post("/api/v1/people/accounts/codes", {"person_ids": [person.pk]},
                         content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {_token(tree.unit_a_admin)}")
    assert answer.status_code == 201 and answer.json()["reissued"] == 1
    foreign = client.post("/api/v1/people/accounts/codes", {"person_ids": [person.pk]},
                          content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {_token(tree.town_b_admin)}")
    assert foreign.status_code == 404
