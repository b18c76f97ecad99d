"""The roster import pages and API: preview, confirm, downloads, default organisation, scope."""

import pytest
from django.urls import reverse

from suzhi.core.excel import read_rows
from suzhi.people.models import Person
from tests.people.test_imports_service import HEADER, resident_id
from tests.support import upload, xlsx


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


URL = reverse("people:person_import")


def test_preview_then_confirm_with_valid_rows_only(tree, login_client, media):
    client = login_client(tree.town_a_admin)
    page = client.get(URL)
    assert page.status_code == 200 and "organisation" in page.context["form"].fields
    good, bad = resident_id(), resident_id()
    data = xlsx([["姓名", "身份证号", "手机号"], ["好人", good, "13800138000"], ["坏人", bad, "12"]])
    preview = client.post(URL, {"step": "preview", "file": upload("r.xlsx", data), "organisation": tree.unit_a.pk})
    assert preview.status_code == 200
    result = preview.context["result"]
    assert (result.created, result.invalid_rows) == (1, 1)
    assert "手机号" in preview.content.decode()
    assert not Person.objects.exists()  # a preview writes nothing
    assert len(list((media / "imports").iterdir())) == 2  # the upload and its error rows

    errors = client.get(reverse("people:person_import_errors"))
    rows = read_rows(b"".join(errors.streaming_content), "e.xlsx")
    assert rows[0][:3] == ["姓名", "身份证号", "手机号"] and len(rows) == 2 and rows[1][0] == "坏人"

    refused = client.post(URL, {"step": "confirm"})
    assert refused.status_code == 200 and not Person.objects.exists()
    done = client.post(URL, {"step": "confirm", "skip_invalid": "on"})
    assert done.context["stage"] == "done"
    person = Person.objects.get()
    assert person.id_number == good and person.organisation == tree.unit_a
    again = client.post(URL, {"step": "confirm", "skip_invalid": "on"})
    assert again.status_code == 302  # the upload is gone once written
    assert Person.objects.count() == 1


def test_default_organisation_outside_scope_is_refused(tree, login_client, media):
    client = login_client(tree.town_b_admin)
    data = xlsx([["姓名", "身份证号"], ["人", resident_id()]])
    response = client.post(URL, {"step": "preview", "file": upload("r.xlsx", data), "organisation": tree.unit_a.pk})
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    assert not Person.objects.exists()


def test_other_towns_rows_are_errors_and_never_written(tree, login_client, media):
    client = login_client(tree.town_b_admin)
    data = xlsx([HEADER, ["人", resident_id(), "", "DH-QLZ-001", ""]])
    preview = client.post(URL, {"step": "preview", "file": upload("r.xlsx", data)})
    assert preview.context["result"].invalid_rows == 1
    client.post(URL, {"step": "confirm", "skip_invalid": "on"})
    assert not Person.objects.exists()


def test_bad_file_is_a_form_error(tree, login_client, media):
    response = login_client(tree.town_a_admin).post(URL, {"step": "preview", "file": upload("a.txt", b"hello")})
    assert response.status_code == 200 and "file" in response.context["form"].errors


def test_downloads_and_permission(tree, login_client, media):
    client = login_client(tree.town_a_admin)
    assert client.get(reverse("people:person_import_errors")).status_code == 404
    template = client.get(reverse("people:person_import_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    assert len(read_rows(template.content, "t.xlsx")[0]) == 13
    assert login_client(tree.participant_a).get(URL).status_code == 403


# ---- API ------------------------------------------------------------------------------------------

API = "/api/v1/people/imports"


def test_api_dry_run_then_import(tree, api_client):
    client = api_client(tree.town_a_admin)
    number = resident_id()
    data = xlsx([["姓名", "身份证号"], ["接口", number]])
    checked = client.post(API, {"file": upload("r.xlsx", data), "org_id": tree.unit_a.pk, "dry_run": "true"})
    assert checked.status_code == 200
    body = checked.json()
    assert (body["created"], body["written"], body["errors"]) == (1, False, [])
    assert not Person.objects.exists()
    done = client.post(API, {"file": upload("r.xlsx", data), "org_id": tree.unit_a.pk})
    assert done.json()["written"] and Person.objects.get().id_number == number


def test_api_errors_and_atomic_default(tree, api_client):
    data = xlsx([HEADER, ["好", resident_id(), "", "DH-QLZ-001", ""], ["坏", "1", "", "DH-QLZ-001", ""]])
    body = api_client(tree.town_a_admin).post(API, {"file": upload("r.xlsx", data)}).json()
    assert body["created"] == 1 and not body["written"]
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "身份证号")]
    assert not Person.objects.exists()


def test_api_other_town(tree, api_client):
    client = api_client(tree.town_b_admin)
    data = xlsx([["姓名", "身份证号"], ["人", resident_id()]])
    response = client.post(API, {"file": upload("r.xlsx", data), "org_id": tree.unit_a.pk})
    assert response.status_code == 404
    body = client.post(API, {"file": upload("r.xlsx", xlsx([HEADER, ["人", resident_id(), "", "DH-QLZ-001", ""]])),
                             "skip_invalid": "true"}).json()
    assert len(body["errors"]) == 1 and not body["written"]
    assert not Person.objects.exists()


def test_api_whole_file_error_and_permission(tree, api_client):
    response = api_client(tree.town_a_admin).post(API, {"file": upload("a.pdf", b"x")})
    assert response.status_code == 422 and response.json()["code"] == "not_a_spreadsheet"
    assert api_client(tree.participant_a).post(API, {"file": upload("a.xlsx", b"x")}).status_code == 403


def test_api_template(tree, api_client):
    response = api_client(tree.town_a_admin).get(f"{API}/template")
    assert response.status_code == 200 and read_rows(response.content, "t.xlsx")[0][0]
    assert api_client(tree.participant_a).get(f"{API}/template").status_code == 403


def test_the_unit_is_preselected_for_an_admin_of_one_unit(tree, login_client, media):
    page = login_client(tree.unit_a_admin).get(URL)
    field = page.context["form"]["organisation"]
    assert str(field.value()) == str(tree.unit_a.pk)
    assert f'value="{tree.unit_a.pk}" selected' in page.content.decode()
    # A town admin has several units: nothing is chosen for them.
    town = login_client(tree.town_a_admin).get(URL)
    assert town.context["form"]["organisation"].value() is None


def test_preview_shows_the_first_rows(tree, login_client, media):
    client = login_client(tree.town_a_admin)
    data = xlsx([["人员名册"], ["姓名", "身份证号"], ["预览人", resident_id()]])
    preview = client.post(URL, {"step": "preview", "file": upload("r.xlsx", data), "organisation": tree.unit_a.pk})
    assert preview.context["result"].preview[0][0] == 3  # the row number the clerk sees, under the title row
    assert 'id="import-preview"' in preview.content.decode() and "预览人" in preview.content.decode()
