"""Fixtures shared by the roster tests."""

import pytest


@pytest.fixture
def followed():
    """A follower registered for the test (suzhi.people.followers): the list of calls, each the sorted ids it
    was given, and `followed.seen` what the database held for those people when it was called."""
    from django.db import connection

    from suzhi.people.followers import register_follower, unregister_follower
    from suzhi.people.models import Person

    class Calls(list):
        seen: list[dict[int, tuple[int, str, bool, bool]]]

    calls = Calls()
    calls.seen = []

    def follower(person_ids):
        calls.append(sorted(person_ids))
        rows = Person.objects.filter(pk__in=list(person_ids)).values_list(
            "pk", "organisation_id", "category_key", "is_active")
        calls.seen.append({pk: (org, key, active, connection.in_atomic_block) for pk, org, key, active in rows})

    register_follower(follower)
    yield calls
    unregister_follower(follower)
