"""Writing a checked roster: new people as prepared rows (multi-row INSERTs on SQLite; on PostgreSQL
binary COPYs from a second thread while later rows are checked), the people on record with `bulk_update`."""

import contextlib
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.adapt import PyFormat, Transformer

from suzhi.core.errors import Conflict
from suzhi.core.names import name_initials
from suzhi.people.category_keys import category_key
from suzhi.people.error_codes import PeopleErrors
from suzhi.people.followers import people_changed
from suzhi.people.models import Person, PersonCategory, PersonTransfer
from suzhi.people.services.counts import Counted, person_counted_as, person_counts_add, person_counts_move
from suzhi.people.services.imports.cleaning import _FileFacts
from suzhi.people.services.imports.common import CHUNK, _chunks, _max_params, _Row

SQLITE_WRITE_CACHE_KIB = 128 * 1024  # an upper bound: pages are allocated as they are read


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


def _initials(name: str, cache: dict[str, str]) -> str:
    found = cache.get(name)
    if found is None:
        found = name_initials(name, max_length=50)
        cache[name] = found
    return found


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


@contextlib.contextmanager
def _bulk_write_cache() -> Iterator[None]:
    """A larger SQLite page cache while the import writes: its default 2 MiB holds a fraction of the
    people table's nine indexes, and every insert would reread index pages. Restored afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_WRITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _reserve_ids(model: type[Any], count: int) -> list[int]:
    """Primary keys for `count` new rows, taken before writing them, so their category links need not
    read them back."""
    if not count:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # SQLite has one writer: inside this transaction nobody else can take these numbers (a writer
            # that came first makes our INSERT fail, never collide). AUTOINCREMENT's counter moves past them.
            cursor.execute(
                f"SELECT MAX(n) FROM (SELECT MAX({qn(column)}) AS n FROM {qn(table)} "  # noqa: S608 - model names
                "UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)", [table],
            )
            start = (cursor.fetchone()[0] or 0) + 1
            return list(range(start, start + count))
        # The sequence's name first: as an argument of nextval, pg_get_serial_sequence would run once per
        # number, which took most of half a second for 100,000.
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
        return [pk for (pk,) in cursor.fetchall()]


def _insert_rows(table: str, columns: list[str], rows: Iterable[Sequence[Any]]) -> None:
    """Plain INSERTs of prepared rows, the quickest way each database offers.

    `bulk_create` is what we'd like, but on SQLite it splits into batches of 999 bound values (about 45
    people each), builds model instances and every batch's SQL anew: that was most of the import's time.
    `rows` may be a generator: PostgreSQL's COPY takes each row as it comes, so the server is storing
    the first rows while this process still prepares the later ones.
    """
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            rows = rows if isinstance(rows, list) else list(rows)
            # Multi-row VALUES with as many values as SQLite binds: fewer statements and a third quicker
            # than executemany's row-by-row binding. Unless queries are being logged (DEBUG, tests), whose
            # log substitutes %s, the placeholders are SQLite's own "?", which Django's %s-to-? rewriting
            # leaves as they are: that rewriting costs milliseconds per statement of 32,000 placeholders.
            per = max(1, _max_params() // len(columns))
            head = f"INSERT INTO {qn(table)} ({names}) VALUES "  # noqa: S608 - identifiers come from the model
            mark = "%s" if connection.queries_logged else "?"
            one = "({})".format(",".join([mark] * len(columns)))
            full = head + ",".join([one] * per)
            for start in range(0, len(rows), per):
                chunk = rows[start : start + per]
                sql = full if len(chunk) == per else head + ",".join([one] * len(chunk))
                cursor.execute(sql, list(chain.from_iterable(chunk)))
            return
        remaining = iter(rows)
        first = next(remaining, None)
        if first is None:
            return
        with _copy(cursor, table, columns, first) as write:
            write(first)
            for row in remaining:
                write(row)


@contextlib.contextmanager
def _copy(cursor: Any, table: str, columns: Sequence[str], example: Sequence[Any]) -> Iterator[Callable[..., None]]:
    """A COPY into `table` in PostgreSQL's binary format, its bulk-loading path, many times quicker than
    INSERTs of any size, and binary spares the server parsing every timestamp, date and number from
    text; yields the function that sends one row. `example` is a row like those to come."""
    with _raw_copy(cursor.cursor, table, columns, _copy_types(cursor, table, columns, example)) as write:
        yield write


def _copy_types(cursor: Any, table: str, columns: Sequence[str], example: Sequence[Any]) -> list[int]:
    """The type of each column as COPY is to send it. A column whose value is already in binary form
    goes as bytea, whose binary form is the bytes as they are: COPY's binary rows carry no types, the
    server reads each field as its column's type."""
    types = _column_types(cursor, table, columns)
    return [BYTEA_OID if isinstance(example[i], _CopyBinary) else types[c] for i, c in enumerate(columns)]


