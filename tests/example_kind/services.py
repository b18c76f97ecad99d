import datetime
from typing import Any

from django.db import transaction

from suzhi.campaigns.eligibility import can
from suzhi.campaigns.models import Activity
from suzhi.campaigns.services.records import MetricFact, metric_records_put
from suzhi.core import oplog
from suzhi.core.errors import NotFound, PermissionDenied
from suzhi.people.selectors.persons import person_for_user
from tests.example_kind.models import ReadingReport


@transaction.atomic
def reading_report_create(*, actor: Any, activity_id: int, pages: int, day: datetime.date) -> ReadingReport:
    """A participant reports pages read (读书打卡), if the plan's phases and the activity's audience allow it."""
    activity = Activity.objects.filter(pk=activity_id, kind="reading").select_related("organiser").first()
    if activity is None:
        raise NotFound()
    decision = can(actor, "report", activity, at=day)
    if not decision:
        raise PermissionDenied(decision.message, code=decision.code)
    person = person_for_user(actor, lock=True)
    if person is None:
        raise PermissionDenied(code="no_person")
    report = ReadingReport.objects.create(activity=activity, person=person, organisation=person.organisation,
                                          pages=pages, day=day)
    oplog.record(actor=actor, action="reading.report", obj=report, after={"pages": pages})
    metric_records_put(activity=activity, person=person, facts=[
        MetricFact(metric="reading.readers", source=f"report-{report.pk}", occurred_on=day, quantity=1),
        MetricFact(metric="reading.pages", source=f"report-{report.pk}", occurred_on=day, quantity=pages),
    ])
    return report
