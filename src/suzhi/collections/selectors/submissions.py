"""Reads of submissions, scoped: a submitter's own, a reviewing organisation's queue (received, forwarded, returned,
rejected; paged, in a fixed number of queries), the units below that have not reviewed yet, counts per state."""

import enum
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from suzhi.campaigns.models import Activity
from suzhi.collections.levels import settings_of
from suzhi.collections.manifest import REVIEW, VIEW
from suzhi.collections.models import ReviewStep, Submission, SubmissionAuthor
from suzhi.collections.review import Action, State
from suzhi.core import scope
from suzhi.core.errors import NotFound
from suzhi.core.models import DictItem, Organisation

WAITING = (State.SUBMITTED, State.UNDER_REVIEW)
PAGE_SIZE = 50


class Tab(enum.StrEnum):
    RECEIVED = "received"
    FORWARDED = "forwarded"
    RETURNED = "returned"
    REJECTED = "rejected"


TAB_LABELS = {Tab.RECEIVED: _("To review"), Tab.FORWARDED: _("Recommended upwards"),
              Tab.RETURNED: _("Returned"), Tab.REJECTED: _("Not recommended")}


def _listed(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    return queryset.select_related("activity", "organisation", "reviewer", "submitted_by").prefetch_related(
        "authors__person")


def _mine_q(user: Any) -> Q:
    authored = SubmissionAuthor.objects.filter(person__user=user).values("submission_id")
    return Q(submitted_by=user) | Q(pk__in=authored)


def is_mine(*, user: Any, submission: Submission) -> bool:
    """The user submitted it or is one of its authors (the submission's authors prefetched: no query)."""
    return submission.submitted_by_id == user.pk or any(
        author.person.user_id == user.pk for author in submission.authors.all())


def my_submissions(*, user: Any, activity_id: Any = None) -> QuerySet[Submission]:
    """What the user submitted, or is an author of, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Submission.objects.none()
    mine = Submission.objects.filter(_mine_q(user))
    if activity_id is not None and str(activity_id).isdigit():
        mine = mine.filter(activity_id=activity_id)
    return _listed(mine).order_by("-updated_at", "-pk")


def submissions_visible(*, user: Any) -> QuerySet[Submission]:
    return scope.filter_queryset(Submission.objects.all(), user, VIEW)


def titles_of(*, user: Any, submission_ids: list[int]) -> dict[int, str]:
    """The titles of those of `submission_ids` the user may see, by id (a bulk action's outcome names them)."""
    if not submission_ids:
        return {}
    return dict(submissions_visible(user=user).filter(pk__in=submission_ids).values_list("pk", "title"))


def submission_detail(*, user: Any, submission_id: Any) -> Submission:
    """A submission the user submitted, is an author of, or may see in their scope; 404 otherwise."""
    if not str(submission_id).isdigit():
        raise NotFound()
    visible = submissions_visible(user=user).values("pk")
    found = _listed(Submission.objects.filter(pk=submission_id).filter(
        _mine_q(user) | Q(pk__in=visible))).prefetch_related("steps__actor", "steps__organisation").first()
    if found is None:
        raise NotFound()
    return found


def reviewer_organisations(*, user: Any) -> list[Organisation]:
    """The organisations the user may review for: the tops of their review scope and those right below, and those
    where submissions are reviewed; highest first."""
    found = scope.scope_for(user, REVIEW)
    if found.is_empty:
        return []
    at = scope.filter_queryset(Submission.objects.exclude(reviewer=None), user, REVIEW, org_field="reviewer")
    tops = Q(pk__in=found.org_ids) | Q(path__in=found.subtree_paths) if not found.all else Q(depth__lte=2)
    for path in found.subtree_paths:  # and the organisations right below (the committee's federation)
        tops |= Q(path__startswith=path, depth=len(path) // Organisation.steplen + 1)
    return list(Organisation.objects.filter(tops | Q(pk__in=at.values("reviewer_id"))).order_by("depth", "path"))


def reviewing_organisation(*, user: Any, organisation_id: Any = None) -> Organisation:
    """The organisation whose queue is shown: the one asked for if the user reviews for it, else the highest one
    that is of a review level of some collection (a town's union; the federation for the committee)."""
    if organisation_id not in (None, "") and str(organisation_id).isdigit():
        found = Organisation.objects.filter(pk=organisation_id).first()
        if found is None or not scope.may_manage(user, REVIEW, found):
            raise NotFound()
        return found
    mine = reviewer_organisations(user=user)
    if not mine:
        raise NotFound()
    levels = [level for activity in collection_activities(user=user) for level in settings_of(activity).review_levels]
    types = dict(DictItem.objects.filter(pk__in={org.org_type_id for org in mine}).values_list("pk", "code"))
    return next((org for org in mine if any(
        org.depth == level.depth if level.depth is not None else types.get(org.org_type_id) in level.org_types
        for level in levels)), mine[0])


def queue(*, organisation: Organisation, activity: Activity | None, tab: Tab = Tab.RECEIVED,
          page: Any = 1, per_page: int = PAGE_SIZE) -> Page:
    """One page of what `organisation` received (waiting for it), forwarded (it recommended upwards), returned or
    rejected; the caller has checked that the user reviews for it. Three queries whatever the page's size."""
    rows = Submission.objects.all()
    if activity is not None:
        rows = rows.filter(activity=activity)
    if tab == Tab.FORWARDED:
        rows = rows.filter(Exists(ReviewStep.objects.filter(submission=OuterRef("pk"), organisation=organisation,
                                                            action=Action.RECOMMEND)))
    else:
        states = {Tab.RECEIVED: WAITING, Tab.RETURNED: (State.RETURNED,), Tab.REJECTED: (State.REJECTED,)}[tab]
        rows = rows.filter(reviewer=organisation, state__in=states)
    rows = _listed(rows).order_by("submitted_at", "pk")
    return Paginator(rows, per_page).get_page(page)


def pending_below(*, organisation: Organisation, activity: Activity | None) -> list[dict[str, Any]]:
    """The organisations below `organisation` with submissions still waiting for their review: [{id, name, n}]."""
    rows = Submission.objects.filter(reviewer__path__startswith=organisation.path, state__in=WAITING).exclude(
        reviewer=organisation)
    if activity is not None:
        rows = rows.filter(activity=activity)
    return [{"id": row["reviewer_id"], "name": row["reviewer__name"], "n": row["n"]} for row in
            rows.values("reviewer_id", "reviewer__name").annotate(n=Count("pk")).order_by("reviewer__name")]


def state_counts(*, organisation: Organisation, activity: Activity | None) -> dict[str, int]:
    """Submissions from `organisation` and below, per state (drafts left out)."""
    rows = Submission.objects.filter(organisation__path__startswith=organisation.path).exclude(state=State.DRAFT)
    if activity is not None:
        rows = rows.filter(activity=activity)
    counts = dict(rows.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return {state.value: counts.get(state.value, 0) for state in State if state != State.DRAFT}


def collection_activities(*, user: Any) -> QuerySet[Activity]:
    """The collection activities, newest campaign first (the chooser above the lists)."""
    return Activity.objects.filter(kind="collection").select_related("campaign").order_by("-campaign_id", "pk")
