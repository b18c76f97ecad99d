"""The one transition table: every pair of action and state, allowed or refused with its code."""

import pytest

from suzhi.collections.review import TRANSITIONS, Action, State, actions_in, transition
from suzhi.core.errors import Conflict

ALLOWED = {
    (Action.EDIT, State.DRAFT), (Action.EDIT, State.SUBMITTED), (Action.EDIT, State.RETURNED),
    (Action.SUBMIT, State.DRAFT), (Action.SUBMIT, State.RETURNED), (Action.WITHDRAW, State.SUBMITTED),
    *((action, state) for action in (Action.RETURN, Action.REJECT, Action.CLASSIFY, Action.RECOMMEND)
      for state in (State.SUBMITTED, State.UNDER_REVIEW)),
}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("state", list(State))
def test_every_pair_is_allowed_or_refused_with_a_code(action, state):
    if (action, state) in ALLOWED:
        assert transition(action, state) == TRANSITIONS[(action, state)]
    else:
        with pytest.raises(Conflict) as refused:
            transition(action, state)
        assert refused.value.code == "submission_state"
        assert str(state.label) in str(refused.value.message)


def test_the_table_is_the_one_listed():
    assert set(TRANSITIONS) == ALLOWED


def test_recommending_at_the_top_accepts():
    assert transition(Action.RECOMMEND, State.UNDER_REVIEW, top=True) == State.ACCEPTED
    assert transition(Action.RECOMMEND, State.SUBMITTED) == State.UNDER_REVIEW
    assert transition(Action.SUBMIT, State.RETURNED) == State.UNDER_REVIEW


def test_terminal_states_allow_nothing():
    for state in (State.REJECTED, State.ACCEPTED, State.WITHDRAWN):
        assert actions_in(state) == []
