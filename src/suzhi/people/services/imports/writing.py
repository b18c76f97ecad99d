"""Writing a checked roster: new people as prepared rows (multi-row INSERTs on SQLite; on PostgreSQL
binary COPYs from a second thread while later rows are checked), the people on record with `bulk_update`."""

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.core.errors import Conflict
from suzhi.people.category_keys import category_key
from suzhi.people.error_codes import PeopleErrors
from suzhi.people.followers import people_changed
from suzhi.people.models import Person, PersonCategory, PersonTransfer
from suzhi.people.services.counts import Counted, person_counted_as, person_counts_add, person_counts_move
from suzhi.people.services.imports.bulk import _insert_rows
from suzhi.people.services.imports.cleaning import _FileFacts
from suzhi.people.services.imports.common import CHUNK, _chunks, _Row
from suzhi.people.services.imports.new_people import _initials, _NewPeople


def _check_and_write(*, actor: Any, checked: Iterator[list[_Row]], facts: _FileFacts, skip_invalid: bool,
                     tally: Callable[[], list[_Row]]) -> list[_Row]:
    """Checks the rows and writes the valid ones; returns those.

    On PostgreSQL new people and their categories go to the database while later rows are still being
    checked (`_Stream`): the server stores them, and checks their foreign keys, on the other core
    meanwhile. They go inside a savepoint, which is rolled back if the file turns out not to be written
    after all (by default, a file with any error writes nothing), so the outcome is the same as writing
    at the end.
    """
    now = timezone.now()
    initials: dict[str, str] = {}
    new_people = _NewPeople(now=now, initials=initials)
    streamed: list[_Row] = []
    early = connection.vendor == "postgresql"
    savepoint = transaction.savepoint() if early else None
    with new_people.stream(facts.possibly_new) if early else contextlib.nullcontext() as send:
        clean = True
        for chunk in checked:
            if send is not None and (clean or skip_invalid):
                ready = [row for row in chunk if row.ok and row.existing is None]
                send(ready)
                streamed.extend(ready)
            clean = clean and all(row.ok for row in chunk)
        valid = tally()  # while the stream is still being written: the tally only reads the rows
    new_rows = [row for row in valid if row.existing is None]
    pending = new_rows  # new people not yet written, nor their categories
    if savepoint is not None:
        if len(streamed) == len(new_rows) and all(a is b for a, b in zip(streamed, new_rows, strict=True)):
            transaction.savepoint_commit(savepoint)
            pending = []
        else:
            transaction.savepoint_rollback(savepoint)
    if valid:
        new_people.write(pending)
        _write(actor, valid, pending, now=now, initials=initials)
    return valid


