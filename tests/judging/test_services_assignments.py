from collections import Counter

import pytest

from suzhi.core.errors import Conflict, NotFound
from suzhi.judging.assign import is_balanced
from suzhi.judging.models import Assignment, Entry
from suzhi.judging.services.assignments import assignment_add, assignment_auto, assignment_remove
from suzhi.judging.services.scores import score_save
from tests.judging.factories import make_activity, make_judge, put_entries, set_panel, units
from tests.people.factories import make_person


@pytest.fixture
def setup(tree):
    activity = make_activity(tree.committee, judges_per_entry=2)
    orgs_a, orgs_b = units(tree.town_a, 3), units(tree.town_b, 3)
    judges = [make_judge(org) for org in (*orgs_a[:2], *orgs_b[:2])]
    set_panel(activity, judges, actor=tree.committee_admin)
    put_entries(activity, [*orgs_a, *orgs_b], actor=tree.committee_admin, n=10)
    return activity, judges, orgs_a, orgs_b


def test_auto_assignment_is_balanced_and_conflict_free(tree, setup):
    activity, judges, _a, _b = setup
    made = assignment_auto(actor=tree.committee_admin, activity_id=activity.pk)
    assert made == 20
    pairs = list(Assignment.objects.values_list("entry__organisation__path", "judge__organisation__path"))
    assert not any(entry.startswith(judge) for entry, judge in pairs)
    loads = Counter(Assignment.objects.values_list("judge_id", flat=True))
    assert is_balanced([loads[j.pk] for j in judges], 10, 2)
    assert all(n == 2 for n in Counter(Assignment.objects.values_list("entry_id", flat=True)).values())


def test_rerun_keeps_scored_assignments(tree, setup):
    activity, judges, _a, _b = setup
    assignment_auto(actor=tree.committee_admin, activity_id=activity.pk)
    scored = Assignment.objects.filter(judge=judges[0]).first()
    score_save(actor=judges[0], assignment_id=scored.pk, values={"tech": 20})
    assignment_auto(actor=tree.committee_admin, activity_id=activity.pk)
    assert Assignment.objects.filter(pk=scored.pk).exists()
    assert Assignment.objects.count() == 20


def test_author_and_nominator_are_excluded(tree):
    activity = make_activity(tree.committee, judges_per_entry=1)
    judge = make_judge(tree.unit_a)
    person = make_person("李评委", tree.unit_a)
    person.user = judge
    person.save()
    other = make_judge(tree.unit_b)
    set_panel(activity, [judge, other], actor=tree.committee_admin)
    put_entries(activity, [tree.federation], actor=tree.committee_admin, n=2, author_person_ids=[person.pk])
    assignment_auto(actor=tree.committee_admin, activity_id=activity.pk)
    assert set(Assignment.objects.values_list("judge_id", flat=True)) == {other.pk}


def test_infeasible_assignment_is_refused_with_a_reason(tree):
    activity = make_activity(tree.committee, judges_per_entry=2)
    set_panel(activity, [make_judge(tree.unit_a), make_judge(tree.unit_b)], actor=tree.committee_admin)
    put_entries(activity, [tree.unit_a], actor=tree.committee_admin, n=1)
    with pytest.raises(Conflict) as caught:
        assignment_auto(actor=tree.committee_admin, activity_id=activity.pk)
    assert caught.value.code == "assignment_infeasible"
    assert caught.value.detail["reason"] == "too_few_eligible_judges"


def test_manual_add_refuses_conflicts_and_remove_refuses_scored(tree, setup):
    activity, judges, orgs_a, _b = setup
    entry = Entry.objects.filter(organisation=orgs_a[0]).first()
    with pytest.raises(Conflict) as caught:
        assignment_add(actor=tree.committee_admin, entry_id=entry.pk, judge_id=judges[0].pk)
    assert caught.value.code == "conflict_of_interest" and caught.value.detail == ["own_organisation"]
    assignment = assignment_add(actor=tree.committee_admin, entry_id=entry.pk, judge_id=judges[2].pk)
    score_save(actor=judges[2], assignment_id=assignment.pk, values={"tech": 1})
    with pytest.raises(Conflict) as caught:
        assignment_remove(actor=tree.committee_admin, assignment_id=assignment.pk)
    assert caught.value.code == "assignment_scored"
    fresh = assignment_add(actor=tree.committee_admin, entry_id=entry.pk, judge_id=judges[3].pk)
    assignment_remove(actor=tree.committee_admin, assignment_id=fresh.pk)
    assert not Assignment.objects.filter(pk=fresh.pk).exists()
    with pytest.raises(NotFound):
        assignment_add(actor=tree.town_b_admin, entry_id=entry.pk, judge_id=judges[3].pk)
