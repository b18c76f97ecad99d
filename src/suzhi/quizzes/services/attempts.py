"""Attempts (答题): start on a paper frozen for the person, save each answer as it is given, submit once.

The timer is the server's: an attempt past its deadline is finished with what was saved, by the participant's
next request or by the sweep, with the deadline as its finish time. Submitting twice gives one submission.
Answer saves are the hot path of a contest (tens of thousands of phones in a window): one UPDATE of the answer row
(the attempt's frozen paper comes from the cache after its first save, which reads it), no transaction of its own
and no operation-log row (the answer row itself carries when it was saved).
"""

import dataclasses
import datetime
import random
from decimal import Decimal
from typing import Any, cast

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, Field
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.campaigns.models import Phase
from suzhi.core import oplog
from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.core.models import User
from suzhi.people.selectors.persons import person_for_user
from suzhi.quizzes.error_codes import QuizErrors
from suzhi.quizzes.grading import Key, grade_response
from suzhi.quizzes.models import Attempt, AttemptAnswer, QuestionVersion
from suzhi.quizzes.papers import PaperProblem, paper_build
from suzhi.quizzes.rules import quiz_rules, start_decision, window_closes
from suzhi.quizzes.selectors.contests import own_attempt, quizzes_open_to

# Answers that arrive this long after the deadline (a slow network) are still taken; the finish time stays the
# deadline.
GRACE = datetime.timedelta(seconds=5)
_SWEEP_KEY = "quizzes:sweep"
_SWEEP_EVERY = 60


def _sweep_now_and_then() -> None:
    if cache.add(_SWEEP_KEY, 1, timeout=_SWEEP_EVERY):
        transaction.on_commit(lambda: attempts_expire(), robust=True)  # the start is done whatever befalls it


@transaction.atomic
def attempt_start(*, actor: User, quiz_id: Any, now: datetime.datetime | None = None) -> Attempt:
    """Start a new attempt, or resume the one in progress (a reload or another device gets the same paper)."""
    now = now or timezone.now()
    # One start at a time per person (the row stays locked until the commit): two taps that both read "nothing in
    # progress" would otherwise make two attempts (the second numbered 2 once the first commits) or refuse one as
    # over the limit.
    person = person_for_user(actor, lock=True)
    # Without a roster record no contest is open to the caller: as for one that does not exist.
    quiz = quizzes_open_to(person).filter(pk=quiz_id).first() if person and str(quiz_id).isdigit() else None
    if person is None or quiz is None:
        raise NotFound()
    _sweep_now_and_then()
    # Under that lock the person's attempts cannot change: one read serves the resume, the limits and the number.
    attempts = list(Attempt.objects.filter(quiz=quiz, person=person).order_by("number"))
    current = next((a for a in attempts if a.state == Attempt.State.IN_PROGRESS), None)
    if current is not None:
        if now <= current.deadline + GRACE:
            _cache_paper_on_commit(current, actor.pk, now)
            return current
        # Its time ran out: finish it with what was saved, unless a submission from another device holds it or
        # has just finished it (the person's lock does not exclude a submission).
        expired = (Attempt.objects.select_for_update(of=("self",))
                   .select_related("quiz__activity", "person", "organisation").get(pk=current.pk))
        if expired.state == Attempt.State.IN_PROGRESS:
            _finish(expired, now=now, by=Attempt.FinishedBy.TIMER, actor=None)
    phases = list(Phase.objects.filter(campaign_id=quiz.activity.campaign_id))
    decision = start_decision(quiz=quiz, person=person, now=now, phases=phases,
                              starts=[a.started_at for a in attempts])
    if not decision:
        raise ValidationFailed(decision.message, code=decision.code)
    rules = quiz_rules(quiz)
    try:
        versions: dict[int, QuestionVersion] = {}
        paper = paper_build(quiz.bank, rules.paper, random.Random(), read=versions)
    except PaperProblem as exc:
        raise ValidationFailed(str(exc), code=QuizErrors.PAPER) from None
    deadline = now + datetime.timedelta(minutes=rules.time_limit_minutes)
    closes = window_closes(quiz, now, phases)
    if closes is not None:
        deadline = min(deadline, closes)
    attempt = Attempt.objects.create(
        quiz=quiz, person=person, user=actor, organisation_id=person.organisation_id,
        number=max((a.number for a in attempts), default=0) + 1, started_at=now, deadline=deadline, paper=paper,
        max_score=sum((Decimal(slot["points"]) for slot in paper), Decimal(0)))
    AttemptAnswer.objects.bulk_create([AttemptAnswer(attempt=attempt, slot=i, version_id=slot["version"],
                                                     points=Decimal(slot["points"])) for i, slot in enumerate(paper)])
    # The first answer comes seconds later, often while others are still starting: it takes the quick path too.
    _cache_paper_on_commit(attempt, actor.pk, now)
    # What the sheet shows next is known: the versions just read, and no answers yet.
    attempt.sheet_versions, attempt.sheet_answers = versions, {}  # type: ignore[attr-defined]
    oplog.record(actor=actor, action="quiz.attempt_start", obj=attempt, organisation=person.organisation,
                 summary=quiz.title)
    return attempt


