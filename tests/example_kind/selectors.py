from typing import Any

from django.db.models import QuerySet, Sum

from suzhi.campaigns.models import Activity
from suzhi.campaigns.results import RankedEntry, Ranking, Subject
from suzhi.core import scope
from tests.example_kind.manifest import VIEW
from tests.example_kind.models import ReadingReport


def reports_visible(*, user: Any) -> QuerySet[ReadingReport]:
    return scope.filter_queryset(ReadingReport.objects.select_related("person", "organisation"), user, VIEW)


def ranked_results(activity: Activity, *, subject: Subject, user: Any | None = None) -> list[Ranking]:
    """People by pages read, most first; equal totals share a place."""
    rows = ReadingReport.objects.filter(activity=activity)
    if user is not None:
        rows = scope.filter_queryset(rows, user, VIEW)
    if subject != Subject.PERSON:
        return []
    totals = rows.values("person_id", "person__name", "organisation_id").annotate(pages=Sum("pages")).order_by(
        "-pages", "person_id")
    entries, previous, position = [], None, 0
    for index, row in enumerate(totals, start=1):
        if row["pages"] != previous:
            position, previous = index, row["pages"]
        entries.append(RankedEntry(position=position, name=row["person__name"], person_id=row["person_id"],
                                   organisation_id=row["organisation_id"], score=row["pages"]))
    return [Ranking(key="pages", title=activity.title, subject=subject, organiser_id=activity.organiser_id,
                    entries=tuple(entries))]
