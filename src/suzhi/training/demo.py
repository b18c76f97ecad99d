"""Training records for the demo campaign (Dunhuang), so its dashboard shows real progress and a participant has
sessions to join.

Each town's training station (农民工技能培训站) runs a few skills classes for laid-off and migrant workers, and
the city federation (市总工会) a series of lectures for workers in post (“职工素质提升讲座”), on the days of the
plan's launch and rollout phases that have passed (the demo moves the phases so that today is in the rollout; see
campaigns/demo.py). Who came is recorded the way an organiser would after the fact: enrolled from the roster as a
sign-in sheet, then marked on the attendance list, with some partial hours and some absences. Ahead are sessions
open for enrolment: a three-day class for workers in post at 七里镇's station running today (check-in open), more
classes and two lectures in the coming days. Everything goes through the services; the generator is seeded, and an
activity that has sessions already is left alone, so loading twice changes nothing. Loaded again on a later day,
the campaign's sessions and attendance move with its phases (`shift_training_demo`).
"""

import datetime
import logging
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from suzhi.campaigns.models import Activity, Campaign
from suzhi.core.demo import TOWN_CODES
from suzhi.core.models import Organisation
from suzhi.people.models import Person
from suzhi.training.models import Attendance, Enrolment, TrainingSession

logger = logging.getLogger(__name__)

CAMPAIGN = "dunhuang-2024"
# Dunhuang's economy: tourism and hospitality, farming (cotton, grapes, melons), building and transport.
SKILLS_CLASSES = [
    ("中式烹调技能培训班", "class", "市人社局职业技能鉴定考评员 马建国"),
    ("家政服务员技能培训班", "class", "敦煌市家政服务协会 王秀兰"),
    ("电工上岗技能培训班", "class", "市总工会职工职业技能培训基地 李志强"),
    ("电焊工实操培训班", "workshop", "市总工会职工职业技能培训基地 赵刚"),
    ("民宿服务与旅游接待技能培训班", "class", "敦煌文旅集团培训部 陈海燕"),
    ("葡萄与棉花种植技术培训班", "class", "市农业技术推广中心 周文华"),
    ("敦煌彩塑与手工艺品制作实训", "workshop", "敦煌市工艺美术协会 杨春梅"),
    ("汽车驾驶与维修保养实训", "workshop", "市交通运输职业培训学校 郭永福"),
    ("创业就业指导培训班", "class", "市人社局就业服务中心 孙晓东"),
]
LECTURES = [
    ("职业道德与敬业精神专题讲座", "市委党校 高红"),
    ("安全生产法律法规知识讲座", "市应急管理局 吴磊"),
    ("服务意识与沟通技巧提升讲座", "敦煌文旅集团培训部 陈海燕"),
    ("团队合作与执行力专题讲座", "市总工会特聘讲师 林涛"),
]
LECTURE_HALL = "敦煌市总工会职工职业技能培训基地报告厅"
# Open now: a three-day class of 七里镇's union federation for workers in post, held at the town's station (the
# town's people see sessions organised at or above their unit: a participant of 七里镇 can enrol and check in).
CURRENT_CLASS = ("QLZ", "在岗职工安全生产与岗位技能提升培训班（三天）", "市总工会职工职业技能培训基地 李志强")
# Ahead: (days from today, town, title, form, hours), and the next lectures of the city federation.
UPCOMING_CLASSES = [(3, "QLZ", "电工上岗技能培训班（第二期）", "class", 8),
                    (5, "SZZ", "家政服务员技能培训班（第二期）", "class", 6),
                    (8, "MGZ", "民宿服务与旅游接待技能培训班（第二期）", "workshop", 6)]
UPCOMING_LECTURES = [(4, "职工心理健康与压力管理讲座", "市卫健系统特聘讲师 何静"),
                     (11, "劳动法律法规与职工权益保护讲座", "市总工会法律援助中心 罗斌")]


