"""Who is enrolled in a session and who attended: the reads behind the organiser's pages, the API and the
participant's check-in page, so that they list the same people in the same order."""

from collections.abc import Iterable
from typing import Any

from suzhi.core import scope
from suzhi.people.models import Person
from suzhi.training.models import Attendance, Enrolment, TrainingSession
from suzhi.training.selectors.sessions import VIEW


def session_enrolments(*, user: Any, session: TrainingSession) -> list[Enrolment]:
    """The session's enrolments of people in the caller's training.view scope, by organisation and name
    (pinyin initials), each with its person and organisation and `attendance` (an Attendance or None).
    Two queries, however many people."""
    enrolments = list(scope.filter_queryset(
        Enrolment.objects.filter(session=session).select_related("person__organisation"), user, VIEW,
        org_field="person__organisation",
    ).order_by("person__organisation__path", "person__name_initials", "person_id"))
    attended = {a.person_id: a for a in Attendance.objects.filter(
        session=session, person_id__in=[e.person_id for e in enrolments])}
    for enrolment in enrolments:
        enrolment.attendance = attended.get(enrolment.person_id)  # type: ignore[attr-defined]
    return enrolments


def present_person_ids(*, session: TrainingSession, person_ids: Iterable[Any]) -> set[int]:
    """Which of these people are recorded present at the session."""
    return set(Attendance.objects.filter(session=session, person_id__in=list(person_ids))
               .values_list("person_id", flat=True))


def is_enrolled(*, person: Person | None, session_id: Any) -> bool:
    """Whether the person (a participant's own) is enrolled in the session."""
    return person is not None and Enrolment.objects.filter(session_id=session_id, person=person).exists()


def own_attendance(*, person: Person | None, session_id: Any) -> Attendance | None:
    """The person's attendance at the session, if recorded."""
    if person is None:
        return None
    return Attendance.objects.filter(session_id=session_id, person=person).first()
