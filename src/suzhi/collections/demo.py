"""The Dunhuang collections of the demo campaign, with submissions at every level: waiting at their units, at the
towns and system unions (七里镇 has a queue for the town login), returned, not recommended, at the federation and
accepted (finalists). The worker login (zhigong) has one suggestion waiting at the unit and may submit more today.
The accepted ones go to expert judging where the plan sets it up: the suggestions' round is scored, verified and
published, and the best adopted suggestion has its implementation reported and its measured benefit confirmed
(the next one is in progress); in the technical innovations' round the printed judge (pingwei) has sheets left
to score today.

Everything goes through the services, on the plan's past days (submitted in its submitting phases, reviewed in the
review phase up to yesterday); an activity with submissions already is left alone. Loaded again on a later day,
the submissions and their steps move with the phases (`shift_collection_demo`).
"""

import datetime
import logging
import random
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from suzhi.campaigns.models import Activity, Campaign
from suzhi.collections.models import Implementation, ImplementationStep, ReviewStep, Submission
from suzhi.people.models import Person

logger = logging.getLogger(__name__)

CAMPAIGN = "dunhuang-2024"
PER_ACTIVITY = 18
TOWN_CODES = ("DH-QLZ", "DH-SZZ", "DH-WJXT", "DH-MGZ", "DH-JYXT")  # 七里镇 first: the town login's queue

SUGGESTIONS = [
    ("空压机加装变频控制降低空载能耗", "车间空压机长期空载运行，电耗高。", "加装变频器，按用气量自动调速。", 8.6,
     "年节电约12万千瓦时"),
    ("锅炉余热回收用于职工浴室供热", "锅炉排烟温度高，热量白白浪费。", "增设烟气换热器回收余热。", 5.2,
     "年节约标准煤约60吨"),
    ("推行设备点检电子化", "纸质点检表易漏填、难追溯。", "使用手机扫码点检并自动汇总。", 2.4, ""),
    ("包装材料循环使用", "周转箱一次性使用，浪费大。", "改用可折叠周转箱回收复用。", 3.1, "年减少纸箱消耗约2万个"),
    ("照明改造为LED节能灯", "厂区照明仍使用高耗能灯具。", "分批更换为LED灯并加装光控。", 4.0, "年节电约5万千瓦时"),
    ("优化排班减少设备空转", "交接班时设备空转时间长。", "调整交接班流程，设备按需启停。", 1.8, ""),
]
INNOVATIONS = [
    ("小发明", "自制滤芯快速拆装工具", "将更换滤芯时间由40分钟缩短到10分钟。", "已在本班组推广使用半年。", 1.5),
    ("小革新", "输送带跑偏自动纠偏装置", "利用限位轮自动纠正输送带跑偏。", "已在两条生产线应用。", 6.3),
    ("先进操作法", "“三查两定”设备巡检法", "查温度、查声音、查振动，定人定时。", "在全车间推广，故障率下降30%。", 12.0),
    ("小设计", "配电柜防误操作标识改进", "采用颜色分区和图示标识。", "已完成全厂配电柜改造。", 0.8),
    ("小建议", "库房物资定置管理", "物资定位摆放、标识清楚。", "取用时间平均缩短一半。", 0.5),
]
NOMINATIONS = [
    ("person", "优秀职工", "扎根一线二十年的技术骨干"), ("team", "工人先锋号", "检修一班"),
    ("person", "优秀工会干部", "热心为职工服务的工会主席"), ("unit", "工人先锋岗", "客户服务中心窗口"),
]
COMMENTS = {"return": "请补充效益测算依据。", "reject": "与本单位实际结合不够，暂不推荐。"}


def _values(key: str, index: int) -> tuple[str, dict[str, Any]]:
    if key == "suggestions":
        title, situation, proposal, benefit, energy = SUGGESTIONS[index % len(SUGGESTIONS)]
        return title, {"situation": situation, "proposal": proposal, "economic_benefit": benefit,
                       "energy_saving": energy}
    if key == "innovations":
        kind, title, description, implementation, benefit = INNOVATIONS[index % len(INNOVATIONS)]
        return title, {"type": kind, "description": description, "implementation": implementation,
                       "benefit": benefit}
    nominee_type, honour, nominee = NOMINATIONS[index % len(NOMINATIONS)]
    return f"推荐{nominee}为{honour}", {"nominee_type": nominee_type, "honour": honour, "nominee": nominee,
                                        "deeds": f"{nominee}爱岗敬业、勇于创新，在本岗位作出了突出贡献。"}


