"""What a participant's page shows: the contests open to them with the reason they may not start, and an
attempt's answer sheet (答题卡). The answer key appears only once the attempt is finished and the rules say the
results are shown."""

import dataclasses
import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone

from suzhi.campaigns.eligibility import Decision
from suzhi.campaigns.models import Phase
from suzhi.people.models import Person
from suzhi.quizzes.models import Attempt, AttemptAnswer, QuestionVersion, Quiz, QuizResult
from suzhi.quizzes.rules import results_visible, start_decision
from suzhi.quizzes.selectors.contests import quizzes_open_to

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclasses.dataclass
class ContestCard:
    quiz: Quiz
    decision: Decision
    in_progress: Attempt | None
    result: QuizResult | None
    results_visible: bool


def contests_for(person: Person, now: datetime.datetime | None = None) -> list[ContestCard]:
    """The participant's contests (我的竞赛), newest first, each with what they may do now."""
    now = now or timezone.now()
    quizzes = list(quizzes_open_to(person)[:50])
    ids = [q.pk for q in quizzes]
    running = {a.quiz_id: a for a in Attempt.objects.filter(quiz_id__in=ids, person=person,
                                                             state=Attempt.State.IN_PROGRESS)}
    results = {r.quiz_id: r for r in QuizResult.objects.filter(quiz_id__in=ids, person=person)}
    # The phases and the person's attempt starts for all the contests at once, not a query or two per card.
    phases: dict[int, list[Phase]] = defaultdict(list)
    for phase in Phase.objects.filter(campaign_id__in={q.activity.campaign_id for q in quizzes}):
        phases[phase.campaign_id].append(phase)
    starts: dict[int, list[datetime.datetime]] = defaultdict(list)
    for quiz_id, started_at in Attempt.objects.filter(quiz_id__in=ids, person=person).values_list("quiz_id",
                                                                                                  "started_at"):
        starts[quiz_id].append(started_at)
    memo: dict[Any, Any] = {}
    return [ContestCard(quiz=q, decision=start_decision(quiz=q, person=person, now=now, memo=memo,
                                                        phases=phases[q.activity.campaign_id], starts=starts[q.pk]),
                        in_progress=running.get(q.pk), result=results.get(q.pk),
                        results_visible=results_visible(q, now, phases[q.activity.campaign_id])) for q in quizzes]


def remaining_seconds(attempt: Attempt, now: datetime.datetime | None = None) -> int:
    if attempt.state != Attempt.State.IN_PROGRESS:
        return 0
    return max(0, int((attempt.deadline - (now or timezone.now())).total_seconds()))


def _shown_response(slot: dict[str, Any], response: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored response (question order) as the page shows it (display positions)."""
    if not response or slot["type"] not in ("single", "multiple"):
        return response
    position = {original: shown for shown, original in enumerate(slot["order"])}
    return {"choices": sorted(position[i] for i in response.get("choices", []) if i in position)}


def _answer_feedback(version: QuestionVersion, slot: dict[str, Any], answer: AttemptAnswer | None) -> list[str]:
    """The feedback the answer given earns: each chosen option's own (with its letter as shown), or the
    question's feedback for a right or a wrong answer."""
    response = answer.response if answer else None
    if not response:
        return []
    if version.type in ("single", "multiple"):
        position = {original: shown for shown, original in enumerate(slot["order"])}
        chosen = sorted((position[o], o) for o in response.get("choices", []) if o in position)
        return [f"{LETTERS[shown]}: {version.options[o]['feedback']}" for shown, o in chosen
                if version.options[o].get("feedback")]
    if version.type == "true_false" and response.get("value") is not None:
        right = response["value"] == version.answer_bool
    elif version.type == "fill_in" and answer is not None and answer.score is not None:
        right = Decimal(str(answer.score)) == Decimal(str(slot["points"]))
    else:
        return []
    text = version.feedback_right if right else version.feedback_wrong
    return [text] if text else []


def attempt_sheet(attempt: Attempt, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The paper as the participant sees it, with their saved answers; with the key and explanations once the
    attempt is finished and results are shown (two queries)."""
    reveal = attempt.state == Attempt.State.FINISHED and results_visible(attempt.quiz, now)
    # A start that has just built the paper hands over what it read (`sheet_versions`, `sheet_answers`).
    versions = getattr(attempt, "sheet_versions", None)
    if versions is None:
        versions = QuestionVersion.objects.in_bulk([slot["version"] for slot in attempt.paper])
    answers = getattr(attempt, "sheet_answers", None)
    if answers is None:
        answers = {a.slot: a for a in AttemptAnswer.objects.filter(attempt=attempt)}
    items = []
    for i, slot in enumerate(attempt.paper):
        version = versions[slot["version"]]
        answer = answers.get(i)
        item: dict[str, Any] = {
            "slot": i, "type": version.type, "type_label": version.get_type_display(), "stem": version.stem,
            "points": slot["points"], "blanks": slot.get("blanks", 0),
            "options": [{"letter": LETTERS[n], "text": version.options[o]["text"]}
                        for n, o in enumerate(slot["order"])],
            "answer": _shown_response(slot, answer.response if answer else None),
        }
        if reveal:
            position = {original: shown for shown, original in enumerate(slot["order"])}
            item["key"] = {
                "choices": sorted(position[o] for o, option in enumerate(version.options) if option["weight"] > 0),
                "value": version.answer_bool, "blanks": version.accepted,
            }
            item["explanation"] = version.explanation
            item["feedback"] = _answer_feedback(version, slot, answer)
            item["score"] = str(answer.score) if answer and answer.score is not None else None
        items.append(item)
    return {
        "attempt_id": attempt.pk, "quiz_id": attempt.quiz_id, "title": attempt.quiz.title, "state": attempt.state,
        "number": attempt.number, "deadline": attempt.deadline, "remaining_seconds": remaining_seconds(attempt, now),
        "answered": sum(1 for item in items if item["answer"]), "max_score": str(attempt.max_score),
        "score": str(attempt.score) if reveal and attempt.score is not None else None,
        "pending_marking": attempt.pending_marking, "revealed": reveal, "items": items,
    }