def _response_from_display(slot: dict[str, Any], shown: Any) -> dict[str, Any] | None:
    """The response in the question's own option order, from what the page sent (display positions);
    None (clear the answer) for an empty one. Raises ValidationFailed for a malformed response."""
    bad = ValidationFailed(_("The answer is not of the right form for this question."), code=QuizErrors.BAD_ANSWER)
    if shown is None:
        return None
    if not isinstance(shown, dict):
        raise bad
    type_ = slot["type"]
    if type_ in ("single", "multiple"):
        positions = shown.get("choices")
        order = slot["order"]
        if not isinstance(positions, list) or any(
                not isinstance(p, int) or isinstance(p, bool) or not 0 <= p < len(order) for p in positions):
            raise bad
        if type_ == "single" and len(positions) > 1:
            raise bad
        return {"choices": sorted({order[p] for p in positions})} if positions else None
    if type_ == "true_false":
        value = shown.get("value")
        if value is None:
            return None
        if not isinstance(value, bool):
            raise bad
        return {"value": value}
    if type_ == "fill_in":
        blanks = shown.get("blanks")
        if not isinstance(blanks, list) or len(blanks) > max(slot.get("blanks", 0), 1) or any(
                not isinstance(b, str) or len(b) > 500 for b in blanks):
            raise bad
        return {"blanks": blanks} if any(b.strip() for b in blanks) else None
    text = shown.get("text")
    if not isinstance(text, str) or len(text) > 5000:
        raise bad
    return {"text": text} if text.strip() else None


@dataclasses.dataclass(frozen=True)
class SavedAnswer:
    saved_at: datetime.datetime
    deadline: datetime.datetime

    @property
    def remaining_seconds(self) -> int:
        return max(0, int((self.deadline - self.saved_at).total_seconds()))


# What a save needs of an attempt, none of which changes once it started (the owner, the deadline, each slot's
# type, option order and blanks), cached so that a save is one UPDATE; the UPDATE itself re-checks the owner, the
# state and the deadline, and anything unusual takes the path that reads the attempt.
_PAPER_KEY = "quizzes:attempt-paper:{}"


def _cache_paper(attempt: Attempt, user_id: int, now: datetime.datetime) -> None:
    slots = [{"type": s["type"], "order": s.get("order", []), "blanks": s.get("blanks", 0)} for s in attempt.paper]
    timeout = int((attempt.deadline + GRACE - now).total_seconds()) + 60
    if timeout > 0:
        cache.set(_PAPER_KEY.format(attempt.pk), (user_id, attempt.deadline, slots), timeout=timeout)


def _cache_paper_on_commit(attempt: Attempt, user_id: int, now: datetime.datetime) -> None:
    # Only a shortcut for the saves: the cache unreachable must not turn the committed start into an error.
    transaction.on_commit(lambda: _cache_paper(attempt, user_id, now), robust=True)


