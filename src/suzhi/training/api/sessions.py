"""Training over the API (/api/v1/training): sessions, enrolment, attendance and check-in, through the same
selectors and services as the pages. ID numbers are always masked here."""

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from suzhi.core import scope
from suzhi.core.api.base import ErrorOut, current_user, page_slice
from suzhi.core.errors import NotFound
from suzhi.core.models import Organisation
from suzhi.core.web import ensure_perm
from suzhi.people.models import Person
from suzhi.people.selectors.persons import person_for_user, shown_id_number
from suzhi.training.selectors.certificates import hours_of
from suzhi.training.selectors.enrolments import is_enrolled, own_attendance, session_enrolments
from suzhi.training.selectors.sessions import VIEW, session_for_participant, session_get, sessions_visible
from suzhi.training.services import attendance as attendance_services
from suzhi.training.services import enrolments as enrolment_services
from suzhi.training.services import sessions as session_services
from suzhi.training.services.certificates import certificate_issue

router = Router(tags=["training"])

ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class OrgRef(Schema):
    id: int
    code: str
    name: str


class SessionOut(Schema):
    id: int
    activity_id: int
    activity_title: str
    title: str
    form: str
    organiser: OrgRef
    trainer: str
    place: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int | None
    hours: float
    person_categories: list[str]
    is_cancelled: bool
    enrolled: int
    attended: int

    @staticmethod
    def resolve_activity_title(obj: Any) -> str:
        return obj.activity.title

    @staticmethod
    def resolve_enrolled(obj: Any) -> int:
        return getattr(obj, "enrolled", 0)

    @staticmethod
    def resolve_attended(obj: Any) -> int:
        return getattr(obj, "attended", 0)


class SessionPage(Schema):
    items: list[SessionOut]
    count: int


class SessionIn(Schema):
    activity_id: int
    title: str
    form: str
    organiser_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    hours: float
    capacity: int | None = None
    trainer: str = ""
    place: str = ""
    person_categories: list[str] = []


class SessionPatchIn(Schema):
    title: str | None = None
    form: str | None = None
    organiser_id: int | None = None
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    hours: float | None = None
    capacity: int | None = None
    trainer: str | None = None
    place: str | None = None
    person_categories: list[str] | None = None


class PersonRef(Schema):
    id: int
    name: str
    organisation: str


class RefusedOut(Schema):
    person: PersonRef
    reason: str


class EnrolIn(Schema):
    person_ids: list[int]


class EnrolOut(Schema):
    enrolled: list[PersonRef]
    refused: list[RefusedOut]


class EnrolmentOut(Schema):
    person_id: int
    name: str
    id_number: str
    organisation: str
    source: str
    attended: bool
    hours: float | None
    method: str | None
    checked_in_at: datetime.datetime | None


class AttendanceOut(Schema):
    person_id: int
    name: str
    id_number: str
    organisation: str
    hours: float
    method: str
    checked_in_at: datetime.datetime


class MarksIn(Schema):
    # {person_id: hours}: present (null: the session's hours); {person_id: false}: absent
    marks: dict[int, float | str | bool | None]
    method: Literal["list", "import", "remote"] = "list"


class CountsOut(Schema):
    added: int
    changed: int
    removed: int


class CheckInIn(Schema):
    token: str = ""


class MyEnrolmentOut(Schema):
    session_id: int
    enrolled: bool
    attended: bool
    hours: float | None


def _aware(value: Any) -> Any:
    """Times without a zone are the campaign's local time."""
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _person_ref(person: Any) -> dict[str, Any]:
    return {"id": person.pk, "name": person.name, "organisation": person.organisation.name}


def _participant_session(user: Any, session_id: int) -> Person | None:
    """The caller's person, once the session exists for them (404 otherwise)."""
    person = person_for_user(user)
    session_for_participant(user=user, person=person, session_id=session_id)
    return person


class CertificateIn(Schema):
    person_id: int | None = Field(None, description="Whose hours; leave out for the caller's own roster record")
    year: int


class CertificateOut(Schema):
    code: str
    person_id: int
    year: int
    total_hours: float
    sessions: int
    issued_at: datetime.datetime
    pdf_url: str
    verify_url: str


