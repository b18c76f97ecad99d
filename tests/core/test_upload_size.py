"""A request body longer than an upload may be is refused from its declared length, before it is read: 413 with
the error shape under /api/ and an error page otherwise; under ASGI a body without a length is cut off."""

import asyncio

import pytest
from django.urls import reverse

from suzhi.config.asgi import application

pytestmark = pytest.mark.django_db


class UnreadBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body of a request over the limit was read")

    readline = read


@pytest.fixture
def small_limit(settings):
    settings.SUZHI_UPLOAD_MAX_BYTES = 2**20  # the request may be 1 MB more: 2 MB
    return 2 * 2**20


def test_api_upload_over_the_limit(tree, api_client, small_limit):
    client = api_client(tree.town_a_admin)
    response = client.post("/api/v1/people/import", data=b"x", content_type="multipart/form-data; boundary=b",
                           CONTENT_LENGTH=str(small_limit + 1), **{"wsgi.input": UnreadBody()})
    assert response.status_code == 413
    assert response.json() == {"code": "file_too_large", "message": "上传的内容超过 1 MB。", "detail": None}


def test_page_upload_over_the_limit(tree, login_client, small_limit):
    response = login_client(tree.town_a_admin).post(
        reverse("core:org_import"), data=b"x", content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH=str(200 * 2**20), **{"wsgi.input": UnreadBody()})
    assert response.status_code == 413
    assert "上传的内容超过 1 MB。" in response.content.decode()


def test_a_body_within_the_limit_goes_through(tree, login_client, small_limit):
    response = login_client(tree.town_a_admin).post(reverse("core:org_import"), data={"file": ""})
    assert response.status_code == 200


def asgi_post(headers, chunks):
    """Run one POST through the ASGI application; returns (messages sent, chunks the application received)."""
    sent, taken = [], []

    async def receive():
        if len(taken) < len(chunks):
            taken.append(chunks[len(taken)])
            return {"type": "http.request", "body": taken[-1], "more_body": len(taken) < len(chunks)}
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/api/v1/people/import", "raw_path": b"/api/v1/people/import", "query_string": b"",
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    asyncio.run(application(scope, receive, send))
    return sent, taken


def test_asgi_refuses_a_declared_length_and_cuts_a_body_without_one(small_limit):
    sent, taken = asgi_post([(b"content-length", str(small_limit + 1).encode())], [b"x" * 1024])
    assert sent[0]["status"] == 413 and taken == []
    assert b"file_too_large" in sent[1]["body"]
    chunk = b"x" * 2**19
    sent, taken = asgi_post([(b"transfer-encoding", b"chunked")], [chunk] * 40)
    assert len(taken) <= 5  # 2.5 MB received of the 20 MB sent
    assert not any(m.get("status") == 200 for m in sent)
