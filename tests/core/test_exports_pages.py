"""My exports: the owner's jobs only, the HTMX status row that stops polling, owner-only downloads."""

import pytest
from django.urls import reverse

from suzhi.core.models import ExportJob
from tests.core.test_exports_service import _start, exports_env  # noqa: F401 - the fixture

pytestmark = pytest.mark.usefixtures("exports_env")


def test_list_shows_my_jobs_only_in_bounded_queries(tree, login_client, django_assert_max_num_queries):
    mine = [_start(tree.town_a_admin) for _ in range(3)]
    theirs = _start(tree.town_b_admin)
    client = login_client(tree.town_a_admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("core:export_list"))
    page = response.content.decode()
    for job in mine:
        assert reverse("core:export_download", args=[job.pk]) in page
    assert reverse("core:export_download", args=[theirs.pk]) not in page


def test_status_row_polls_while_running_and_stops_when_done(tree, login_client):
    job = ExportJob.objects.create(user=tree.town_a_admin, kind="test_rows", title="进行中", total=10, done=4,
                                   status=ExportJob.Status.RUNNING)
    client = login_client(tree.town_a_admin)
    row = client.get(reverse("core:export_status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in row and 'value="40"' in row and "4/10" in row
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.DONE, done=10)
    row = client.get(reverse("core:export_status", args=[job.pk])).content.decode()
    assert "hx-trigger" not in row


def test_download_only_for_the_owner(tree, login_client):
    job = _start(tree.town_a_admin)
    response = login_client(tree.town_a_admin).get(reverse("core:export_download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(response.streaming_content)[:2] == b"PK"
    for other in (tree.town_b_admin, tree.committee_admin):
        client = login_client(other)
        assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 404
        assert client.get(reverse("core:export_status", args=[job.pk])).status_code == 404


def test_unfinished_or_failed_job_has_no_download(tree, login_client):
    job = ExportJob.objects.create(user=tree.town_a_admin, kind="test_rows", title="x", status=ExportJob.Status.FAILED,
                                   error="失败")
    assert login_client(tree.town_a_admin).get(reverse("core:export_download", args=[job.pk])).status_code == 404


def test_pages_need_login(tree, client):
    response = client.get(reverse("core:export_list"))
    assert response.status_code == 302 and "login" in response["Location"]
