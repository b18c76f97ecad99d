"""The login log keeps the account, not the typed name: a phone or ID number typed at login never shows in
full on the log page, in the API or in the export (issue 13, personal data)."""

import importlib

from django.apps import apps

from suzhi.core.excel import read_rows
from suzhi.core.masking import mask_login
from suzhi.core.models import LoginLog
from tests.core.factories import UserFactory

LOGINS = "/logs/logins/"
UNKNOWN_ID = "11010519491231002X"
UNKNOWN_PHONE = "13712345678"


def post_login(client, login, password):
    return client.post("/login/", {"login": login, "password": password}, REMOTE_ADDR="10.0.0.1")


def everything_shown(client, api_client, viewer) -> str:
    page = client.get(LOGINS).content.decode()
    export = read_rows(client.get(LOGINS, {"export": "xlsx"}).content, "x.xlsx")
    api = api_client(viewer).get("/api/v1/logs/logins").content.decode()
    return page + repr(export) + api


def test_a_phone_typed_at_login_is_kept_as_the_account(client, tree, password, login_client, api_client):
    assert post_login(client, "13900000002", password).status_code == 302
    client.logout()
    post_login(client, "13900000002", "Wrong-pass-1")
    rows = list(LoginLog.objects.filter(user=tree.town_a_admin).values_list("username", flat=True))
    assert rows and set(rows) == {"town_a"}
    shown = everything_shown(login_client(tree.committee_admin), api_client, tree.committee_admin)
    assert "town_a" in shown and "13900000002" not in shown
    # The filter still finds the account's rows by the phone the viewer knows.
    page = login_client(tree.committee_admin).get(LOGINS, {"username": "13900000002"})
    assert page.context["page_obj"].paginator.count == len(rows)


def test_unknown_phone_and_id_number_are_kept_masked(client, db, password, login_client, api_client):
    post_login(client, UNKNOWN_ID, "Wrong-pass-1")
    post_login(client, UNKNOWN_PHONE, "Wrong-pass-1")
    post_login(client, "Secret-Passw0rd", "Wrong-pass-1")  # a password typed in the name box
    stored = set(LoginLog.objects.values_list("username", flat=True))
    assert stored == {"110105********002X", "137****5678", "S*************d"}
    viewer = UserFactory(is_superuser=True)
    shown = everything_shown(login_client(viewer), api_client, viewer)
    for secret in (UNKNOWN_ID, "19491231", UNKNOWN_PHONE, "Secret-Passw0rd"):
        assert secret not in shown
    assert "110105********002X" in shown and "137****5678" in shown


def test_unknown_names_are_still_locked_out_by_their_masked_form(client, db):
    for _ in range(6):
        post_login(client, UNKNOWN_PHONE, "bad-Password-1")
    assert LoginLog.objects.filter(username="137****5678", reason=LoginLog.Reason.LOCKED).count() == 1


def test_mask_login_shapes():
    assert mask_login(" 11010519491231002x ") == "110105********002X"
    assert mask_login("110105491231002") == "110105*****1002"
    assert mask_login("+86 137-1234-5678") == "861******5678"
    assert mask_login("nobody") == "n****y"
    assert mask_login("ab") == "**"
    assert mask_login("") == ""


def test_the_migration_rewrites_rows_already_stored(tree):
    known = LoginLog.objects.create(username="13900000002", user=tree.town_a_admin, reason=LoginLog.Reason.OK)
    by_id = LoginLog.objects.create(username=UNKNOWN_ID, reason=LoginLog.Reason.BAD_CREDENTIALS)
    by_phone = LoginLog.objects.create(username=UNKNOWN_PHONE, reason=LoginLog.Reason.BAD_CREDENTIALS)
    migration = importlib.import_module("suzhi.core.migrations.0005_loginlog_account_names")
    migration.forwards(apps, None)
    for row in (known, by_id, by_phone):
        row.refresh_from_db()
    assert (known.username, by_id.username, by_phone.username) == ("town_a", "110105********002X", "137****5678")
