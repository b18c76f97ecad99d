"""Input that used to answer 500 answers a clear 4xx in the error shape; a real server error under /api/ answers
the error shape too, and is still logged."""

import logging

import pytest
from django.db import DataError
from django.test import Client
from django.urls import reverse

from suzhi.core.api import base
from suzhi.core.selectors import orgs as org_selectors

HUGE = 10**22
BIG = 2**64 + 5


def test_page_slice_past_any_list_is_empty():
    assert base.page_slice(3, 20) == slice(40, 60)
    assert base.page_slice(base.MAX_PAGE, base.MAX_PAGE_SIZE).stop < 2**63
    assert base.page_slice(HUGE, 20) == slice(0, 0)


@pytest.mark.parametrize("url", ["/api/v1/orgs/", "/api/v1/people/", "/api/v1/quizzes/banks", "/api/v1/training/"])
def test_a_huge_page_number_is_an_empty_page(tree, api_client, url):
    response = api_client(tree.committee_admin).get(url, {"page": HUGE})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_a_huge_page_number_on_a_page_shows_the_last_page(tree, login_client):
    response = login_client(tree.committee_admin).get(reverse("core:user_list"), {"page": HUGE})
    assert response.status_code == 200
    assert response.context["page_obj"].number == response.context["page_obj"].paginator.num_pages


@pytest.mark.parametrize("url", [f"/api/v1/orgs/{BIG}", f"/api/v1/orgs/{BIG}/children", f"/api/v1/people/{BIG}"])
def test_an_id_above_2_63_in_an_api_path_is_not_found(tree, api_client, url):
    response = api_client(tree.committee_admin).get(url)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_an_id_above_2_63_in_a_page_path_is_not_found(tree, login_client):
    response = login_client(tree.committee_admin).get(f"/orgs/{BIG}/")
    assert response.status_code == 404


def test_a_token_for_an_absurd_number_of_days_is_a_422(tree, client, password):
    response = client.post(
        "/api/v1/auth/token", {"username": "committee", "password": password, "days": BIG},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_a_number_past_the_database_is_a_422_in_the_error_shape(tree, api_client):
    # Whatever reaches the database with such a number: on SQLite an OverflowError, on PostgreSQL a DataError.
    for raised in (OverflowError("Python int too large to convert to SQLite INTEGER"), DataError("out of range")):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(org_selectors, "scope_roots", _raiser(raised))
            response = api_client(tree.committee_admin).get("/api/v1/orgs/roots")
        assert response.status_code == 422
        assert response.json() == {
            "code": "validation_error", "message": "请求中的数字或文字超出了允许的范围。", "detail": None,
        }


def test_a_number_past_the_database_on_a_page_is_a_4xx_page(tree, login_client, monkeypatch):
    monkeypatch.setattr(org_selectors, "scope_roots", _raiser(OverflowError("too large")))
    response = login_client(tree.committee_admin).get(reverse("core:org_tree"))
    assert response.status_code == 422
    assert "请求中的数字或文字超出了允许的范围。" in response.content.decode()


def _raiser(exc):
    def raise_it(*args, **kwargs):
        raise exc

    return raise_it


def test_a_multipart_body_without_boundary_is_a_400_in_the_error_shape(tree, api_client):
    response = api_client(tree.committee_admin).post(
        "/api/v1/orgs/import", data=b"--x\r\n", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert response.json()["message"] == "无法读取请求：请求内容格式有误，或与其声明的内容类型不符。"


def test_a_multipart_body_without_boundary_on_a_page_is_a_400_page(tree, login_client):
    response = login_client(tree.committee_admin).post(
        reverse("core:org_import"), data=b"--x\r\n", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "无法读取请求" in response.content.decode()


def test_a_server_error_under_the_api_answers_the_error_shape_and_is_logged(tree, monkeypatch, caplog):
    monkeypatch.setattr(org_selectors, "scope_roots", _raiser(RuntimeError("a bug")))
    client = Client(raise_request_exception=False)
    client.force_login(tree.committee_admin)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/api/v1/orgs/roots")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "code": "server_error", "message": "服务器出错了，请稍后再试或联系管理员。", "detail": None,
    }
    logged = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "django.request"]
    assert len(logged) == 1 and logged[0].exc_info and "a bug" in str(logged[0].exc_info[1])
