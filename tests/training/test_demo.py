"""The demo's training records: realistic sessions in the Dunhuang campaign's phases, loaded once, and the
campaign's targets moving because of them."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from suzhi.campaigns.models import Campaign, MetricRecord, TargetValue
from suzhi.core import demo
from suzhi.core.models import OperationLog
from suzhi.training.models import Attendance, Enrolment, TrainingSession

pytestmark = pytest.mark.django_db


def test_the_loader_is_registered():
    assert "suzhi.training.demo.load_training_demo" in [getattr(loader, "dotted", "") for loader in demo._LOADERS]


def counts():
    return (
        sorted(TrainingSession.objects.values_list("activity__key", "organiser__code", "title", "starts_at", "hours")),
        Enrolment.objects.count(),
        sorted(Attendance.objects.values_list("session__title", "person__id_number", "hours")),
        MetricRecord.objects.filter(metric__startswith="training.").count(),
        OperationLog.objects.count(),
    )


def test_demo_training_twice_gives_the_same_records_and_moves_the_targets():
    call_command("demo")
    first = counts()
    call_command("demo")
    assert counts() == first

    campaign = Campaign.objects.get(code="dunhuang-2024")
    sessions = TrainingSession.objects.filter(activity__campaign=campaign)
    skills = sessions.filter(activity__key="skills-training")
    past = skills.filter(ends_at__lt=timezone.now())
    assert 18 <= past.count() <= 27  # 2–3 classes at each of the 9 towns' stations
    assert set(past.values_list("organiser__org_type__code", flat=True)) == {"training_station"}
    # Ahead: the towns' classes open for enrolment, one of them running now.
    assert skills.exclude(pk__in=past).count() == 4
    assert set(skills.values_list("form", flat=True)) <= {"class", "workshop"}
    assert all(4 <= s.hours <= 8 and s.capacity == 40 for s in past)
    lectures = sessions.filter(activity__key="lectures")
    assert set(lectures.values_list("organiser__code", "form", "hours")) == {("DH-ZGH", "lecture", 2)}
    assert lectures.filter(starts_at__gt=timezone.now()).count() == 2
    # Every session starts inside launch/rollout (moved to the day of loading); those of the past have attendance.
    launch, rollout = campaign.phases.get(key="launch"), campaign.phases.get(key="rollout")
    assert all(launch.starts_on <= timezone.localdate(s.starts_at) <= rollout.ends_on for s in sessions)
    attended = Attendance.objects.filter(session__activity__campaign=campaign)
    partial = [a for a in attended.select_related("session") if a.hours < a.session.hours]
    assert partial, "some people left early"
    assert Enrolment.objects.count() > attended.count(), "some people did not turn up"

    values = {v.target.key: v.value for v in TargetValue.objects.filter(
        target__campaign=campaign, organisation=campaign.organiser).select_related("target")}
    assert values["city-10000"] > 0 and values["every-worker-trained"] > 0
    station_values = TargetValue.objects.filter(target__key="stations-300", organisation__code="DH-QLZ-01")
    assert station_values.get().value > 0
