"""Shared fixtures: a small Dunhuang-shaped tree with two towns and their admins.

committee (组委会)
└── federation (敦煌市总工会)
    ├── town_a (七里镇工会联合会)
    │   └── unit_a (七里镇甲企业)
    └── town_b (沙州镇工会联合会)
        └── unit_b (沙州镇乙企业)
"""

import os
from dataclasses import dataclass

import pytest

os.environ.setdefault("SUZHI_TESTING", "1")

from tests.core.factories import DEFAULT_PASSWORD, UserFactory, grant, make_org  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _no_sweeper_thread():
    """The thread pool's sweeper thread lives as long as its process and would reach for the database between
    tests; tests that use the thread pool run without it, and the sweep's own tests call refresh_sweep."""
    from suzhi.core import tasks

    tasks._sweeper._pid = os.getpid()  # as if this process had started its sweeper already
    yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache outlives each test's rollback; cached parameters must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _builtin_rows(request):
    """Transactional tests (browser, background threads) flush every table, migration-made rows
    included; put the built-in dictionaries and roles back before any test that uses the database."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    transactional = "transactional_db" in names or bool(marker and marker.kwargs.get("transaction"))
    if not (transactional or marker or "db" in names):
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from suzhi.core.models import DictType

    if not DictType.objects.filter(code="person_category").exists():
        _put_builtin_rows_back()


def _put_builtin_rows_back() -> None:
    """Run, in migration order, every data migration function marked `builtin_rows` (core.migration_ops)."""
    import sys

    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    done: set = set()
    for leaf in sorted(graph.leaf_nodes()):
        for node in graph.forwards_plan(leaf):
            if node in done:
                continue
            done.add(node)
            module = sys.modules.get(type(graph.nodes[node]).__module__)
            forwards = getattr(module, "forwards", None)
            if getattr(forwards, "builtin_rows", False):
                forwards(apps, None)


@dataclass
class Tree:
    committee: object
    federation: object
    town_a: object
    unit_a: object
    town_b: object
    unit_b: object
    committee_admin: object
    town_a_admin: object
    town_b_admin: object
    unit_a_admin: object
    participant_a: object


@pytest.fixture
def tree(db) -> Tree:
    committee = make_org("敦煌市职工职业技能素质提升活动组委会", type_code="committee", code="DH-ZWH")
    federation = make_org("敦煌市总工会", parent=committee, type_code="federation", code="DH-ZGH")
    town_a = make_org("七里镇工会联合会", parent=federation, type_code="town_federation", code="DH-QLZ")
    unit_a = make_org("七里镇甲企业", parent=town_a, code="DH-QLZ-001")
    town_b = make_org("沙州镇工会联合会", parent=federation, type_code="town_federation", code="DH-SZZ")
    unit_b = make_org("沙州镇乙企业", parent=town_b, code="DH-SZZ-001")
    for org in (committee, federation, town_a, unit_a, town_b, unit_b):
        org.refresh_from_db()

    committee_admin = UserFactory(username="committee", organisation=committee, phone="13900000001")
    grant(committee_admin, "committee_admin", committee)
    town_a_admin = UserFactory(username="town_a", organisation=town_a, phone="13900000002")
    grant(town_a_admin, "town_admin", town_a)
    town_b_admin = UserFactory(username="town_b", organisation=town_b, phone="13900000003")
    grant(town_b_admin, "town_admin", town_b)
    unit_a_admin = UserFactory(username="unit_a", organisation=unit_a, phone="13900000004")
    grant(unit_a_admin, "unit_admin", unit_a)
    participant_a = UserFactory(username="worker_a", organisation=unit_a, phone="13900000005")
    grant(participant_a, "participant", unit_a)
    return Tree(
        committee=committee, federation=federation, town_a=town_a, unit_a=unit_a, town_b=town_b,
        unit_b=unit_b, committee_admin=committee_admin, town_a_admin=town_a_admin,
        town_b_admin=town_b_admin, unit_a_admin=unit_a_admin, participant_a=participant_a,
    )


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def login_client(client):
    """`login_client(user)` returns the test client logged in as `user` (session auth)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api_client(client):
    """`api_client(user)` returns a client whose requests carry a fresh bearer token for `user`."""
    from django.db import transaction

    from suzhi.core.services.auth import api_token_create

    def _for(user):
        with transaction.atomic():
            _token, key = api_token_create(user=user, name="test")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        return client

    return _for


@pytest.fixture(autouse=True, scope="session")
def _oplog_seen():
    """Collect what the services write to the operation log in every test (tests/oplog_seen.py); rows a test
    makes itself, with made-up keys, are not the services' and do not count."""
    from suzhi.core import oplog
    from tests import oplog_seen

    original = oplog.record

    def record(**kwargs):
        row = original(**kwargs)
        oplog_seen.collect(row)
        return row

    oplog.record = record
    yield
    oplog.record = original


@pytest.fixture(autouse=True, scope="session")
def _error_codes_seen():
    """Collect the code of every domain error made while the tests run (tests/error_codes_seen.py)."""
    from suzhi.core.errors import DomainError
    from tests import error_codes_seen

    original = DomainError.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        error_codes_seen.collect(self)

    DomainError.__init__ = init
    yield
    DomainError.__init__ = original


def _fail_session(session, title, lines):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(title, red=True)
        for line in lines:
            reporter.write_line(f"  {line}", red=True)
    if session.exitstatus == 0:
        session.exitstatus = 1


def pytest_sessionfinish(session, exitstatus):
    """Fail a run whose services wrote an action, object type or detail key the log would show raw, or raised
    a domain error with a code not declared in suzhi.core.error_codes."""
    from tests import error_codes_seen, oplog_seen

    if error_codes_seen.SEEN:
        undeclared = error_codes_seen.undeclared()
        if undeclared:
            _fail_session(session, "Error codes not declared (declare them in the app's error_codes.py):", undeclared)
    if not oplog_seen.SEEN:
        return
    missing = oplog_seen.unlabelled()
    if missing:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("Operation-log codes without a readable name (register them in the app's ready()):",
                                red=True)
            for line in missing:
                reporter.write_line(f"  {line}", red=True)
        if session.exitstatus == 0:
            session.exitstatus = 1
