"""The knowledge contests' side of the results contract (campaigns/results.py): each published contest of an
activity, its people by stored rank, and the units directly under its organiser by their rank among each other.
Results held back until the window ends (show_results: after_window) are not published before then."""

import decimal
from collections import defaultdict
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from suzhi.campaigns.models import Activity, Phase
from suzhi.campaigns.results import RankedEntry, Ranking, Subject
from suzhi.core import scope
from suzhi.quizzes.models import Quiz, QuizOrgResult, QuizResult
from suzhi.quizzes.rules import results_visible
from suzhi.quizzes.selectors.banks import VIEW


def _published(activity: Activity) -> list[Quiz]:
    phases = list(Phase.objects.filter(campaign_id=activity.campaign_id))
    quizzes = Quiz.objects.filter(activity=activity, is_published=True).select_related("organiser", "activity")
    return [quiz for quiz in quizzes.order_by("organiser__path", "id") if results_visible(quiz, phases=phases)]


def _time(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return _("time used %(m)d min %(s)02d s") % {"m": minutes, "s": rest}


def _people(quizzes: list[Quiz], user: Any | None) -> dict[int, list[RankedEntry]]:
    results = QuizResult.objects.filter(quiz__in=quizzes, rank__isnull=False)
    if user is not None:
        results = results.filter(scope.org_q(scope.scope_for(user, VIEW), "organisation"))
    entries: dict[int, list[RankedEntry]] = defaultdict(list)
    rows = results.order_by("quiz_id", "rank", F("seconds_used").asc(), "finished_at", "id").values_list(
        "quiz_id", "rank", "person_id", "person__name", "organisation_id", "score", "seconds_used")
    for quiz_id, rank, person_id, name, org_id, score, seconds in rows:
        entries[quiz_id].append(RankedEntry(position=rank, name=name, organisation_id=org_id, person_id=person_id,
                                            score=score, detail=_time(seconds)))
    return entries


def _units(quizzes: list[Quiz], user: Any | None) -> dict[int, list[RankedEntry]]:
    by_quiz = {quiz.pk: quiz for quiz in quizzes}
    results = QuizOrgResult.objects.filter(quiz__in=quizzes, rank__isnull=False).select_related("organisation")
    if user is not None:
        results = results.filter(scope.org_q(scope.scope_for(user, VIEW), "organisation"))
    entries: dict[int, list[RankedEntry]] = defaultdict(list)
    for row in results.order_by("quiz_id", "rank", "organisation__path"):
        organiser = by_quiz[row.quiz_id].organiser
        org = row.organisation
        if org.depth != organiser.depth + 1 or not org.path.startswith(organiser.path):
            continue  # ranks are among sister units; the contract gives the organiser's direct units
        detail = _("participation %(rate).1f%%, average score %(avg).2f") % {
            "rate": row.participation_rate * 100, "avg": row.average_score}
        entries[row.quiz_id].append(RankedEntry(
            position=row.rank, name=org.name, organisation_id=org.pk,
            score=decimal.Decimal(str(round(row.average_score, 2))), detail=detail))
    return entries


def ranked_results(activity: Activity, *, subject: Subject, user: Any | None = None) -> list[Ranking]:
    quizzes = _published(activity)
    if not quizzes:
        return []
    entries = _people(quizzes, user) if subject == Subject.PERSON else _units(quizzes, user)
    return [Ranking(key=f"quiz-{quiz.pk}", title=quiz.title, subject=subject, organiser_id=quiz.organiser_id,
                    entries=tuple(entries.get(quiz.pk, ()))) for quiz in quizzes]
