"""A person's categories as one string on the person row (`Person.category_key`).

Counting people per organisation and set of categories over a million people would otherwise join every person
to their category links. The key is "" for a person without categories, otherwise the ids of their category
dictionary items, sorted, each between commas: ",3,17,". So one set of categories has exactly one key, and
`category_key LIKE '%,3,%'` means "holds category 3" (the commas stop 3 matching 13 or 31).
"""

from collections.abc import Iterable


def category_key(item_ids: Iterable[int]) -> str:
    """The key of these category items (repeats count once, order does not matter)."""
    ids = sorted({int(pk) for pk in item_ids})
    if not ids:
        return ""
    return "," + ",".join(str(pk) for pk in ids) + ","


def category_ids(key: str) -> frozenset[int]:
    """The category item ids a key holds (the inverse of `category_key`)."""
    return frozenset(int(part) for part in key.split(",") if part)
