"""Who may start an attempt now (参赛资格), one set of rules for the service and the page: the contest is
published, the campaign phase is open, the person is of the organisations, categories and attributes it is for,
and has attempts left in total and today."""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from suzhi.campaigns import gating
from suzhi.campaigns.gating import Decision
from suzhi.campaigns.metrics import person_q
from suzhi.campaigns.models import Phase
from suzhi.people.models import Person
from suzhi.quizzes.manifest import QuizSettings
from suzhi.quizzes.models import Attempt, Quiz

OP_SIGNS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "in": "∈"}


def quiz_rules(quiz: Quiz) -> QuizSettings:
    return QuizSettings.model_validate(quiz.rules or {})


def _field_label(field: str) -> str:
    labels = {"age": _("age"), "gender": _("gender"), "union_member": _("union member"),
              "education": _("education"), "political_status": _("political status")}
    return str(labels.get(field, field.removeprefix("extra.")))


def describe_attributes(rules: QuizSettings) -> str:
    parts = []
    for rule in rules.attributes:
        value = rule.value
        if isinstance(value, list):
            value = pgettext("list separator", ", ").join(str(v) for v in value)
        parts.append(f"{_field_label(rule.field)} {OP_SIGNS[rule.op]} {value}")
    return pgettext("list separator", ", ").join(parts)


def meets_attributes(person: Person, rules: QuizSettings, today: datetime.date) -> bool:
    if not rules.attributes:
        return True
    q = person_q({"attributes": [r.model_dump() for r in rules.attributes]}, "", today)
    return Person.objects.filter(pk=person.pk).filter(q).exists()


def start_decision(*, quiz: Quiz, person: Person | None, now: datetime.datetime | None = None,
                   phases: list[Phase] | None = None, starts: list[datetime.datetime] | None = None,
                   memo: dict[Any, Any] | None = None) -> Decision:
    """Whether the person may start a new attempt now; the reason and its sentence if not. A list of contests
    passes the campaign's `phases` and the person's attempt `starts` it read for all of them at once, and a
    `memo` so that contests of one activity, or with the same attribute rules, ask the database once."""
    memo = {} if memo is None else memo
    now = now or timezone.now()
    if person is None:
        return Decision(False, "no_person", _("Your account is not linked to a person on a roster."))
    if not quiz.is_published:
        return Decision(False, "not_published", _("This contest is not open yet."))
    decision = gating.window("attempt", quiz.activity, at=now, phases=phases)
    if not decision:
        return decision
    key: tuple[Any, ...] = ("eligibility", quiz.activity_id)
    if key not in memo:
        memo[key] = gating.person_eligibility(person.organisation, person, quiz.activity)
    decision = memo[key]
    if not decision:
        return decision
    if not person.organisation.path.startswith(quiz.organiser.path):
        # A town's contest within a city-wide activity is for that town's people only.
        return Decision(False, "outside", _("This activity is for %(org)s and the organisations below it.")
                        % {"org": quiz.organiser.name})
    if not person.is_active:
        return Decision(False, "inactive", _("Only people currently on a roster may take part."))
    rules = quiz_rules(quiz)
    key = ("attributes", repr(rules.attributes), timezone.localdate(now))
    if key not in memo:
        memo[key] = meets_attributes(person, rules, timezone.localdate(now))
    if not memo[key]:
        return Decision(False, "attributes", _("This contest is only for people with %(rules)s.")
                        % {"rules": describe_attributes(rules)})
    if starts is None:
        starts = list(Attempt.objects.filter(quiz=quiz, person=person).values_list("started_at", flat=True))
    if len(starts) >= rules.attempts_per_person:
        return Decision(False, "attempts_used", _("You have used all %(n)d of your attempts.")
                        % {"n": rules.attempts_per_person})
    today = timezone.localdate(now)
    if rules.attempts_per_day and sum(1 for s in starts if timezone.localdate(s) == today) >= rules.attempts_per_day:
        return Decision(False, "daily_limit", _("You have used today's %(n)d attempts; come back tomorrow.")
                        % {"n": rules.attempts_per_day})
    return gating.ALLOWED


def window_closes(quiz: Quiz, now: datetime.datetime,
                  phases: list[Phase] | None = None) -> datetime.datetime | None:
    """When the attempt window open now ends (the end of its last day, Beijing time); None if it is not open."""
    if phases is None:
        phases = list(Phase.objects.filter(campaign_id=quiz.activity.campaign_id))
    today = timezone.localdate(now)
    for start, end in gating.action_window(quiz.activity, "attempt", phases):
        if start <= today <= end:
            midnight = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time())
            return timezone.make_aware(midnight, timezone.get_current_timezone())
    return None


def window_over(quiz: Quiz, now: datetime.datetime | None = None, phases: list[Phase] | None = None) -> bool:
    """Whether every window of the contest has ended (results shown "after the window" appear then)."""
    today = timezone.localdate(now or timezone.now())
    if phases is None:
        phases = list(Phase.objects.filter(campaign_id=quiz.activity.campaign_id))
    windows = gating.action_window(quiz.activity, "attempt", phases)
    return bool(windows) and all(end < today for _start, end in windows)


def results_visible(quiz: Quiz, now: datetime.datetime | None = None, phases: list[Phase] | None = None) -> bool:
    return quiz_rules(quiz).show_results == "after_submit" or window_over(quiz, now, phases)


def rules_summary(quiz: Quiz) -> dict[str, Any]:
    rules = quiz_rules(quiz)
    return {"time_limit_minutes": rules.time_limit_minutes, "attempts_per_person": rules.attempts_per_person,
            "attempts_per_day": rules.attempts_per_day, "attributes": describe_attributes(rules)}
