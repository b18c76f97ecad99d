"""Inserting many rows at once (judging's assignments and results, a competition's standings): COPY on PostgreSQL,
bulk_create elsewhere."""

import contextlib
import gc
import json
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model

NULL = "\\N"  # COPY's text format


class RawJson(str):
    """A JSON value already written out (compact, nothing to escape): copied as it is, parsed for bulk_create."""


def raw_rows(queryset: Any) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` queryset straight from the cursor: for tens of thousands of rows whose values
    need no conversion on PostgreSQL (numbers, text), Django's per-row work costs as much as the query. Elsewhere
    through the ORM: SQLite hands decimals back as floats, which Django's converters turn into Decimals."""
    if connection.vendor != "postgresql":
        return list(queryset)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def insert_rows(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert `rows` (values in the order of `columns`, database column names) into `model`'s table. The values
    are numbers, booleans, None, timestamps as ISO text, codes (text without tabs, line breaks or backslashes),
    and dicts or RawJson for JSON columns."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        line = "\t".join(["%s"] * len(columns)) + "\n"
        dicts = [index for index, value in enumerate(rows[0]) if type(value) is dict]
        if dicts:
            rows = [tuple(_json(v) if i in dicts and v is not None else v for i, v in enumerate(row)) for row in rows]
        if any(None in row for row in rows):
            text = "".join([line % tuple([NULL if v is None else v for v in row]) for row in rows])
        else:
            text = "".join(map(line.__mod__, [row if type(row) is tuple else tuple(row) for row in rows]))
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            copy.write(text)
        return
    attnames = {field.column: field.attname for field in model._meta.concrete_fields}
    rows = [[json.loads(v) if type(v) is RawJson else v for v in row] for row in rows]
    model._default_manager.bulk_create(
        [model(**{attnames[c]: v for c, v in zip(columns, row, strict=True)}) for row in rows], batch_size=2000)


def _json(value: dict[str, Any]) -> str:
    # Compact JSON; non-ASCII text kept as it is, so no backslash reaches COPY's text format
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if "\\" in text or "\t" in text or "\n" in text:
        raise ValueError("JSON with escapes cannot be copied as text")
    return text


def summarise_block_ranges(index: str) -> None:
    """Summarise the block ranges a bulk insert added to a BlockRangeIndex (judging/models.py), so that lookups skip
    them from now on rather than after the next vacuum. Nothing to do on other databases."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT brin_summarize_new_values(%s::regclass)", [index])


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Hold the cyclic garbage collector while a bulk computation makes tens of thousands of small tuples and
    lists: none of them form cycles (reference counting frees them), yet each allocation threshold reached would
    scan them all again. An assignment of 60,000 sheets spent a third of its computing time in such scans."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
