"""Two clerks of one unit registering at the same moment cannot pass the plan's limit per unit (PostgreSQL row
locks: the competition's row is taken first)."""

import pytest
from django.db import connection

from suzhi.competitions.models import Contestant
from suzhi.competitions.services import registration
from suzhi.core.errors import Conflict
from tests.competitions.factories import competition_settings, make_competition, register
from tests.core.factories import UserFactory, grant
from tests.people.factories import make_person
from tests.threads import paused_inside, waits_for_a_lock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")


def test_two_registrations_at_once_keep_the_units_limit(tree, monkeypatch):
    contest = make_competition(tree.federation, settings=competition_settings(per_unit=1))
    first, second = make_person("甲", tree.unit_a), make_person("乙", tree.unit_a)
    colleague = UserFactory(username="unit_a_2", organisation=tree.unit_a, phone="13900000098")
    grant(colleague, "unit_admin", tree.unit_a)
    outcome = []

    def other():
        try:
            register(contest, [second], actor=colleague)
        except Conflict as refused:
            outcome.append(str(refused.code))

    # The first clerk has counted and written the registration, not committed; the second waits for the row.
    with paused_inside(monkeypatch, registration, "metric_records_put",
                       lambda: register(contest, [first], actor=tree.unit_a_admin)):
        waiting = waits_for_a_lock(other)
    waiting.join()
    assert outcome == ["unit_limit"]
    assert list(Contestant.objects.values_list("person__name", flat=True)) == ["甲"]
