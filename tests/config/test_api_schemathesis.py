"""Schemathesis over the API's own OpenAPI document: every operation, as an administrator, with a fixed seed and a
bounded number of generated requests each. No request may answer a server error, and every status an operation
answers must be one its document declares."""

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import status_code_conformance

from suzhi.config.api import api

SEED = 20260113
EXAMPLES = 4  # generated requests per operation, beside the coverage phase's boundary values

config = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": EXAMPLES, "database": "none"},
        "phases": {
            "examples": {"enabled": False},
            # Boundary values (huge integers, empty strings, missing fields); not other HTTP methods.
            "coverage": {"enabled": True, "unexpected-methods": []},
            "stateful": {"enabled": False},
        },
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=config)
schema.app = get_wsgi_application()


@pytest.fixture
def bearer(db):
    """A bearer token of the committee's administrator (all functions, the whole tree below it)."""
    from suzhi.core.services.auth import api_token_create
    from tests.core.factories import UserFactory, grant, make_org

    committee = make_org("敦煌市职工职业技能素质提升活动组委会", type_code="committee", code="DH-ZWH")
    make_org("七里镇工会联合会", parent=committee, type_code="town_federation", code="DH-QLZ")
    admin = UserFactory(username="committee", organisation=committee)
    grant(admin, "committee_admin", committee)
    with transaction.atomic():
        _token, key = api_token_create(user=admin, name="schemathesis")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def test_connection_kept():
    """The WSGI handler closes a connection found inside a transaction when a request starts and ends, as a server
    must; here that transaction is the test's own (on PostgreSQL the next request would find it closed). Django's
    test client leaves these two hooks out in the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis.settings(
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_api_answers_no_server_error_and_only_documented_statuses(case, bearer, test_connection_kept):
    # Each request in a savepoint rolled back after it, as if it had run on its own connection: a statement that
    # fails in PostgreSQL (a number past the column's range, answered 422) would otherwise leave the test's
    # transaction aborted for every later request.
    savepoint = transaction.savepoint()
    try:
        case.call_and_validate(headers=bearer, checks=[not_a_server_error, status_code_conformance])
    finally:
        transaction.savepoint_rollback(savepoint)