class _Days:
    """The days sessions of an activity can have happened on: from the first day the plan opens create_session
    to yesterday, so their attendance can be recorded."""

    def __init__(self, activity: Activity) -> None:
        keys = activity.open_in.get("create_session", [])
        phases = list(activity.campaign.phases.filter(key__in=keys))
        today = timezone.localdate()
        self.first = min((p.starts_on for p in phases), default=today - datetime.timedelta(days=30))
        self.last = max(self.first, min([p.ends_on for p in phases] + [today - datetime.timedelta(days=1)]))

    def pick(self, rng: random.Random) -> datetime.date:
        day = self.first + datetime.timedelta(days=rng.randrange((self.last - self.first).days + 1))
        if day.weekday() == 6 and day < self.last:  # classes run on weekdays and Saturdays
            day += datetime.timedelta(days=1)
        return day


def _times(day: datetime.date, hours: int) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9 if hours > 2 else 15, 0)))
    # A whole-day class breaks for lunch.
    return start, start + datetime.timedelta(hours=hours + (1.5 if hours > 4 else 0))


def _people(organisations: QuerySet[Organisation], categories: list[str]) -> list[Person]:
    paths = list(organisations.values_list("path", flat=True))
    found: dict[int, Person] = {}
    for path in paths:
        for person in Person.objects.filter(organisation__path__startswith=path, is_active=True,
                                            categories__code__in=categories).order_by("id"):
            found[person.pk] = person
    return [found[pk] for pk in sorted(found)]


def _record(admin: Any, session: TrainingSession, people: list[Person], rng: random.Random) -> None:
    """Who came: everyone on the sign-in sheet is enrolled; about one in ten did not turn up, and about one in
    six left early and is credited part of the hours."""
    from suzhi.training.services.attendance import attendance_mark
    from suzhi.training.services.enrolments import enrol_people

    result = enrol_people(actor=admin, session_id=session.pk, person_ids=[p.pk for p in people],
                          source=Enrolment.Source.IMPORT, recording=True)
    marks: dict[int, Any] = {}
    for person in result.enrolled:
        roll = rng.random()
        if roll < 0.1:
            continue
        if roll < 0.27 and session.hours > 1:
            marks[person.pk] = str(max(Decimal("1"), session.hours - rng.choice([1, 2])))
        else:
            marks[person.pk] = None
    if marks:
        attendance_mark(actor=admin, session_id=session.pk, marks=marks, method=Attendance.Method.LIST)


def _skills_classes(admin: Any, activity: Activity, rng: random.Random) -> int:
    from suzhi.training.services.sessions import session_create

    days = _Days(activity)
    created = 0
    for town_code in TOWN_CODES:
        station = Organisation.objects.filter(code=f"DH-{town_code}-01").first()
        town = Organisation.objects.filter(code=f"DH-{town_code}").first()
        if station is None or town is None:
            continue
        # The station's own trainees, and the migrant workers of the town's enterprises.
        pool = _people(Organisation.objects.filter(pk=station.pk), ["laid_off", "migrant"])
        pool += [p for p in _people(Organisation.objects.filter(path__startswith=town.path,
                                                                org_type__code="enterprise"), ["migrant"])
                 if p not in pool]
        for title, form, trainer in rng.sample(SKILLS_CLASSES, rng.choice([2, 3])):
            hours = rng.choice([4, 6, 8])
            starts_at, ends_at = _times(days.pick(rng), hours)
            session = session_create(
                actor=admin, activity_id=activity.pk, title=f"{town.short_name or town.name}{title}", form=form,
                organiser_id=station.pk, starts_at=starts_at, ends_at=ends_at, hours=hours, capacity=40,
                trainer=trainer, place=f"{station.name}实训教室", person_categories=["laid_off", "migrant"],
            )
            created += 1
            if pool:
                _record(admin, session, rng.sample(pool, min(len(pool), rng.randint(9, 16))), rng)
    return created + _skills_ahead(admin, activity)


