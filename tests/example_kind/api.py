import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from suzhi.core.api.base import current_user
from suzhi.core.web import ensure_perm
from tests.example_kind.manifest import VIEW
from tests.example_kind.selectors import reports_visible
from tests.example_kind.services import reading_report_create

router = Router(tags=["读书活动"])


class ReportIn(Schema):
    activity: int
    pages: int
    day: datetime.date


class ReportOut(Schema):
    id: int
    person: str
    organisation: int
    pages: int


def _out(report) -> ReportOut:
    return ReportOut(id=report.pk, person=report.person.name, organisation=report.organisation_id, pages=report.pages)


@router.get("/reports", response=list[ReportOut])
def report_list(request: HttpRequest) -> list[ReportOut]:
    user = current_user(request)
    ensure_perm(user, VIEW)
    return [_out(report) for report in reports_visible(user=user)]


@router.post("/reports", response={201: ReportOut})
def report_create(request: HttpRequest, payload: ReportIn) -> Status:
    report = reading_report_create(actor=current_user(request), activity_id=payload.activity, pages=payload.pages,
                                   day=payload.day)
    return Status(201, _out(report))
