"""Active people counted per organisation and category key (`PersonCount`, 在册人数), kept exact in the same
transaction by every writer of people, and recounted after loads that bypass them."""

from collections import Counter
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from suzhi.core import oplog
from suzhi.core.counts import counts_add
from suzhi.people.models import Person, PersonCount

# Who a person counts as: (organisation id, category key, active).
Counted = tuple[int, str, bool]


def person_counts_add(changes: Counter[tuple[int, str]]) -> None:
    """Add {(organisation_id, category_key): +n or -n} to the counts: one upsert whatever the number of groups
    (`core.counts.counts_add`)."""
    counts_add(PersonCount, keys=("organisation_id", "category_key"), fields=("people",),
               changes={group: (n,) for group, n in changes.items()})


def person_counts_move(changes: Counter[tuple[int, str]], before: Counted | None, after: Counted | None) -> None:
    """Add to `changes` one person going from `before` to `after` (None: not on record)."""
    if before == after:
        return
    if before is not None and before[2]:
        changes[(before[0], before[1])] -= 1
    if after is not None and after[2]:
        changes[(after[0], after[1])] += 1


def person_counted_as(person: Person) -> Counted:
    return (person.organisation_id, person.category_key, person.is_active)


def person_counts_follow(before: Counted | None, after: Counted | None) -> None:
    """One person's change, applied (nothing when they count as before)."""
    changes: Counter[tuple[int, str]] = Counter()
    person_counts_move(changes, before, after)
    if any(changes.values()):
        person_counts_add(changes)


@transaction.atomic
def person_counts_rebuild(*, actor: Any = None) -> int:
    """Recount every organisation's active people per category key from the people on record: after people were
    loaded in bulk, bypassing the services. One statement on the server each to empty and refill the table.
    Returns the number of groups counted. Writes an operation-log row when an actor is given."""
    table, people = PersonCount._meta.db_table, Person._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Writers of people wait for the recount before changing the counts (their UPDATE or INSERT needs a
            # lock this one excludes), and a writer that has already changed them is waited for: either way
            # its change is counted exactly once. SQLite has one writer at a time anyway.
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - the model's own table
        cursor.execute(
            f"INSERT INTO {table} (organisation_id, category_key, people) "  # noqa: S608
            f"SELECT organisation_id, category_key, COUNT(*) FROM {people} WHERE is_active "
            "GROUP BY organisation_id, category_key")
        groups = int(cursor.rowcount)
    if actor is not None:
        oplog.record(actor=actor, action="person.counts_rebuild", after={"groups": groups},
                     summary=_("Recounted the people per organisation and category: %(n)d groups") % {"n": groups})
    return groups
