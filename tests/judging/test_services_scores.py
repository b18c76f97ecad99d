from decimal import Decimal

import pytest

from suzhi.core.errors import Conflict, NotFound, ValidationFailed
from suzhi.judging.models import Assignment, ScoreChange
from suzhi.judging.services.assignments import assignment_add
from suzhi.judging.services.scores import score_save, sheet_reopen, sheet_submit
from tests.judging.factories import make_activity, make_judge, put_entries, set_panel


@pytest.fixture
def sheet(tree):
    activity = make_activity(tree.town_a)
    judge = make_judge(tree.unit_b)
    set_panel(activity, [judge], actor=tree.town_a_admin)
    entry = put_entries(activity, [tree.unit_a], actor=tree.town_a_admin, n=1)[0]
    return assignment_add(actor=tree.town_a_admin, entry_id=entry.pk, judge_id=judge.pk), judge


FULL = {"tech": 30, "benefit": 15, "scope": 10, "use": 20}


def test_scores_keep_their_history(tree, sheet):
    assignment, judge = sheet
    score_save(actor=judge, assignment_id=assignment.pk, values={"tech": "25"})
    score_save(actor=judge, assignment_id=assignment.pk, values={"tech": "25"})  # unchanged: no history row
    score_save(actor=judge, assignment_id=assignment.pk, values={"tech": 27.5})
    changes = list(ScoreChange.objects.values_list("old", "new", "by_id"))
    assert changes == [(None, Decimal("25"), judge.pk), (Decimal("25"), Decimal("27.5"), judge.pk)]


def test_scores_are_checked(tree, sheet):
    assignment, judge = sheet
    for values, code in (({"tech": 31}, "score_out_of_range"), ({"tech": -1}, "score_out_of_range"),
                         ({"tech": "x"}, "score_out_of_range"), ({"nope": 1}, "unknown_criterion")):
        with pytest.raises(ValidationFailed) as caught:
            score_save(actor=judge, assignment_id=assignment.pk, values=values)
        assert caught.value.code == code
    with pytest.raises(NotFound):  # not the caller's sheet
        score_save(actor=tree.town_a_admin, assignment_id=assignment.pk, values={"tech": 1})


def test_submit_needs_every_criterion_then_freezes_until_reopened(tree, sheet):
    assignment, judge = sheet
    score_save(actor=judge, assignment_id=assignment.pk, values={"tech": 30})
    with pytest.raises(ValidationFailed) as caught:
        sheet_submit(actor=judge, assignment_id=assignment.pk)
    assert caught.value.code == "sheet_incomplete"
    assert [d["field"] for d in caught.value.detail] == ["benefit", "scope", "use"]
    score_save(actor=judge, assignment_id=assignment.pk, values=FULL)
    submitted = sheet_submit(actor=judge, assignment_id=assignment.pk)
    assert submitted.total == Decimal("30") + Decimal("15") + Decimal("10") + Decimal("20")
    for call in (lambda: score_save(actor=judge, assignment_id=assignment.pk, values={"tech": 1}),
                 lambda: sheet_submit(actor=judge, assignment_id=assignment.pk)):
        with pytest.raises(Conflict) as caught:
            call()
        assert caught.value.code == "sheet_submitted"
    with pytest.raises(NotFound):
        sheet_reopen(actor=tree.town_b_admin, assignment_id=assignment.pk, reason="x")
    sheet_reopen(actor=tree.town_a_admin, assignment_id=assignment.pk, reason="评分有误")
    assert Assignment.objects.get(pk=assignment.pk).state == Assignment.State.ASSIGNED
    with pytest.raises(Conflict) as caught:
        sheet_reopen(actor=tree.town_a_admin, assignment_id=assignment.pk, reason="again")
    assert caught.value.code == "sheet_not_submitted"
    score_save(actor=judge, assignment_id=assignment.pk, values={"tech": 10})
