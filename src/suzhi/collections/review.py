"""The states of a submission and the one table of the transitions between them (审核流转).

draft → submitted → (at each level) under review → returned (the author edits and resubmits to the same level) /
rejected / recommended to the next level, and at the top level accepted (入围: a finalist for judging).
A submission is withdrawn by its author until the first review; classifying is a review at any level.
Every service asks `transition()` here, so what is allowed is decided in one place; a refusal carries the
declared code `submission_state` and says in Chinese what the state allows.
"""

import enum

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suzhi.collections.error_codes import CollectionErrors
from suzhi.core.errors import Conflict


class State(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    SUBMITTED = "submitted", gettext_lazy("Submitted, not yet reviewed")
    UNDER_REVIEW = "under_review", gettext_lazy("Under review")
    RETURNED = "returned", gettext_lazy("Returned for revision")
    REJECTED = "rejected", gettext_lazy("Not recommended")
    ACCEPTED = "accepted", gettext_lazy("Accepted (finalist)")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")


class Action(enum.StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    RETURN = "return"
    REJECT = "reject"
    CLASSIFY = "classify"
    RECOMMEND = "recommend"


ACTION_LABELS = {
    Action.EDIT: gettext_lazy("Edit"), Action.SUBMIT: gettext_lazy("Submit"),
    Action.WITHDRAW: gettext_lazy("Withdraw"), Action.RETURN: gettext_lazy("Return for revision"),
    Action.REJECT: gettext_lazy("Do not recommend"), Action.CLASSIFY: gettext_lazy("Classify"),
    Action.RECOMMEND: gettext_lazy("Recommend"),
}

# Who takes an action: the submitter (作者或代报单位) or a reviewer of the level holding the submission.
AUTHOR_ACTIONS = frozenset({Action.EDIT, Action.SUBMIT, Action.WITHDRAW})
REVIEW_ACTIONS = frozenset({Action.RETURN, Action.REJECT, Action.CLASSIFY, Action.RECOMMEND})

_WAITING = (State.SUBMITTED, State.UNDER_REVIEW)

# (action, state before) -> state after. Recommending at the top level accepts instead (see `transition`).
TRANSITIONS: dict[tuple[Action, State], State] = {
    (Action.EDIT, State.DRAFT): State.DRAFT,
    (Action.EDIT, State.SUBMITTED): State.SUBMITTED,
    (Action.EDIT, State.RETURNED): State.RETURNED,
    (Action.SUBMIT, State.DRAFT): State.SUBMITTED,
    (Action.SUBMIT, State.RETURNED): State.UNDER_REVIEW,  # back to the level that returned it
    (Action.WITHDRAW, State.SUBMITTED): State.WITHDRAWN,
    **{(Action.RETURN, state): State.RETURNED for state in _WAITING},
    **{(Action.REJECT, state): State.REJECTED for state in _WAITING},
    **{(Action.CLASSIFY, state): State.UNDER_REVIEW for state in _WAITING},
    **{(Action.RECOMMEND, state): State.UNDER_REVIEW for state in _WAITING},
}


def allowed(action: Action, state: str) -> bool:
    return (Action(action), State(state)) in TRANSITIONS


def transition(action: Action, state: str, *, top: bool = False) -> State:
    """The state after `action` on a submission in `state`, or Conflict(code=submission_state) saying why not.
    `top`: the submission is at the last review level (recommending there accepts it)."""
    action, state = Action(action), State(state)
    after = TRANSITIONS.get((action, state))
    if after is None:
        raise Conflict(_("“%(action)s” is not possible for a submission that is “%(state)s”.")
                       % {"action": ACTION_LABELS[action], "state": state.label}, code=CollectionErrors.NOT_NOW)
    if action == Action.RECOMMEND and top:
        return State.ACCEPTED
    return after


def actions_in(state: str) -> list[Action]:
    """The actions the table allows in `state`, in the order of `Action`."""
    return [action for action in Action if (action, State(state)) in TRANSITIONS]
