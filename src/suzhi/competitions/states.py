"""The way of a ranking (排名) to publication, and the one table of its transitions.

computed (draft) → signed by the chief judge (裁判长签字) → verified by a second person (复核) → published (公布).
Computing again is allowed while the ranking is a draft or signed (a signed ranking computed again goes back to
draft: the chief judge signs what changed); once verified or published it changes only through an appeal.
"""

import datetime
import enum

from django.utils.translation import gettext as _

from suzhi.competitions.error_codes import CompetitionErrors
from suzhi.competitions.models import Appeal, Ranking
from suzhi.core.errors import Conflict

State = Ranking.State


class Step(enum.StrEnum):
    COMPUTE = "compute"
    SIGN = "sign"
    VERIFY = "verify"
    PUBLISH = "publish"


TRANSITIONS: dict[tuple[Step, str], str] = {
    (Step.COMPUTE, State.DRAFT): State.DRAFT,
    (Step.COMPUTE, State.SIGNED): State.DRAFT,
    (Step.SIGN, State.DRAFT): State.SIGNED,
    (Step.VERIFY, State.SIGNED): State.VERIFIED,
    (Step.PUBLISH, State.VERIFIED): State.PUBLISHED,
}


def allowed(step: Step, state: str) -> bool:
    return (step, state) in TRANSITIONS


def transition(step: Step, state: str) -> str:
    """The state after `step`, or a Conflict saying what the current state allows."""
    after = TRANSITIONS.get((step, state))
    if after is None:
        raise Conflict(_("The ranking is “%(state)s”: that step is not possible now.")
                       % {"state": State(state).label}, code=CompetitionErrors.RANKING_STATE)
    return after


class AppealStep(enum.StrEnum):
    PROPOSE = "propose"
    DISMISS = "dismiss"
    APPROVE = "approve"


Appealed = Appeal.State

# An appeal: filed → a correction proposed (or dismissed) → approved by a second person, when the ranking follows.
APPEAL_TRANSITIONS: dict[tuple[AppealStep, str], str] = {
    (AppealStep.PROPOSE, Appealed.FILED): Appealed.PROPOSED,
    (AppealStep.PROPOSE, Appealed.PROPOSED): Appealed.PROPOSED,
    (AppealStep.DISMISS, Appealed.FILED): Appealed.DISMISSED,
    (AppealStep.DISMISS, Appealed.PROPOSED): Appealed.DISMISSED,
    (AppealStep.APPROVE, Appealed.PROPOSED): Appealed.APPROVED,
}


def appeal_allowed(step: AppealStep, state: str) -> bool:
    return (step, state) in APPEAL_TRANSITIONS


def appeal_transition(step: AppealStep, state: str) -> str:
    after = APPEAL_TRANSITIONS.get((step, state))
    if after is None:
        raise Conflict(_("The appeal is “%(state)s”: that step is not possible now.")
                       % {"state": Appealed(state).label}, code=CompetitionErrors.APPEAL_STATE)
    return after


def appeal_deadline(ranking: Ranking, days: int) -> datetime.datetime | None:
    """When appeals against a ranking close: the plan's days after publication; None while it is not published."""
    if ranking.state != State.PUBLISHED or ranking.published_at is None:
        return None
    return ranking.published_at + datetime.timedelta(days=days)


def appeal_open(ranking: Ranking, days: int, moment: datetime.datetime) -> bool:
    deadline = appeal_deadline(ranking, days)
    return deadline is not None and moment <= deadline
