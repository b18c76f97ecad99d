"""The enrolment reads the organiser's pages, the API and the check-in page share (training/selectors)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suzhi.training.selectors.enrolments import is_enrolled, own_attendance, present_person_ids, session_enrolments
from suzhi.training.services.attendance import attendance_mark
from suzhi.training.services.enrolments import enrol_people
from tests.people.factories import make_person
from tests.training.factories import make_session, training_campaign


@pytest.fixture
def session(tree):
    return make_session(tree.committee_admin, training_campaign(tree), tree.committee)


def _enrol(tree, session, names, org):
    people = [make_person(name, org) for name in names]
    enrol_people(actor=tree.committee_admin, session_id=session.pk, person_ids=[p.pk for p in people])
    return people


def _queries(user, session) -> int:
    session_enrolments(user=user, session=session)  # the caller's scope, cached from here on
    with CaptureQueriesContext(connection) as queries:
        session_enrolments(user=user, session=session)
    return len(queries)


def test_enrolments_in_scope_ordered_with_attendance(tree, session):
    zhao, an = _enrol(tree, session, ["赵六", "安七"], tree.unit_a)
    (stranger,) = _enrol(tree, session, ["钱八"], tree.unit_b)
    attendance_mark(actor=tree.committee_admin, session_id=session.pk, marks={zhao.pk: None})
    everyone = session_enrolments(user=tree.committee_admin, session=session)
    assert {e.person_id for e in everyone} == {zhao.pk, an.pk, stranger.pk}
    mine = session_enrolments(user=tree.town_a_admin, session=session)
    assert [e.person_id for e in mine] == [an.pk, zhao.pk]  # by pinyin initials within the organisation
    assert [e.attendance is not None for e in mine] == [False, True]
    assert present_person_ids(session=session, person_ids=[zhao.pk, an.pk, stranger.pk]) == {zhao.pk}
    assert is_enrolled(person=an, session_id=session.pk) and not is_enrolled(person=None, session_id=session.pk)
    assert own_attendance(person=zhao, session_id=session.pk).hours == session.hours
    assert own_attendance(person=an, session_id=session.pk) is None


def test_enrolment_reads_do_not_grow_with_the_people(tree, session):
    _enrol(tree, session, ["赵六"], tree.unit_a)
    few = _queries(tree.town_a_admin, session)
    _enrol(tree, session, [f"职工{i}" for i in range(12)], tree.unit_a)
    assert _queries(tree.town_a_admin, session) == few <= 2
