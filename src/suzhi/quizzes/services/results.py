"""Results (成绩): the counted result per person, stored ranks of people and organisations (refreshed in the
background after submissions, not per request), regrading after a corrected key, and marking short answers."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.campaigns.eligibility import eligible_q
from suzhi.campaigns.services.records import MetricFact, metric_records_put
from suzhi.core import oplog
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.models import Organisation, User
from suzhi.core.tasks import refresh_ask, refresh_covered, refresh_done
from suzhi.people.models import Person
from suzhi.quizzes.error_codes import QuizErrors
from suzhi.quizzes.models import (
    Attempt,
    AttemptAnswer,
    AttemptRegrade,
    QuestionVersion,
    Quiz,
    QuizOrgResult,
    QuizResult,
)
from suzhi.quizzes.ranking import unit_measures, unit_ranks
from suzhi.quizzes.rules import quiz_rules
from suzhi.quizzes.selectors.contests import access_quiz_for_update
from suzhi.quizzes.tasks import RESULTS_REFRESH

STEP = Organisation.steplen


def schedule_results_refresh(*, quiz_id: int) -> None:
    """Ask for a recomputation of the ranks, in the caller's transaction: a mark in the database, whose task is
    queued after the commit; asks while one is open fold into it (suzhi.core.tasks.refresh_ask)."""
    refresh_ask(name=RESULTS_REFRESH, object_id=quiz_id)


def _counted(attempts: list[Attempt], rule: str) -> Attempt:
    if rule == "first":
        return min(attempts, key=lambda a: a.number)
    if rule == "last":
        return max(attempts, key=lambda a: a.number)
    return min(attempts, key=lambda a: (-(a.score or 0), a.seconds_used or 0, a.finished_at, a.number))


def result_record(*, attempt: Attempt, finished: list[Attempt] | None = None) -> None:
    """Store the person's counted result after one of their attempts finished or was regraded or marked, and the
    facts the campaign's targets count. Runs inside the caller's transaction; `finished` (the person's finished
    attempts of the contest, this one included) spares a read when the caller has them."""
    quiz = attempt.quiz
    rules = quiz_rules(quiz)
    if finished is None:
        finished = list(Attempt.objects.filter(quiz=quiz, person_id=attempt.person_id,
                                               state=Attempt.State.FINISHED))
    counted = _counted(finished, rules.counted_attempt)
    assert counted.finished_at is not None  # finished attempts have a finish time
    # One upsert: a submission is on the hot path of a contest window.
    QuizResult.objects.bulk_create(
        [QuizResult(quiz=quiz, person_id=attempt.person_id, organisation_id=counted.organisation_id, attempt=counted,
                    score=counted.score or 0, seconds_used=counted.seconds_used or 0,
                    finished_at=counted.finished_at, attempts=len(finished))],
        update_conflicts=True, unique_fields=["quiz", "person"],
        update_fields=["organisation", "attempt", "score", "seconds_used", "finished_at", "attempts"])
    person = attempt.person
    day = timezone.localdate(counted.finished_at)
    assert attempt.finished_at is not None
    source = f"quiz.result:{quiz.pk}:{person.pk}"
    metric_records_put(activity=quiz.activity, person=person, facts=[
        MetricFact(metric="quiz.attempts", source=f"quiz.attempt:{attempt.pk}",
                   occurred_on=timezone.localdate(attempt.finished_at)),
        MetricFact(metric="quiz.participants", source=source, occurred_on=day),
        MetricFact(metric="quiz.score", source=source, occurred_on=day, quantity=float(counted.score or 0)),
    ])
    schedule_results_refresh(quiz_id=quiz.pk)


def _store_person_ranks(quiz_id: int) -> None:
    table = QuizResult._meta.db_table
    with connection.cursor() as cursor:
        # The same order as ranking.person_ranks; RANK() gives equal keys one rank and skips the next.
        cursor.execute(
            f"UPDATE {table} SET rank = ranked.r FROM (SELECT id, RANK() OVER "  # noqa: S608 - table name only
            f"(ORDER BY score DESC, seconds_used ASC, finished_at ASC) AS r FROM {table} WHERE quiz_id = %s) AS ranked "
            f"WHERE {table}.id = ranked.id", [quiz_id])


def eligible_people(quiz: Quiz) -> Any:
    """The people the contest is for: under its organiser, and those the campaign engine lets take part in its
    activity (on a roster, of its organisation types, categories and attribute rules, with the contest's own)."""
    return Person.objects.filter(eligible_q(quiz.activity, timezone.localdate(),
                                            attributes=quiz_rules(quiz).attributes),
                                 organisation__path__startswith=quiz.organiser.path)


def _store_org_results(quiz: Quiz) -> int:
    rules = quiz_rules(quiz)
    nodes = dict(Organisation.objects.filter(path__startswith=quiz.organiser.path).values_list("id", "path"))
    by_path = {path: pk for pk, path in nodes.items()}
    totals: dict[int, dict[str, Any]] = defaultdict(lambda: {"eligible": 0, "participants": 0, "attempts": 0,
                                                             "score_sum": Decimal(0)})

    def add(org_id: int, **values: Any) -> None:
        path = nodes.get(org_id)
        if path is None:
            return
        for end in range(len(quiz.organiser.path), len(path) + 1, STEP):
            ancestor = by_path.get(path[:end])
            if ancestor is not None:
                for name, value in values.items():
                    totals[ancestor][name] += value

    for org_id, count in eligible_people(quiz).values_list("organisation_id").annotate(n=Count("id")).order_by():
        add(org_id, eligible=count)
    for org_id, people, attempts, score in (QuizResult.objects.filter(quiz=quiz).values_list("organisation_id")
                                            .annotate(Count("id"), Sum("attempts"), Sum("score")).order_by()):
        add(org_id, participants=people, attempts=attempts or 0, score_sum=score or Decimal(0))
    totals[quiz.organiser_id]  # the organiser always has a row
    siblings: dict[str, list[tuple[int, dict[str, Decimal]]]] = defaultdict(list)
    for org_id, values in totals.items():
        siblings[nodes[org_id][:-STEP]].append((org_id, unit_measures(**values)))
    ranks: dict[int, int] = {}
    for group in siblings.values():
        ranks.update(unit_ranks(group, rules.unit_ranking))
    QuizOrgResult.objects.filter(quiz=quiz).delete()
    QuizOrgResult.objects.bulk_create([QuizOrgResult(quiz=quiz, organisation_id=org_id, rank=ranks[org_id], **values)
                                       for org_id, values in totals.items()], batch_size=2000)
    return len(totals)


def results_refresh(*, actor: User | None, quiz_id: int) -> Quiz:
    """Finish overdue attempts, then store every person's and organisation's rank (一次计算, 多次读取). The marks
    of the recomputation taken over before it started are deleted with the ranks stored."""
    from suzhi.quizzes.services.attempts import attempts_expire

    attempts_expire(quiz_id=quiz_id)
    with transaction.atomic():
        # FOR NO KEY UPDATE: one refresh at a time, while attempts and results referencing the contest go on
        # being inserted (a plain FOR UPDATE would stall every start and submission until the ranks are stored).
        quiz = (Quiz.objects.select_for_update(of=("self",), no_key=True).select_related("activity", "organiser")
                .get(pk=quiz_id))
        covered = refresh_covered(name=RESULTS_REFRESH, object_id=quiz.pk)
        _store_person_ranks(quiz.pk)
        _store_org_results(quiz)
        quiz.results_computed_at = timezone.now()
        quiz.save(update_fields=["results_computed_at"])
        refresh_done(covered)
        if actor is not None:
            oplog.record(actor=actor, action="quiz.results_refresh", obj=quiz, organisation=quiz.organiser,
                         summary=quiz.title)
    return quiz


@transaction.atomic
def quiz_results_refresh(*, actor: User, quiz_id: Any) -> Quiz:
    """An organiser asks for the ranks now rather than waiting for the background refresh."""
    quiz = access_quiz_for_update(user=actor, quiz_id=quiz_id)
    return results_refresh(actor=actor, quiz_id=quiz.pk)


@transaction.atomic
def quiz_regrade(*, actor: User, quiz_id: Any) -> dict[str, int]:
    """Regrade after an answer key was corrected (重新评分): each paper slot whose question has a newer version of the
    same type and shape moves to it, finished attempts are graded again, and each changed score is kept."""
    from suzhi.quizzes.services.attempts import _grade

    quiz = access_quiz_for_update(user=actor, quiz_id=quiz_id)
    attempts = list(Attempt.objects.filter(quiz=quiz).select_related("quiz__activity", "organisation"))
    used = {slot["version"] for a in attempts for slot in a.paper}
    versions = QuestionVersion.objects.in_bulk(used)
    question_ids = {v.question_id for v in versions.values()}
    current = {v.question_id: v for v in QuestionVersion.objects.filter(question__in=question_ids,
                                                                      question__current_id=F("id"))}
    changed = moved = 0
    for attempt in attempts:
        paper_changed = False
        for slot in attempt.paper:
            old = versions[slot["version"]]
            new = current.get(old.question_id)
            if new is None or new.pk == old.pk or new.type != old.type or len(new.options) != len(old.options) or \
                    len(new.accepted) != len(old.accepted):
                continue
            slot["version"] = new.pk
            paper_changed = True
            moved += 1
        if paper_changed:
            attempt.save(update_fields=["paper"])
        if attempt.state != Attempt.State.FINISHED:
            continue
        old_score = attempt.score
        score, pending, answers = _grade(attempt)
        AttemptAnswer.objects.bulk_update([a for a in answers if a.pk], ["score", "version"])
        if score != old_score or pending != attempt.pending_marking:
            attempt.score, attempt.pending_marking = score, pending
            attempt.save(update_fields=["score", "pending_marking"])
            AttemptRegrade.objects.create(attempt=attempt, old_score=old_score, new_score=score, actor=actor)
            result_record(attempt=attempt)
            changed += 1
    oplog.record(actor=actor, action="quiz.regrade", obj=quiz, organisation=quiz.organiser,
                 after={"attempts": len(attempts), "scores_changed": changed, "questions_moved": moved},
                 summary=quiz.title)
    return {"attempts": len(attempts), "scores_changed": changed, "questions_moved": moved}


@transaction.atomic
def answer_mark(*, actor: User, answer_id: Any, score: Any) -> AttemptAnswer:
    """Mark a short answer by hand (人工阅卷), within the question's marks."""
    answer = AttemptAnswer.objects.select_related("attempt__quiz", "version").filter(pk=answer_id).first() \
        if str(answer_id).isdigit() else None
    if answer is None:
        raise NotFound()
    access_quiz_for_update(user=actor, quiz_id=answer.attempt.quiz_id)
    attempt = Attempt.objects.select_for_update(of=("self",)).select_related("quiz__activity", "organisation").get(
        pk=answer.attempt_id)
    points = Decimal(attempt.paper[answer.slot]["points"])
    try:
        value = Decimal(str(score)).quantize(Decimal("0.01"))
    except ArithmeticError:
        value = Decimal(-1)
    if not value.is_finite():  # "NaN" parses and survives quantize, but cannot be compared with the range
        value = Decimal(-1)
    if answer.version.type != "short_answer":
        raise ValidationFailed(_("Only short answers are marked by hand."), code=QuizErrors.NOT_MANUAL)
    if attempt.state != Attempt.State.FINISHED:
        raise ValidationFailed(_("The attempt has not been submitted yet."), code=QuizErrors.NOT_FINISHED)
    if not Decimal(0) <= value <= points:
        raise ValidationFailed(_("Give a mark from 0 to %(points)s.") % {"points": points}, code=QuizErrors.MARK_RANGE)
    before = answer.score
    answer.score, answer.marked_by = value, actor
    answer.save(update_fields=["score", "marked_by"])
    scores = list(AttemptAnswer.objects.filter(attempt=attempt).values_list("score", flat=True))
    attempt.score = sum((s for s in scores if s is not None), Decimal(0))
    attempt.pending_marking = any(s is None for s in scores)
    attempt.save(update_fields=["score", "pending_marking"])
    result_record(attempt=attempt)
    oplog.record(actor=actor, action="quiz.answer_mark", obj=attempt, organisation=attempt.organisation,
                 before={"score": before}, after={"score": value}, summary=attempt.quiz.title)
    return answer