# Declared before the sessions' "/{session_id}" routes, which would otherwise take the path.
@router.post("/certificates", response={201: CertificateOut, **ERRORS}, summary="Issue a certificate of hours")
def certificate_create(request: HttpRequest, payload: CertificateIn):
    """Issues the certificate of a person's credited hours in `year`, or hands back the one already issued for
    the same hours (then nothing is written). Reading the PDF at `pdf_url` (a GET) never issues one."""
    user = current_user(request)
    mine = person_for_user(user)
    person_id = payload.person_id if payload.person_id is not None else getattr(mine, "pk", None)
    if person_id is None:
        raise NotFound()
    certificate = certificate_issue(actor=user, person_id=person_id, year=payload.year)
    year, total_hours, sessions = hours_of(certificate)
    own = mine is not None and mine.pk == certificate.person_id
    pdf = reverse("training:my_certificate", args=[year]) if own else reverse(
        "training:person_certificate", args=[certificate.person_id, year])
    return Status(201, {
        "code": certificate.code, "person_id": certificate.person_id, "year": year,
        "total_hours": float(total_hours), "sessions": sessions,
        "issued_at": certificate.issued_at, "pdf_url": pdf,
        "verify_url": request.build_absolute_uri(reverse("certificates:verify", args=[certificate.code])),
    })


@router.get("/", response={200: SessionPage, 403: ErrorOut, 404: ErrorOut}, summary="Sessions in the caller's scope")
def session_list(request: HttpRequest, activity_id: int | None = None, upcoming: bool | None = None,
                 org_id: int | None = None, page: int = 1, page_size: int = 20):
    """Sessions organised in the caller's scope and above it, newest first, with enrolled and attended counts.
    `org_id` narrows to sessions organised by that organisation and below; `upcoming` true or false."""
    user = current_user(request)
    ensure_perm(user, VIEW)
    sessions = sessions_visible(user=user, activity_id=activity_id, upcoming=upcoming)
    if org_id is not None:
        organisation = scope.get_in_scope(Organisation.objects.only("id", "path"), user, VIEW, pk=org_id,
                                          org_field="")
        sessions = sessions.filter(organiser__path__startswith=organisation.path)
    rows_on_page = page_slice(page, page_size)
    return {"items": list(sessions[rows_on_page]), "count": sessions.count()}


@router.post("/", response={201: SessionOut, **ERRORS}, summary="Open a session")
def session_create(request: HttpRequest, payload: SessionIn):
    """Within the phases the plan opens "create_session" for; times without a zone are local time."""
    user = current_user(request)
    data = payload.dict()
    data["starts_at"], data["ends_at"] = _aware(data["starts_at"]), _aware(data["ends_at"])
    session = session_services.session_create(actor=user, **data)
    return Status(201, session_get(user=user, session_id=session.pk))


@router.get("/{session_id}", response={200: SessionOut, 403: ErrorOut, 404: ErrorOut}, summary="One session")
def session_detail(request: HttpRequest, session_id: int):
    user = current_user(request)
    ensure_perm(user, VIEW)
    return session_get(user=user, session_id=session_id)


@router.patch("/{session_id}", response={200: SessionOut, **ERRORS}, summary="Change a session")
def session_patch(request: HttpRequest, session_id: int, payload: SessionPatchIn):
    """Only the fields sent change; `"capacity": null` removes the limit. Credited hours above new session
    hours are lowered to them."""
    user = current_user(request)
    changes = payload.dict(exclude_unset=True)
    changes = {k: (_aware(v) if k in ("starts_at", "ends_at") else v) for k, v in changes.items()
               if v is not None or k == "capacity"}
    session_services.session_update(actor=user, session_id=session_id, **changes)
    return session_get(user=user, session_id=session_id)


@router.post("/{session_id}/cancel", response={200: SessionOut, **ERRORS}, summary="Cancel a session")
def session_cancel(request: HttpRequest, session_id: int):
    """Refused once anyone has attended."""
    user = current_user(request)
    session_services.session_cancel(actor=user, session_id=session_id)
    return session_get(user=user, session_id=session_id)


@router.get("/{session_id}/enrolments", response={200: list[EnrolmentOut], 403: ErrorOut, 404: ErrorOut},
            summary="Enrolments of a session")
def enrolment_list(request: HttpRequest, session_id: int):
    """People of the caller's scope enrolled in the session, with their attendance; ID numbers masked."""
    user = current_user(request)
    ensure_perm(user, VIEW)
    rows = []
    for e in session_enrolments(user=user, session=session_get(user=user, session_id=session_id)):
        a = e.attendance  # type: ignore[attr-defined]
        rows.append({"person_id": e.person_id, "name": e.person.name,
                     "id_number": shown_id_number(e.person, full=False),
                     "organisation": e.person.organisation.name, "source": e.source, "attended": a is not None,
                     "hours": float(a.hours) if a else None, "method": a.method if a else None,
                     "checked_in_at": a.checked_in_at if a else None})
    return rows


