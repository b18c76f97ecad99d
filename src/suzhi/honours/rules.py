"""Reading a campaign's award rules and the pure parts of applying them: places 1 to N with the plan's rule for
ties at N, and which title a ranking confers."""

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suzhi.campaigns.models import Campaign
from suzhi.campaigns.plan.schema import AwardRule
from suzhi.core.errors import NotFound
from suzhi.honours.error_codes import HonourErrors

T = TypeVar("T")

# How recipients are decided, as the plan editor names the bases.
BASIS_LABELS = {
    "ranking": gettext_lazy("Places in the activity's ranking"),
    "targets": gettext_lazy("Units meeting the targets"),
    "metric": gettext_lazy("Units with the highest value of a target"),
    "kind_award": gettext_lazy("An award of the activity (e.g. 一等奖)"),
    "attribute": gettext_lazy("People with given attributes"),
    "manual": gettext_lazy("Entered by hand"),
}
TIES = {
    "share": gettext_lazy("tied at the last place: all receive it"),
    "exclude": gettext_lazy("tied at the last place: none of them receives it"),
    "decide": gettext_lazy("tied at the last place: decided by the tie-break"),
}


def rules_of(campaign: Campaign) -> list[AwardRule]:
    """The campaign's award rules in the plan's order (read from the stored plan, no query)."""
    return [AwardRule.model_validate(item) for item in (campaign.plan or {}).get("awards") or []]


def rule_of(campaign: Campaign, key: str) -> tuple[int, AwardRule]:
    """The rule of that key and its place in the plan; 404 with `award_rule_unknown` when the plan has none."""
    for index, rule in enumerate(rules_of(campaign)):
        if rule.key == key:
            return index, rule
    raise NotFound(_("The plan has no award rule “%(key)s”.") % {"key": key}, code=HonourErrors.UNKNOWN_RULE)


def summary(rule: AwardRule) -> list[str]:
    """The rule's way of deciding in a few words, for the organiser's pages."""
    parts = [str(BASIS_LABELS[rule.basis])]
    if rule.top:
        parts.append(_("the best %(n)d") % {"n": rule.top})
    if rule.per_ranking:
        parts.append(_("each ranking separately"))
    if rule.basis in ("ranking", "metric"):
        parts.append(str(TIES[rule.ties]))
    return parts


def titles_of(rule: AwardRule) -> list[str]:
    """The titles one may confer under the rule: its titles, or its own title when it lists none."""
    return list(rule.titles) or [rule.title]


def title_for(rule: AwardRule, ranking_title: str) -> str:
    """The title a ranking confers: its own entry in title_by_ranking, else the longest key its title starts with
    (“计算机操作 决赛” takes 计算机操作's), else the rule's one title (or the rule's name when it lists several)."""
    mapping = rule.title_by_ranking
    if ranking_title in mapping:
        return mapping[ranking_title]
    starts = [key for key in mapping if ranking_title.startswith(key)]
    if starts:
        return mapping[max(starts, key=len)]
    return rule.titles[0] if len(rule.titles) == 1 else rule.title


@dataclasses.dataclass(frozen=True)
class Placed(Generic[T]):
    """An entry within places 1 to N: `tied` when its place is shared (并列), `over` when the tie reaches past N."""

    item: T
    position: int
    tied: bool
    over: bool


def within_top(items: Sequence[T], positions: Sequence[int | None], top: int, ties: str) -> list[Placed[T]]:
    """The items whose place is within 1..`top`, in the order given. Places may be shared; an item without one
    (列名参赛) never qualifies. An item's place counts by how many are strictly ahead of it, so 1, 2, 2, 4 and
    1, 2, 2, 3 read alike: with `top` 2, the two tied second are in under `share` and `decide` (marked `over`:
    the organiser applies the stated tie-break) and out under `exclude` (only those strictly within 2)."""
    official = [p for p in positions if p is not None]
    sizes = Counter(official)
    ahead: dict[int, int] = {}
    running = 0
    for level in sorted(sizes):
        ahead[level] = running
        running += sizes[level]
    found: list[Placed[T]] = []
    for item, place in zip(items, positions, strict=True):
        if place is None or ahead[place] >= top:
            continue
        over = ahead[place] + sizes[place] > top
        if over and ties == "exclude":
            continue
        found.append(Placed(item, ahead[place] + 1, sizes[place] > 1, over))
    return found


def competition_positions(values: Iterable[float]) -> list[int]:
    """Places by value, highest first, shared on equal values (1, 2, 2, 4)."""
    listed = list(values)
    ordered = sorted(listed, reverse=True)
    first: dict[float, int] = {}
    for index, value in enumerate(ordered):
        first.setdefault(value, index + 1)
    return [first[value] for value in listed]
