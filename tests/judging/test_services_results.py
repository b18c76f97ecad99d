from decimal import Decimal

import pytest

from suzhi.core.errors import Conflict, NotFound
from suzhi.judging.models import Result, ResultSet
from suzhi.judging.services.assignments import assignment_add
from suzhi.judging.services.results import results_compute, results_publish, results_verify
from suzhi.judging.services.scores import score_save, sheet_reopen, sheet_submit
from tests.core.factories import UserFactory, grant
from tests.judging.factories import make_activity, make_judge, put_entries, set_panel, units


def _score(judge, entry, actor, tech):
    assignment = assignment_add(actor=actor, entry_id=entry.pk, judge_id=judge.pk)
    score_save(actor=judge, assignment_id=assignment.pk, values={"tech": tech, "benefit": 30, "scope": 20,
                                                                 "use": 20})
    sheet_submit(actor=judge, assignment_id=assignment.pk)
    return assignment


@pytest.fixture
def judged(tree):
    """Three entries of category 甲 scored by five judges (trimmed mean) and one of category 乙."""
    activity = make_activity(tree.committee, aggregation="trimmed", trim=1, min_judges_for_trim=5)
    judges = [make_judge(org) for org in units(tree.town_b, 5)]
    set_panel(activity, judges, actor=tree.committee_admin)
    entries = put_entries(activity, [tree.unit_a], actor=tree.committee_admin, n=3, category="甲")
    other = put_entries(activity, [tree.unit_a], actor=tree.committee_admin, n=1, category="乙", prefix="other")[0]
    for entry, techs in zip(entries, [(30, 30, 30, 0, 15), (30, 30, 30, 0, 15), (0, 0, 0, 0, 0)], strict=True):
        for judge, tech in zip(judges, techs, strict=True):
            _score(judge, entry, tree.committee_admin, tech)
    _score(judges[0], other, tree.committee_admin, 3)
    return activity, entries, other, judges


def test_results_per_category_with_shared_places(tree, judged):
    activity, entries, other, _judges = judged
    results_compute(actor=tree.committee_admin, activity_id=activity.pk)
    got = {r.entry_id: (r.aggregate, r.rank, r.judges_counted) for r in Result.objects.all()}
    # totals 100,100,100,70,85: one 100 and the 70 dropped -> (100+100+85)/3
    assert got[entries[0].pk] == (Decimal("95.0000"), 1, 5)
    assert got[entries[1].pk] == (Decimal("95.0000"), 1, 5)
    assert got[entries[2].pk] == (Decimal("70.0000"), 3, 5)
    assert got[other.pk] == (Decimal("73.0000"), 1, 1)


def test_verify_publish_rules(tree, judged):
    activity, entries, _other, _judges = judged
    for step in (results_verify, results_publish):
        with pytest.raises(Conflict) as caught:
            step(actor=tree.committee_admin, activity_id=activity.pk)
        assert caught.value.code == "no_results"
    results_compute(actor=tree.committee_admin, activity_id=activity.pk)
    with pytest.raises(Conflict) as caught:
        results_publish(actor=tree.committee_admin, activity_id=activity.pk)
    assert caught.value.code == "results_state"
    with pytest.raises(Conflict) as caught:
        results_verify(actor=tree.committee_admin, activity_id=activity.pk)
    assert caught.value.code == "same_person"
    with pytest.raises(NotFound):  # a town admin's scope does not reach the committee's activity
        results_verify(actor=tree.town_a_admin, activity_id=activity.pk)
    checker = UserFactory(organisation=tree.committee)
    grant(checker, "committee_admin", tree.committee)
    results_verify(actor=checker, activity_id=activity.pk)
    with pytest.raises(Conflict) as caught:
        results_verify(actor=checker, activity_id=activity.pk)
    assert caught.value.code == "results_state"
    # Recomputing makes it a draft again, to be verified again
    results_compute(actor=tree.committee_admin, activity_id=activity.pk)
    assert ResultSet.objects.get().state == ResultSet.State.DRAFT
    results_verify(actor=checker, activity_id=activity.pk)
    published = results_publish(actor=tree.committee_admin, activity_id=activity.pk)
    assert published.state == ResultSet.State.PUBLISHED and published.published_by == tree.committee_admin
    with pytest.raises(Conflict) as caught:
        results_compute(actor=tree.committee_admin, activity_id=activity.pk)
    assert caught.value.code == "results_published"
    assignment = entries[0].assignments.first()
    with pytest.raises(Conflict) as caught:
        sheet_reopen(actor=tree.committee_admin, assignment_id=assignment.pk, reason="x")
    assert caught.value.code == "results_published"
