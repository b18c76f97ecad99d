"""The participant's contest pages (phone first): 我的竞赛, the attempt page (答题) and the result (成绩).

Participants hold no permission: every page works from the logged-in user's own roster record, and an attempt
of anyone else answers 404 like a missing one (selectors.contests.own_attempt). The attempt page renders the
paper without JavaScript; quizzes/static/quizzes/attempt.js saves each answer through the contests API as it
is given. The answer key reaches the page only through attempt_sheet, which holds it back until the attempt is
finished and the results are shown."""

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from suzhi.campaigns import eligibility
from suzhi.campaigns.models import Phase
from suzhi.core.errors import Conflict, PermissionDenied, ValidationFailed
from suzhi.core.web import AuthedHttpRequest
from suzhi.people.selectors.persons import person_for_user
from suzhi.quizzes.models import Attempt, Quiz, QuizResult
from suzhi.quizzes.rules import rules_summary
from suzhi.quizzes.selectors.attempts import attempt_sheet, contests_for
from suzhi.quizzes.services import attempts as attempt_services

REFUSALS = (ValidationFailed, Conflict, PermissionDenied)


def _windows(quizzes: list[Quiz]) -> dict[int, list[tuple[datetime.date, datetime.date]]]:
    """Each contest's answering windows (the campaign phases it is open in), with one query for all."""
    phases: dict[int, list[Phase]] = {}
    campaign_ids = {q.activity.campaign_id for q in quizzes}
    for phase in Phase.objects.filter(campaign_id__in=campaign_ids):
        phases.setdefault(phase.campaign_id, []).append(phase)
    return {q.pk: eligibility.action_window(q.activity, "attempt", phases.get(q.activity.campaign_id, []))
            for q in quizzes}


@never_cache
@login_required
def my_contests(request: AuthedHttpRequest) -> HttpResponse:
    """我的竞赛: the contests open to the person, each with 开始/继续答题 or the reason they cannot start,
    and the counted result once the rules show it."""
    person = person_for_user(request.user)
    context: dict[str, Any] = {"person": person, "cards": []}
    if person is not None:
        cards = contests_for(person)
        windows = _windows([card.quiz for card in cards])
        context["cards"] = [{"card": card, "windows": windows[card.quiz.pk], "rules": rules_summary(card.quiz)}
                            for card in cards]
    return render(request, "quizzes/participant/my_contests.html", context)


@never_cache
@login_required
@require_POST
def attempt_start(request: AuthedHttpRequest, quiz_id: int) -> HttpResponse:
    """开始答题 / 继续答题: start a new attempt or resume the one in progress, then answer."""
    try:
        attempt = attempt_services.attempt_start(actor=request.user, quiz_id=quiz_id)
    except REFUSALS as exc:
        messages.error(request, str(exc.message))
        return redirect("quizzes:my_contests")
    return redirect("quizzes:attempt", attempt_id=attempt.pk)


@never_cache
@login_required
def attempt_page(request: AuthedHttpRequest, attempt_id: int) -> HttpResponse:
    """答题: the paper with the saved answers and the server's remaining time. A finished attempt (or one whose
    time ran out, which this request submits) goes to its result."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    attempt = attempt_services.attempt_current(actor=request.user, attempt_id=attempt_id)
    if attempt.state != Attempt.State.IN_PROGRESS:
        return redirect("quizzes:attempt_result", attempt_id=attempt.pk)
    sheet = attempt_sheet(attempt)
    # What the page's script needs; the saved answers are in the form fields themselves.
    state = {
        "attempt": attempt.pk, "remaining": sheet["remaining_seconds"],
        "save_url": f"/api/v1/contests/attempts/{attempt.pk}/answers/",
        "submit_url": f"/api/v1/contests/attempts/{attempt.pk}/submit",
        "result_url": reverse("quizzes:attempt_result", args=[attempt.pk]),
    }
    return render(request, "quizzes/participant/attempt.html", {
        "sheet": sheet, "attempt": attempt, "state": state, "remaining_text": _clock(sheet["remaining_seconds"]),
        "items": [_for_page(item) for item in sheet["items"]]})


def _for_page(item: dict[str, Any]) -> dict[str, Any]:
    """A sheet item with one text box per blank holding what was saved (a fill-in has at least one box)."""
    if item["type"] != "fill_in":
        return item
    saved = list((item["answer"] or {}).get("blanks", []))
    count = max(item["blanks"], 1, len(saved))
    return {**item, "blank_values": saved + [""] * (count - len(saved))}


def _clock(seconds: int | None) -> str:
    """12:05, or 1:02:05 past an hour: the timer as the page's script shows it."""
    seconds = max(0, seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


@never_cache
@login_required
@require_POST
def attempt_submit(request: AuthedHttpRequest, attempt_id: int) -> HttpResponse:
    """交卷 from the page's form (the page's script submits through the API; this serves a page without it)."""
    attempt_services.attempt_submit(actor=request.user, attempt_id=attempt_id)
    return redirect("quizzes:attempt_result", attempt_id=attempt_id)


@never_cache
@login_required
def attempt_result(request: AuthedHttpRequest, attempt_id: int) -> HttpResponse:
    """成绩: score, time used and rank, each question with the answer given, the key and the explanation — once
    the rules show results; until then, when they will be shown."""
    attempt = attempt_services.attempt_current(actor=request.user, attempt_id=attempt_id)
    if attempt.state == Attempt.State.IN_PROGRESS:
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    sheet = attempt_sheet(attempt)
    context: dict[str, Any] = {"sheet": sheet, "attempt": attempt, "seconds_used": attempt.seconds_used,
                               "used_text": _clock(attempt.seconds_used)}
    if sheet["revealed"]:
        context["result"] = (QuizResult.objects.filter(quiz_id=attempt.quiz_id, person_id=attempt.person_id)
                             .only("rank", "score", "attempt_id").first())
        context["items"] = [_shown(item) for item in sheet["items"]]
    else:
        windows = _windows([attempt.quiz])[attempt.quiz_id]
        context["shown_after"] = max(end for _start, end in windows) if windows else None
    return render(request, "quizzes/participant/result.html", context)


def _shown(item: dict[str, Any]) -> dict[str, Any]:
    """A revealed sheet item with the answer given and the key as words: letters, 对/错, the blanks."""
    answer, key = item["answer"] or {}, item.get("key") or {}
    type_ = item["type"]
    if type_ in ("single", "multiple"):
        given = "".join(item["options"][p]["letter"] for p in answer.get("choices", []))
        right = "".join(item["options"][p]["letter"] for p in key.get("choices", []))
    elif type_ == "true_false":
        given = _truth(answer.get("value"))
        right = _truth(key.get("value"))
    elif type_ == "fill_in":
        given = "; ".join(answer.get("blanks", []))
        right = "; ".join(" / ".join(accepted) for accepted in key.get("blanks") or [])
    else:
        given, right = answer.get("text", ""), ""
    full = item.get("score") is not None and Decimal(item["score"]) == Decimal(item["points"])
    return {**item, "given": given, "right": right, "full_marks": full}


def _truth(value: Any) -> str:
    if value is None:
        return ""
    return _("True") if value else _("False")


urlpatterns = [
    path("my/", my_contests, name="my_contests"),
    path("my/<int:quiz_id>/start/", attempt_start, name="attempt_start"),
    path("attempts/<int:attempt_id>/", attempt_page, name="attempt"),
    path("attempts/<int:attempt_id>/submit/", attempt_submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/result/", attempt_result, name="attempt_result"),
]
