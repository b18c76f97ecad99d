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
        text = "".join("\t".join(["\\N" if v is None else str(v) for v in row]) + "\n" for row in rows)
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            copy.write(text)
        return
    attnames = {field.column: field.attname for field in model._meta.concrete_fields}
    model._default_manager.bulk_create(
        [model(**{attnames[c]: v for c, v in zip(columns, row, strict=True)}) for row in rows], batch_size=2000)
