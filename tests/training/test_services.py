"""Training services: sessions within the plan, enrolment rules, QR check-in, hours and their recomputation,
and the campaign's targets moving as attendance arrives."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from suzhi.campaigns.models import MetricRecord, TargetValue
from suzhi.campaigns.services.targets import targets_refresh
from suzhi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from suzhi.core.models import OperationLog
from suzhi.training.codes import check_in_token
from suzhi.training.models import Attendance, Enrolment
from suzhi.training.services import attendance as attendance_services
from suzhi.training.services import enrolments, sessions
from tests.people.factories import make_person
from tests.support import make_participant
from tests.training.factories import make_session, training_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(tree):
    return training_campaign(tree)



def test_session_create_checks_form_hours_times_and_scope(tree, campaign):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a)
    assert session.hours == 2 and session.organiser == tree.unit_a
    assert OperationLog.objects.filter(action="training.session_create").count() == 1
    with pytest.raises(ValidationFailed) as caught:
        make_session(tree.town_a_admin, campaign, tree.unit_a, form="workshop", hours="0", minutes=-5)
    assert {d["field"] for d in caught.value.detail} == {"form", "hours", "ends_at"}
    with pytest.raises(ValidationFailed) as caught:
        make_session(tree.town_a_admin, campaign, tree.unit_b)  # another town's unit
    assert caught.value.detail[0]["field"] == "organiser_id"


def test_session_outside_the_phases_is_refused(tree, campaign):
    with pytest.raises(ValidationFailed) as caught:
        make_session(tree.town_a_admin, campaign, tree.unit_a, starts_in_minutes=60 * 24 * 40)
    assert caught.value.code == "closed"


def test_enrol_self_capacity_and_categories(tree, campaign):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, capacity=1, person_categories=["in_post"])
    worker, worker_user = make_participant(tree)
    teacher, teacher_user = make_participant(tree, "李四", categories=("teacher",))
    other, other_user = make_participant(tree, "赵六")
    with pytest.raises(ValidationFailed) as caught:
        enrolments.enrol_self(actor=teacher_user, session_id=session.pk)
    assert "在岗职工" in caught.value.message
    enrolments.enrol_self(actor=worker_user, session_id=session.pk)
    with pytest.raises(Conflict):
        enrolments.enrol_self(actor=worker_user, session_id=session.pk)
    with pytest.raises(ValidationFailed) as caught:
        enrolments.enrol_self(actor=other_user, session_id=session.pk)
    assert "1" in caught.value.message  # full
    # A session of another town does not exist for them.
    elsewhere = make_session(tree.town_b_admin, campaign, tree.unit_b)
    with pytest.raises(NotFound):
        enrolments.enrol_self(actor=worker_user, session_id=elsewhere.pk)


def test_enrol_people_in_bulk_with_reasons(tree, campaign):
    session = make_session(tree.town_a_admin, campaign, tree.town_a, capacity=2)
    a, b, c = (make_person(n, tree.unit_a) for n in ("甲", "乙", "丙"))
    gone = make_person("丁", tree.unit_a, is_active=False)
    result = enrolments.enrol_people(actor=tree.town_a_admin, session_id=session.pk,
                                     person_ids=[a.pk, b.pk, c.pk, gone.pk])
    assert result.enrolled == [a, b]
    reasons = {person.name: reason for person, reason in result.refused}
    assert set(reasons) == {"丙", "丁"} and "2" in reasons["丙"]
    with pytest.raises(NotFound):  # another town's person
        enrolments.enrol_people(actor=tree.town_a_admin, session_id=session.pk,
                                person_ids=[make_person("戊", tree.unit_b).pk])


def test_qr_check_in_valid_forged_replaced_duplicate_not_enrolled(tree, campaign):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a)
    worker, user = make_participant(tree)
    stranger, stranger_user = make_participant(tree, "路人")
    enrolments.enrol_self(actor=user, session_id=session.pk)
    token = check_in_token(session)
    with pytest.raises(ValidationFailed) as caught:
        attendance_services.check_in(actor=user, session_id=session.pk, token=token[:-2] + "xx")
    assert caught.value.code == "code_invalid"
    other = make_session(tree.town_a_admin, campaign, tree.unit_a, title="另一场")
    with pytest.raises(ValidationFailed):  # another session's code
        attendance_services.check_in(actor=user, session_id=session.pk, token=check_in_token(other))
    with pytest.raises(ValidationFailed) as caught:
        attendance_services.check_in(actor=stranger_user, session_id=session.pk, token=token)
    assert caught.value.code == "not_enrolled"
    attendance = attendance_services.check_in(actor=user, session_id=session.pk, token=token)
    assert attendance.hours == 2 and attendance.method == Attendance.Method.QR
    with pytest.raises(Conflict):
        attendance_services.check_in(actor=user, session_id=session.pk, token=token)
    assert MetricRecord.objects.filter(person=worker).count() == 3  # people, participations, hours: once
    sessions.session_code_reset(actor=tree.town_a_admin, session_id=session.pk)
    session.refresh_from_db()
    enrolments.enrol_self(actor=stranger_user, session_id=session.pk)
    with pytest.raises(ValidationFailed) as caught:
        attendance_services.check_in(actor=stranger_user, session_id=session.pk, token=token)
    assert caught.value.code == "code_replaced"


def test_check_in_window(tree, campaign):
    early = make_session(tree.town_a_admin, campaign, tree.unit_a, starts_in_minutes=45)
    late = make_session(tree.town_a_admin, campaign, tree.unit_a, starts_in_minutes=-200, minutes=60)
    worker, user = make_participant(tree)
    Enrolment.objects.create(session=early, person=worker, source="self")
    Enrolment.objects.create(session=late, person=worker, source="self")
    with pytest.raises(ValidationFailed) as caught:
        attendance_services.check_in(actor=user, session_id=early.pk, token=check_in_token(early))
    assert caught.value.code == "too_early"
    with pytest.raises(ValidationFailed) as caught:
        attendance_services.check_in(actor=user, session_id=late.pk, token=check_in_token(late))
    assert caught.value.code == "expired"
    assert not Attendance.objects.exists()


def test_attendance_list_partial_hours_and_recompute(tree, campaign):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, hours="3")
    a, b = make_person("甲", tree.unit_a), make_person("乙", tree.unit_a)
    enrolments.enrol_people(actor=tree.town_a_admin, session_id=session.pk, person_ids=[a.pk, b.pk])
    counts = attendance_services.attendance_mark(actor=tree.town_a_admin, session_id=session.pk,
                                                 marks={a.pk: None, b.pk: "1.5"})
    assert counts == {"added": 2, "changed": 0, "removed": 0}
    with pytest.raises(ValidationFailed):  # more than the session gives
        attendance_services.attendance_mark(actor=tree.town_a_admin, session_id=session.pk, marks={b.pk: "4"})
    with pytest.raises(ValidationFailed):  # not enrolled
        attendance_services.attendance_mark(actor=tree.town_a_admin, session_id=session.pk,
                                            marks={make_person("丙", tree.unit_a).pk: None})
    hours = {r.person_id: r.quantity for r in MetricRecord.objects.filter(metric="training.hours")}
    assert hours == {a.pk: 3.0, b.pk: 1.5}
    attendance_services.attendance_mark(actor=tree.town_a_admin, session_id=session.pk,
                                        marks={b.pk: "2.5", a.pk: False})
    hours = {r.person_id: r.quantity for r in MetricRecord.objects.filter(metric="training.hours")}
    assert hours == {b.pk: 2.5}
    change = OperationLog.objects.get(action="training.attendance_change")
    assert change.before["hours"] == "1.5" and change.after["hours"] == "2.5"
    # Lowering the session's hours lowers what was credited.
    sessions.session_update(actor=tree.town_a_admin, session_id=session.pk, hours="2")
    assert Attendance.objects.get(person=b).hours == 2
    assert MetricRecord.objects.get(metric="training.hours", person=b).quantity == 2.0


def test_attendance_needs_scope(tree, campaign):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a)
    with pytest.raises(NotFound):
        attendance_services.attendance_mark(actor=tree.town_b_admin, session_id=session.pk, marks={})
    with pytest.raises(PermissionDenied):
        attendance_services.attendance_mark(actor=tree.participant_a, session_id=session.pk, marks={})


def test_targets_move_as_attendance_arrives(tree, campaign):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a)
    people = [make_person(n, tree.unit_a) for n in ("甲", "乙", "丙", "丁")]
    enrolments.enrol_people(actor=tree.town_a_admin, session_id=session.pk, person_ids=[p.pk for p in people])

    def value(key):
        targets_refresh(actor=None, campaign_id=campaign.pk)
        return TargetValue.objects.get(target__key=key, organisation=tree.committee).value

    assert value("trained") == 0 and value("every-worker") == 0
    attendance_services.attendance_mark(actor=tree.town_a_admin, session_id=session.pk,
                                        marks={people[0].pk: None, people[1].pk: "1"})
    assert value("trained") == 2 and value("every-worker") == 50 and value("hours") == 3
    attendance_services.attendance_mark(actor=tree.town_a_admin, session_id=session.pk,
                                        marks={p.pk: None for p in people})
    assert value("trained") == 4 and value("every-worker") == 100 and value("hours") == 8


def test_cancel_only_without_attendance(tree, campaign):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a)
    person = make_person("甲", tree.unit_a)
    enrolments.enrol_people(actor=tree.town_a_admin, session_id=session.pk, person_ids=[person.pk])
    attendance_services.attendance_mark(actor=tree.town_a_admin, session_id=session.pk, marks={person.pk: None})
    with pytest.raises(ValidationFailed):
        sessions.session_cancel(actor=tree.town_a_admin, session_id=session.pk)
    with transaction.atomic():
        fresh = make_session(tree.town_a_admin, campaign, tree.unit_a, title="取消的")
    assert sessions.session_cancel(actor=tree.town_a_admin, session_id=fresh.pk).is_cancelled
    assert timezone.now() > fresh.starts_at - datetime.timedelta(hours=1)


def test_recording_a_past_session_skips_booking_rules(tree, campaign):
    session = make_session(tree.town_a_admin, campaign, tree.unit_a, capacity=1, starts_in_minutes=-300, minutes=60)
    a, b = make_person("甲", tree.unit_a), make_person("乙", tree.unit_a)
    refused = enrolments.enrol_people(actor=tree.town_a_admin, session_id=session.pk, person_ids=[a.pk])
    assert refused.enrolled == [] and "结束" in refused.refused[0][1] or "over" in refused.refused[0][1]
    recorded = enrolments.enrol_people(actor=tree.town_a_admin, session_id=session.pk, person_ids=[a.pk, b.pk],
                                       recording=True)
    assert recorded.enrolled == [a, b]  # over, and beyond the capacity: what happened is recorded
    future = make_session(tree.town_a_admin, campaign, tree.unit_a, starts_in_minutes=60)
    with pytest.raises(ValidationFailed):
        enrolments.enrol_people(actor=tree.town_a_admin, session_id=future.pk, person_ids=[a.pk], recording=True)


def test_hours_per_person(tree, campaign):
    """人均学时: the hours of the people trained divided by them, at each level from the two sums."""
    import yaml

    from suzhi.campaigns.metrics import compute_target, org_nodes
    from suzhi.campaigns.plan.check import check_plan_text

    session_a = make_session(tree.town_a_admin, campaign, tree.unit_a, hours="4")
    session_b = make_session(tree.town_b_admin, campaign, tree.unit_b, hours="2")
    a1, a2 = make_person("甲", tree.unit_a), make_person("乙", tree.unit_a)
    b1 = make_person("丙", tree.unit_b)
    enrolments.enrol_people(actor=tree.town_a_admin, session_id=session_a.pk, person_ids=[a1.pk, a2.pk])
    enrolments.enrol_people(actor=tree.town_b_admin, session_id=session_b.pk, person_ids=[b1.pk])
    attendance_services.attendance_mark(actor=tree.town_a_admin, session_id=session_a.pk,
                                        marks={a1.pk: None, a2.pk: "1"})
    attendance_services.attendance_mark(actor=tree.town_b_admin, session_id=session_b.pk, marks={b1.pk: None})
    target = campaign.targets.select_related("deadline").get(key="hours")
    target.metric = "training.hours_per_person"
    values = compute_target(target, org_nodes(campaign), tree.committee.path)
    assert values[tree.unit_a.pk].value("total") == 2.5  # (4 + 1) / 2
    assert values[tree.unit_b.pk].value("total") == 2
    assert values[tree.committee.pk].value("total") == round(7 / 3, 2)  # not the mean of 2.5 and 2
    # Kinds write the source metric only, and a per-person metric is no coverage.
    with pytest.raises(ValidationFailed), transaction.atomic():
        from suzhi.campaigns.services.records import metric_record_put

        metric_record_put(activity=session_a.activity, metric="training.hours_per_person", person=a1,
                          occurred_on=timezone.localdate(), source="x")
    data = yaml.safe_load(campaign.source)
    data["targets"][1]["metric"] = "training.hours_per_person"
    _plan, errors = check_plan_text(yaml.safe_dump(data, allow_unicode=True))
    assert [e.path for e in errors] == ["targets[1].form"]
