"""Which contests a caller sees and may change, the contests open to a participant, and a participant's own
attempts."""

from typing import Any

from django.db.models import Count, QuerySet

from suzhi.core import scope
from suzhi.core.errors import NotFound
from suzhi.core.scope import self_and_ancestor_paths
from suzhi.people.models import Person
from suzhi.quizzes.models import Attempt, Quiz
from suzhi.quizzes.selectors.banks import MANAGE, VIEW


def quizzes_visible(*, user: Any, activity_id: Any = None) -> QuerySet[Quiz]:
    """Contests organised in the caller's scope and those above it (their people take part), with the number of
    people who have a result (one query)."""
    qs = Quiz.objects.select_related("organiser", "activity__campaign", "bank").annotate(
        participants=Count("results", distinct=True))
    qs = qs.filter(scope.in_or_above_q(user, VIEW, "organiser"))
    if activity_id not in (None, ""):
        qs = qs.filter(activity_id=activity_id)
    return qs.order_by("-created_at", "-id")


def quiz_get(*, user: Any, quiz_id: Any) -> Quiz:
    try:
        return quizzes_visible(user=user).get(pk=quiz_id)
    except (Quiz.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def access_quiz_for_update(*, user: Any, quiz_id: Any) -> Quiz:
    """A contest the user may change: organised within their quiz.manage scope."""
    return scope.get_in_scope(Quiz.objects.select_related("organiser", "activity__organiser", "bank"), user, MANAGE,
                              pk=quiz_id, org_field="organiser", for_update=True)


def quiz_managed(*, user: Any, quiz_id: Any) -> Quiz:
    """A contest within the caller's quiz.manage scope, for reading what only its organisers see."""
    return scope.get_in_scope(Quiz.objects.select_related("organiser", "activity", "bank"), user, MANAGE,
                              pk=quiz_id, org_field="organiser")


def quizzes_open_to(person: Person) -> QuerySet[Quiz]:
    """Published contests organised at or above the participant's organisation."""
    paths = self_and_ancestor_paths(person.organisation.path)
    return (Quiz.objects.select_related("organiser", "activity__organiser", "activity__campaign", "bank")
            .filter(organiser__path__in=paths, is_published=True).order_by("-created_at", "-id"))


def own_attempt(*, user: Any, attempt_id: Any, for_update: bool = False) -> Attempt:
    """A participant's own attempt; anyone else's is not found."""
    qs = Attempt.objects.filter(user_id=getattr(user, "pk", None) or 0)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.select_related("quiz__activity", "person", "organisation").get(pk=attempt_id)
    except (Attempt.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def attempts_of(*, person: Person, quiz: Quiz) -> QuerySet[Attempt]:
    return Attempt.objects.filter(quiz=quiz, person=person).order_by("number")
