"""The 安康杯 knowledge contest of the demo campaign (Dunhuang), so its contest pages show real rankings.

The city federation keeps a safety-knowledge bank imported from the text format (fixtures/ankang-demo.txt); the
contest draws 8 single-choice, 4 multiple-choice and 8 true/false questions per person. Some workers of each town
took it on the days of the plan's phases that have passed (the demo moves the phases so that today is in the rollout,
see campaigns/demo.py), each answering as well as their own (seeded) knowledge lets them; it stays open for everyone
else. Everything goes through the services; a campaign whose activity has a contest already is left alone. Loaded
again on a later day, the attempts move with the phases (`shift_quiz_demo`).
"""

import datetime
import logging
import random
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from suzhi.campaigns.models import Activity, Campaign
from suzhi.people.models import Person
from suzhi.quizzes.models import Attempt, AttemptAnswer, Quiz, QuizResult

logger = logging.getLogger(__name__)

CAMPAIGN, ACTIVITY = "dunhuang-2024", "ankang-quiz"
FIXTURE = Path(__file__).parent / "fixtures" / "ankang-demo.txt"
PEOPLE = 48
RULES = {
    "time_limit_minutes": 30, "attempts_per_person": 1, "counted_attempt": "highest",
    "multiple_choice_credit": "partial", "show_results": "after_submit",
    "paper": {"mode": "random", "shuffle_questions": True, "shuffle_options": True, "quotas": [
        {"type": "single", "count": 8, "points": 5}, {"type": "multiple", "count": 4, "points": 5},
        {"type": "true_false", "count": 8, "points": 5}]},
}


def _answer(slot: dict[str, Any], version: Any, knows: bool, rng: random.Random) -> dict[str, Any]:
    """A response in display positions: right when the person knows it, otherwise a plausible guess."""
    if slot["type"] == "true_false":
        return {"value": version.answer_bool if knows else rng.random() < 0.5}
    shown = {original: position for position, original in enumerate(slot["order"])}
    right = [shown[i] for i, option in enumerate(version.options) if option["weight"] > 0]
    if knows:
        return {"choices": right}
    if slot["type"] == "single":
        return {"choices": [rng.randrange(len(slot["order"]))]}
    return {"choices": right[: max(1, len(right) - 1)]}  # missed one: partial credit


def _days(activity: Activity) -> tuple[datetime.date, datetime.date]:
    """From the first day the plan opens the contest to yesterday."""
    phases = list(activity.campaign.phases.filter(key__in=activity.open_in.get("attempt", [])))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    first = min((p.starts_on for p in phases), default=yesterday)
    return first, max(first, min([p.ends_on for p in phases] + [yesterday]))


def _take(user: Any, quiz: Quiz, skill: float, rng: random.Random, days: tuple[datetime.date, datetime.date]) -> None:
    from suzhi.quizzes.models import QuestionVersion
    from suzhi.quizzes.services.attempts import answer_save, attempt_start, attempt_submit

    first, last = days
    day = first + datetime.timedelta(days=rng.randrange((last - first).days + 1))
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(8, 21), rng.randrange(60))))
    attempt = attempt_start(actor=user, quiz_id=quiz.pk, now=start)
    versions = QuestionVersion.objects.in_bulk([slot["version"] for slot in attempt.paper])
    moment = start
    for i, slot in enumerate(attempt.paper):
        moment += datetime.timedelta(seconds=rng.randint(12, 70))
        answer_save(actor=user, attempt_id=attempt.pk, slot=i, now=moment,
                    response=_answer(slot, versions[slot["version"]], rng.random() < skill, rng))
    attempt_submit(actor=user, attempt_id=attempt.pk, now=moment + datetime.timedelta(seconds=rng.randint(5, 60)))


def shift_quiz_demo(campaign: Campaign, delta: datetime.timedelta) -> None:
    """The campaign's attempts follow its phases, moved by the demo loaded on a later day."""
    attempts = Attempt.objects.filter(quiz__activity__campaign=campaign)
    attempts.update(started_at=F("started_at") + delta, deadline=F("deadline") + delta,
                    finished_at=F("finished_at") + delta)
    AttemptAnswer.objects.filter(attempt__in=attempts).update(saved_at=F("saved_at") + delta)
    QuizResult.objects.filter(quiz__activity__campaign=campaign).update(finished_at=F("finished_at") + delta)


def load_quiz_demo(admin: Any) -> None:
    from suzhi.people.services.persons import person_login_create
    from suzhi.quizzes.services.contests import quiz_create, quiz_publish
    from suzhi.quizzes.services.questions import bank_create, questions_import
    from suzhi.quizzes.services.results import results_refresh

    campaign = Campaign.objects.filter(code=CAMPAIGN).first()
    activity = campaign.activities.filter(key=ACTIVITY, kind="quiz").select_related("organiser").first() \
        if campaign else None
    if activity is None or Quiz.objects.filter(activity=activity).exists():
        return
    rng = random.Random(2024)
    with transaction.atomic():
        bank = bank_create(actor=admin, organisation_id=activity.organiser_id, name="“安康杯”安全生产知识题库",
                           description="安全生产法律法规、消防、用电、职业健康和应急处置知识。")
        questions_import(actor=admin, bank_id=bank.pk, data=FIXTURE.read_bytes(), filename=FIXTURE.name, fmt="text")
        quiz = quiz_create(actor=admin, activity_id=activity.pk, organisation_id=activity.organiser_id,
                           title="敦煌市职工“安康杯”安全生产知识竞赛", bank_id=bank.pk, rules=RULES,
                           description="每人限答1次，30分钟，满分100分。按参赛率、平均分、人均答题次数排名。")
        quiz_publish(actor=admin, quiz_id=quiz.pk, published=True)
        people = list(Person.objects.filter(is_active=True, user__isnull=True,
                                            organisation__path__startswith=activity.organiser.path).order_by("id"))
        days = _days(activity)
        for person in rng.sample(people, min(PEOPLE, len(people))):
            user, _password = person_login_create(actor=admin, person_id=person.pk)
            _take(user, quiz, skill=rng.uniform(0.35, 0.9), rng=rng, days=days)
    results_refresh(actor=None, quiz_id=quiz.pk)
    logger.info("demo contest loaded: %s", quiz.title)
