"""The collection pages (phone first): 我的建议 (list, new and edit with the plan's form, submit, withdraw), a unit
submitting for a person or a team, a submission's page with its history, and the reviewer's queue with bulk
actions and the outcome of each item. Thin: the services decide, the selectors read."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suzhi.campaigns.eligibility import can, may_take_part, person_eligibility
from suzhi.campaigns.formdefs import ScopedResolver
from suzhi.campaigns.formdefs.djforms import DefinedForm
from suzhi.collections.display import shown_values
from suzhi.collections.forms.implementation import ImplementationConfirmForm, ImplementationReportForm
from suzhi.collections.forms.submissions import ReviewBulkForm, SubmissionMetaForm, authors_posted
from suzhi.collections.levels import level_title, settings_of
from suzhi.collections.manifest import REVIEW, SUBMIT_FOR
from suzhi.collections.models import Decision
from suzhi.collections.review import ACTION_LABELS, Action, State, actions_in
from suzhi.collections.selectors import submissions as selectors
from suzhi.collections.selectors.attachments import attachment_fields, attachment_for, attachments_of
from suzhi.collections.selectors.implementation import implementation_state
from suzhi.collections.services import reviews, submissions
from suzhi.collections.services.common import collection_activity
from suzhi.core import scope
from suzhi.core.errors import DomainError, NotFound
from suzhi.core.files.serving import file_response
from suzhi.core.models import Organisation
from suzhi.core.web import AuthedHttpRequest, require_perm
from suzhi.people.selectors.persons import person_for_user, persons_visible

AUTHOR_ROWS = 10  # author rows a unit's form shows at most


@login_required
def my_list(request: AuthedHttpRequest) -> HttpResponse:
    """我的建议: what the user submitted, and the collection activities they may submit to now (or why not)."""
    person = person_for_user(request.user)
    cards = []
    for activity in selectors.collection_activities(user=request.user):
        settings = settings_of(activity)
        decision = may_take_part(person, "submit", activity) if "person" in settings.submitters else None
        unit = "unit" in settings.submitters and request.user.has_perm(SUBMIT_FOR) and bool(
            can(request.user, "submit", activity)) if request.user.organisation_id else False
        if decision is not None or unit:
            cards.append({"activity": activity, "item": settings.item, "decision": decision, "unit": unit})
    rows = selectors.my_submissions(user=request.user, activity_id=request.GET.get("activity"))
    return render(request, "collections/my_list.html", {"cards": cards, "rows": rows, "person": person})


def _edit_page(request: AuthedHttpRequest, activity: Any, submission: Any = None) -> HttpResponse:
    settings = settings_of(activity)
    by_unit = submission.by_unit if submission is not None else request.GET.get("unit") == "1"
    resolver = ScopedResolver(user=request.user, permission=SUBMIT_FOR)
    stored = submission.values if submission is not None else {}
    form = DefinedForm(settings.form, request.POST if request.method == "POST" else None,
                       request.FILES if request.method == "POST" else None, initial=stored,
                       resolver=resolver) if settings.form is not None else None
    organisation = submission.organisation if submission is not None else request.user.organisation
    asked = request.GET.get("organisation", "")
    if submission is None and by_unit and asked.isdigit():  # a town submitting for a unit below it
        organisation = Organisation.objects.filter(pk=asked).first()
    people = []
    if by_unit:
        if organisation is None or not scope.may_manage(request.user, SUBMIT_FOR, organisation):
            raise NotFound()
        people = list(persons_visible(user=request.user, permission=SUBMIT_FOR).filter(
            organisation__path__startswith=organisation.path, is_active=True).order_by("name")[:500])
    error = ""
    meta = SubmissionMetaForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and meta.is_valid():
        title, category = meta.cleaned_data["title"], meta.cleaned_data["category"]
        if form is None or form.is_valid():
            values = form.values if form is not None else {}
            files = {field.key: request.FILES.getlist(form.add_prefix(field.key))
                     for field in attachment_fields(settings.form)} if form is not None else {}
            authors = authors_posted(request.POST, AUTHOR_ROWS) if by_unit else None
            try:
                if submission is None:
                    submission = submissions.submission_save(
                        actor=request.user, activity_id=activity.pk, title=title, values=values, category=category,
                        organisation_id=organisation.pk if by_unit else None, authors=authors, files=files)
                else:
                    submission = submissions.submission_edit(actor=request.user, submission_id=submission.pk,
                                                             title=title, values=values, category=category,
                                                             authors=authors, files=files)
                if meta.submitting() and actions_in(submission.state).count(Action.SUBMIT):
                    submissions.submission_submit(actor=request.user, submission_id=submission.pk)
                    messages.success(request, _("Submitted."))
                else:
                    messages.success(request, _("Saved."))
                return redirect("collections:detail", submission.pk)
            except DomainError as refused:
                error = str(refused.message)
    authors = list(submission.authors.all()) if submission is not None else []
    rows = [{"index": i, "person": authors[i].person_id if i < len(authors) else None,
             "share": authors[i].share if i < len(authors) else ""} for i in range(min(AUTHOR_ROWS,
                                                                                       settings.max_authors))]
    return render(request, "collections/edit.html", {
        "activity": activity, "settings": settings, "form": form, "submission": submission, "by_unit": by_unit,
        "organisation": organisation, "people": people, "rows": rows, "error": error,
        "title": request.POST.get("title") if request.method == "POST" else (submission.title if submission else ""),
        "category": request.POST.get("category") if request.method == "POST" else (
            submission.category if submission else "")})


@login_required
def new(request: AuthedHttpRequest, activity_id: int) -> HttpResponse:
    activity = collection_activity(activity_id)
    if not person_eligibility(request.user.organisation, None, activity, participant=False):
        raise NotFound()  # an activity organised outside the user's tree is none of theirs
    return _edit_page(request, activity)


@login_required
def edit(request: AuthedHttpRequest, submission_id: int) -> HttpResponse:
    submission = selectors.submission_detail(user=request.user, submission_id=submission_id)
    if submission.submitted_by_id != request.user.pk and not (
            submission.by_unit and scope.may_manage(request.user, SUBMIT_FOR, submission.organisation)):
        raise NotFound()
    return _edit_page(request, submission.activity, submission)


def _implementation_forms(state: Any) -> tuple[Any, Any]:
    """The implementation panel's forms the viewer may use (ids prefixed: the review form shares the page)."""
    if state is None:
        return None, None
    report_form = None
    if state.may_report:
        found = state.implementation
        report_form = ImplementationReportForm(initial={
            "status": state.status, "note": found.note if found else "",
            "measured_benefit": found.measured_benefit if found else None}, statuses=state.next_statuses,
            auto_id="impl_%s")
    return report_form, ImplementationConfirmForm(auto_id="impl_%s") if state.may_confirm else None