def _window(activity: Activity, action: str) -> tuple[datetime.date, datetime.date]:
    """From the first day the plan opens `action` to yesterday (or the phase's end, if earlier)."""
    phases = list(activity.campaign.phases.filter(key__in=activity.open_in.get(action, [])))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    first = min((p.starts_on for p in phases), default=yesterday)
    return first, max(first, min([p.effective_end for p in phases] + [yesterday]))


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _authors(rng: random.Random) -> list[Person]:
    """Roster people of the units below the towns and system unions, the towns in turn."""
    people = []
    for code in TOWN_CODES:
        found = list(Person.objects.filter(
            is_active=True, user__isnull=True, organisation__code__startswith=f"{code}-",
            organisation__org_type__code__in=["enterprise", "school"]).order_by("id")[:40])
        rng.shuffle(found)
        people.append(found)
    order = []
    for i in range(PER_ACTIVITY):
        pool = people[i % len(people)] or next((p for p in people if p), [])
        if pool:
            order.append(pool[(i // len(people)) % len(pool)])
    return order


def _load_activity(admin: Any, activity: Activity, rng: random.Random) -> int:
    from suzhi.collections.services.reviews import submission_review
    from suzhi.collections.services.submissions import AuthorIn, submission_save, submission_submit

    settings = activity.settings or {}
    categories = settings.get("categories") or []
    first, last = _window(activity, "submit")
    review_first, review_last = _window(activity, "review")
    made = 0
    for index, person in enumerate(_authors(rng)):
        title, values = _values(activity.key, index)
        day = first + datetime.timedelta(days=rng.randrange(max(1, (min(last, review_last) - first).days + 1)))
        at = _moment(day, 9)
        with transaction.atomic():
            item = submission_save(actor=admin, activity_id=activity.pk, title=title, values=values,
                                   category=categories[index % len(categories)] if categories and index % 2 else "",
                                   organisation_id=person.organisation_id, authors=[AuthorIn(person.pk, 100)], now=at)
            submission_submit(actor=admin, submission_id=item.pk, now=at)
            # 0 waits at the unit; 1 at the town; 2 returned by the town; 3 not recommended by the unit;
            # 4 waits at the federation; 5 accepted.
            plan = {0: [], 1: ["recommend"], 2: ["recommend", "return"], 3: ["reject"],
                    4: ["recommend", "recommend"], 5: ["recommend", "recommend", "recommend"]}[index // 3 % 6]
            when = max(day, review_first)
            for step, action in enumerate(plan):
                moment = _moment(min(when + datetime.timedelta(days=step), review_last), 10 + step)
                extra = {"comment": COMMENTS.get(action, "")}
                if action == "recommend" and categories and not item.category:
                    submission_review(actor=admin, submission_id=item.pk, action="classify",
                                      category=categories[0], now=moment)
                    item.category = categories[0]
                submission_review(actor=admin, submission_id=item.pk, action=action, now=moment, **extra)
        made += 1
    return made


def _worker_suggestion(activity: Activity) -> None:
    """The worker login's own suggestion, waiting at the unit."""
    from suzhi.collections.services.submissions import submission_save, submission_submit
    from suzhi.core.models import User

    worker = User.objects.filter(username="zhigong").first()
    if worker is None or not Person.objects.filter(user=worker).exists():
        return
    title, values = _values("suggestions", 0)
    with transaction.atomic():
        item = submission_save(actor=worker, activity_id=activity.pk, title="班组交接班记录电子化",
                               values={**values, "situation": "交接班记录为纸质，查阅不便。",
                                       "proposal": "使用手机填写交接班记录，自动存档。", "economic_benefit": 0.6})
        submission_submit(actor=worker, submission_id=item.pk)


JUDGES = ("pingwei", "pingwei2", "pingwei3")
PRINTED_JUDGE = "pingwei"


def _judged_round(admin: Any, activity: Activity, *, publish: bool) -> None:
    """The judges' panel, an automatic assignment and scores; `publish`: every sheet scored and the results
    computed, verified by the committee's login and published, and the plan's awards applied; otherwise the printed
    judge's sheets stay open."""
    from suzhi.collections.services.decisions import decisions_apply
    from suzhi.core.models import User
    from suzhi.judging.models import Assignment, Entry
    from suzhi.judging.rubric import JudgingSettings
    from suzhi.judging.services.assignments import assignment_auto
    from suzhi.judging.services.entries import panel_set
    from suzhi.judging.services.results import results_compute, results_publish, results_verify
    from suzhi.judging.services.scores import score_save, sheet_submit

    judges = list(User.objects.filter(username__in=JUDGES, is_active=True))
    if len(judges) < 2 or not Entry.objects.filter(activity=activity).exists():
        return
    rules = JudgingSettings.model_validate((activity.settings or {}).get("judging") or {})
    rng = random.Random(activity.pk)
    with transaction.atomic():
        panel_set(actor=admin, activity_id=activity.pk, judge_ids=[judge.pk for judge in judges])
        assignment_auto(actor=admin, activity_id=activity.pk)
        for sheet in Assignment.objects.filter(entry__activity=activity).select_related("judge").order_by("pk"):
            if not publish and sheet.judge.get_username() == PRINTED_JUDGE:
                continue
            values = {c.key: round(c.max_score * rng.uniform(0.55, 0.95)) for c in rules.rubric}
            score_save(actor=sheet.judge, assignment_id=sheet.pk, values=values)
            sheet_submit(actor=sheet.judge, assignment_id=sheet.pk)
        if publish:
            verifier = User.objects.filter(username="zuweihui").first()
            results_compute(actor=admin, activity_id=activity.pk)
            if verifier is not None:
                results_verify(actor=verifier, activity_id=activity.pk)
                results_publish(actor=admin, activity_id=activity.pk)
                if (activity.settings or {}).get("awards"):
                    decisions_apply(actor=admin, activity_id=activity.pk)
                    _implementations(admin, verifier, activity)


def _implementations(admin: Any, verifier: Any, activity: Activity) -> None:
    """The best adopted suggestion implemented, its measured benefit reported by the unit (the admin submitted for
    it) and confirmed by the committee's login; the next one in progress."""
    from suzhi.collections.models import Decision
    from suzhi.collections.services.implementation import implementation_confirm, implementation_report

    adopted = list(Decision.objects.filter(submission__activity=activity, adopted=True).select_related(
        "submission").order_by("place", "submission_id")[:2])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for index, decision in enumerate(adopted):
        submission = decision.submission
        if index == 0:
            estimated = (submission.values or {}).get("economic_benefit") or 1
            implementation_report(actor=admin, submission_id=submission.pk, status="in_progress",
                                  note="已立项，设备采购中。", now=_moment(yesterday, 9))
            implementation_report(actor=admin, submission_id=submission.pk, status="implemented",
                                  measured_benefit=f"{float(estimated) * 0.9:.2f}",
                                  note="改造完成，按一季度实际电费测算。", now=_moment(yesterday, 14))
            implementation_confirm(actor=verifier, submission_id=submission.pk, comment="经财务部门核实。",
                                   now=_moment(yesterday, 16))
        else:
            implementation_report(actor=admin, submission_id=submission.pk, status="in_progress",
                                  note="已列入本年度技改计划。", now=_moment(yesterday, 11))


def shift_collection_demo(campaign: Campaign, delta: datetime.timedelta) -> None:
    """The campaign's submissions and their steps follow its phases, moved by the demo loaded on a later day."""
    rows = Submission.objects.filter(activity__campaign=campaign)
    rows.update(submitted_at=F("submitted_at") + delta, created_at=F("created_at") + delta)
    ReviewStep.objects.filter(submission__activity__campaign=campaign).update(at=F("at") + delta)
    Implementation.objects.filter(submission__activity__campaign=campaign).update(
        reported_at=F("reported_at") + delta, confirmed_at=F("confirmed_at") + delta)
    ImplementationStep.objects.filter(implementation__submission__activity__campaign=campaign).update(
        at=F("at") + delta)


def load_collection_demo(admin: Any) -> None:
    campaign = Campaign.objects.filter(code=CAMPAIGN).first()
    if campaign is None:
        return
    rng = random.Random(2024)
    for activity in campaign.activities.filter(kind="collection").select_related("campaign").order_by("pk"):
        if Submission.objects.filter(activity=activity).exists():
            continue
        made = _load_activity(admin, activity, rng)
        if activity.key == "suggestions":
            _worker_suggestion(activity)
        if (activity.settings or {}).get("judging"):
            _judged_round(admin, activity, publish=activity.key == "suggestions")
        logger.info("demo collection loaded: %s (%d submissions)", activity.title, made)
