"""Making a person's paper (组卷): the fixed questions or a random draw by quotas, shuffled per person, frozen
into the attempt as version ids, marks and option orders."""

import random
from collections import Counter
from collections.abc import Callable, Iterable
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
        problems += [_twice(n) for n in _repeated(paper)]
        return problems
    if not paper.quotas:
        problems.append(_("A random paper needs at least one quota."))
    _drawn, shortfalls = _draw(pool, paper.quotas, lambda found, count: found[:count])
    problems += [_short(quota, have) for quota, have in shortfalls]
    return problems


def _repeated(paper: Paper) -> list[int]:
    counts = Counter(item.question for item in paper.questions)
    return sorted(n for n, times in counts.items() if times > 1)


def _twice(question: int) -> str:
    return _("Question %(n)d is on the paper more than once.") % {"n": question}


def _short(quota: Quota, have: int) -> str:
    return (_("The bank has %(have)d questions of %(what)s; the quota asks for %(want)d.")
            % {"have": have, "what": _describe(quota), "want": quota.count})


def _draw(pool: list[tuple[int, int, str, int | None, str]], quotas: list[Quota],
          pick: Callable[[list[int], int], list[int]]) -> tuple[list[list[int]], list[tuple[Quota, int]]]:
    """Each quota's questions, no question twice, and the quotas the bank cannot fill (with what is left for them).

    The narrowest quotas draw first: "7 single" drawn before "4 single of 消防" could take 消防 questions the second
    needs, so a paper the check passed would fail at random when someone starts. Categories nest, so drawing the
    narrower first never leaves the wider one short when the bank has enough."""
    matching = [_matching(pool, quota) for quota in quotas]
    drawn: list[list[int]] = [[] for _quota in quotas]
    short: dict[int, int] = {}
    taken: set[int] = set()
    for i in sorted(range(len(quotas)), key=lambda i: (len(matching[i]), i)):
        found = [vid for vid in matching[i] if vid not in taken]
        if len(found) < quotas[i].count:
            short[i] = len(found)
            drawn[i] = found
        else:
            drawn[i] = pick(found, quotas[i].count)
        taken.update(drawn[i])
    return drawn, [(quotas[i], have) for i, have in sorted(short.items())]


def paper_build(bank: QuestionBank, paper: Paper, rng: random.Random,
                read: dict[int, QuestionVersion] | None = None) -> list[dict[str, Any]]:
    """A new paper: [{"version", "points", "order"}] in the order the person sees it. `read`, if given, receives the
    paper's question versions, which the caller then shows without reading them again."""
    pool = _pool(bank)
    slots: list[tuple[int, Decimal]] = []
    if paper.mode == "fixed":
        current = {qid: vid for vid, qid, *_rest in pool}
        repeated = _repeated(paper)
        if repeated:
            raise PaperProblem(_twice(repeated[0]))
        for item in paper.questions:
            if item.question not in current:
                raise PaperProblem(_("Question %(n)d is not a current question of the bank “%(bank)s”.")
                                   % {"n": item.question, "bank": bank.name})
            slots.append((current[item.question], Decimal(str(item.points))))
    else:
        drawn, shortfalls = _draw(pool, paper.quotas, rng.sample)
        if shortfalls:
            raise PaperProblem(_short(*shortfalls[0]))
        for quota, vids in zip(paper.quotas, drawn, strict=True):
            slots.extend((vid, Decimal(str(quota.points))) for vid in vids)
    if paper.shuffle_questions:
        rng.shuffle(slots)
    versions = QuestionVersion.objects.in_bulk([vid for vid, _p in slots])
    if read is not None:
        read.update(versions)
    result = []
    for vid, points in slots:
        version = versions[vid]
        type_, options, accepted = version.type, version.options, version.accepted
        order = list(range(len(options or []))) if type_ in CHOICE_TYPES else []
        if paper.shuffle_options and order:
            rng.shuffle(order)
        # The type and number of blanks ride along so saving an answer needs no question lookup.
        result.append({"version": vid, "type": type_, "points": str(points), "order": order,
                       "blanks": len(accepted or []) if type_ == "fill_in" else 0})
    return result
