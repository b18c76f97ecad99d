"""What the submitters' and the reviewers' services share: the activity, a step of the history, the log row."""

import dataclasses
from typing import Any

from django.utils import timezone

from suzhi.campaigns.models import Activity
from suzhi.collections.models import ReviewStep, Submission
from suzhi.collections.review import Action
from suzhi.core import oplog
from suzhi.core.errors import NotFound


@dataclasses.dataclass(frozen=True)
class LogCode:
    action: str


# The operation-log action of each transition (labelled in the manifest).
LOG_ACTIONS = {
    Action.EDIT: LogCode(action="collection.save"), Action.SUBMIT: LogCode(action="collection.submit"),
    Action.WITHDRAW: LogCode(action="collection.withdraw"), Action.RETURN: LogCode(action="collection.return"),
    Action.REJECT: LogCode(action="collection.reject"), Action.CLASSIFY: LogCode(action="collection.classify"),
    Action.RECOMMEND: LogCode(action="collection.recommend"),
}


def collection_activity(activity_id: Any) -> Activity:
    activity = Activity.objects.select_related("organiser", "campaign").filter(
        pk=activity_id, kind="collection").first() if str(activity_id).isdigit() else None
    if activity is None:
        raise NotFound()
    return activity


def step(*, actor: Any, submission: Submission, action: Action, before: str, comment: str = "",
         organisation: Any = None, level: int | None = None, at: Any = None) -> ReviewStep:
    """Keep the transition (who, when, why, where) and write its operation-log row."""
    where = organisation if organisation is not None else submission.reviewer or submission.organisation
    row = ReviewStep.objects.create(submission=submission, organisation=where,
                                    level=submission.level if level is None else level,
                                    action=str(action), from_state=before, to_state=submission.state,
                                    category=submission.category, comment=comment, actor=actor,
                                    at=at or timezone.now())
    after: dict[str, Any] = {"state": submission.state}
    if submission.category:
        after["category"] = submission.category
    if submission.reviewer_id:
        after["reviewer"] = submission.reviewer_id
    if comment:
        after["comment"] = comment
    code = LOG_ACTIONS[Action(action)]
    oplog.record(actor=actor, action=code.action, obj=submission, organisation=where, before={"state": before},
                 after=after, summary=submission.title)
    return row
