"""Which training sessions a caller sees and may change, and what a participant may take part in."""

from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from suzhi.core import scope
from suzhi.core.errors import NotFound
from suzhi.core.scope import self_and_ancestor_paths
from suzhi.people.models import Person
from suzhi.training.models import TrainingSession

VIEW, MANAGE = "training.view", "training.manage"


def sessions_visible(*, user: Any, activity_id: Any = None, upcoming: bool | None = None) -> QuerySet[TrainingSession]:
    """Sessions organised in the caller's scope, and those organised above it (its people may attend);
    each with its enrolment and attendance counts (one query)."""
    qs = TrainingSession.objects.select_related("organiser", "activity").annotate(
        enrolled=Count("enrolments", distinct=True), attended=Count("attendances", distinct=True),
    )
    qs = qs.filter(scope.in_or_above_q(user, VIEW, "organiser"))
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


def session_for_participant(*, user: Any, person: Person | None, session_id: Any) -> TrainingSession:
    """A session as a participant reaches it (enrolment, a check-in link): one organised at or above their
    person's organisation, or one the user sees as an administrator. Anything else is a 404, like a session
    that does not exist."""
    if person is not None:
        found = (TrainingSession.objects.select_related("organiser", "activity")
                 .filter(pk=session_id, organiser__path__in=self_and_ancestor_paths(person.organisation.path))
                 .first())
        if found is not None:
            return found
    if user.has_perm(VIEW):
        return session_get(user=user, session_id=session_id)
    raise NotFound()


def access_session_for_update(*, user: Any, session_id: Any) -> TrainingSession:
    """A session the user may change: organised within their training.manage scope."""
    return scope.get_in_scope(TrainingSession.objects.select_related("organiser", "activity"), user, MANAGE,
                              pk=session_id, org_field="organiser", for_update=True)


def sessions_open_to(person: Person) -> QuerySet[TrainingSession]:
    """Sessions a participant could enrol in: organised at or above their organisation, not over, not cancelled."""
    paths = self_and_ancestor_paths(person.organisation.path)
    return (TrainingSession.objects.select_related("organiser", "activity")
            .filter(organiser__path__in=paths, is_cancelled=False, ends_at__gte=timezone.now())
            .annotate(enrolled=Count("enrolments", distinct=True)).order_by("starts_at", "id"))