def _write(actor: Any, rows: list[_Row], new_rows: list[_Row], *, now: Any, initials: dict[str, str]) -> None:
    """The changes to the people on record, their categories, and those of `new_rows`: new people
    written already (`_NewPeople.write`), whose categories are not (unlike those streamed). The people on
    record whose organisation or categories changed are then handed to `people_changed`, all at once, and the
    counts of active people (`PersonCount`) change once for the whole file."""
    links = [(row.pk, item_id) for row in new_rows for item_id in row.categories or ()]

    # Who counts where before the file changes them (see `_lock_counted`), for the counts of active people.
    moving = [r.existing for r in rows if r.existing is not None and (r.categories_change
                                                                       or "organisation_id" in r.changes)]
    if moving:
        _lock_counted([r.existing for r in rows if r.existing is not None and (r.changes or r.categories_change)])
    counted_before: list[Counted] = [person_counted_as(person) for person in moving]

    changed = [r for r in rows if r.existing is not None and r.changes]
    fields: set[str] = set()
    transfers = []
    for row in changed:
        person = row.existing
        assert person is not None
        if "organisation_id" in row.changes:
            transfers.append(PersonTransfer(
                person=person, from_organisation_id=person.organisation_id,
                to_organisation_id=row.changes["organisation_id"], actor=actor if actor.pk else None,
                reason=_("Roster import"),
            ))
        for attname, value in row.changes.items():
            setattr(person, attname, value)
            fields.add(attname)
        if "name" in row.changes:
            person.name_initials = _initials(person.name, initials)
            fields.add("name_initials")
    recategorised = [r for r in rows if r.existing is not None and r.categories_change]
    for row in recategorised:
        assert row.existing is not None
        row.existing.category_key = category_key(row.categories or ())
        fields.add("category_key")
    touched = [r.existing for r in rows if r.existing is not None and (r.changes or r.categories_change)]
    for person in touched:
        person.updated_at = now
    # The UPDATE also locks these people until the import commits, so none can be deleted before their
    # new category links are in (the links have no foreign-key constraint: see suzhi.people.models). One
    # deleted since the file was checked would be matched by no row: the import stops rather than link it.
    if touched:
        matched = Person.objects.bulk_update(touched, sorted(fields | {"updated_at"}), batch_size=CHUNK)
        if matched != len(touched):
            raise Conflict(_("Someone on the roster was removed while the file was being imported; "
                             "import it again."), code=PeopleErrors.PERSON_REMOVED)
    PersonTransfer.objects.bulk_create(transfers, batch_size=CHUNK)

    for chunk in _chunks([r.existing.pk for r in recategorised if r.existing]):
        PersonCategory.objects.filter(person_id__in=chunk).delete()
    links += [(r.existing.pk, item_id) for r in recategorised if r.existing for item_id in r.categories or []]
    _insert_rows(PersonCategory._meta.db_table, ["person_id", "dictitem_id"], links)
    # The import never changes whether someone is active; new people need no call (nobody copies them yet).
    # The person rows are written and locked by the UPDATE above: see suzhi.people.followers.
    people_changed(person_ids=sorted(
        r.existing.pk for r in rows
        if r.existing is not None and (r.categories_change or "organisation_id" in r.changes)
    ))
    person_counts_add(_count_changes(rows, moving, counted_before))


def _count_changes(rows: list[_Row], moving: list[Any], counted_before: list[Counted]) -> Counter[tuple[int, str]]:
    """The change of the counts of active people that the whole file makes: its new people (`rows` are those
    finally written, whether streamed or not; all active), and the people on record whose organisation or
    categories it changed (`moving`, now changed, who counted as `counted_before`)."""
    new: Counter[tuple[int, tuple[int, ...]]] = Counter(
        (row.cleaned["organisation"], tuple(row.categories) if row.categories else ())
        for row in rows if row.existing is None
    )
    changes: Counter[tuple[int, str]] = Counter()
    for (org, ids), n in new.items():  # a key per group, not per person
        changes[(org, category_key(ids))] += n
    for person, before in zip(moving, counted_before, strict=True):
        person_counts_move(changes, before, person_counted_as(person))
    return changes


def _lock_counted(people: list[Person]) -> None:
    """PostgreSQL: lock the people on record that the file changes, in order of id, and take their organisation,
    category key and status as they are now. They were read without a lock before the file was checked, and
    someone may have transferred, recategorised or deactivated one meanwhile: their counts must move from where
    they are now, and the UPDATE, which writes the organisation and key of all of them when it writes them for
    any, must not put back an old value. One statement whatever their number. On SQLite the import's transaction
    has held the write lock since it began, so what it read is current."""
    if connection.vendor != "postgresql" or not people:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, organisation_id, category_key, is_active FROM {Person._meta.db_table} "  # noqa: S608
            "WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [sorted(person.pk for person in people)])
        now = {pk: (org, key, active) for pk, org, key, active in cursor.fetchall()}
    for person in people:
        found = now.get(person.pk)  # one deleted meanwhile: the UPDATE finds it gone and the import stops
        if found is not None:
            person.organisation_id, person.category_key, person.is_active = found
