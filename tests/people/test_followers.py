"""The follower registry: who hears that people changed organisation, categories or active status."""

import pytest

from suzhi.people import followers


@pytest.fixture(autouse=True)
def _only_these_tests_followers(monkeypatch):
    """Without the followers other apps register (they would query the database)."""
    monkeypatch.setattr(followers, "_FOLLOWERS", [])


def test_each_registered_follower_is_called_once_with_the_ids():
    calls: list[tuple[str, list[int]]] = []

    def first(ids):
        calls.append(("first", list(ids)))

    def second(ids):
        calls.append(("second", list(ids)))

    followers.register_follower(first)
    followers.register_follower(second)
    followers.register_follower(first)  # again: still once
    try:
        followers.people_changed(person_ids=[4, 2])
    finally:
        followers.unregister_follower(first)
        followers.unregister_follower(second)
    assert calls == [("first", [4, 2]), ("second", [4, 2])]
    followers.people_changed(person_ids=[1])
    assert len(calls) == 2  # unregistered


def test_no_ids_calls_nobody():
    calls: list[object] = []
    followers.register_follower(calls.append)
    try:
        followers.people_changed(person_ids=[])
        followers.people_changed(person_ids=set())
    finally:
        followers.unregister_follower(calls.append)
    assert calls == []


def test_unregistering_a_stranger_is_harmless():
    followers.unregister_follower(lambda ids: None)