def _save_quickly(*, actor: User, attempt_id: int, slot: Any, response: Any,
                  now: datetime.datetime) -> SavedAnswer | None:
    """The save with the cached paper, or None when it cannot tell (nothing cached, an error to report)."""
    cached = cache.get(_PAPER_KEY.format(attempt_id))
    if cached is None:
        return None
    user_id, deadline, slots = cached
    if user_id != actor.pk or now > deadline + GRACE or not isinstance(slot, int) or isinstance(slot, bool) \
            or not 0 <= slot < len(slots):
        return None
    try:
        stored = _response_from_display(slots[slot], response)
    except ValidationFailed:
        return None
    # The same deadline to the microsecond: the attempt is the one whose paper was cached, not another that got
    # its id after the database was restored or reset while the cache lived on; a deadline moved by hand is
    # caught too. Written out because compiling the same UPDATE through the ORM costs more CPU than the rest of
    # the save.
    values = [(AttemptAnswer, "response", stored), (AttemptAnswer, "saved_at", now), (Attempt, "deadline", deadline)]
    response_db, saved_at_db, deadline_db = (
        cast(Field, model._meta.get_field(name)).get_db_prep_save(value, connection) for model, name, value in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AttemptAnswer._meta.db_table} SET response = %s, saved_at = %s "  # noqa: S608 - names only
            f"WHERE attempt_id = %s AND slot = %s AND EXISTS (SELECT 1 FROM {Attempt._meta.db_table} "
            f"WHERE id = %s AND user_id = %s AND state = %s AND deadline = %s)",
            [response_db, saved_at_db, attempt_id, slot, attempt_id, actor.pk, Attempt.State.IN_PROGRESS.value,
             deadline_db])
        if cursor.rowcount != 1:
            return None
    return SavedAnswer(saved_at=now, deadline=deadline)


def answer_save(*, actor: User, attempt_id: Any, slot: Any, response: Any,
                now: datetime.datetime | None = None) -> SavedAnswer:
    """Save one answer (the page sends each as it is given); saving the same answer again is harmless."""
    now = now or timezone.now()
    if not str(attempt_id).isdecimal():
        raise NotFound()
    # In autocommit, with no transaction of our own: each UPDATE is atomic by itself, and BEGIN and COMMIT
    # would be two more round trips to the database on the hottest path of a contest.
    saved = _save_quickly(actor=actor, attempt_id=int(attempt_id), slot=slot, response=response, now=now)
    if saved is not None:
        return saved
    attempt = (Attempt.objects.only("id", "state", "deadline", "paper").filter(user_id=actor.pk, pk=attempt_id)
               .order_by().first())
    if attempt is None:
        raise NotFound()
    if attempt.state != Attempt.State.IN_PROGRESS:
        raise Conflict(_("This attempt has been submitted; answers can no longer change."), code=QuizErrors.FINISHED)
    if now > attempt.deadline + GRACE:
        attempt_submit(actor=actor, attempt_id=attempt.pk, now=now)
        raise Conflict(_("Time is up: the attempt was submitted with the answers saved before the end."),
                       code=QuizErrors.TIME_UP)
    _cache_paper(attempt, actor.pk, now)
    if not isinstance(slot, int) or isinstance(slot, bool) or not 0 <= slot < len(attempt.paper):
        raise ValidationFailed(_("There is no such question on this paper."), code=QuizErrors.BAD_SLOT)
    stored = _response_from_display(attempt.paper[slot], response)
    in_progress = Attempt.objects.filter(pk=attempt.pk, state=Attempt.State.IN_PROGRESS)
    changed = AttemptAnswer.objects.filter(Exists(in_progress), attempt_id=attempt.pk, slot=slot).update(
        response=stored, saved_at=now)
    if not changed:
        raise Conflict(_("This attempt has been submitted; answers can no longer change."), code=QuizErrors.FINISHED)
    return SavedAnswer(saved_at=now, deadline=attempt.deadline)