def _skills_ahead(admin: Any, activity: Activity) -> int:
    """The class running now and the classes of the coming days, open for enrolment."""
    from suzhi.training.services.sessions import session_create

    today = timezone.localdate()
    created = 0
    code, title, trainer = CURRENT_CLASS
    town, station = (Organisation.objects.filter(code=c).first() for c in (f"DH-{code}", f"DH-{code}-01"))
    if town is not None and station is not None:
        starts_at = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=1),
                                                                  datetime.time(8, 30)))
        session_create(
            actor=admin, activity_id=activity.pk, title=title, form="class", organiser_id=town.pk,
            starts_at=starts_at, ends_at=starts_at + datetime.timedelta(days=2, hours=9), hours=18, capacity=60,
            trainer=trainer, place=f"{station.name}实训教室", person_categories=["in_post"],
        )
        created += 1
    for days, code, title, form, hours in UPCOMING_CLASSES:
        town, station = (Organisation.objects.filter(code=c).first() for c in (f"DH-{code}", f"DH-{code}-01"))
        if town is None or station is None:
            continue
        starts_at, ends_at = _times(today + datetime.timedelta(days=days), hours)
        session_create(
            actor=admin, activity_id=activity.pk, title=f"{town.short_name}{title}", form=form, organiser_id=town.pk,
            starts_at=starts_at, ends_at=ends_at, hours=hours, capacity=40, trainer="市总工会职工职业技能培训基地 赵刚",
            place=f"{station.name}实训教室", person_categories=["laid_off", "migrant", "in_post"],
        )
        created += 1
    return created


def _lectures(admin: Any, activity: Activity, rng: random.Random) -> int:
    from suzhi.training.services.sessions import session_create

    federation = Organisation.objects.filter(code="DH-ZGH").first()
    if federation is None:
        return 0
    pool = _people(Organisation.objects.filter(path__startswith=federation.path, org_type__code="enterprise"),
                   ["in_post"])
    days = _Days(activity)
    for title, trainer in LECTURES:
        starts_at, ends_at = _times(days.pick(rng), 2)
        session = session_create(
            actor=admin, activity_id=activity.pk, title=title, form="lecture", organiser_id=federation.pk,
            starts_at=starts_at, ends_at=ends_at, hours=2, capacity=200, trainer=trainer, place=LECTURE_HALL,
            person_categories=["in_post"],
        )
        if pool:
            _record(admin, session, rng.sample(pool, min(len(pool), rng.randint(30, 60))), rng)
    today = timezone.localdate()
    for ahead, title, trainer in UPCOMING_LECTURES:
        starts_at, ends_at = _times(today + datetime.timedelta(days=ahead), 2)
        session_create(
            actor=admin, activity_id=activity.pk, title=title, form="lecture", organiser_id=federation.pk,
            starts_at=starts_at, ends_at=ends_at, hours=2, capacity=200, trainer=trainer, place=LECTURE_HALL,
            person_categories=["in_post"],
        )
    return len(LECTURES) + len(UPCOMING_LECTURES)


def shift_training_demo(campaign: Campaign, delta: datetime.timedelta) -> None:
    """The campaign's sessions and attendance follow its phases, moved by the demo loaded on a later day."""
    sessions = TrainingSession.objects.filter(activity__campaign=campaign)
    sessions.update(starts_at=F("starts_at") + delta, ends_at=F("ends_at") + delta)
    Attendance.objects.filter(session__in=sessions).update(checked_in_at=F("checked_in_at") + delta)
    Enrolment.objects.filter(session__in=sessions).update(created_at=F("created_at") + delta)


def load_training_demo(admin: Any) -> None:
    from suzhi.campaigns.services.targets import targets_refresh

    campaign = Campaign.objects.filter(code=CAMPAIGN).first()
    if campaign is None:
        return
    rng = random.Random(2024)
    created = 0
    for key, make in (("skills-training", _skills_classes), ("lectures", _lectures)):
        activity = campaign.activities.filter(key=key, kind="training").first()
        if activity is None or TrainingSession.objects.filter(activity=activity).exists():
            continue
        # All of an activity or none of it: a half-loaded activity would be skipped as done next time. One
        # commit also queues one background recomputation instead of one per session.
        with transaction.atomic():
            created += make(admin, activity, rng)
    targets_refresh(actor=None, campaign_id=campaign.pk)
    if created:
        logger.info("demo training sessions created: %d", created)
