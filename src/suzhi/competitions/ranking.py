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
from typing import Literal, NamedTuple

TOTAL = "total"
PLACES = Decimal("0.0001")
SCALE = 4  # the places every value is kept to

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


class Placed(NamedTuple):  # a tuple: an event of tens of thousands is placed at once
    id: Hashable
    position: int | None  # shared on ties; None for an unofficial contestant or one with no total
    total: Decimal | None
    official: bool
    group: Hashable


def weighted_total(values: Mapping[str, Decimal | None], weights: Mapping[str, Decimal]) -> Decimal | None:
    """Σ value × weight / 100 over the weighted components, to four places; None when one is missing."""
    return _total(values, [(key, Decimal(weight) / 100) for key, weight in weights.items()])


def _total(values: Mapping[str, Decimal | None], shares: list[tuple[str, Decimal]]) -> Decimal | None:
    total = Decimal(0)
    for key, share in shares:
        value = values.get(key)
        if value is None:
            return None
        total += Decimal(value) * share
    return total.quantize(PLACES, rounding=ROUND_HALF_UP)


def _integer_keys(rows: list[dict[str, Decimal | None]], chain: Sequence[Key]) -> list[tuple[int, ...]]:
    """Each row's sort key as integers, smaller is better: per key a flag (0 present, 1 missing: after every
    present value) and the value in ten-thousandths, negated when higher is better. Values are kept to four
    places (PLACES: the totals, the stored measures, the judges' combined scores), so the integers are exact and
    compare far faster than Decimals."""
    parts = [(key.name, -1 if key.better == "higher" else 1) for key in chain]
    keys = []
    for row in rows:
        key: list[int] = []
        for name, sign in parts:
            value = row.get(name)
            if value is None:
                key += (1, 0)
            else:
                key += (0, sign * int(Decimal(value).scaleb(SCALE)))
        keys.append(tuple(key))
    return keys


def rank(contestants: Iterable[Contestant], *, weights: Mapping[str, Decimal],
         tie_break: Sequence[Key] = ()) -> list[Placed]:
    """Everyone in ranking order (unofficial contestants among them), positions per `group`. The chain is the
    total first, then `tie_break`."""
    chain = (Key(TOTAL), *tie_break)
    shares = [(key, Decimal(weight) / 100) for key, weight in weights.items()]
    people = list(contestants)
    rows = []
    for contestant in people:
        row = dict(contestant.values)
        row[TOTAL] = _total(contestant.values, shares)
        rows.append(row)
    keys = _integer_keys(rows, chain)
    placed: list[Placed] = []
    officials_seen: dict[Hashable, int] = defaultdict(int)
    last: dict[Hashable, tuple[tuple[int, ...], int]] = {}
    for index in sorted(range(len(people)), key=keys.__getitem__):
        contestant, total, sort_key = people[index], rows[index][TOTAL], keys[index]
        position = None
        if contestant.official and total is not None:
            group = contestant.group
            officials_seen[group] += 1
            previous = last.get(group)
            position = previous[1] if previous is not None and previous[0] == sort_key else officials_seen[group]
            last[group] = (sort_key, position)
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
