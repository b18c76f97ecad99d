"""Appeals (申诉) as the pages and the API list them: a person's own, the appeals of a unit's contestants, an event
and round's for those who run the competition (with the steps the user may take on each), and which published
standings may still be appealed. Each appeal carries its component's label from the plan, never the key alone.
A fixed number of queries whatever the number of appeals."""

import dataclasses
import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from suzhi.campaigns.models import Activity
from suzhi.competitions.access import settings_of
from suzhi.competitions.display import shown_value
from suzhi.competitions.manifest import MANAGE, REGISTER, VERIFY
from suzhi.competitions.models import Appeal, Contestant, Ranking, Standing
from suzhi.competitions.settings import CompetitionSettings
from suzhi.competitions.states import AppealStep, appeal_allowed, appeal_deadline
from suzhi.core import scope
from suzhi.core.errors import NotFound
from suzhi.people.models import Person
from suzhi.people.selectors.persons import person_for_user


@dataclasses.dataclass(frozen=True)
class AppealChance:
    """A published standing still open to appeal: the event's components (key, label) and when the window
    closes."""

    contestant_id: int
    components: tuple[tuple[str, str], ...]
    deadline: datetime.datetime


def appeal_chance(contestant: Contestant, standing: Standing | None, settings: CompetitionSettings,
                  moment: datetime.datetime | None = None) -> AppealChance | None:
    """The chance to appeal `contestant`'s standing (its ranking read with it), or None when there is none now.
    No query."""
    if standing is None:
        return None
    deadline = appeal_deadline(standing.ranking, settings.appeal_days)
    event = settings.event(contestant.event)
    if deadline is None or event is None or (moment or timezone.now()) > deadline:
        return None
    return AppealChance(contestant.pk, tuple((c.key, c.label) for c in event.components), deadline)


def _queryset() -> QuerySet[Appeal]:
    return Appeal.objects.select_related("contestant__person", "contestant__organisation", "contestant__activity",
                                         "filed_by", "decided_by", "approved_by").order_by("-filed_at", "-pk")


def labelled(appeals: list[Appeal]) -> list[Appeal]:
    """Each appeal with `component_label`, `event_title` and `round_title` from its competition's plan (read from
    the row already loaded: no query), and its values as people write them (`before_shown`, `after_shown`)."""
    plans: dict[int, CompetitionSettings] = {}
    for appeal in appeals:
        activity = appeal.contestant.activity
        settings = plans.get(activity.pk)
        if settings is None:
            settings = plans[activity.pk] = settings_of(activity)
        event, round_ = settings.event(appeal.contestant.event), settings.round(appeal.contestant.round)
        component = event.component(appeal.component) if event else None
        appeal.component_label = component.label if component else appeal.component  # type: ignore[attr-defined]
        appeal.event_title = event.title if event else appeal.contestant.event  # type: ignore[attr-defined]
        appeal.round_title = round_.title if round_ else appeal.contestant.round  # type: ignore[attr-defined]
        appeal.before_shown = shown_value(appeal.value_before)  # type: ignore[attr-defined]
        appeal.after_shown = shown_value(appeal.value_after)  # type: ignore[attr-defined]
    return appeals


def appeals_of_person(person: Person) -> list[Appeal]:
    """The appeals on a person's results (filed by them or by their unit), newest first. One query."""
    return labelled(list(_queryset().filter(contestant__person=person)))


def my_appeals(*, user: Any) -> list[Appeal]:
    """The appeals on the user's own results. Two queries."""
    person = person_for_user(user)
    return appeals_of_person(person) if person is not None else []


def unit_appeals(*, user: Any, activity: Activity) -> list[Appeal]:
    """The appeals on the results of the user's units' contestants (REGISTER scope) in the competition."""
    return labelled(list(scope.filter_queryset(_queryset().filter(contestant__activity=activity), user, REGISTER,
                                                org_field="contestant__organisation")))


def unit_appeal_chances(*, user: Any, activity: Activity,
                        moment: datetime.datetime | None = None) -> dict[int, AppealChance]:
    """{contestant id: chance} for the user's units' contestants whose published standing may still be appealed.
    One query."""
    settings = settings_of(activity)
    standings = scope.filter_queryset(Standing.objects.filter(
        ranking__activity=activity, ranking__state=Ranking.State.PUBLISHED), user, REGISTER,
        org_field="contestant__organisation").select_related("ranking", "contestant")
    chances = (appeal_chance(s.contestant, s, settings, moment) for s in standings)
    return {chance.contestant_id: chance for chance in chances if chance is not None}


@dataclasses.dataclass(frozen=True)
class AppealSteps:
    """Which steps the user may take on an appeal now; the services still decide."""

    propose: bool = False
    dismiss: bool = False
    approve: bool = False
    approve_by_other: bool = False  # the state allows approving, but not by this user (they proposed it)


def stage_appeals(*, user: Any, activity: Activity, event: str, round_: str) -> list[Appeal]:
    """The appeals on an event and round's results, for those who run the competition (the caller has reached
    `activity` through its organiser), newest first, each with `steps`. One query."""
    appeals = labelled(list(_queryset().filter(ranking__activity=activity, ranking__event=event,
                                                ranking__round=round_)))
    manager = scope.may_manage(user, MANAGE, activity.organiser)
    verifier = scope.may_manage(user, VERIFY, activity.organiser)
    for appeal in appeals:
        approvable = appeal_allowed(AppealStep.APPROVE, appeal.state)
        proposer = user.pk == appeal.decided_by_id
        appeal.steps = AppealSteps(  # type: ignore[attr-defined]
            propose=manager and appeal_allowed(AppealStep.PROPOSE, appeal.state),
            dismiss=manager and appeal_allowed(AppealStep.DISMISS, appeal.state),
            approve=verifier and approvable and not proposer, approve_by_other=approvable and proposer)
    return appeals


def contestant_to_appeal(*, user: Any, contestant_id: Any) -> Contestant:
    """A contestant whose result the user may appeal: their own (their account's roster person) or one of their
    units' (REGISTER scope); else 404, whatever the form says. appeal_file checks the same."""
    contestant = Contestant.objects.select_related("organisation").filter(
        pk=contestant_id).first() if str(contestant_id).isdigit() else None
    own = contestant is not None and contestant.person_id == getattr(person_for_user(user), "pk", None)
    if contestant is None or not (own or scope.may_manage(user, REGISTER, contestant.organisation)):
        raise NotFound()
    return contestant


def in_stage(activity: Activity, event: str, round_: str, appeal_id: Any) -> bool:
    """Whether the appeal is on the event and round's ranking of the competition (an address naming another
    stage's appeal is not found)."""
    return str(appeal_id).isdigit() and Appeal.objects.filter(
        pk=appeal_id, ranking__activity=activity, ranking__event=event, ranking__round=round_).exists()
