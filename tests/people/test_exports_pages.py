"""The roster export page: confirmation with the unmasked option for pii.view holders only, an
immediate download for a small export, a redirect to "my exports" for a large one, scope."""

import pytest
from django.urls import reverse

from suzhi.core.excel import read_rows
from suzhi.core.models import ExportJob, OperationLog
from tests.core.test_exports_service import exports_env  # noqa: F401 - the fixture
from tests.people.factories import make_person

pytestmark = pytest.mark.usefixtures("exports_env")

PHONE = "13712345678"


@pytest.fixture
def worker(tree):
    make_person("李四", tree.unit_b, phone="13887654321")
    return make_person("张三", tree.unit_a, phone=PHONE)


def url(**params):
    from urllib.parse import urlencode

    return reverse("people:person_export") + ("?" + urlencode(params) if params else "")


def download(response) -> list[list]:
    assert response.status_code == 200, response.content[:300]
    return read_rows(b"".join(response.streaming_content), "x.xlsx")


def test_confirmation_offers_unmasked_only_to_pii_holders(tree, worker, login_client):
    page = login_client(tree.town_a_admin).get(url(q="张")).content.decode()
    assert 'name="unmasked"' in page and 'name="q" value="张"' in page and 'name="run"' in page
    page = login_client(tree.unit_a_admin).get(url()).content.decode()
    assert 'name="unmasked"' not in page
    assert not OperationLog.objects.filter(action="person.export").exists()


def test_small_export_downloads_masked_and_is_logged(tree, worker, login_client):
    rows = download(login_client(tree.town_a_admin).get(url(run=1)))
    assert [r[0] for r in rows[1:]] == ["张三"]
    assert worker.id_number not in repr(rows) and PHONE not in repr(rows)
    assert OperationLog.objects.get(action="person.export").after["unmasked"] is False


def test_unmasked_download_with_pii_view(tree, worker, login_client):
    rows = download(login_client(tree.town_a_admin).get(url(run=1, unmasked=1)))
    assert worker.id_number in repr(rows) and PHONE in repr(rows)
    assert OperationLog.objects.get(action="person.export").after["unmasked"] is True


def test_unmasked_refused_without_pii_view(tree, worker, login_client):
    response = login_client(tree.unit_a_admin).get(url(run=1, unmasked=1))
    assert response.status_code == 403
    assert not OperationLog.objects.filter(action="person.export").exists()


def test_town_b_gets_404_for_town_a_and_never_its_people(tree, worker, login_client):
    client = login_client(tree.town_b_admin)
    assert client.get(url(org=tree.town_a.pk)).status_code == 404
    assert client.get(url(org=tree.unit_a.pk, run=1)).status_code == 404
    rows = download(client.get(url(run=1, active="")))
    assert [r[0] for r in rows[1:]] == ["李四"]


def test_large_export_redirects_to_my_exports(tree, settings, worker, login_client, django_capture_on_commit_callbacks):
    settings.SUZHI_EXPORT_SYNC_MAX_ROWS = 0
    client = login_client(tree.town_a_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url(run=1))
    job = ExportJob.objects.get(user=tree.town_a_admin)
    assert response.status_code == 302 and response["Location"] == reverse("core:export_list") + f"?job={job.pk}"
    page = client.get(response["Location"]).content.decode()
    assert reverse("core:export_download", args=[job.pk]) in page  # ImmediateBackend: already done
    assert login_client(tree.town_b_admin).get(reverse("core:export_download", args=[job.pk])).status_code == 404


def test_participant_cannot_export(tree, worker, login_client):
    assert login_client(tree.participant_a).get(url(run=1)).status_code == 403
