"""Reading a competition activity as its services see it: within the caller's scope, with its settings."""

from typing import Any

from django.utils.translation import gettext as _

from suzhi.campaigns.models import Activity
from suzhi.competitions.error_codes import CompetitionErrors
from suzhi.competitions.settings import CompetitionSettings, Event, Round
from suzhi.core import scope
from suzhi.core.errors import NotFound, ValidationFailed

KIND = "competition"


def settings_of(activity: Activity) -> CompetitionSettings:
    data = {k: v for k, v in (activity.settings or {}).items() if k != "attributes"}
    return CompetitionSettings.model_validate(data)


def _queryset() -> Any:
    return Activity.objects.select_related("organiser", "campaign").filter(kind=KIND)


def activity_organised(user: Any, activity_id: Any, permission: str, *, for_update: bool = False) -> Activity:
    """The competition if its organiser lies in the caller's scope for `permission` (they run it); else 404."""
    return scope.get_in_scope(_queryset(), user, permission, pk=activity_id, org_field="organiser",
                              for_update=for_update)


def activity_reached(user: Any, activity_id: Any, permission: str, *, for_update: bool = False) -> Activity:
    """The competition if it is organised within the caller's scope or above it (a unit registers its people for
    the city's contest); else 404."""
    queryset = _queryset().filter(scope.in_or_above_q(user, permission, "organiser"))
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    activity = queryset.filter(pk=activity_id).first() if str(activity_id).isdigit() else None
    if activity is None:
        raise NotFound()
    return activity


def event_and_round(settings: CompetitionSettings, event: str, round_: str | None = None) -> tuple[Event, Round]:
    """The plan's event and round (the first round when none is named), or a clear refusal."""
    found_event = settings.event(event)
    found_round = settings.round(round_) if round_ else (settings.rounds[0] if settings.rounds else None)
    if found_event is None or found_round is None:
        raise ValidationFailed(_("The plan has no event “%(event)s” or round “%(round)s” in this competition.")
                               % {"event": event, "round": round_ or ""}, code=CompetitionErrors.UNKNOWN_EVENT)
    return found_event, found_round
