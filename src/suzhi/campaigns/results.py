"""Ranked results (排名), the one interface through which honours and bulletins read any kind's rankings.

A kind that ranks people or units (knowledge contests now; competitions and collections next) names a provider in
its manifest (`results="suzhi.<kind>.selectors.results.ranked_results"`). The provider answers for one activity
with the kind's published rankings: one `Ranking` per thing ranked (a contest, an event and round of a
competition), each with its entries in order. Positions may be shared (1, 2, 2, 4); an unofficial entry (列名参赛)
is listed with no position. Honours read it through `ranked_results` here and never import a kind.
"""

import dataclasses
import decimal
import enum
from typing import Any, Protocol

from django.utils.module_loading import import_string

from suzhi.campaigns import kinds
from suzhi.campaigns.models import Activity


class Subject(enum.StrEnum):
    PERSON = "person"  # 个人排名
    ORGANISATION = "organisation"  # 单位排名


@dataclasses.dataclass(frozen=True)
class RankedEntry:
    position: int | None  # 1-based, shared on ties; None: ranked for information only (列名参赛)
    name: str  # the person's or the unit's name as it is to be printed
    organisation_id: int  # the unit itself, or the person's unit
    person_id: int | None = None  # set when the subject is a person
    score: decimal.Decimal | None = None  # the figure the ranking is by, when it has one
    detail: str = ""  # what else decides the place, in words (用时 12分30秒; 参与率 85%)


@dataclasses.dataclass(frozen=True)
class Ranking:
    key: str  # stable within the activity ("quiz-12", "event-3-final")
    title: str  # what is ranked (the contest's or the event's name)
    subject: Subject
    organiser_id: int  # the organisation whose ranking this is (a town's contest ranks that town's people)
    entries: tuple[RankedEntry, ...]


class ResultsProvider(Protocol):
    def __call__(self, activity: Activity, *, subject: Subject, user: Any | None = None) -> list[Ranking]: ...


def ranks_people_or_units(activity: Activity) -> bool:
    manifest = kinds.kind(activity.kind)
    return bool(manifest and manifest.results)


def ranked_results(activity: Activity, *, subject: Subject, user: Any | None = None) -> list[Ranking]:
    """The activity's rankings of people or of units, as published by its kind ([] when the kind ranks nothing).
    `user`: when given, only rankings and entries that user may see."""
    manifest = kinds.kind(activity.kind)
    if manifest is None or not manifest.results:
        return []
    provider: ResultsProvider = import_string(manifest.results)
    return provider(activity, subject=subject, user=user)
