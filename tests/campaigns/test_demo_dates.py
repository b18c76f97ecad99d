"""The demo campaign's dates follow the day it is loaded: today falls in the busiest phase (基层比赛与培训), the
contest and trainings are open for the demo participant, and loading again later moves everything with it."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from suzhi.campaigns.demo import busiest_phase, demo_offset, shifted_text
from suzhi.campaigns.eligibility import window
from suzhi.campaigns.models import Campaign, MetricRecord
from suzhi.campaigns.plan.check import parse_plan_text
from suzhi.core.models import User
from suzhi.people.models import Person
from suzhi.quizzes.models import Attempt, Quiz
from suzhi.training.codes import check_in_token
from suzhi.training.models import Attendance, TrainingSession

pytestmark = pytest.mark.django_db
PLAN = settings.PLANS_DIR / "dunhuang-2024.yaml"


def test_the_plan_file_moves_whole_days_with_its_comments():
    text = PLAN.read_text(encoding="utf-8")
    plan = parse_plan_text(text, check_db=False)
    assert busiest_phase(plan) == "rollout"
    today = datetime.date(2027, 2, 3)
    offset = demo_offset(plan, today)
    moved = parse_plan_text(shifted_text(text, plan, offset), check_db=False)
    rollout = next(p for p in moved.phases if p.key == "rollout")
    assert rollout.start + datetime.timedelta(days=14) == today
    for before, after in zip(plan.phases, moved.phases, strict=True):  # lengths and overlaps kept
        assert (after.start - before.start, after.end - before.end) == (offset, offset)
    assert moved.year == 2027 and moved.title == "敦煌市2027年职工职业技能素质提升活动工作方案"
    assert shifted_text(text, plan, offset).count("\n#") == text.count("\n#")
    assert re.search(r"start: 2024-04-10", PLAN.read_text(encoding="utf-8"))  # the file stays the seed's


def _open_for(user, now):
    """What the participant can do now: start the contest, enrol in and check in to the class running today."""
    from suzhi.quizzes.services.attempts import attempt_start
    from suzhi.training.services.attendance import check_in
    from suzhi.training.services.enrolments import enrol_self

    quiz = Quiz.objects.get(activity__campaign__code="dunhuang-2024")
    attempt = attempt_start(actor=user, quiz_id=quiz.pk)
    running = TrainingSession.objects.get(starts_at__lte=now, ends_at__gte=now, person_categories=["in_post"])
    enrol_self(actor=user, session_id=running.pk)
    attendance = check_in(actor=user, session_id=running.pk, token=check_in_token(running))
    upcoming = TrainingSession.objects.filter(starts_at__gt=now, activity__campaign__code="dunhuang-2024")
    return attempt, attendance, upcoming


def test_the_demo_is_open_today_and_stays_current_when_loaded_again():
    with freeze_time("2026-03-05 02:00:00"):  # 10:00 in Dunhuang
        call_command("demo")
        today = timezone.localdate()
        campaign = Campaign.objects.get(code="dunhuang-2024")
        rollout = campaign.phases.get(key="rollout")
        assert rollout.title == "基层比赛与培训、评选上报" and rollout.starts_on <= today <= rollout.ends_on
        assert campaign.year == 2026 and "2026年" in campaign.title
        zhigong = User.objects.get(username="zhigong")
        person = Person.objects.get(user=zhigong)
        assert person.organisation.code == "DH-QLZ-02"
        danwei = Person.objects.get(user__username="danwei")
        assert danwei.organisation.code == "DH-QLZ-02"
        attempt, attendance, upcoming = _open_for(zhigong, timezone.now())
        assert attempt.state == Attempt.State.IN_PROGRESS and attendance.hours == 18
        ahead = upcoming.count()
        assert upcoming.filter(activity__key="lectures").count() == 2 and ahead >= 5
        # Records of the past: sessions and attempts only before today, inside the phases.
        launch = campaign.phases.get(key="launch")
        past = TrainingSession.objects.exclude(pk=attendance.session_id).filter(starts_at__lt=timezone.now())
        assert past.exists() and all(launch.starts_on <= timezone.localdate(s.starts_at) < today for s in past)
        session_days = sorted(TrainingSession.objects.values_list("starts_at", flat=True))
        records = sorted(MetricRecord.objects.values_list("occurred_on", flat=True))
        call_command("demo")  # the same day: nothing moves
        assert sorted(TrainingSession.objects.values_list("starts_at", flat=True)) == session_days

    later = datetime.timedelta(days=200)
    with freeze_time(datetime.datetime(2026, 3, 5, 2, 0) + later):
        call_command("demo")
        today = timezone.localdate()
        campaign.refresh_from_db()
        rollout = campaign.phases.get(key="rollout")
        assert rollout.starts_on <= today <= rollout.ends_on
        assert sorted(TrainingSession.objects.values_list("starts_at", flat=True)) == [d + later for d in session_days]
        assert sorted(MetricRecord.objects.values_list("occurred_on", flat=True)) == [d + later for d in records]
        attendance.refresh_from_db()
        attempt.refresh_from_db()
        assert attendance.session.starts_at <= timezone.now() <= attendance.session.ends_at
        assert attempt.started_at == datetime.datetime(2026, 3, 5, 2, 0, tzinfo=datetime.UTC) + later
        quiz_activity = Quiz.objects.get().activity
        assert window("attempt", quiz_activity, at=timezone.now())
        assert window("enroll", attendance.session.activity, at=timezone.now())
        assert TrainingSession.objects.filter(starts_at__gt=timezone.now()).count() == ahead
        assert Attendance.objects.filter(session__starts_at__gt=timezone.now()).count() == 0
