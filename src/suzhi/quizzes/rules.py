"""Who may start an attempt now (参赛资格), one set of rules for the service and the page: the contest is
published, the campaign phase is open, the person is of the organisations, categories and attributes it is for,
and has attempts left in total and today."""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suzhi.campaigns.eligibility import (
    ALLOWED,
    NO_PERSON,
    Decision,
    action_window,
    attribute_rules,
    describe_attributes,
    may_take_part,
    reason,
)
from suzhi.campaigns.models import Phase
from suzhi.people.models import Person
from suzhi.quizzes.error_codes import QuizErrors
from suzhi.quizzes.manifest import QuizSettings
from suzhi.quizzes.models import Attempt, Quiz

NOT_PUBLISHED = reason(QuizErrors.NOT_PUBLISHED, _("This contest is not open yet."))
ATTEMPTS_USED = reason(QuizErrors.ATTEMPTS_USED, _("You have used all %(n)d of your attempts."))
DAILY_LIMIT = reason(QuizErrors.DAILY_LIMIT, _("You have used today's %(n)d attempts; come back tomorrow."))


def quiz_rules(quiz: Quiz) -> QuizSettings:
    return QuizSettings.model_validate(quiz.rules or {})


def contest_attributes(quiz: Quiz, rules: QuizSettings | None = None) -> str:
    """The attribute rules a participant of the contest must meet, as people read them: the activity's and the
    contest's own."""
    rules = quiz_rules(quiz) if rules is None else rules
    return describe_attributes(attribute_rules(quiz.activity, rules.attributes))


def start_decision(*, quiz: Quiz, person: Person | None, now: datetime.datetime | None = None,
                   phases: list[Phase] | None = None, starts: list[datetime.datetime] | None = None,
                   memo: dict[Any, Any] | None = None) -> Decision:
    """Whether the person may start a new attempt now; the reason and its sentence if not. Who may take part is
    the campaign engine's decision (`may_take_part`: phases, organisations, categories, roster, attributes, the
    contest's own organiser and attribute rules); the contest adds being published and the attempts left.
    A list of contests passes the campaign's `phases` and the person's attempt `starts` it read for all of them
    at once, and a `memo` so that contests of one activity, or with the same attribute rules, ask the database
    once."""
    now = now or timezone.now()
    if person is None:
        return NO_PERSON.refuse()
    if not quiz.is_published:
        return NOT_PUBLISHED.refuse()
    rules = quiz_rules(quiz)
    decision = may_take_part(person, "attempt", quiz.activity, at=now, phases=phases, organiser=quiz.organiser,
                             attributes=rules.attributes, memo=memo)
    if not decision:
        return decision
    if starts is None:
        starts = list(Attempt.objects.filter(quiz=quiz, person=person).values_list("started_at", flat=True))
    if len(starts) >= rules.attempts_per_person:
        return ATTEMPTS_USED.refuse(n=rules.attempts_per_person)
    today = timezone.localdate(now)
    if rules.attempts_per_day and sum(1 for s in starts if timezone.localdate(s) == today) >= rules.attempts_per_day:
        return DAILY_LIMIT.refuse(n=rules.attempts_per_day)
    return ALLOWED


def window_closes(quiz: Quiz, now: datetime.datetime,
                  phases: list[Phase] | None = None) -> datetime.datetime | None:
    """When the attempt window open now ends (the end of its last day, Beijing time); None if it is not open."""
    if phases is None:
        phases = list(Phase.objects.filter(campaign_id=quiz.activity.campaign_id))
    today = timezone.localdate(now)
    for start, end in action_window(quiz.activity, "attempt", phases):
        if start <= today <= end:
            midnight = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time())
            return timezone.make_aware(midnight, timezone.get_current_timezone())
    return None


def window_over(quiz: Quiz, now: datetime.datetime | None = None, phases: list[Phase] | None = None) -> bool:
    """Whether every window of the contest has ended (results shown "after the window" appear then)."""
    today = timezone.localdate(now or timezone.now())
    if phases is None:
        phases = list(Phase.objects.filter(campaign_id=quiz.activity.campaign_id))
    windows = action_window(quiz.activity, "attempt", phases)
    return bool(windows) and all(end < today for _start, end in windows)


def results_visible(quiz: Quiz, now: datetime.datetime | None = None, phases: list[Phase] | None = None) -> bool:
    return quiz_rules(quiz).show_results == "after_submit" or window_over(quiz, now, phases)


def rules_summary(quiz: Quiz) -> dict[str, Any]:
    rules = quiz_rules(quiz)
    return {"time_limit_minutes": rules.time_limit_minutes, "attempts_per_person": rules.attempts_per_person,
            "attempts_per_day": rules.attempts_per_day, "attributes": contest_attributes(quiz, rules)}
