"""Submitting (提交): a worker's own item or a unit's for a person or a team, drafts, editing until the first review
or when returned (with its attachments: services/attachments.py), submitting and withdrawing. Reviewing is
services/reviews.py; what is allowed when is collections.review."""

import dataclasses
import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.campaigns.eligibility import may_take_part
from suzhi.campaigns.formdefs import ScopedResolver, clean_values
from suzhi.campaigns.models import Activity
from suzhi.campaigns.services.records import MetricFact, metric_record_remove, metric_records_put
from suzhi.collections.error_codes import CollectionErrors
from suzhi.collections.levels import route, settings_of
from suzhi.collections.manifest import SUBMIT_FOR, CollectionSettings
from suzhi.collections.models import Submission, SubmissionAuthor
from suzhi.collections.review import Action, State, transition
from suzhi.collections.services.attachments import Uploads, attachment_field, attachments_store, with_uploads
from suzhi.collections.services.common import collection_activity, step
from suzhi.core import scope
from suzhi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from suzhi.core.models import Organisation, User
from suzhi.people.models import Person
from suzhi.people.selectors.persons import person_for_user


@dataclasses.dataclass(frozen=True)
class AuthorIn:
    person_id: int
    share: int = 100


def _refused(decision: Any) -> PermissionDenied:
    return PermissionDenied(decision.message, code=decision.code)


def _title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title or len(title) > 200:
        raise ValidationFailed(_("Give the submission a title of at most 200 characters."),
                               code=CollectionErrors.TITLE_NEEDED, detail=[{"field": "title"}])
    return title


def _category(settings: CollectionSettings, category: str) -> str:
    category = (category or "").strip()
    if category and category not in settings.categories:
        raise ValidationFailed(_("“%(name)s” is not one of the categories: %(known)s.")
                               % {"name": category, "known": "、".join(settings.categories)},
                               code=CollectionErrors.CATEGORY_UNKNOWN, detail=[{"field": "category"}])
    return category


def _authors(actor: User, settings: CollectionSettings, organisation_id: Any,
             authors: list[AuthorIn] | None) -> tuple[Organisation, list[tuple[Person, int]], bool]:
    """(submitting unit, [(author, share)], by a unit), the authors' rows locked in id order."""
    if organisation_id is None:
        if "person" not in settings.submitters:
            raise PermissionDenied(_("In this activity units submit for their workers."),
                                   code=CollectionErrors.SUBMITTER)
        person = person_for_user(actor, lock=True)
        if person is None:
            raise PermissionDenied(_("Your account is not linked to a person on a roster."),
                                   code=CollectionErrors.NO_AUTHOR)
        return person.organisation, [(person, 100)], False
    if "unit" not in settings.submitters:
        raise PermissionDenied(_("In this activity workers submit their own items."), code=CollectionErrors.SUBMITTER)
    organisation = Organisation.objects.filter(pk=organisation_id).first() if str(organisation_id).isdigit() else None
    if organisation is None or not scope.may_manage(actor, SUBMIT_FOR, organisation):
        raise NotFound()
    wanted = list(authors or [])
    ids = [author.person_id for author in wanted]
    if not wanted:
        raise ValidationFailed(_("Name at least one author."), code=CollectionErrors.NO_AUTHOR,
                               detail=[{"field": "authors"}])
    if len(set(ids)) != len(ids) or sum(author.share for author in wanted) != 100 or \
            any(author.share <= 0 for author in wanted):
        raise ValidationFailed(_("Each author once, with shares that add up to 100."), code=CollectionErrors.SHARES,
                               detail=[{"field": "authors"}])
    if len(wanted) > settings.max_authors:
        raise ValidationFailed(_("At most %(n)d authors.") % {"n": settings.max_authors},
                               code=CollectionErrors.SHARES, detail=[{"field": "authors"}])
    people = {p.pk: p for p in Person.objects.select_related("organisation").select_for_update(
        of=("self",), no_key=True).filter(pk__in=sorted(ids), organisation__path__startswith=organisation.path)}
    if len(people) != len(ids):
        raise ValidationFailed(_("Every author must be on the roster of %(org)s or a unit below it.")
                               % {"org": organisation.name}, code=CollectionErrors.NO_AUTHOR,
                               detail=[{"field": "authors"}])
    return organisation, [(people[author.person_id], author.share) for author in wanted], True


def _check_people(activity: Activity, settings: CollectionSettings, authors: list[tuple[Person, int]],
                  exclude: int | None, now: datetime.datetime | None = None) -> None:
    for person, _share in authors:
        decision = may_take_part(person, "submit", activity, at=now)
        if not decision:
            raise _refused(decision)
    _check_limit(activity, settings, authors, exclude)


