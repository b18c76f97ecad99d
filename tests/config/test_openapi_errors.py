"""The OpenAPI document lists the error statuses each operation can answer, in the error shape."""

import pytest

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}


@pytest.fixture(scope="module")
def paths():
    from suzhi.config.api import api

    return api.get_openapi_schema()["paths"]


def statuses(paths, method, path):
    return set(paths[path][method]["responses"])


def test_an_operation_on_an_object_lists_login_permission_scope_and_validation_errors(paths):
    assert statuses(paths, "get", "/api/v1/orgs/{org_id}") == {"200", "401", "403", "404", "422"}
    assert paths["/api/v1/orgs/{org_id}"]["get"]["responses"]["401"]["content"] == ERROR


def test_a_body_adds_the_unreadable_and_the_too_long_body_and_keeps_the_operations_own_statuses(paths):
    assert statuses(paths, "post", "/api/v1/orgs/") == {"201", "400", "401", "403", "404", "409", "413", "422"}


def test_a_filter_naming_an_object_may_answer_404(paths):
    assert "404" in statuses(paths, "get", "/api/v1/orgs/")  # ?parent_id= outside the caller's scope


def test_only_what_an_operation_can_answer_is_listed(paths):
    assert statuses(paths, "get", "/api/v1/auth/ping") == {"200", "401", "403"}
    # No login needed: no 403; its own 401 is a wrong password.
    assert statuses(paths, "post", "/api/v1/auth/token") == {"201", "400", "401", "413", "422", "429"}


def test_the_served_document_carries_them(client, db):
    body = client.get("/api/v1/openapi.json").json()
    assert set(body["paths"]["/api/v1/orgs/{org_id}"]["delete"]["responses"]) == {
        "204", "401", "403", "404", "409", "422",
    }
