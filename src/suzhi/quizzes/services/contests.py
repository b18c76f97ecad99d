"""Setting up contests (竞赛设置): a quiz of a quiz activity, its bank and paper, its rules, and publishing it.
Rules start from the activity's settings in the plan file and can be changed per quiz on the pages; once people
have started, the paper and the scoring rules stay as they were."""

from typing import Any

import pydantic
from django.db import transaction
from django.utils.translation import gettext as _

from suzhi.campaigns.eligibility import person_eligibility
from suzhi.campaigns.models import Activity
from suzhi.campaigns.plan.check import schema_errors
from suzhi.core import oplog, scope
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.models import Organisation, User
from suzhi.core.web import ensure_perm
from suzhi.quizzes.manifest import QuizSettings
from suzhi.quizzes.models import Attempt, Quiz
from suzhi.quizzes.papers import paper_problems
from suzhi.quizzes.selectors.banks import MANAGE, banks_visible
from suzhi.quizzes.selectors.contests import access_quiz_for_update

# Rules that decide what a paper is and how it scores: frozen once anyone has started.
LOCKED_ONCE_STARTED = ("paper", "time_limit_minutes", "multiple_choice_credit", "counted_attempt")


def _invalid(items: list[dict[str, str]]) -> ValidationFailed:
    return ValidationFailed(items[0]["message"], detail=items)


def _rules(raw: Any) -> QuizSettings:
    try:
        return QuizSettings.model_validate(raw or {})
    except pydantic.ValidationError as exc:
        raise _invalid([{"field": f"rules.{path}" if path else "rules", "message": message}
                        for path, message in schema_errors(exc)]) from None


def quiz_activity(activity_id: Any) -> Activity:
    activity = Activity.objects.select_related("organiser", "campaign").filter(pk=activity_id, kind="quiz").first() \
        if str(activity_id).isdigit() else None
    if activity is None:
        raise NotFound()
    return activity


def default_rules(activity: Activity) -> dict[str, Any]:
    """The plan's settings for the activity, as the starting rules of a new quiz."""
    return QuizSettings.model_validate(activity.settings or {}).model_dump(mode="json")


def _check(actor: User, *, organiser: Organisation | None, activity: Activity, title: str, bank_id: Any,
           rules: QuizSettings) -> tuple[list[dict[str, str]], Any]:
    errors: list[dict[str, str]] = []
    if organiser is None or not scope.organisation_in_scope(actor, MANAGE, organiser):
        errors.append({"field": "organisation_id", "message": _("Choose an organisation you manage.")})
    elif not person_eligibility(organiser, None, activity, participant=False):
        errors.append({"field": "organisation_id", "message": str(
            person_eligibility(organiser, None, activity, participant=False).message)})
    if not title or len(title) > 200:
        errors.append({"field": "title", "message": _("Give the contest a title of at most %(n)d characters.")
                       % {"n": 200}})
    bank = banks_visible(user=actor).filter(pk=bank_id).first() if str(bank_id).isdigit() else None
    if bank is None:
        errors.append({"field": "bank_id", "message": _("Choose a question bank you can see.")})
    else:
        errors += [{"field": "rules.paper", "message": problem} for problem in paper_problems(bank, rules.paper)]
    return errors, bank


@transaction.atomic
def quiz_create(*, actor: User, activity_id: Any, organisation_id: Any, title: str, bank_id: Any,
                description: str = "", rules: dict[str, Any] | None = None) -> Quiz:
    ensure_perm(actor, MANAGE)
    activity = quiz_activity(activity_id)
    settings = _rules(default_rules(activity) if rules is None else rules)
    organiser = Organisation.objects.filter(pk=organisation_id).first() if str(organisation_id).isdigit() else None
    title = " ".join((title or "").split())
    errors, bank = _check(actor, organiser=organiser, activity=activity, title=title, bank_id=bank_id,
                          rules=settings)
    if errors or organiser is None:
        raise _invalid(errors)
    quiz = Quiz.objects.create(activity=activity, organiser=organiser, title=title, bank=bank,
                               description=(description or "").strip()[:5000],
                               rules=settings.model_dump(mode="json"), created_by=actor)
    oplog.record(actor=actor, action="quiz.quiz_create", obj=quiz, organisation=organiser, summary=title)
    return quiz


@transaction.atomic
def quiz_update(*, actor: User, quiz_id: Any, title: str, bank_id: Any, description: str = "",
                rules: dict[str, Any]) -> Quiz:
    quiz = access_quiz_for_update(user=actor, quiz_id=quiz_id)
    settings = _rules(rules)
    title = " ".join((title or "").split())
    errors, bank = _check(actor, organiser=quiz.organiser, activity=quiz.activity, title=title, bank_id=bank_id,
                          rules=settings)
    started = Attempt.objects.filter(quiz=quiz).exists()
    if started:
        before = QuizSettings.model_validate(quiz.rules or {}).model_dump(mode="json")
        after = settings.model_dump(mode="json")
        for name in LOCKED_ONCE_STARTED:
            if before[name] != after[name]:
                errors.append({"field": f"rules.{name}", "message": _(
                    "People have started this contest: its paper and scoring rules can no longer change.")})
        if bank is not None and bank.pk != quiz.bank_id:
            errors.append({"field": "bank_id", "message": _(
                "People have started this contest: its paper and scoring rules can no longer change.")})
    if errors:
        raise _invalid(errors)
    snapshot_before = {"title": quiz.title, "bank": quiz.bank_id, "rules": quiz.rules}
    quiz.title, quiz.bank, quiz.description = title, bank, (description or "").strip()[:5000]
    quiz.rules = settings.model_dump(mode="json")
    quiz.save(update_fields=["title", "bank", "description", "rules"])
    oplog.record(actor=actor, action="quiz.quiz_update", obj=quiz, organisation=quiz.organiser,
                 before=snapshot_before, after={"title": quiz.title, "bank": quiz.bank_id, "rules": quiz.rules},
                 summary=title)
    return quiz


@transaction.atomic
def quiz_publish(*, actor: User, quiz_id: Any, published: bool) -> Quiz:
    """Publish (participants see it and may start in the open phases) or withdraw a contest."""
    quiz = access_quiz_for_update(user=actor, quiz_id=quiz_id)
    if published:
        problems = paper_problems(quiz.bank, QuizSettings.model_validate(quiz.rules or {}).paper)
        if problems:
            raise _invalid([{"field": "rules.paper", "message": p} for p in problems])
    if quiz.is_published != published:
        quiz.is_published = published
        quiz.save(update_fields=["is_published"])
        oplog.record(actor=actor, action="quiz.quiz_publish" if published else "quiz.quiz_withdraw", obj=quiz,
                     organisation=quiz.organiser, summary=quiz.title)
    return quiz
