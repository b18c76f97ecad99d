"""Where a submission is reviewed: the plan's levels matched against the submitting unit's ancestors.

A level is reviewed by the nearest organisation at or above the submitting unit (for the first level) or above the
previous level's reviewer (for the next ones) that is of one of the level's organisation types, or at the level's
depth. A level no organisation above the unit matches is passed over (a unit directly under the federation goes
straight to it). Recommending at the last level that has a reviewer accepts the submission (a finalist).
"""

import dataclasses
from typing import Any

from suzhi.campaigns.models import Activity
from suzhi.collections.manifest import CollectionSettings, ReviewLevel
from suzhi.core import scope
from suzhi.core.models import Organisation


def settings_of(activity: Activity) -> CollectionSettings:
    data = {k: v for k, v in (activity.settings or {}).items() if k != "attributes"}
    return CollectionSettings.model_validate(data)


@dataclasses.dataclass(frozen=True)
class Stop:
    level: int
    organisation: Organisation


def _matches(level: ReviewLevel, organisation: Organisation, type_code: str) -> bool:
    if level.depth is not None:
        return organisation.depth == level.depth
    return type_code in level.org_types


def route(organisation: Organisation, levels: list[ReviewLevel]) -> list[Stop]:
    """The reviewing organisation of each level that has one, lowest first (one query)."""
    paths = scope.self_and_ancestor_paths(organisation.path)
    chain = list(Organisation.objects.filter(path__in=paths).select_related("org_type").order_by("-depth"))
    stops: list[Stop] = []
    position = 0  # chain[position:] are the candidates: at or above the unit, above the last reviewer
    for index, level in enumerate(levels):
        for offset, candidate in enumerate(chain[position:]):
            if _matches(level, candidate, candidate.org_type.code):
                stops.append(Stop(index, candidate))
                position += offset + 1
                break
    return stops


def next_stop(stops: list[Stop], level: int) -> Stop | None:
    """The stop after `level`, or None when `level` is the last one reviewed."""
    return next((stop for stop in stops if stop.level > level), None)


def level_title(settings: CollectionSettings, level: int) -> str:
    return settings.review_levels[level].title if level < len(settings.review_levels) else ""


def quota_of(settings: CollectionSettings, level: int) -> Any:
    return settings.review_levels[level].quota if level < len(settings.review_levels) else None