@login_required
def detail(request: AuthedHttpRequest, submission_id: int) -> HttpResponse:
    submission = selectors.submission_detail(user=request.user, submission_id=submission_id)
    settings = settings_of(submission.activity)
    mine = submission.submitted_by_id == request.user.pk or (
        submission.by_unit and scope.may_manage(request.user, SUBMIT_FOR, submission.organisation))
    allowed = set(actions_in(submission.state))
    reviewing = submission.reviewer is not None and scope.may_manage(request.user, REVIEW, submission.reviewer) \
        and bool(allowed & {Action.RECOMMEND})
    decision = Decision.objects.filter(submission=submission).first()
    implementation = implementation_state(user=request.user, submission=submission, decision=decision)
    report_form, confirm_form = _implementation_forms(implementation)
    return render(request, "collections/detail.html", {
        "s": submission, "implementation": implementation, "report_form": report_form,
        "confirm_form": confirm_form,
        "values": shown_values(settings.form, submission.values), "mine": mine,
        "attachments": attachments_of(submission),
        "may_edit": mine and Action.EDIT in allowed, "may_submit": mine and Action.SUBMIT in allowed,
        "may_withdraw": mine and Action.WITHDRAW in allowed, "reviewing": reviewing,
        "categories": settings.categories, "level": level_title(settings, submission.level),
        "decision": decision,
        "steps": [(step, ACTION_LABELS.get(Action(step.action), step.action), State(step.to_state).label)
                  for step in submission.steps.all()]})


@login_required
def attachment(request: AuthedHttpRequest, submission_id: int, ref: str) -> FileResponse:
    """A file of a submission the user may see, named without personal data; `?thumbnail=1`: an image's
    thumbnail."""
    stored, name = attachment_for(user=request.user, submission_id=submission_id, ref=ref)
    return file_response(request=request, stored=stored, download_name=name,
                         thumbnail=request.GET.get("thumbnail") == "1")


