"""Making a person's paper (组卷): the fixed questions or a random draw by quotas, shuffled per person, frozen
into the attempt as version ids, marks and option orders."""

import random
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from suzhi.quizzes.manifest import Paper, Quota
from suzhi.quizzes.models import QuestionBank, QuestionVersion

CHOICE_TYPES = ("single", "multiple")


class PaperProblem(Exception):
    """The rules cannot make a paper from the bank (too few questions, unknown question); the message is Chinese."""


def _pool(bank: QuestionBank) -> list[tuple[int, int, str, int | None, str]]:
    """(version id, question id, type, difficulty, category path) of every usable question: one query."""
    return list(QuestionVersion.objects.filter(question__bank=bank, question__current_id=F("id"),
                                               question__is_retired=False)
                .values_list("id", "question_id", "type", "difficulty", "category__path"))


def _in_categories(path: str | None, categories: Iterable[str]) -> bool:
    wanted = list(categories)
    if not wanted:
        return True
    path = path or ""
    return any(path == c or path.startswith(c.rstrip("/") + "/") for c in wanted)


def _matching(pool: list[tuple[int, int, str, int | None, str]], quota: Quota) -> list[int]:
    return [vid for vid, _qid, type_, difficulty, path in pool
            if type_ == quota.type and _in_categories(path, quota.categories)
            and (not quota.difficulty or difficulty in quota.difficulty)]


def _describe(quota: Quota) -> str:
    label = dict(QuestionVersion.Type.choices)[quota.type]
    parts = [str(label)]
    if quota.categories:
        parts.append(_("in %(categories)s") % {"categories": "、".join(quota.categories)})
    if quota.difficulty:
        parts.append(_("of difficulty %(levels)s") % {"levels": "、".join(str(d) for d in quota.difficulty)})
    return " ".join(parts)


def paper_problems(bank: QuestionBank, paper: Paper) -> list[str]:
    """Why the rules cannot make a paper from this bank; empty when they can."""
    pool = _pool(bank)
    problems = []
    if paper.mode == "fixed":
        if not paper.questions:
            problems.append(_("A fixed paper needs at least one question."))
        known = {qid for _vid, qid, *_rest in pool}
        for item in paper.questions:
            if item.question not in known:
                problems.append(_("Question %(n)d is not a current question of the bank “%(bank)s”.")
                                % {"n": item.question, "bank": bank.name})
        return problems
    if not paper.quotas:
        problems.append(_("A random paper needs at least one quota."))
    taken: set[int] = set()
    for quota in paper.quotas:
        found = [vid for vid in _matching(pool, quota) if vid not in taken]
        if len(found) < quota.count:
            problems.append(_("The bank has %(have)d questions of %(what)s; the quota asks for %(want)d.")
                            % {"have": len(found), "what": _describe(quota), "want": quota.count})
        taken.update(found[: quota.count])
    return problems


def paper_build(bank: QuestionBank, paper: Paper, rng: random.Random) -> list[dict[str, Any]]:
    """A new paper: [{"version", "points", "order"}] in the order the person sees it."""
    pool = _pool(bank)
    slots: list[tuple[int, Decimal]] = []
    if paper.mode == "fixed":
        current = {qid: vid for vid, qid, *_rest in pool}
        for item in paper.questions:
            if item.question not in current:
                raise PaperProblem(_("Question %(n)d is not a current question of the bank “%(bank)s”.")
                                   % {"n": item.question, "bank": bank.name})
            slots.append((current[item.question], Decimal(str(item.points))))
    else:
        taken: set[int] = set()
        for quota in paper.quotas:
            found = [vid for vid in _matching(pool, quota) if vid not in taken]
            if len(found) < quota.count:
                raise PaperProblem(_("The bank has %(have)d questions of %(what)s; the quota asks for %(want)d.")
                                   % {"have": len(found), "what": _describe(quota), "want": quota.count})
            drawn = rng.sample(found, quota.count)
            taken.update(drawn)
            slots.extend((vid, Decimal(str(quota.points))) for vid in drawn)
    if paper.shuffle_questions:
        rng.shuffle(slots)
    facts = {vid: (type_, options, accepted) for vid, type_, options, accepted in QuestionVersion.objects.filter(
        pk__in=[vid for vid, _p in slots]).values_list("id", "type", "options", "accepted")}
    result = []
    for vid, points in slots:
        type_, options, accepted = facts[vid]
        order = list(range(len(options or []))) if type_ in CHOICE_TYPES else []
        if paper.shuffle_options and order:
            rng.shuffle(order)
        # The type and number of blanks ride along so saving an answer needs no question lookup.
        result.append({"version": vid, "type": type_, "points": str(points), "order": order,
                       "blanks": len(accepted or []) if type_ == "fill_in" else 0})
    return result