@contextlib.contextmanager
def _raw_copy(raw: Any, table: str, columns: Sequence[str], oids: list[int]) -> Iterator[Callable[..., None]]:
    """`_copy` on a psycopg cursor, with the column types known: what the streaming thread uses, which
    may not make queries of its own through Django's connection (that belongs to the other thread)."""
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    # The dumper that bytea's type number finds is the DB-API `Binary` one, written in Python; this
    # cursor's bytea goes through the plain (compiled) bytes dumper instead.
    raw.adapters.register_dumper(bytes, raw.adapters.get_dumper(bytes, PyFormat.BINARY))
    with raw.copy(f"COPY {qn(table)} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(oids)
        yield copy.write_row


BYTEA_OID = 17


class _CopyBinary(bytes):
    """A value in PostgreSQL's binary format for its column, ready for COPY: see `_copy_constants`."""


def _column_types(cursor: Any, table: str, columns: Sequence[str]) -> dict[str, int]:
    cursor.execute(
        "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attname = ANY(%s)",
        [connection.ops.quote_name(table), list(columns)],
    )
    return dict(cursor.fetchall())


def _copy_constants(table: str, values: dict[str, Any]) -> dict[str, Any]:
    """Values that every row of a COPY repeats, converted to the binary format once (on PostgreSQL)
    rather than once per row: a JSON object and two timestamps were a fifth of a 100,000-row COPY's
    time in this process. NULLs stay None, and other databases get the values as they are."""
    if connection.vendor != "postgresql":
        return values
    from psycopg.pq import Format

    columns = [c for c, value in values.items() if value is not None]
    with connection.cursor() as cursor:
        types = _column_types(cursor, table, columns)
        transformer = Transformer(cursor.cursor)
    transformer.set_dumper_types([types[c] for c in columns], Format.BINARY)
    dumped = transformer.dump_sequence([values[c] for c in columns], [PyFormat.BINARY] * len(columns))
    return {**values, **{c: _CopyBinary(data or b"") for c, data in zip(columns, dumped, strict=True)}}


_NEW_PERSON_FIELDS = ("name", "name_initials", "gender", "id_type", "id_number", "id_last4", "birth_date", "phone",
                      "organisation_id", "post", "education_id", "political_status_id", "union_member", "hire_date",
                      "category_key")


class _NewPeople:
    """New people as rows of the person table, their values prepared the way the model fields would
    prepare them, each taking a primary key reserved beforehand (so their category links need not
    read them back)."""

    def __init__(self, *, now: Any, initials: dict[str, str]) -> None:
        fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
        constants = {"created_at": now, "updated_at": now, "extra": {}, "is_active": True, "left_on": None,
                     "leave_reason": "", "user_id": None}
        order = [f.attname for f in fields]
        if set(order) != set(constants) | set(_NEW_PERSON_FIELDS):
            raise RuntimeError("Person's fields changed: update the roster import's INSERT.")
        self.table = Person._meta.db_table
        self.columns = [str(Person._meta.pk.column)] + [str(f.column) for f in fields]
        # One template row of the constants, copied and filled per person: no per-field work per row.
        prepared = _copy_constants(self.table, {
            str(f.column): f.get_db_prep_save(constants[f.attname], connection) for f in fields
            if f.attname in constants
        })
        self.template = [None] + [prepared[str(f.column)] if f.attname in constants else None for f in fields]
        self.record = self._recorder(self.template, {name: order.index(name) + 1 for name in _NEW_PERSON_FIELDS},
                                     initials)

    @staticmethod
    def _recorder(template: list[Any], at: dict[str, int], initials: dict[str, str]) -> Callable[[_Row], list[Any]]:
        i_name, i_initials, i_gender, i_id_type = at["name"], at["name_initials"], at["gender"], at["id_type"]
        i_number, i_last4, i_birth, i_phone = at["id_number"], at["id_last4"], at["birth_date"], at["phone"]
        i_org, i_post, i_education, i_political = (at["organisation_id"], at["post"], at["education_id"],
                                                   at["political_status_id"])
        i_member, i_hire, i_key = at["union_member"], at["hire_date"], at["category_key"]
        adapt_datefield_value = connection.ops.adapt_datefield_value
        dates: dict[Any, Any] = {}  # a roster's people were born and hired on a few thousand days
        keys: dict[tuple[int, ...], str] = {(): ""}  # and hold a few sets of categories

        def key_of(ids: tuple[int, ...]) -> str:
            found = keys[ids] = category_key(ids)
            return found

        def adapt_date(value: Any) -> Any:
            adapted = dates[value] = adapt_datefield_value(value)
            return adapted

        def record(row: _Row) -> list[Any]:
            c = row.cleaned
            get = c.get
            values = template.copy()
            name = c["name"]
            number = c["id_number"]
            values[0] = row.pk
            values[i_name] = name
            found = initials.get(name)
            values[i_initials] = found if found is not None else _initials(name, initials)
            values[i_gender] = get("gender", "")
            values[i_id_type] = c["id_type"]
            values[i_number] = number
            values[i_last4] = number[-4:]
            values[i_birth] = dates.get(value := get("birth_date")) or adapt_date(value)
            values[i_phone] = get("phone", "")
            values[i_org] = c["organisation"]
            values[i_post] = get("post", "")
            values[i_education] = get("education")
            values[i_political] = get("political_status")
            values[i_member] = get("union_member", False)
            values[i_hire] = dates.get(value := get("hire_date")) or adapt_date(value)
            ids = tuple(row.categories) if row.categories else ()
            found_key = keys.get(ids)
            values[i_key] = found_key if found_key is not None else key_of(ids)
            return values

        return record

    def write(self, rows: list[_Row]) -> None:
        if not rows:
            return
        for row, pk in zip(rows, _reserve_ids(Person, len(rows)), strict=True):
            row.pk = pk
        record = self.record
        _insert_rows(self.table, self.columns, (record(row) for row in rows))

    @contextlib.contextmanager
    def stream(self, count: int) -> Iterator[Callable[[list[_Row]], None]]:
        """PostgreSQL only: yields the function that hands over new people (at most `count`), which a
        second thread then writes with their categories (`_Stream`). Nothing else may use the connection
        until the block ends."""
        stream = _Stream(self, count)
        with connection.cursor() as cursor:
            if stream.constraints:
                cursor.execute(f"SET CONSTRAINTS {stream.constraints} IMMEDIATE")
        stream.thread.start()
        try:
            yield stream.send
        finally:
            stream.batches.put(None)
            stream.thread.join()
        if stream.failure is not None:
            with connection.wrap_database_errors:  # as Django's own exception classes
                raise stream.failure
        with connection.cursor() as cursor:
            if stream.constraints:
                cursor.execute(f"SET CONSTRAINTS {stream.constraints} DEFERRED")


_LINK_COLUMNS = ["person_id", "dictitem_id"]


class _Stream:
    """New people and their categories written by a second thread, a batch at a time, while this one
    checks the next rows.

    The server stores each batch, categories included, while this thread cleans the next rows, and
    checks the batch's foreign keys (a person's organisation and login) at the end of its COPY: the
    constraints are immediate for the time being, where at commit they would all be checked after
    everything else was done. With the categories written at the end and the checks at commit, a
    100,000-person import took about 0.45 s longer. The thread waits for the server without holding
    the GIL. It talks to the server through the psycopg connection only (Django's connection object
    belongs to the thread that opened it), and this thread makes no query until the stream ends.
    """

    def __init__(self, people: _NewPeople, count: int) -> None:
        self.people = people
        self.pks = _reserve_ids(Person, count)
        self.taken = 0
        self.link_table = str(PersonCategory._meta.db_table)
        with connection.cursor() as cursor:
            self.person_types = _copy_types(cursor, people.table, people.columns, people.template)
            self.link_types = _copy_types(cursor, self.link_table, _LINK_COLUMNS, [0, 0])
            self.constraints = _deferred_foreign_keys(cursor, [people.table, self.link_table])
        self.raw = connection.connection
        self.batches: queue.SimpleQueue[list[_Row] | None] = queue.SimpleQueue()
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="people-import-copy", daemon=True)

    def send(self, rows: list[_Row]) -> None:
        if self.failure is not None:
            return  # the thread has stopped; the failure is raised when the stream ends
        for row in rows:
            row.pk = self.pks[self.taken]
            self.taken += 1
        if rows:
            self.batches.put(rows)

    def _next(self) -> list[_Row] | None:
        """The next batch: whatever has been handed over meanwhile, as one COPY; None at the end."""
        rows = self.batches.get()
        if rows is None:
            return None
        rows = list(rows)
        while True:
            try:
                more = self.batches.get_nowait()
            except queue.Empty:
                return rows
            if more is None:
                self.batches.put(None)  # the end, for the next call
                return rows
            rows.extend(more)

    def _run(self) -> None:
        people, record = self.people, self.people.record
        try:
            with self.raw.cursor() as cursor:
                while (rows := self._next()) is not None:
                    with _raw_copy(cursor, people.table, people.columns, self.person_types) as write:
                        for row in rows:
                            write(record(row))
                    links = [(row.pk, item_id) for row in rows for item_id in row.categories or ()]
                    if links:
                        with _raw_copy(cursor, self.link_table, _LINK_COLUMNS, self.link_types) as write:
                            for link in links:
                                write(link)
        except BaseException as exc:  # noqa: BLE001 - handed to the other thread, which raises it
            self.failure = exc


def _deferred_foreign_keys(cursor: Any, tables: list[str]) -> str:
    """The foreign keys of these tables that are checked at commit (Django makes them all so), as the
    list SET CONSTRAINTS takes."""
    qn = connection.ops.quote_name
    cursor.execute(
        "SELECT n.nspname, c.conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype = 'f' AND c.condeferred ORDER BY 1, 2",
        [[qn(t) for t in tables]],
    )
    return ", ".join(f"{qn(schema)}.{qn(name)}" for schema, name in cursor.fetchall())