def _author_action(request: AuthedHttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    try:
        service(actor=request.user, submission_id=pk)
        messages.success(request, done)
    except NotFound:
        raise
    except DomainError as refused:
        messages.error(request, str(refused.message))
    return redirect("collections:detail", pk)


@require_POST
@login_required
def submit(request: AuthedHttpRequest, submission_id: int) -> HttpResponse:
    return _author_action(request, submission_id, submissions.submission_submit, _("Submitted."))


@require_POST
@login_required
def withdraw(request: AuthedHttpRequest, submission_id: int) -> HttpResponse:
    return _author_action(request, submission_id, submissions.submission_withdraw, _("Withdrawn."))


@require_perm(REVIEW)
def queue(request: AuthedHttpRequest) -> HttpResponse:
    """审核: what waits at the reviewing organisation, what it forwarded, returned, rejected; bulk actions with the
    outcome of each item."""
    data = request.POST if request.method == "POST" else request.GET
    organisation = selectors.reviewing_organisation(user=request.user, organisation_id=data.get("organisation"))
    activities = list(selectors.collection_activities(user=request.user))
    activity_id = data.get("activity")
    activity = next((a for a in activities if str(a.pk) == str(activity_id)), None)
    outcomes: list[Any] = []
    if request.method == "POST":
        bulk = ReviewBulkForm(request.POST)
        if bulk.is_valid():
            outcomes = reviews.submissions_review_bulk(
                actor=request.user, submission_ids=bulk.cleaned_data["ids"], action=bulk.cleaned_data["action"],
                comment=bulk.cleaned_data["comment"], category=bulk.cleaned_data["category"])
        else:
            messages.error(request, bulk.first_error())
    try:
        tab = selectors.Tab(data.get("tab") or selectors.Tab.RECEIVED)
    except ValueError:
        tab = selectors.Tab.RECEIVED
    page = selectors.queue(organisation=organisation, activity=activity, tab=tab, page=request.GET.get("page", 1))
    outcome_of = {o.id: o for o in outcomes}
    titles = selectors.titles_of(user=request.user, submission_ids=list(outcome_of))
    categories = settings_of(activity).categories if activity is not None else sorted(
        {c for a in activities for c in settings_of(a).categories})
    return render(request, "collections/queue.html", {
        "organisation": organisation, "organisations": selectors.reviewer_organisations(user=request.user),
        "activities": activities, "activity": activity, "tab": tab, "tabs": selectors.TAB_LABELS, "page": page,
        "outcomes": [(o, titles.get(o.id, "")) for o in outcomes], "outcome_of": outcome_of, "categories": categories,
        "pending": selectors.pending_below(organisation=organisation, activity=activity),
        "counts": selectors.state_counts(organisation=organisation, activity=activity),
        "state_labels": dict(State.choices),
        "levels": list(enumerate(level.title for level in settings_of(activity).review_levels)) if activity else [],
        "actions": [(a.value, label) for a, label in (
            (Action.RECOMMEND, _("Recommend")), (Action.RETURN, _("Return for revision")),
            (Action.REJECT, _("Do not recommend")), (Action.CLASSIFY, _("Classify")))],
        "query": f"organisation={organisation.pk}&activity={activity.pk if activity else ''}"})


@login_required
def results(request: AuthedHttpRequest, activity_id: int) -> HttpResponse:
    """评审结果: per category the published places of the submissions in the viewer's scope with their decisions;
    those reviewing for the organiser apply the decisions (POST)."""
    from suzhi.collections.selectors.results import activity_results
    from suzhi.collections.services.decisions import decisions_apply

    activity, groups = activity_results(request.user, activity_id)
    may_decide = request.user.has_perm(REVIEW) and scope.may_manage(request.user, REVIEW, activity.organiser)
    if request.method == "POST":
        if not may_decide:
            raise NotFound()
        try:
            done = decisions_apply(actor=request.user, activity_id=activity.pk)
            messages.success(request, _("Decisions applied: %(decided)d decided, %(adopted)d adopted.") % {
                "decided": len(done), "adopted": sum(d.adopted for d in done)})
        except NotFound:
            raise
        except DomainError as refused:
            messages.error(request, str(refused.message))
        return redirect("collections:results", activity.pk)
    return render(request, "collections/results.html", {
        "activity": activity, "groups": groups, "may_decide": may_decide,
        "may_summarise": request.user.has_perm(REVIEW)})


app_name = "collections"
urlpatterns = [
    path("", my_list, name="my_list"),
    path("new/<int:activity_id>/", new, name="new"),
    path("<int:submission_id>/", detail, name="detail"),
    path("<int:submission_id>/edit/", edit, name="edit"),
    path("<int:submission_id>/submit/", submit, name="submit"),
    path("<int:submission_id>/withdraw/", withdraw, name="withdraw"),
    path("review/", queue, name="queue"),
    path("activities/<int:activity_id>/results/", results, name="results"),
    path("submissions/<int:submission_id>/files/<str:ref>/", attachment, name="attachment"),
]


