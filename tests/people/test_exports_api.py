"""POST /api/v1/people/exports and GET /{id}: masked by default, unmasked with pii.view (logged),
scope, jobs visible to their owner only."""

import pytest

from suzhi.core.excel import read_rows
from suzhi.core.models import OperationLog
from tests.core.test_exports_service import exports_env  # noqa: F401 - the fixture
from tests.people.factories import make_person

pytestmark = pytest.mark.usefixtures("exports_env")

BASE = "/api/v1/people/exports"
PHONE = "13712345678"


@pytest.fixture
def worker(tree):
    make_person("李四", tree.unit_b)
    return make_person("张三", tree.unit_a, phone=PHONE)


def fetch(client, body):
    response = client.post(BASE + "/", body, content_type="application/json")
    return response


def test_small_export_answers_done_with_a_file(tree, worker, api_client):
    client = api_client(tree.town_a_admin)
    response = fetch(client, {})
    assert response.status_code == 201
    job = response.json()
    assert job["status"] == "done" and job["total"] == 1 and job["unmasked"] is False
    file = client.get(job["file_url"])
    rows = read_rows(b"".join(file.streaming_content), "x.xlsx")
    assert rows[1][0] == "张三" and PHONE not in repr(rows) and worker.id_number not in repr(rows)
    assert client.get(f"{BASE}/{job['id']}").json()["status"] == "done"


def test_unmasked_needs_pii_view(tree, worker, api_client):
    response = fetch(api_client(tree.unit_a_admin), {"unmasked": True})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    response = fetch(api_client(tree.town_a_admin), {"unmasked": True})
    assert response.status_code == 201
    assert OperationLog.objects.get(action="person.export").after["unmasked"] is True


def test_large_export_is_a_job_to_poll(tree, settings, worker, api_client, django_capture_on_commit_callbacks):
    settings.SUZHI_EXPORT_SYNC_MAX_ROWS = 0
    client = api_client(tree.town_a_admin)
    with django_capture_on_commit_callbacks(execute=True):
        job = fetch(client, {"active": None}).json()
    assert job["status"] == "queued" and job["file_url"] is None
    status = client.get(f"{BASE}/{job['id']}").json()
    assert status["status"] == "done" and status["done"] == 1 and status["file_url"]


def test_other_users_get_404(tree, worker, api_client):
    job = fetch(api_client(tree.town_a_admin), {}).json()
    other = api_client(tree.town_b_admin)
    assert other.get(f"{BASE}/{job['id']}").status_code == 404
    assert other.get(f"{BASE}/{job['id']}/file").status_code == 404
    assert fetch(other, {"org_id": tree.town_a.pk}).status_code == 404
    rows_b = fetch(other, {}).json()
    assert rows_b["total"] == 1  # 李四 only


def test_bad_input(tree, worker, api_client):
    response = fetch(api_client(tree.town_a_admin), {"org_id": "abc"})
    assert response.status_code == 422