@router.post("/{session_id}/enrolments", response={200: EnrolOut, **ERRORS}, summary="Enrol people")
def enrolment_create(request: HttpRequest, session_id: int, payload: EnrolIn):
    """Each person is enrolled or refused with the reason (capacity, categories, left the roster…);
    a person outside the caller's scope makes the whole call 404."""
    user = current_user(request)
    session_get(user=user, session_id=session_id)
    result = enrolment_services.enrol_people(actor=user, session_id=session_id, person_ids=payload.person_ids)
    return {"enrolled": [_person_ref(p) for p in result.enrolled],
            "refused": [{"person": _person_ref(p), "reason": reason} for p, reason in result.refused]}


@router.get("/{session_id}/enrolment", response={200: MyEnrolmentOut, 403: ErrorOut, 404: ErrorOut},
            summary="My enrolment")
def my_enrolment(request: HttpRequest, session_id: int):
    user = current_user(request)
    person = _participant_session(user, session_id)
    attendance = own_attendance(person=person, session_id=session_id)
    return {"session_id": session_id, "enrolled": is_enrolled(person=person, session_id=session_id),
            "attended": attendance is not None,
            "hours": float(attendance.hours) if attendance else None}


@router.post("/{session_id}/enrolment", response={201: MyEnrolmentOut, **ERRORS}, summary="Enrol myself")
def my_enrolment_create(request: HttpRequest, session_id: int):
    user = current_user(request)
    _participant_session(user, session_id)
    enrolment_services.enrol_self(actor=user, session_id=session_id)
    return Status(201, {"session_id": session_id, "enrolled": True, "attended": False, "hours": None})


@router.delete("/{session_id}/enrolment", response={204: None, **ERRORS}, summary="Withdraw my enrolment")
def my_enrolment_delete(request: HttpRequest, session_id: int):
    """Refused once attended."""
    user = current_user(request)
    _participant_session(user, session_id)
    enrolment_services.enrolment_cancel(actor=user, session_id=session_id)
    return Status(204, None)


@router.get("/{session_id}/attendance", response={200: list[AttendanceOut], 403: ErrorOut, 404: ErrorOut},
            summary="Attendance of a session")
def attendance_list(request: HttpRequest, session_id: int):
    """Who attended (people of the caller's scope), with credited hours; ID numbers masked."""
    user = current_user(request)
    ensure_perm(user, VIEW)
    enrolments = session_enrolments(user=user, session=session_get(user=user, session_id=session_id))
    return [{"person_id": e.person_id, "name": e.person.name, "id_number": shown_id_number(e.person, full=False),
             "organisation": e.person.organisation.name, "hours": float(a.hours), "method": a.method,
             "checked_in_at": a.checked_in_at}
            for e in enrolments if (a := e.attendance) is not None]  # type: ignore[attr-defined]


@router.post("/{session_id}/attendance", response={200: CountsOut, **ERRORS}, summary="Mark attendance")
def attendance_mark(request: HttpRequest, session_id: int, payload: MarksIn):
    """`marks`: {person_id: hours} present (null: the session's hours, partial hours allowed), {person_id:
    false} absent. Only enrolled people; changes to credited hours are logged and recomputed."""
    user = current_user(request)
    marks = {pid: (False if value is False else (None if value is True else value))
             for pid, value in payload.marks.items()}
    return attendance_services.attendance_mark(actor=user, session_id=session_id, marks=marks,
                                               method=payload.method)


@router.post("/{session_id}/check-in", response={200: AttendanceOut, **ERRORS}, summary="Check in with a code")
def check_in(request: HttpRequest, session_id: int, payload: CheckInIn):
    """The token of the session's QR code; refused with a code (code_invalid, code_replaced, too_early,
    expired, not_enrolled, cancelled; 409 already_checked_in)."""
    user = current_user(request)
    _participant_session(user, session_id)
    attendance = attendance_services.check_in(actor=user, session_id=session_id, token=payload.token)
    person = attendance.person
    return {"person_id": person.pk, "name": person.name, "id_number": shown_id_number(person, full=False),
            "organisation": person.organisation.name, "hours": float(attendance.hours),
            "method": attendance.method, "checked_in_at": attendance.checked_in_at}

