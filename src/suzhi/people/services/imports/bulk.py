"""Bulk SQL for the roster import: prepared multi-row INSERTs on SQLite and binary COPY on PostgreSQL, with
primary keys reserved beforehand and a larger page cache while a file is written."""

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from typing import Any

from django.db import connection
from psycopg.adapt import PyFormat, Transformer

from suzhi.people.services.imports.common import _max_params

SQLITE_WRITE_CACHE_KIB = 128 * 1024  # an upper bound: pages are allocated as they are read


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