def _check_limit(activity: Activity, settings: CollectionSettings, authors: list[tuple[Person, int]],
                 exclude: int | None) -> None:
    if settings.max_per_person:
        for person, _share in authors:
            held = SubmissionAuthor.objects.filter(person=person, submission__activity=activity).exclude(
                submission__state=State.WITHDRAWN)
            if exclude is not None:
                held = held.exclude(submission_id=exclude)
            if held.count() >= settings.max_per_person:
                raise Conflict(_("%(name)s already has %(n)d submission(s), the most one person may have here.")
                               % {"name": person.name, "n": settings.max_per_person},
                               code=CollectionErrors.PER_PERSON)


def _values(actor: User, settings: CollectionSettings, values: dict[str, Any] | None, *, draft: bool,
            files: Uploads | None, organisation: Organisation, stored: dict[str, Any] | None) -> dict[str, Any]:
    """The values to store, with the uploaded `files` stored. A draft may leave required fields empty (they are
    checked when it is submitted); every value given is checked."""
    if settings.form is None:
        return {}
    form = settings.form
    if draft:
        form = form.model_copy(update={"fields": [field.model_copy(update={"required": False})
                                                  for field in form.fields]})
    cleaned = clean_values(form, with_uploads(settings.form, values, files),
                           resolver=ScopedResolver(user=actor, permission=SUBMIT_FOR))
    return attachments_store(actor=actor, form=settings.form, values=cleaned, files=files,
                             organisation=organisation, stored_before=stored)


def _put_authors(submission: Submission, authors: list[tuple[Person, int]]) -> None:
    submission.authors.all().delete()
    SubmissionAuthor.objects.bulk_create([SubmissionAuthor(submission=submission, person=person, share=share,
                                                           position=index)
                                          for index, (person, share) in enumerate(authors)])


@transaction.atomic
def submission_save(*, actor: User, activity_id: Any, title: str, values: dict[str, Any] | None = None,
                    category: str = "", organisation_id: Any = None,
                    authors: list[AuthorIn] | None = None, files: Uploads | None = None,
                    now: datetime.datetime | None = None) -> Submission:
    """A new draft: the worker's own (no `organisation_id`), or a unit's for `authors` (a person or a team).
    `files`: {attachment field key: uploaded files}, stored for the submitting unit. `now`: the moment it is made
    (the demo's past days); default now."""
    activity = collection_activity(activity_id)
    settings = settings_of(activity)
    organisation, people, by_unit = _authors(actor, settings, organisation_id, authors)
    _check_people(activity, settings, people, None, now)
    title, category = _title(title), _category(settings, category)
    submission = Submission.objects.create(
        activity=activity, organisation=organisation, submitted_by=actor, by_unit=by_unit, title=title,
        category=category, values=_values(actor, settings, values, draft=True, files=files,
                                          organisation=organisation, stored=None))
    _put_authors(submission, people)
    step(actor=actor, submission=submission, action=Action.EDIT, before=State.DRAFT, organisation=organisation,
         at=now)
    return submission


def submission_for_author(*, actor: User, submission_id: Any) -> Submission:
    """The submission, locked, if `actor` submitted it (or manages the unit that did); otherwise 404."""
    found = Submission.objects.select_for_update(of=("self",)).select_related(
        "activity", "organisation", "reviewer").filter(pk=submission_id).first() if str(submission_id).isdigit() \
        else None
    if found is None:
        raise NotFound()
    if found.submitted_by_id != actor.pk and not (found.by_unit and scope.may_manage(actor, SUBMIT_FOR,
                                                                                       found.organisation)):
        raise NotFound()
    return found


@transaction.atomic
def submission_edit(*, actor: User, submission_id: Any, title: str, values: dict[str, Any] | None = None,
                    category: str = "", authors: list[AuthorIn] | None = None,
                    files: Uploads | None = None) -> Submission:
    """Change a draft, a submission not reviewed yet, or one returned for revision. `files`: {attachment field
    key: uploaded files} replacing that field's files; an attachment entry sent without a new file must be one the
    submission holds."""
    submission = submission_for_author(actor=actor, submission_id=submission_id)
    before = submission.state
    transition(Action.EDIT, before)
    settings = settings_of(submission.activity)
    if submission.by_unit:
        _unit, people, _by_unit = _authors(actor, settings, submission.organisation_id, authors or [
            AuthorIn(a.person_id, a.share) for a in submission.authors.all()])
        _check_limit(submission.activity, settings, people, submission.pk)
        _put_authors(submission, people)
    submission.title = _title(title)
    submission.category = _category(settings, category)
    submission.values = _values(actor, settings, values, draft=before == State.DRAFT, files=files,
                                organisation=submission.organisation, stored=submission.values)
    submission.save(update_fields=["title", "category", "values", "updated_at"])
    step(actor=actor, submission=submission, action=Action.EDIT, before=before,
         organisation=submission.organisation)
    return submission


