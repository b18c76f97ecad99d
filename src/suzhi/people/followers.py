"""Who must hear when people change organisation, categories or active status (跟随者).

Apps that keep their own per-person copies of a person's organisation, categories (`Person.category_key`) or
active status (the campaign metric tallies, for one) register a follower in their `AppConfig.ready()`. The people
services call `people_changed` inside their transaction, after the person rows are written (and locked by that
write or by the service's SELECT ... FOR UPDATE), so the copies change in the same transaction as the people and
nobody ever reads them out of step.

It is not a signal: the services call it explicitly, and only for those three things. A change of name, phone or
any other field calls nobody; new people call nobody either (nobody holds copies of them yet).
"""

from collections.abc import Callable, Collection

Follower = Callable[[Collection[int]], None]

_FOLLOWERS: list[Follower] = []


def register_follower(follower: Follower) -> None:
    """Have `follower` called with the ids of the people who changed; registering it again changes nothing."""
    if follower not in _FOLLOWERS:
        _FOLLOWERS.append(follower)


def unregister_follower(follower: Follower) -> None:
    """For tests that register a follower of their own."""
    if follower in _FOLLOWERS:
        _FOLLOWERS.remove(follower)


def people_changed(*, person_ids: Collection[int]) -> None:
    """Tell every follower, once each, that these people's organisation, categories or active status changed.
    Call it inside the transaction that changed them, after writing the person rows; no ids, no calls."""
    if not person_ids:
        return
    for follower in list(_FOLLOWERS):
        follower(person_ids)
