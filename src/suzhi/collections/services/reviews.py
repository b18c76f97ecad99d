"""Reviewing up the tree (审核、推荐): return for revision, do not recommend, classify, recommend to the next level
(accept at the last), one at a time or in bulk with the outcome per item; quotas per reviewing organisation held
under row locks so that two reviewers recommending at once cannot pass them."""

import dataclasses
import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.campaigns.eligibility import can
from suzhi.campaigns.services.records import MetricFact, metric_records_put
from suzhi.collections.error_codes import CollectionErrors
from suzhi.collections.levels import next_stop, quota_of, route, settings_of
from suzhi.collections.manifest import REVIEW, VIEW, CollectionSettings
from suzhi.collections.models import QuotaUse, Submission
from suzhi.collections.review import REVIEW_ACTIONS, Action, State, transition
from suzhi.collections.services.common import step
from suzhi.core import scope
from suzhi.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from suzhi.core.models import User
from suzhi.judging.services.entries import EntryIn, entries_put


def submission_for_review(*, actor: User, submission_id: Any, now: datetime.datetime | None = None) -> Submission:
    """The submission, locked, if it is in the reviewer's scope (404 otherwise) and waits at an organisation the
    reviewer acts for."""
    visible = scope.filter_queryset(Submission.objects.all(), actor, VIEW)
    found = visible.select_for_update(of=("self",)).select_related(
        "activity__campaign", "organisation", "reviewer").filter(pk=submission_id).first() \
        if str(submission_id).isdigit() else None
    if found is None:
        raise NotFound()
    if found.reviewer is None or not scope.may_manage(actor, REVIEW, found.reviewer):
        raise PermissionDenied(_("This submission is not waiting for your review."),
                               code=CollectionErrors.NOT_REVIEWER)
    decision = can(actor, "review", found.activity, at=now)
    if not decision:
        raise PermissionDenied(decision.message, code=decision.code)
    return found


def _take_quota(submission: Submission, settings: CollectionSettings) -> None:
    quota = quota_of(settings, submission.level)
    if quota is None:
        return
    if quota.per_category and not submission.category:
        raise Conflict(_("This level recommends a number per category: classify the submission first."),
                       code=CollectionErrors.CATEGORY_NEEDED)
    limits = {"": quota.total} if quota.total else {}
    if submission.category in quota.per_category:
        limits[submission.category] = quota.per_category[submission.category]
    if not limits:
        return
    organisation = submission.reviewer
    QuotaUse.objects.bulk_create([QuotaUse(activity=submission.activity, organisation=organisation, category=key)
                                  for key in sorted(limits)], ignore_conflicts=True)
    rows = list(QuotaUse.objects.select_for_update().filter(
        activity=submission.activity, organisation=organisation, category__in=list(limits)).order_by("category"))
    for row in rows:
        if row.used >= limits[row.category]:
            what = row.category or _("in all")
            raise Conflict(_("%(org)s has recommended %(used)d (%(what)s), its quota at this level is %(limit)d.")
                           % {"org": organisation.name, "used": row.used, "what": what,
                              "limit": limits[row.category]}, code=CollectionErrors.QUOTA_FULL)
    for row in rows:
        row.used += 1
        row.save(update_fields=["used"])


def _to_judging(*, actor: User, submission: Submission) -> None:
    """An accepted submission (入围) goes to the expert judging the plan sets up for the activity, if any."""
    from suzhi.collections.selectors.judged import entry_source

    authors = list(submission.authors.values_list("person_id", flat=True))
    entries_put(actor=actor, activity=submission.activity, entries=[EntryIn(
        source=entry_source(submission), title=submission.title, organisation_id=submission.organisation_id,
        category=submission.category, author_person_ids=authors,
        nominating_organisation_id=submission.organisation_id if submission.by_unit else None)])


def _recommended_fact(submission: Submission, now: datetime.datetime | None = None) -> None:
    first = submission.authors.select_related("person__organisation").first()
    if first is not None:
        metric_records_put(activity=submission.activity, person=first.person, facts=[
            MetricFact("collection.recommended", f"submission:{submission.pk}", timezone.localdate(now))])


@transaction.atomic
def submission_review(*, actor: User, submission_id: Any, action: str, comment: str = "",
                      category: str = "", now: datetime.datetime | None = None) -> Submission:
    """One review action on a submission waiting at the reviewer's organisation: return (with a comment), reject
    (with a reason), classify (into one of the plan's categories) or recommend (to the next level; accepted at the
    last). `now`: the moment (the demo's past days); default now."""
    submission = submission_for_review(actor=actor, submission_id=submission_id, now=now)
    if action not in {str(a) for a in REVIEW_ACTIONS}:
        raise ValidationFailed(_("Unknown review action."), code=CollectionErrors.NOT_NOW)
    action = Action(action)
    before = submission.state
    settings = settings_of(submission.activity)
    comment = (comment or "").strip()[:2000]
    where, level = submission.reviewer, submission.level
    if action in (Action.RETURN, Action.REJECT):
        submission.state = transition(action, before)
        if not comment:
            raise ValidationFailed(_("Say why: the submitter reads it."), code=CollectionErrors.REASON_NEEDED,
                                   detail=[{"field": "comment"}])
    elif action == Action.CLASSIFY:
        submission.state = transition(action, before)
        category = (category or "").strip()
        if category not in settings.categories:
            raise ValidationFailed(_("“%(name)s” is not one of the categories: %(known)s.")
                                   % {"name": category, "known": "、".join(settings.categories)},
                                   code=CollectionErrors.CATEGORY_UNKNOWN, detail=[{"field": "category"}])
        submission.category = category
    else:
        following = next_stop(route(submission.organisation, settings.review_levels), submission.level)
        submission.state = transition(action, before, top=following is None)
        _take_quota(submission, settings)
        if following is not None:
            submission.level, submission.reviewer = following.level, following.organisation
    submission.save(update_fields=["state", "category", "level", "reviewer", "updated_at"])
    step(actor=actor, submission=submission, action=action, before=before, comment=comment, organisation=where,
         level=level, at=now)
    if action == Action.RECOMMEND:
        _recommended_fact(submission, now)
        if submission.state == State.ACCEPTED and settings.judging is not None:
            _to_judging(actor=actor, submission=submission)
    return submission


@dataclasses.dataclass(frozen=True)
class Outcome:
    id: int
    ok: bool
    state: str = ""
    code: str = ""
    message: str = ""


def submissions_review_bulk(*, actor: User, submission_ids: list[int], action: str, comment: str = "",
                            category: str = "") -> list[Outcome]:
    """The same review action on many submissions, each in its own transaction: the outcome of each, in order
    (one refused, by a quota say, leaves the others done)."""
    outcomes = []
    for submission_id in dict.fromkeys(submission_ids):
        try:
            done = submission_review(actor=actor, submission_id=submission_id, action=action, comment=comment,
                                     category=category)
        except DomainError as error:
            outcomes.append(Outcome(id=int(submission_id), ok=False, code=str(error.code), message=str(error.message)))
        else:
            outcomes.append(Outcome(id=done.pk, ok=True, state=str(done.state)))
    return outcomes
