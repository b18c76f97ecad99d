"""Question banks a caller sees (their organisation's and those below it, and the banks above them they may
draw papers from) and may change (within their quiz.manage scope)."""

from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet

from suzhi.core import scope
from suzhi.core.errors import NotFound
from suzhi.quizzes.models import Question, QuestionBank, QuestionVersion

VIEW, MANAGE = "quiz.view", "quiz.manage"



def banks_visible(*, user: Any) -> QuerySet[QuestionBank]:
    qs = QuestionBank.objects.select_related("organisation").annotate(
        question_count=Count("questions", filter=Q(questions__is_retired=False)))
    return qs.filter(scope.in_or_above_q(user, VIEW))


def bank_get(*, user: Any, bank_id: Any) -> QuestionBank:
    try:
        return banks_visible(user=user).get(pk=bank_id)
    except (QuestionBank.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def access_bank_for_update(*, user: Any, bank_id: Any) -> QuestionBank:
    return scope.get_in_scope(QuestionBank.objects.select_related("organisation"), user, MANAGE, pk=bank_id,
                              for_update=True)


def questions_of(*, bank: QuestionBank, type: str = "", category_id: Any = None, q: str = "", tag: str = "",
                 include_retired: bool = False) -> QuerySet[QuestionVersion]:
    """The current versions of a bank's questions, filtered; one query."""
    versions = QuestionVersion.objects.filter(question__bank=bank, question__current_id=F("id")).select_related(
        "category", "question")
    if not include_retired:
        versions = versions.filter(question__is_retired=False)
    if type:
        versions = versions.filter(type=type)
    if category_id not in (None, ""):
        versions = versions.filter(category_id=category_id)
    if q:
        versions = versions.filter(stem__icontains=q)
    if tag:
        if connection.features.supports_json_field_contains:
            versions = versions.filter(tags__contains=[tag])
        else:  # SQLite has no JSON containment; the tags of a bank's matching versions are read instead
            versions = versions.filter(pk__in=[pk for pk, tags in versions.values_list("pk", "tags") if tag in tags])
    return versions.order_by("question_id")


def question_get(*, user: Any, question_id: Any) -> Question:
    question = Question.objects.select_related("bank", "current").filter(pk=question_id).first()
    if question is None:
        raise NotFound()
    bank_get(user=user, bank_id=question.bank_id)
    return question
