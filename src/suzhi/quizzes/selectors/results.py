"""What organisers read about a contest: the stored ranks of people and organisations, live participation,
item analysis (题目分析), answers waiting to be marked. All within the caller's scope."""

import datetime
from typing import Any

from django.db.models import Avg, Count, F, FloatField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from suzhi.core import scope
from suzhi.core.errors import NotFound
from suzhi.core.models import Organisation
from suzhi.quizzes.models import Attempt, AttemptAnswer, AttemptRegrade, Quiz, QuizOrgResult, QuizResult
from suzhi.quizzes.selectors.banks import VIEW


def _scope_q(user: Any, org_field: str) -> Q:
    return scope.org_q(scope.scope_for(user, VIEW), org_field)


def person_ranking(*, user: Any, quiz: Quiz, organisation: Organisation | None = None,
                   q: str = "") -> QuerySet[QuizResult]:
    """People's counted results by stored rank, limited to the caller's scope (and an organisation's subtree)."""
    qs = QuizResult.objects.filter(quiz=quiz).filter(_scope_q(user, "organisation")).select_related(
        "person", "organisation")
    if organisation is not None:
        qs = qs.filter(organisation__path__startswith=organisation.path)
    if q:
        qs = qs.filter(Q(person__name__icontains=q) | Q(person__name_initials__startswith=q.lower()))
    return qs.order_by(F("rank").asc(nulls_last=True), "-score", "seconds_used", "finished_at", "id")


def org_in_quiz(*, user: Any, quiz: Quiz, organisation_id: Any) -> Organisation:
    """An organisation of the contest's tree that the caller may see (defaults to the caller's top)."""
    qs = Organisation.objects.filter(path__startswith=quiz.organiser.path).filter(_scope_q(user, ""))
    if organisation_id in (None, ""):
        found = qs.order_by("depth", "path").first()
    else:
        found = qs.filter(pk=organisation_id).first() if str(organisation_id).isdigit() else None
    if found is None:
        raise NotFound()
    return found


def org_ranking(*, quiz: Quiz, parent: Organisation) -> list[QuizOrgResult]:
    """The organisations directly under `parent`, by their stored rank among each other (one query)."""
    return list(QuizOrgResult.objects.filter(quiz=quiz, organisation__path__startswith=parent.path,
                                             organisation__depth=parent.depth + 1)
                .select_related("organisation").order_by(F("rank").asc(nulls_last=True), "organisation__path"))


def org_figures(*, quiz: Quiz, organisation: Organisation) -> QuizOrgResult | None:
    return QuizOrgResult.objects.filter(quiz=quiz, organisation=organisation).first()


def live_participation(*, user: Any, quiz: Quiz) -> dict[str, int]:
    """Counts for the live page: answering now, finished today, people with a result (one query)."""
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))
    return Attempt.objects.filter(quiz=quiz).filter(_scope_q(user, "organisation")).aggregate(
        answering=Count("id", filter=Q(state=Attempt.State.IN_PROGRESS)),
        finished=Count("id", filter=Q(state=Attempt.State.FINISHED)),
        finished_today=Count("id", filter=Q(state=Attempt.State.FINISHED, finished_at__gte=start)),
        people=Count("person", distinct=True),
    )


def item_analysis(*, quiz: Quiz) -> list[dict[str, Any]]:
    """Per question of the counted attempts: how many answered, the facility index (mean share of the marks) and
    the discrimination index (the facility in the top 27 % by total score minus that in the bottom 27 %), hardest
    first. Two queries, whatever the number of attempts."""
    scores = list(QuizResult.objects.filter(quiz=quiz).order_by("score").values_list("score", flat=True))
    if not scores:
        return []
    cut = max(1, round(len(scores) * 0.27))
    low, high = scores[cut - 1], scores[-cut]
    share = Cast(F("score"), FloatField()) / Cast(F("points"), FloatField())
    counted = QuizResult.objects.filter(quiz=quiz).values("attempt_id")
    rows = (AttemptAnswer.objects.filter(attempt_id__in=counted, score__isnull=False, points__gt=0)
            .values("version__question_id")
            .annotate(n=Count("id"), facility=Avg(share),
                      upper=Avg(share, filter=Q(attempt__score__gte=high)),
                      lower=Avg(share, filter=Q(attempt__score__lte=low)),
                      stem=F("version__question__current__stem"), type=F("version__type"))
            .order_by("facility", "version__question_id"))
    return [{"question_id": r["version__question_id"], "stem": r["stem"], "type": r["type"], "answered": r["n"],
             "facility": round(r["facility"] or 0, 3),
             "discrimination": round((r["upper"] or 0) - (r["lower"] or 0), 3)} for r in rows]


def answers_to_mark(*, user: Any, quiz: Quiz) -> QuerySet[AttemptAnswer]:
    return (AttemptAnswer.objects.filter(attempt__quiz=quiz, attempt__state=Attempt.State.FINISHED,
                                         version__type="short_answer", score__isnull=True)
            .filter(_scope_q(user, "attempt__organisation"))
            .select_related("attempt__person", "version").order_by("attempt_id", "slot"))



def regrade_changes(*, user: Any, quiz: Quiz) -> QuerySet[AttemptRegrade]:
    """Every score a regrade changed (重新评分记录), newest first, for the attempts in the caller's scope
    (one query)."""
    return (AttemptRegrade.objects.filter(attempt__quiz=quiz).filter(_scope_q(user, "attempt__organisation"))
            .select_related("attempt__person", "attempt__organisation", "actor").order_by("-at", "-id"))
