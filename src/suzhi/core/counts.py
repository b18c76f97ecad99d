"""Tables of counts the services keep exact in their own transaction (the roster's people per organisation and
category key, the metric counts of the campaigns): a batch of changes added in one statement."""

import json
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, connection, models


def counts_add(model: type[models.Model], *, keys: Sequence[str], fields: Sequence[str],
               changes: Mapping[tuple[object, ...], Sequence[int]]) -> None:
    """Add {(*key columns): (change of each counted column)} to the model's table, creating missing rows.

    One upsert, whatever the number of rows and the signs of the changes: concurrent writers adding to the same
    new group add up instead of racing to create its row, and the rows go in key order, so that two writers lock
    the rows they share in the same order. The counted columns have no CHECK, which would refuse a negative
    change before finding the row it changes: a count going below zero raises IntegrityError here instead. The
    rows go as one parameter per column on PostgreSQL (arrays) and one in all on SQLite (JSON), not as
    thousands of bound values."""
    rows = sorted((key, tuple(values)) for key, values in changes.items() if any(values))
    if not rows:
        return
    table, columns = model._meta.db_table, [*keys, *fields]
    added = ", ".join(f"{field} = {table}.{field} + excluded.{field}" for field in fields)
    lowest = "LEAST" if connection.vendor == "postgresql" else "MIN"  # SQLite's MIN of several values
    upsert = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {added} RETURNING {lowest}({', '.join(fields)}, 0)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{model._meta.get_field(column).db_type(connection)}[]" for column in columns)
            cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({arrays}) {upsert}",  # noqa: S608
                           [list(column) for column in zip(*(key + values for key, values in rows), strict=True)])
        else:
            picked = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(columns)))
            # "WHERE true": SQLite's grammar needs it between a SELECT and ON CONFLICT.
            cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {picked} FROM json_each(%s) "  # noqa: S608
                           f"WHERE true {upsert}", [json.dumps([[*key, *values] for key, values in rows])])
        if any(low < 0 for (low,) in cursor.fetchall()):
            raise IntegrityError(f"a count in {table} went below zero")
