"""New people of a roster file: their rows prepared once, written in batches (on PostgreSQL by a second thread
streaming COPYs while later rows are still being checked)."""

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection

from suzhi.core.names import name_initials
from suzhi.people.category_keys import category_key
from suzhi.people.models import Person, PersonCategory
from suzhi.people.services.imports.bulk import _copy_constants, _copy_types, _insert_rows, _raw_copy, _reserve_ids
from suzhi.people.services.imports.common import _Row

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


def _initials(name: str, cache: dict[str, str]) -> str:
    found = cache.get(name)
    if found is None:
        found = name_initials(name, max_length=50)
        cache[name] = found
    return found
