"""Ranking one event of a competition round (排名) and choosing who advances (晋级). Pure: no database.

- A contestant's total is the weighted sum of the event's components (理论30% + 实操70%): each component's value
  times its weight / 100. A contestant missing a component has no total and takes no place.
- The ranking orders by the total and then by the plan's tie-break chain (实操 → 理论 → 用时), each key with its
  direction (higher is better for scores, lower for time). Contestants equal on every key share a position and the
  next position is skipped (1, 2, 2, 4).
- Unofficial contestants (列名参赛) are listed where their results put them, with no position, and take no
  position from anyone: officials' positions count officials only.
- Advancement to the next round, per preliminary (the group: one per organisation of the round's level): the top
  N, the best P per cent (rounded down), or everyone at or above a score line. At the boundary, everyone sharing
  the last position advances, unless the rule says `ties="exclude"`, when a tie that would overrun N (or the
  percentage) keeps all of its members back.
"""

import dataclasses
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

TOTAL = "total"
PLACES = Decimal("0.0001")

Better = Literal["higher", "lower"]


@dataclasses.dataclass(frozen=True)
class Key:
    """One key of the ranking: the total or a component (or a measured result such as 用时), and which way is
    better."""

    name: str
    better: Better = "higher"


@dataclasses.dataclass(frozen=True)
class Contestant:
    id: Hashable
    values: Mapping[str, Decimal | None]  # the components' values (and measured results) by key
    official: bool = True
    group: Hashable = ""  # the preliminary: the organisation whose round this contestant ran in


@dataclasses.dataclass(frozen=True)
class Placed:
    id: Hashable
    position: int | None  # shared on ties; None for an unofficial contestant or one with no total
    total: Decimal | None
    official: bool
    group: Hashable


def weighted_total(values: Mapping[str, Decimal | None], weights: Mapping[str, Decimal]) -> Decimal | None:
    """Σ value × weight / 100 over the weighted components, to four places; None when one is missing."""
    total = Decimal(0)
    for key, weight in weights.items():
        value = values.get(key)
        if value is None:
            return None
        total += Decimal(value) * Decimal(weight) / 100
    return total.quantize(PLACES, rounding=ROUND_HALF_UP)


def _sort_key(values: Mapping[str, Decimal | None], chain: Sequence[Key]) -> tuple[tuple[int, Decimal], ...]:
    """Smaller is better: a missing value sorts after every present one."""
    parts = []
    for key in chain:
        value = values.get(key.name)
        if value is None:
            parts.append((1, Decimal(0)))
        else:
            parts.append((0, -Decimal(value) if key.better == "higher" else Decimal(value)))
    return tuple(parts)


def rank(contestants: Iterable[Contestant], *, weights: Mapping[str, Decimal],
         tie_break: Sequence[Key] = ()) -> list[Placed]:
    """Everyone in ranking order (unofficial contestants among them), positions per `group`. The chain is the
    total first, then `tie_break`."""
    chain = (Key(TOTAL), *tie_break)
    rows = []
    for contestant in contestants:
        total = weighted_total(contestant.values, weights)
        values = {**contestant.values, TOTAL: total}
        rows.append((_sort_key(values, chain), contestant, total))
    rows.sort(key=lambda row: row[0])
    placed: list[Placed] = []
    officials_seen: dict[Hashable, int] = defaultdict(int)
    last: dict[Hashable, tuple[tuple[tuple[int, Decimal], ...], int]] = {}
    for sort_key, contestant, total in rows:
        position = None
        if contestant.official and total is not None:
            officials_seen[contestant.group] += 1
            previous = last.get(contestant.group)
            position = previous[1] if previous and previous[0] == sort_key else officials_seen[contestant.group]
            last[contestant.group] = (sort_key, position)
        placed.append(Placed(contestant.id, position, total, contestant.official, contestant.group))
    return placed


@dataclasses.dataclass(frozen=True)
class Advancement:
    """Who goes on to the next round, per preliminary: one of top, percent or score_line."""

    top: int | None = None
    percent: Decimal | None = None
    score_line: Decimal | None = None
    ties: Literal["share", "exclude"] = "share"


def advancing(placed: Sequence[Placed], rule: Advancement) -> set[Hashable]:
    """The ids of the officials who advance, per group."""
    if rule.score_line is not None:
        return {p.id for p in placed if p.position is not None and p.total is not None
                and p.total >= rule.score_line}
    by_group: dict[Hashable, list[Placed]] = defaultdict(list)
    for p in placed:
        if p.position is not None:
            by_group[p.group].append(p)
    chosen: set[Hashable] = set()
    for members in by_group.values():
        if rule.top is not None:
            limit = rule.top
        elif rule.percent is not None:
            limit = math.floor(len(members) * rule.percent / 100)
        else:
            continue
        counts: dict[int, int] = defaultdict(int)
        for p in members:
            counts[p.position] += 1  # type: ignore[index]
        for p in members:
            position = p.position
            assert position is not None
            if position > limit:
                continue
            # The tie's last member would stand at position + (its size − 1)
            if rule.ties == "exclude" and position + counts[position] - 1 > limit:
                continue
            chosen.add(p.id)
    return chosen
