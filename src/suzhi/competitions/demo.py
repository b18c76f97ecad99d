"""The Dunhuang city final (全市职工技能大赛) of the demo campaign: in 计算机操作, contestants of the towns' units
registered, their numbers drawn, the theory papers and times entered, the practical scored by five judges who see
only the numbers, the ranking computed, signed by a judge as chief judge, verified by the committee's login and
published; in 汽车驾驶 a few units have registered and the others can still register today (the unit login
among them).

Everything goes through the services; an activity with contestants already is left alone.
"""

import logging
import random
from typing import Any

from django.db import transaction

from suzhi.campaigns.models import Activity, Campaign
from suzhi.competitions.models import Contestant
from suzhi.core.models import User
from suzhi.people.models import Person

logger = logging.getLogger(__name__)

CAMPAIGN = "dunhuang-2024"
ACTIVITY = "city-contest"
JUDGES = ("pingwei", "pingwei2", "pingwei3", "pingwei4", "pingwei5")
CHIEF_JUDGE = "pingwei2"
VERIFIER = "zuweihui"
TOWNS = ("DH-QLZ", "DH-SZZ", "DH-SUZ", "DH-MGZ", "DH-YGZ")


def _people(per_town: int, skip: set[int]) -> list[Person]:
    """Active people of the towns' units, a few per town, none twice, not the demo accounts' own."""
    chosen: list[Person] = []
    for code in TOWNS:
        rows = (Person.objects.filter(organisation__path__startswith=_path(code), is_active=True, user__isnull=True)
                .exclude(pk__in=skip).order_by("organisation__path", "pk"))
        per_unit: dict[int, int] = {}
        for person in rows[:200]:
            if per_unit.get(person.organisation_id, 0) < 1:
                per_unit[person.organisation_id] = 1
                chosen.append(person)
                if sum(per_unit.values()) == per_town:
                    break
    return chosen


def _path(code: str) -> str:
    from suzhi.core.models import Organisation

    org = Organisation.objects.filter(code=code).first()
    return org.path if org is not None else "-"


def load_competition_demo(admin: Any) -> None:
    from suzhi.competitions.services.draw import numbers_draw
    from suzhi.competitions.services.measures import measures_enter
    from suzhi.competitions.services.rankings import ranking_compute, ranking_publish, ranking_sign, ranking_verify
    from suzhi.competitions.services.registration import contestant_register
    from suzhi.judging.models import Assignment
    from suzhi.judging.services.assignments import assignment_auto
    from suzhi.judging.services.entries import panel_set
    from suzhi.judging.services.scores import score_save, sheet_submit

    campaign = Campaign.objects.filter(code=CAMPAIGN).first()
    activity = Activity.objects.filter(campaign=campaign, key=ACTIVITY).first() if campaign else None
    if activity is None or Contestant.objects.filter(activity=activity).exists():
        return
    judges = {u.get_username(): u for u in User.objects.filter(username__in=JUDGES, is_active=True)}
    verifier = User.objects.filter(username=VERIFIER).first()
    if len(judges) < len(JUDGES) or verifier is None:
        logger.info("demo competition skipped: the judges or the verifier are missing")
        return
    rng = random.Random(2024)
    finalists = _people(2, set())
    drivers = _people(1, {p.pk for p in finalists})[:3]
    with transaction.atomic():
        for index, person in enumerate(finalists):
            contestant_register(actor=admin, activity_id=activity.pk, event="computer", person_id=person.pk,
                                official=index != len(finalists) - 1)  # the last one 列名参赛
        for person in drivers:
            contestant_register(actor=admin, activity_id=activity.pk, event="driving", person_id=person.pk)
        numbers_draw(actor=admin, activity_id=activity.pk, event="computer", round_="final")
        panel_set(actor=admin, activity_id=activity.pk, judge_ids=[u.pk for u in judges.values()],
                  category="computer", title="计算机操作评委组")
        assignment_auto(actor=admin, activity_id=activity.pk)
        for sheet in Assignment.objects.filter(entry__activity=activity).select_related("judge").order_by("pk"):
            skill = rng.uniform(0.6, 0.95)
            score_save(actor=sheet.judge, assignment_id=sheet.pk, values={
                "accuracy": round(40 * skill), "quality": round(40 * min(1, skill + rng.uniform(-0.1, 0.1))),
                "safety": round(20 * min(1, skill + 0.05))})
            sheet_submit(actor=sheet.judge, assignment_id=sheet.pk)
        measures_enter(actor=admin, activity_id=activity.pk, values={
            c.pk: {"theory": rng.randint(62, 98), "time": rng.randint(35, 60)}
            for c in Contestant.objects.filter(activity=activity, event="computer")})
        ranking = ranking_compute(actor=admin, activity_id=activity.pk, event="computer", round_="final")
        ranking_sign(actor=judges[CHIEF_JUDGE], ranking_id=ranking.pk)
        ranking_verify(actor=verifier, ranking_id=ranking.pk)
        ranking_publish(actor=admin, ranking_id=ranking.pk)
    logger.info("demo competition loaded: %d finalists, %d drivers registered", len(finalists), len(drivers))


def shift_competition_demo(campaign: Campaign, delta: Any) -> None:
    """The competition's dated rows follow the campaign's phases, moved by the demo loaded on a later day."""
    from django.db.models import F

    from suzhi.competitions.models import Draw, Measure, MeasureChange, Ranking

    Contestant.objects.filter(activity__campaign=campaign).update(registered_at=F("registered_at") + delta)
    Draw.objects.filter(activity__campaign=campaign).update(drawn_at=F("drawn_at") + delta)
    Measure.objects.filter(contestant__activity__campaign=campaign).update(entered_at=F("entered_at") + delta)
    MeasureChange.objects.filter(measure__contestant__activity__campaign=campaign).update(at=F("at") + delta)
    rankings = Ranking.objects.filter(activity__campaign=campaign)
    rankings.update(computed_at=F("computed_at") + delta)
    for field in ("signed_at", "verified_at", "published_at"):
        rankings.filter(**{f"{field}__isnull": False}).update(**{field: F(field) + delta})
