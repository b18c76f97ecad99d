"""Inserting many rows at once (assignments, results): COPY on PostgreSQL, bulk_create elsewhere."""

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


def insert_rows(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert `rows` (values in the order of `columns`, database column names) into `model`'s table. The values
    are numbers, None, timestamps as ISO text and codes: text without tabs, line breaks or backslashes."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
        line = "\t".join(["%s"] * len(columns)) + "\n"
        text = "".join(line % tuple("\\N" if v is None else v for v in row) if None in row else line % tuple(row)
                       for row in rows)
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            copy.write(text)
        return
    attnames = {field.column: field.attname for field in model._meta.concrete_fields}
    model._default_manager.bulk_create(
        [model(**{attnames[c]: v for c, v in zip(columns, row, strict=True)}) for row in rows], batch_size=2000)


def summarise_block_ranges(index: str) -> None:
    """Summarise the block ranges a bulk insert added to a BlockRangeIndex (models.py), so that lookups skip them
    from now on rather than after the next vacuum. Nothing to do on other databases."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT brin_summarize_new_values(%s::regclass)", [index])
