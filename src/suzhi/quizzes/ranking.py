"""Ranking rules (排名), as pure functions; the stored ranks are written by `services/results.py` with the same
ordering in SQL and the tests hold the two to each other.

People: higher score first, then less time used, then the earlier finish; equal keys share a rank and the next
rank skips (1, 2, 2, 4). Organisations: by the plan's measures in order (participation rate, average score,
attempts per person), each higher first; equal on all measures share a rank.
"""

import datetime
from collections.abc import Hashable, Sequence
from decimal import Decimal
from typing import Any


def competition_ranks(keys: Sequence[Hashable]) -> list[int]:
    """Ranks for keys already sorted best first: equal neighbours share a rank, the next one skips."""
    ranks: list[int] = []
    for i, key in enumerate(keys):
        ranks.append(ranks[-1] if i and key == keys[i - 1] else i + 1)
    return ranks


def person_key(score: Decimal, seconds_used: int, finished_at: datetime.datetime) -> tuple[Any, ...]:
    return (-score, seconds_used, finished_at)


def person_ranks(rows: Sequence[tuple[Any, Decimal, int, datetime.datetime]]) -> dict[Any, int]:
    """{id: rank} for rows of (id, score, seconds used, finished at)."""
    ordered = sorted(rows, key=lambda row: person_key(row[1], row[2], row[3]))
    ranks = competition_ranks([person_key(r[1], r[2], r[3]) for r in ordered])
    return {row[0]: rank for row, rank in zip(ordered, ranks, strict=True)}


def unit_measures(*, eligible: int, participants: int, attempts: int, score_sum: Decimal) -> dict[str, Decimal]:
    """The measures units are ranked by, as exact decimals so ties are real ties."""
    rate = Decimal(participants) / Decimal(eligible) if eligible else Decimal(0)
    average = Decimal(score_sum) / Decimal(participants) if participants else Decimal(0)
    per_person = Decimal(attempts) / Decimal(participants) if participants else Decimal(0)
    return {"participation_rate": rate, "average_score": average, "attempts_per_person": per_person}


def unit_ranks(rows: Sequence[tuple[Any, dict[str, Decimal]]], order: Sequence[str]) -> dict[Any, int]:
    """{id: rank} for rows of (id, measures), ranked by the measures in `order`, each higher first."""
    def key(row: tuple[Any, dict[str, Decimal]]) -> tuple[Decimal, ...]:
        return tuple(-row[1][name] for name in order)

    ordered = sorted(rows, key=key)
    ranks = competition_ranks([key(row) for row in ordered])
    return {row[0]: rank for row, rank in zip(ordered, ranks, strict=True)}
