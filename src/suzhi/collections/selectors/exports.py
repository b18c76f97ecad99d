"""The submissions of a collection activity as an Excel sheet (导出): those in the viewer's collection.view scope,
filtered by state, level and category, one row each with the plan form's columns after the fixed ones.

Authors are named with their phones, masked unless the viewer may see personal data of the submitting unit
(pii.view there); ID numbers are never exported. Every cell goes through core.excel (formula-safe). The file is
written at once, up to the core's export limit (`SUZHI_EXPORT_SYNC_MAX_ROWS`): the columns follow each activity's
form, which the core's export kinds (fixed headers) do not express."""

import dataclasses
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from suzhi.campaigns.formdefs.excel import export_cells, export_headers
from suzhi.campaigns.models import Activity
from suzhi.collections.error_codes import CollectionErrors
from suzhi.collections.levels import level_title, settings_of
from suzhi.collections.manifest import VIEW
from suzhi.collections.models import Submission
from suzhi.collections.review import State
from suzhi.collections.selectors.submissions import submissions_visible
from suzhi.core import scope
from suzhi.core.errors import NotFound, ValidationFailed
from suzhi.core.excel import write_xlsx
from suzhi.core.services.exports import sync_max_rows
from suzhi.people.selectors.persons import can_see_pii, shown_phone


@dataclasses.dataclass(frozen=True)
class ExportFilters:
    state: str = ""
    level: int | None = None
    category: str = ""

    @classmethod
    def of(cls, data: Any) -> "ExportFilters":
        """The filters of a query string (unknown states and non-numeric levels are ignored)."""
        state = str(data.get("state") or "")
        level = str(data.get("level") or "")
        return cls(state=state if state in State.values else "", level=int(level) if level.isdigit() else None,
                   category=str(data.get("category") or ""))


@dataclasses.dataclass(frozen=True)
class SubmissionsExport:
    filename: str
    content: bytes
    rows: int


def _activity(user: Any, activity_id: Any) -> Activity:
    """A collection activity organised within or above the user's collection.view scope (the committee's, their
    town's); another town's own activity answers 404."""
    activities = Activity.objects.filter(scope.in_or_above_q(user, VIEW, org_field="organiser"), kind="collection")
    found = activities.filter(pk=activity_id).select_related("campaign").first() \
        if str(activity_id).isdigit() else None
    if found is None:
        raise NotFound()
    return found


def exported_submissions(*, user: Any, activity: Activity, filters: ExportFilters) -> QuerySet[Submission]:
    """The submitted (not draft) submissions of `activity` in the user's collection.view scope, filtered."""
    found = submissions_visible(user=user).filter(activity=activity).exclude(state=State.DRAFT)
    if filters.state:
        found = found.filter(state=filters.state)
    if filters.level is not None:
        found = found.filter(level=filters.level)
    if filters.category:
        found = found.filter(category=filters.category)
    return found.select_related("organisation").prefetch_related("authors__person").order_by("pk")


def _authors(user: Any, submission: Submission) -> str:
    full = can_see_pii(user, submission.organisation)
    names = []
    for author in sorted(submission.authors.all(), key=lambda a: (a.position, a.pk)):
        phone = shown_phone(author.person, full=full)
        names.append(f"{author.person.name}（{phone}）" if phone else author.person.name)
    return "、".join(names)


def _rows(user: Any, activity: Activity, submissions: QuerySet[Submission]) -> Iterator[list[Any]]:
    settings = settings_of(activity)
    states = dict(State.choices)
    for submission in submissions.iterator(chunk_size=500):
        fixed = [submission.pk, submission.title, submission.organisation.name, submission.category,
                 str(states.get(submission.state, submission.state)), level_title(settings, submission.level),
                 submission.submitted_at, _authors(user, submission)]
        yield fixed + (export_cells(settings.form, submission.values) if settings.form is not None else [])


def submissions_export(*, user: Any, activity_id: Any, filters: ExportFilters) -> SubmissionsExport:
    """The .xlsx of the activity's submissions the user may see (404 for an activity that is not a collection);
    refused when more rows match than one export may hold."""
    activity = _activity(user, activity_id)
    submissions = exported_submissions(user=user, activity=activity, filters=filters)
    count, most = submissions.count(), sync_max_rows()
    if count > most:
        raise ValidationFailed(
            _("%(count)s submissions match; one export holds at most %(most)s. Narrow the filters.")
            % {"count": count, "most": most}, code=CollectionErrors.EXPORT_TOO_LARGE)
    form = settings_of(activity).form
    headers = [_("ID"), _("Title"), _("Unit"), pgettext("submission", "Category"), _("State"), _("Level"),
               _("Submitted at"), _("Authors"), *(export_headers(form) if form is not None else [])]
    content = write_xlsx(headers, _rows(user, activity, submissions), sheet_title=str(activity.title)[:31])
    return SubmissionsExport(filename=f"{activity.title}-{_('submissions')}.xlsx", content=content, rows=count)
