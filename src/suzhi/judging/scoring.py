"""Pure arithmetic of judging: a score sheet's weighted total, the combination of the judges' totals for an
entry (mean, median, trimmed mean) and places with ties per category. No database here."""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Aggregation = Literal["mean", "median", "trimmed"]
PLACES = Decimal("0.0001")  # totals and aggregates are kept to four decimal places


def round_score(value: Decimal) -> Decimal:
    """Four places, halves up: how every total and combined score is kept."""
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


_round = round_score


def sheet_total(scores: Mapping[str, Decimal], rubric: Iterable[tuple[str, Decimal, Decimal]]) -> Decimal:
    """The weighted total of one judge's sheet: the sum over the rubric's (key, weight, max score) of
    score / max score × weight (so a sheet of full marks totals the sum of the weights, 100)."""
    total = Decimal(0)
    for key, weight, max_score in rubric:
        total += Decimal(scores[key]) * Decimal(str(weight)) / Decimal(str(max_score))
    return _round(total)


def aggregate(values: Sequence[Decimal], *, method: Aggregation, trim: int = 0,
              min_judges: int = 0) -> Decimal | None:
    """The judges' totals of one entry combined; None when nobody scored.

    - mean: the arithmetic mean.
    - median: the middle value, or the mean of the two middle values.
    - trimmed: when at least `min_judges` totals are given, exactly `trim` values are dropped from each end of the
      sorted list (judges tied at the top lose one value each time, not all of theirs) and the rest averaged;
      with fewer totals, the plain mean.
    """
    if not values:
        return None
    ordered = sorted(Decimal(v) for v in values)
    if method == "median":
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return _round(ordered[middle])
        return _round((ordered[middle - 1] + ordered[middle]) / 2)
    if method == "trimmed" and trim > 0 and len(ordered) >= min_judges and len(ordered) > 2 * trim:
        ordered = ordered[trim:len(ordered) - trim]
    return _round(sum(ordered, Decimal(0)) / len(ordered))


def ranks(items: Iterable[tuple[Hashable, str, Decimal | None]]) -> dict[Hashable, int | None]:
    """Places per category, best first, ties sharing a place (1, 2, 2, 4); items without a value get None.
    `items` are (key, category, value)."""
    by_category: dict[str, list[tuple[Decimal, Hashable]]] = {}
    result: dict[Hashable, int | None] = {}
    for key, category, value in items:
        if value is None:
            result[key] = None
        else:
            by_category.setdefault(category, []).append((value, key))
    for rows in by_category.values():
        rows.sort(key=lambda row: row[0], reverse=True)
        previous, place = None, 0
        for index, (value, key) in enumerate(rows, start=1):
            if value != previous:
                place, previous = index, value
            result[key] = place
    return result
