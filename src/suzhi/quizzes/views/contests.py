"""Organiser pages for contests (竞赛管理): the list, set-up and publishing, live participation, people's and
organisations' rankings with exports, item analysis, marking short answers, regrading."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from suzhi.campaigns.models import Activity
from suzhi.campaigns.selectors.campaigns import campaigns_visible
from suzhi.core import scope
from suzhi.core.errors import Conflict, ValidationFailed
from suzhi.core.models import Organisation
from suzhi.core.web import AuthedHttpRequest, paginate, require_perm, show_form_error, xlsx_download
from suzhi.quizzes.forms.contests import ContestForm
from suzhi.quizzes.models import QuestionVersion, Quiz
from suzhi.quizzes.rules import contest_attributes, quiz_rules
from suzhi.quizzes.selectors import results as result_selectors
from suzhi.quizzes.selectors.banks import MANAGE, VIEW, banks_visible
from suzhi.quizzes.selectors.contests import quiz_get, quizzes_visible
from suzhi.quizzes.services import contests as contest_services
from suzhi.quizzes.services import results as result_services

EXPORT_MAX = 200_000


def _can_manage(user: Any, quiz: Quiz) -> bool:
    return scope.may_manage(user, MANAGE, quiz.organiser)


def _managed(user: Any, quiz_id: int) -> Quiz:
    quiz = quiz_get(user=user, quiz_id=quiz_id)
    return scope.managed(quiz, user=user, permission=MANAGE, organisation=quiz.organiser)


def _quiz_activities(user: Any) -> list[Activity]:
    return list(Activity.objects.filter(kind="quiz", campaign__in=campaigns_visible(user=user))
                .select_related("campaign").order_by("-campaign__year", "campaign__code", "position"))


@require_perm(VIEW)
def contest_list(request: AuthedHttpRequest) -> HttpResponse:
    activity_id = request.GET.get("activity") or None
    quizzes = quizzes_visible(user=request.user, activity_id=activity_id if str(activity_id).isdigit() else None)
    context = paginate(request, quizzes)
    context.update(activities=_quiz_activities(request.user), can_create=request.user.has_perm(MANAGE))
    return render(request, "quizzes/contests/list.html", context)


def _place_errors(form: ContestForm, exc: ValidationFailed) -> None:
    aliases = {"bank_id": "bank", "organisation_id": "organisation", "rules.paper": "paper_mode",
               "rules.paper.questions": "fixed_questions", "rules.unit_ranking": "ranking_1"}
    for item in exc.detail if isinstance(exc.detail, list) else []:
        field = str(item.get("field") or "") if isinstance(item, dict) else ""
        parts = field.split(".")
        if field.startswith("rules.paper.quotas.") and len(parts) > 3 and parts[3].isdigit() \
                and int(parts[3]) < form.quota_count:
            name = parts[4] if len(parts) > 4 and parts[4] in ("type", "count", "points") else "type"
            aliases[field] = f"quota_{parts[3]}_{name}"
        elif field.startswith("rules.") and len(parts) == 2:
            aliases[field] = parts[1]
        elif field.startswith("rules.paper.questions"):
            aliases[field] = "fixed_questions"
    show_form_error(form, exc, aliases)


@require_perm(MANAGE)
def contest_create(request: AuthedHttpRequest) -> HttpResponse:
    activity = next((a for a in _quiz_activities(request.user) if str(a.pk) == request.GET.get("activity")), None)
    if activity is None:
        messages.info(request, _("Choose the contest activity of a campaign to set up a contest for."))
        return redirect("quizzes:contest_list")
    defaults = contest_services.default_rules(activity)
    # The plan names its bank; preselect it when the caller can see a bank of that name.
    bank = banks_visible(user=request.user).filter(name=defaults["paper"]["bank"]).order_by("-organisation__depth") \
        .first() if defaults["paper"]["bank"] else None
    initial = ContestForm.initial_from(defaults, title=activity.title, organisation=request.user.organisation_id,
                                       bank=bank.pk if bank else None)
    form = ContestForm(request.POST or None, user=request.user, creating=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            quiz = contest_services.quiz_create(
                actor=request.user, activity_id=activity.pk, organisation_id=form.cleaned_data["organisation"].pk,
                title=form.cleaned_data["title"], bank_id=form.cleaned_data["bank"].pk,
                description=form.cleaned_data["description"],
                rules=form.to_rules(contest_services.default_rules(activity)))
        except ValidationFailed as exc:
            _place_errors(form, exc)
        else:
            messages.success(request, _("The contest “%(title)s” has been set up; publish it when ready.")
                             % {"title": quiz.title})
            return redirect("quizzes:contest_detail", quiz_id=quiz.pk)
    return render(request, "quizzes/contests/form.html", {"form": form, "activity": activity, "creating": True})


@require_perm(MANAGE)
def contest_edit(request: AuthedHttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _managed(request.user, quiz_id)
    initial = ContestForm.initial_from(quiz.rules, title=quiz.title, description=quiz.description, bank=quiz.bank_id)
    form = ContestForm(request.POST or None, user=request.user, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contest_services.quiz_update(actor=request.user, quiz_id=quiz.pk, title=form.cleaned_data["title"],
                                         bank_id=form.cleaned_data["bank"].pk,
                                         description=form.cleaned_data["description"],
                                         rules=form.to_rules(quiz.rules))
        except ValidationFailed as exc:
            _place_errors(form, exc)
        else:
            messages.success(request, _("The contest has been saved."))
            return redirect("quizzes:contest_detail", quiz_id=quiz.pk)
    return render(request, "quizzes/contests/form.html", {"form": form, "activity": quiz.activity, "quiz": quiz})


@require_perm(VIEW)
def contest_detail(request: AuthedHttpRequest, quiz_id: int) -> HttpResponse:
    quiz = quiz_get(user=request.user, quiz_id=quiz_id)
    rules = quiz_rules(quiz)
    labels = dict(QuestionVersion.Type.choices)
    quotas = [_("%(type)s × %(count)d (%(points)s marks each)") % {
        "type": labels[q.type], "count": q.count, "points": f"{q.points:g}"} for q in rules.paper.quotas]
    return render(request, "quizzes/contests/detail.html", {
        "quiz": quiz, "rules": rules, "quotas": quotas, "attributes": contest_attributes(quiz, rules),
        "live": result_selectors.live_participation(user=request.user, quiz=quiz),
        "can_manage": _can_manage(request.user, quiz),
        "to_mark": result_selectors.answers_to_mark(user=request.user, quiz=quiz).count(),
    })


def _post_action(request: AuthedHttpRequest, quiz_id: int, action: Any, success: str) -> HttpResponse:
    try:
        action()
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect("quizzes:contest_detail", quiz_id=quiz_id)


@require_POST
@require_perm(MANAGE)
def contest_publish(request: AuthedHttpRequest, quiz_id: int) -> HttpResponse:
    published = request.POST.get("published") == "1"
    return _post_action(request, quiz_id, lambda: contest_services.quiz_publish(
        actor=request.user, quiz_id=quiz_id, published=published),
        _("The contest is published.") if published else _("The contest has been withdrawn."))


@require_POST
@require_perm(MANAGE)
def contest_refresh(request: AuthedHttpRequest, quiz_id: int) -> HttpResponse:
    return _post_action(request, quiz_id, lambda: result_services.quiz_results_refresh(
        actor=request.user, quiz_id=quiz_id), _("The ranks have been recomputed."))


@require_POST
@require_perm(MANAGE)
def contest_regrade(request: AuthedHttpRequest, quiz_id: int) -> HttpResponse:
    try:
        outcome = result_services.quiz_regrade(actor=request.user, quiz_id=quiz_id)
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Regraded %(attempts)d attempts: %(changed)d scores changed.")
                         % {"attempts": outcome["attempts"], "changed": outcome["scores_changed"]})
    return redirect("quizzes:contest_detail", quiz_id=quiz_id)


def _person_rows(request: AuthedHttpRequest, quiz: Quiz) -> Any:
    org_id = request.GET.get("org") or None
    organisation = result_selectors.org_in_quiz(user=request.user, quiz=quiz, organisation_id=org_id) \
        if org_id else None
    return organisation, result_selectors.person_ranking(user=request.user, quiz=quiz, organisation=organisation,
                                                         q=(request.GET.get("q") or "").strip()[:50])


@require_perm(VIEW)
def contest_results(request: AuthedHttpRequest, quiz_id: int) -> HttpResponse:
    quiz = quiz_get(user=request.user, quiz_id=quiz_id)
    organisation, rows = _person_rows(request, quiz)
    context = paginate(request, rows, per_page=50)
    context.update(quiz=quiz, organisation=organisation, q=request.GET.get("q", ""))
    return render(request, "quizzes/contests/results.html", context)


def _minutes(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


@require_perm(VIEW)
def contest_results_export(request: AuthedHttpRequest, quiz_id: int) -> HttpResponse:
    quiz = quiz_get(user=request.user, quiz_id=quiz_id)
    _organisation, rows = _person_rows(request, quiz)
    headers = [_("Rank"), pgettext("roster column", "Name"), _("Organisation"), _("Score"), _("Time used"),
               _("Finished at"), _("Attempts")]
    data = ([r.rank, r.person.name, r.organisation.name, r.score, _minutes(r.seconds_used),
             timezone.localtime(r.finished_at).replace(tzinfo=None), r.attempts] for r in rows[:EXPORT_MAX])
    return xlsx_download(_("%(title)s - results.xlsx") % {"title": quiz.title}, headers, data, sheet=_("Results"))


@require_perm(VIEW)
def contest_units(request: AuthedHttpRequest, quiz_id: int) -> HttpResponse:
    quiz = quiz_get(user=request.user, quiz_id=quiz_id)
    parent = result_selectors.org_in_quiz(user=request.user, quiz=quiz, organisation_id=request.GET.get("org"))
    top = result_selectors.org_in_quiz(user=request.user, quiz=quiz, organisation_id=None)
    paths = [parent.path[:end] for end in range(len(top.path), len(parent.path), Organisation.steplen)]
    trail = list(Organisation.objects.filter(path__in=paths).order_by("path"))
    return render(request, "quizzes/contests/units.html", {
        "quiz": quiz, "parent": parent, "trail": trail,
        "figures": result_selectors.org_figures(quiz=quiz, organisation=parent),
        "rows": result_selectors.org_ranking(quiz=quiz, parent=parent),
        "measures": [str(dict(ContestForm.base_fields["ranking_1"].choices)[m])  # type: ignore[attr-defined]
                     for m in quiz_rules(quiz).unit_ranking],
    })


@require_perm(VIEW)
def contest_units_export(request: AuthedHttpRequest, quiz_id: int) -> HttpResponse:
    quiz = quiz_get(user=request.user, quiz_id=quiz_id)
    parent = result_selectors.org_in_quiz(user=request.user, quiz=quiz, organisation_id=request.GET.get("org"))
    headers = [_("Rank"), _("Organisation"), _("Eligible people"), _("Participants"), _("Participation rate"),
               _("Average score"), _("Attempts"), _("Attempts per person")]
    data = ([r.rank, r.organisation.name, r.eligible, r.participants, round(r.participation_rate * 100, 2),
             round(r.average_score, 2), r.attempts, round(r.attempts_per_person, 2)]
            for r in result_selectors.org_ranking(quiz=quiz, parent=parent))
    return xlsx_download(_("%(title)s - units.xlsx") % {"title": quiz.title}, headers, data, sheet=parent.name)


@require_perm(MANAGE)
def contest_items(request: AuthedHttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _managed(request.user, quiz_id)
    return render(request, "quizzes/contests/items.html", {
        "quiz": quiz, "items": result_selectors.item_analysis(quiz=quiz)})


@require_perm(MANAGE)
def contest_regrades(request: AuthedHttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _managed(request.user, quiz_id)
    context = paginate(request, result_selectors.regrade_changes(user=request.user, quiz=quiz), per_page=50)
    context["quiz"] = quiz
    return render(request, "quizzes/contests/regrades.html", context)


@require_perm(MANAGE)
def contest_marking(request: AuthedHttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _managed(request.user, quiz_id)
    if request.method == "POST":
        try:
            result_services.answer_mark(actor=request.user, answer_id=request.POST.get("answer"),
                                        score=request.POST.get("score", ""))
        except (ValidationFailed, Conflict) as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The mark has been saved."))
        return redirect("quizzes:contest_marking", quiz_id=quiz.pk)
    answers = list(result_selectors.answers_to_mark(user=request.user, quiz=quiz)[:50])
    return render(request, "quizzes/contests/marking.html", {"quiz": quiz, "answers": answers})


urlpatterns = [
    path("contests/", contest_list, name="contest_list"),
    path("contests/new/", contest_create, name="contest_create"),
    path("contests/<int:quiz_id>/", contest_detail, name="contest_detail"),
    path("contests/<int:quiz_id>/edit/", contest_edit, name="contest_edit"),
    path("contests/<int:quiz_id>/publish/", contest_publish, name="contest_publish"),
    path("contests/<int:quiz_id>/refresh/", contest_refresh, name="contest_refresh"),
    path("contests/<int:quiz_id>/regrade/", contest_regrade, name="contest_regrade"),
    path("contests/<int:quiz_id>/regrades/", contest_regrades, name="contest_regrades"),
    path("contests/<int:quiz_id>/results/", contest_results, name="contest_results"),
    path("contests/<int:quiz_id>/results.xlsx", contest_results_export, name="contest_results_export"),
    path("contests/<int:quiz_id>/units/", contest_units, name="contest_units"),
    path("contests/<int:quiz_id>/units.xlsx", contest_units_export, name="contest_units_export"),
    path("contests/<int:quiz_id>/items/", contest_items, name="contest_items"),
    path("contests/<int:quiz_id>/marking/", contest_marking, name="contest_marking"),
]
