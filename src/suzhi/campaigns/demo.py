"""The demo campaigns: every plan file in PLANS_DIR, loaded through the same service as an upload.

The seed's plans are dated (the Dunhuang plan runs April to July 2024), so loaded as written nothing would be open on
the day someone tries the demo. The demo moves each plan's phases by whole days so that today falls two weeks into
its busiest phase (the one where most activities' actions are open: for Dunhuang 基层比赛与培训), keeping their lengths
and overlaps, and writes the year into the plan's year and title. Loading again on a later day moves the campaign
and everything dated in it (sessions, attempts, records; each kind registers a `register_shift` hook) by the days
that passed, so the demo stays current; loading again the same day changes nothing. The plan files stay the seed's.
"""

import datetime
import logging
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from suzhi.campaigns.models import Campaign, MetricRecord
from suzhi.campaigns.plan.check import parse_plan_text
from suzhi.campaigns.plan.schema import Plan

logger = logging.getLogger(__name__)

DAYS_INTO_PHASE = 14  # today's place in the busiest phase: some history behind, weeks of it ahead

_SHIFTS: list[Callable[[Campaign, datetime.timedelta], None]] = []
_DATE_LINE = re.compile(r"^(\s*(?:start|end):\s*)(\d{4}-\d{2}-\d{2})(\s*(?:#.*)?)$", re.MULTILINE)
_YEAR_LINE = re.compile(r"^year:\s*\d{4}\s*$", re.MULTILINE)


def register_shift(shift: Callable[[Campaign, datetime.timedelta], None]) -> None:
    """A kind's hook moving its dated demo records of a campaign by a number of days (when the demo is loaded
    again on a later day)."""
    _SHIFTS.append(shift)


def busiest_phase(plan: Plan) -> str:
    """The key of the phase in which most activity actions are open (the first such phase on a tie)."""
    counts = {phase.key: 0 for phase in plan.phases}
    for activity in plan.activities:
        for keys in activity.open_in.values():
            for key in keys:
                if key in counts:
                    counts[key] += 1
    return max(plan.phases, key=lambda phase: counts[phase.key]).key


def demo_offset(plan: Plan, today: datetime.date) -> datetime.timedelta:
    """How far the plan's dates move so that today is DAYS_INTO_PHASE days into its busiest phase."""
    anchor = next(phase for phase in plan.phases if phase.key == busiest_phase(plan))
    length = (anchor.end - anchor.start).days
    return datetime.timedelta(days=(today - anchor.start).days - min(DAYS_INTO_PHASE, length // 2))


def shifted_text(text: str, plan: Plan, offset: datetime.timedelta) -> str:
    """The plan file with every phase date moved by `offset` and its year (in `year` and in the title) the year
    the first phase now starts in. Comments and lines stay where they were."""
    if not offset:
        return text
    year = (min(phase.start for phase in plan.phases) + offset).year

    def move(match: re.Match[str]) -> str:
        day = datetime.date.fromisoformat(match.group(2)) + offset
        return f"{match.group(1)}{day.isoformat()}{match.group(3)}"

    text = _DATE_LINE.sub(move, text)
    text = _YEAR_LINE.sub(f"year: {year}", text)
    if str(plan.year) in plan.title:
        text = text.replace(f"title: {plan.title}", f"title: {plan.title.replace(str(plan.year), str(year))}", 1)
    return text


def _shift_records(actor: Any, campaign: Campaign, delta: datetime.timedelta) -> None:
    """Everything dated in the demo campaign follows its phases (inside the caller's transaction)."""
    from suzhi.core import oplog

    MetricRecord.objects.filter(activity__campaign=campaign).update(occurred_on=F("occurred_on") + delta)
    for shift in _SHIFTS:
        shift(campaign, delta)
    oplog.record(actor=actor, action="campaign.demo_shift", obj=campaign, organisation=campaign.organiser,
                 after={"days": delta.days}, summary=campaign.title)


def load_campaigns_demo(admin: Any) -> None:
    from suzhi.campaigns.services.plans import plan_load

    today = timezone.localdate()
    for path in sorted(settings.PLANS_DIR.glob("*.yaml")):
        text = path.read_text(encoding="utf-8-sig")
        plan = parse_plan_text(text)
        offset = demo_offset(plan, today)
        current = shifted_text(text, plan, offset)
        campaign = Campaign.objects.filter(code=plan.code).first()
        if campaign is not None and campaign.source == current:
            continue  # loaded today already
        with transaction.atomic():
            delta = None
            if campaign is not None:
                first = campaign.phases.order_by("starts_on").first()
                if first is not None:
                    delta = datetime.timedelta(days=(min(p.start for p in plan.phases) + offset - first.starts_on).days)
            campaign = plan_load(actor=admin, text=current)
            if delta:
                _shift_records(admin, campaign, delta)
        logger.info("demo plan loaded: %s (dates moved %+d days from the file)", plan.code, offset.days)