def _grade(attempt: Attempt) -> tuple[Decimal, bool, list[AttemptAnswer]]:
    """Grade the attempt's saved answers against its frozen paper (two queries)."""
    rules = quiz_rules(attempt.quiz)
    partial = rules.multiple_choice_credit == "partial"
    answers = {a.slot: a for a in AttemptAnswer.objects.filter(attempt=attempt)}
    versions = QuestionVersion.objects.in_bulk([slot["version"] for slot in attempt.paper])
    total, pending = Decimal(0), False
    for i, slot in enumerate(attempt.paper):
        answer = answers.get(i)
        if answer is None:
            answer = answers[i] = AttemptAnswer(attempt=attempt, slot=i, version_id=slot["version"],
                                                points=Decimal(slot["points"]))
        answer.version_id = slot["version"]
        if versions[slot["version"]].type == "short_answer":
            if answer.marked_by_id is None and answer.response:
                answer.score = None
                pending = True
            elif not answer.response:
                answer.score = Decimal("0.00")
        else:
            answer.score = grade_response(Key.of(versions[slot["version"]]), Decimal(slot["points"]),
                                          answer.response, partial_multiple=partial)
        total += answer.score or 0
    return total, pending, list(answers.values())


def _finish(attempt: Attempt, *, now: datetime.datetime, by: str, actor: User | None) -> Attempt:
    from suzhi.quizzes.services.results import result_record

    score, pending, answers = _grade(attempt)
    AttemptAnswer.objects.bulk_update([a for a in answers if a.pk], ["score", "version"])
    AttemptAnswer.objects.bulk_create([a for a in answers if not a.pk])
    attempt.state = Attempt.State.FINISHED
    attempt.finished_at = min(now, attempt.deadline)
    attempt.finished_by = by
    attempt.score = score
    attempt.pending_marking = pending
    attempt.save(update_fields=["state", "finished_at", "finished_by", "score", "pending_marking"])
    result_record(attempt=attempt)
    oplog.record(actor=actor, action="quiz.attempt_submit", obj=attempt, organisation=attempt.organisation,
                 after={"score": score, "finished_by": by}, summary=attempt.quiz.title)
    return attempt


def attempt_current(*, actor: User, attempt_id: Any, now: datetime.datetime | None = None) -> Attempt:
    """The participant's attempt as it stands; one whose time ran out is submitted first (server timer)."""
    now = now or timezone.now()
    attempt = own_attempt(user=actor, attempt_id=attempt_id)
    if attempt.state == Attempt.State.IN_PROGRESS and now > attempt.deadline + GRACE:
        return attempt_submit(actor=actor, attempt_id=attempt.pk, now=now)
    return attempt


@transaction.atomic
def attempt_submit(*, actor: User, attempt_id: Any, now: datetime.datetime | None = None) -> Attempt:
    """Submit (交卷). Idempotent: a double tap or a retried request returns the one submission."""
    now = now or timezone.now()
    attempt = own_attempt(user=actor, attempt_id=attempt_id, for_update=True)
    if attempt.state == Attempt.State.FINISHED:
        return attempt
    by = Attempt.FinishedBy.TIMER if now > attempt.deadline + GRACE else Attempt.FinishedBy.PARTICIPANT
    return _finish(attempt, now=now, by=by, actor=actor)


def attempts_expire(*, now: datetime.datetime | None = None, quiz_id: Any = None) -> int:
    """The sweep: finish every attempt whose time ran out, with what was saved (each in its own transaction)."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(state=Attempt.State.IN_PROGRESS, deadline__lt=now - GRACE)
    if quiz_id is not None:
        overdue = overdue.filter(quiz_id=quiz_id)
    finished = 0
    for pk in list(overdue.values_list("pk", flat=True)[:10_000]):
        with transaction.atomic():
            attempt = (Attempt.objects.select_for_update(of=("self",))
                       .select_related("quiz__activity", "person", "organisation")
                       .filter(pk=pk, state=Attempt.State.IN_PROGRESS).first())
            if attempt is not None:
                _finish(attempt, now=now, by=Attempt.FinishedBy.TIMER, actor=None)
                finished += 1
    return finished