@transaction.atomic
def attachment_add(*, actor: User, submission_id: Any, key: str,
                   upload: UploadedFile | None) -> list[dict[str, Any]]:
    """Store one file in the attachment field `key` of a submission its author may still edit (a field of one
    file has it replaced); the field's value after. Refused with the file store's Chinese message (422)."""
    submission = submission_for_author(actor=actor, submission_id=submission_id)
    before = submission.state
    transition(Action.EDIT, before)
    form = settings_of(submission.activity).form
    field = attachment_field(form, key)
    if upload is None:
        raise ValidationFailed(_("Choose a file to upload."), code=CollectionErrors.ATTACHMENT_FIELD,
                               detail=[{"field": "file"}])
    current = [entry for entry in submission.values.get(key) or [] if isinstance(entry, dict)]
    if field.max_files == 1:
        current = []
    elif len(current) >= field.max_files:
        raise ValidationFailed(_("At most %(n)s file(s).") % {"n": field.max_files},
                               code=CollectionErrors.ATTACHMENT_FIELD, detail=[{"field": key}])
    value = attachments_store(actor=actor, form=form,
                              values={key: [{"name": upload.name, "size": upload.size, "ref": ""}]},
                              files={key: [upload]}, organisation=submission.organisation)[key]
    submission.values = {**submission.values, key: [*current, *value]}
    submission.save(update_fields=["values", "updated_at"])
    step(actor=actor, submission=submission, action=Action.EDIT, before=before, organisation=submission.organisation)
    return submission.values[key]


def _facts(submission: Submission) -> list[tuple[Person, list[MetricFact]]]:
    day = timezone.localdate(submission.submitted_at)
    source = f"submission:{submission.pk}"
    found = []
    for index, author in enumerate(submission.authors.select_related("person__organisation")):
        facts = [MetricFact("collection.contributors", f"{source}:{author.person_id}", day)]
        if index == 0:
            facts.append(MetricFact("collection.submissions", source, day))
        found.append((author.person, facts))
    return found


@transaction.atomic
def submission_submit(*, actor: User, submission_id: Any, now: datetime.datetime | None = None) -> Submission:
    """Submit a draft to the first level that reviews the unit, or a returned one back to the level that returned
    it."""
    submission = submission_for_author(actor=actor, submission_id=submission_id)
    before = submission.state
    after = transition(Action.SUBMIT, before)
    activity = submission.activity
    settings = settings_of(activity)
    if before == State.DRAFT:
        people = [(a.person, a.share) for a in submission.authors.select_related("person__organisation")]
        _check_people(activity, settings, people, submission.pk, now)
        if settings.form is not None:
            clean_values(settings.form, submission.values, resolver=ScopedResolver(user=actor,
                                                                                   permission=SUBMIT_FOR))
        stops = route(submission.organisation, settings.review_levels)
        if not stops:
            raise Conflict(_("No organisation above %(org)s reviews this activity.")
                           % {"org": submission.organisation.name}, code=CollectionErrors.NO_REVIEWER)
        submission.level, submission.reviewer = stops[0].level, stops[0].organisation
        submission.submitted_at = now or timezone.now()
    submission.state = after
    submission.save(update_fields=["state", "level", "reviewer", "submitted_at", "updated_at"])
    step(actor=actor, submission=submission, action=Action.SUBMIT, before=before, at=now)
    if before == State.DRAFT:
        for person, facts in _facts(submission):
            metric_records_put(activity=activity, person=person, facts=facts)
    return submission


@transaction.atomic
def submission_withdraw(*, actor: User, submission_id: Any) -> Submission:
    """Withdraw a submission no one has reviewed yet; it no longer counts."""
    submission = submission_for_author(actor=actor, submission_id=submission_id)
    before = submission.state
    submission.state = transition(Action.WITHDRAW, before)
    submission.save(update_fields=["state", "updated_at"])
    step(actor=actor, submission=submission, action=Action.WITHDRAW, before=before)
    source = f"submission:{submission.pk}"
    metric_record_remove(activity=submission.activity, metric="collection.submissions", source=source)
    for person_id in submission.authors.values_list("person_id", flat=True):
        metric_record_remove(activity=submission.activity, metric="collection.contributors",
                             source=f"{source}:{person_id}")
    return submission
