"""Which training sessions a caller sees and may change, and what a participant may take part in."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from suzhi.core import scope
from suzhi.core.errors import NotFound
from suzhi.core.models import Organisation
from suzhi.people.models import Person
from suzhi.training.models import TrainingSession

VIEW, MANAGE = "training.view", "training.manage"
STEP = Organisation.steplen


def ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(STEP, len(path) + 1, STEP)]


def sessions_visible(*, user: Any, activity_id: Any = None, upcoming: bool | None = None) -> QuerySet[TrainingSession]:
    """Sessions organised in the caller's scope, and those organised above it (its people may attend);
    each with its enrolment and attendance counts (one query)."""
    found = scope.scope_for(user, VIEW)
    qs = TrainingSession.objects.select_related("organiser", "activity").annotate(
        enrolled=Count("enrolments", distinct=True), attended=Count("attendances", distinct=True),
    )
    if not found.all:
        paths = set(found.subtree_paths) | set(
            Organisation.objects.filter(pk__in=found.org_ids).values_list("path", flat=True)
        )
        q = Q(pk__in=[])
        for path in sorted(paths):
            q |= Q(organiser__path__startswith=path)
        above = sorted({a for path in paths for a in ancestor_paths(path)})
        if above:
            q |= Q(organiser__path__in=above)
        qs = qs.filter(q)
    if activity_id not in (None, ""):
        qs = qs.filter(activity_id=activity_id)
    if upcoming is True:
        qs = qs.filter(ends_at__gte=timezone.now())
    elif upcoming is False:
        qs = qs.filter(ends_at__lt=timezone.now())
    return qs.order_by("-starts_at", "-id")


def session_get(*, user: Any, session_id: Any) -> TrainingSession:
    try:
        return sessions_visible(user=user).get(pk=session_id)
    except (TrainingSession.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def access_session_for_update(*, user: Any, session_id: Any) -> TrainingSession:
    """A session the user may change: organised within their training.manage scope."""
    return scope.get_in_scope(TrainingSession.objects.select_related("organiser", "activity"), user, MANAGE,
                              pk=session_id, org_field="organiser", for_update=True)


def sessions_open_to(person: Person) -> QuerySet[TrainingSession]:
    """Sessions a participant could enrol in: organised at or above their organisation, not over, not cancelled."""
    paths = ancestor_paths(person.organisation.path)
    return (TrainingSession.objects.select_related("organiser", "activity")
            .filter(organiser__path__in=paths, is_cancelled=False, ends_at__gte=timezone.now())
            .annotate(enrolled=Count("enrolments", distinct=True)).order_by("starts_at", "id"))
