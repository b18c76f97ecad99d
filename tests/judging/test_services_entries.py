import pytest

from suzhi.core.errors import Conflict, NotFound, PermissionDenied
from suzhi.core.models import OperationLog
from suzhi.judging.models import Assignment, DeclaredConflict, Entry, PanelJudge
from suzhi.judging.services.assignments import assignment_auto
from suzhi.judging.services.entries import EntryIn, conflict_declare, entries_put, entries_withdraw, panel_set
from tests.core.factories import UserFactory
from tests.judging.factories import make_activity, make_judge, put_entries, set_panel, units


@pytest.fixture
def activity(tree):
    return make_activity(tree.town_a)


def test_entries_put_creates_then_updates_by_source(tree, activity):
    first = put_entries(activity, [tree.unit_a], actor=tree.town_a_admin, n=3)
    labels = {e.source: e.blind_label for e in first}
    assert len(set(labels.values())) == 3
    assert all(len(label) == 6 and label[1] == "-" for label in labels.values())
    again = entries_put(actor=tree.town_a_admin, activity=activity, entries=[
        EntryIn(source="submission:0", title="改过的标题", organisation_id=tree.unit_b.pk, author_person_ids=[7, 7]),
    ])
    entry = Entry.objects.get(pk=again[0].pk)
    assert (entry.title, entry.organisation_id, entry.author_ids) == ("改过的标题", tree.unit_b.pk, [7])
    assert entry.blind_label == labels["submission:0"]  # stable
    assert Entry.objects.filter(activity=activity).count() == 3
    assert OperationLog.objects.filter(action="judging.entries_put").count() == 2


def test_withdraw_and_put_back(tree, activity):
    put_entries(activity, [tree.unit_a], actor=tree.town_a_admin, n=2)
    assert entries_withdraw(actor=tree.town_a_admin, activity=activity, sources=["submission:1"]) == 1
    assert Entry.objects.get(source="submission:1").state == Entry.State.WITHDRAWN
    put_entries(activity, [tree.unit_a], actor=tree.town_a_admin, n=2)
    assert Entry.objects.get(source="submission:1").state == Entry.State.ACTIVE


def test_an_activity_without_rubric_refuses_entries(tree, activity):
    activity.settings = {}
    activity.save()
    with pytest.raises(Conflict) as caught:
        put_entries(activity, [tree.unit_a], actor=tree.town_a_admin)
    assert caught.value.code == "not_judged"


def test_panel_takes_only_judges_and_only_in_scope(tree, activity):
    judge = make_judge(tree.unit_b)
    set_panel(activity, [judge], actor=tree.town_a_admin)
    assert list(PanelJudge.objects.values_list("user_id", flat=True)) == [judge.pk]
    with pytest.raises(PermissionDenied) as caught:
        set_panel(activity, [UserFactory()], actor=tree.town_a_admin)
    assert caught.value.code == "not_a_judge"
    with pytest.raises(NotFound):
        set_panel(activity, [judge], actor=tree.town_b_admin)  # another town's activity
    panel_set(actor=tree.town_a_admin, activity_id=activity.pk, judge_ids=[], title="评审组")
    assert not PanelJudge.objects.exists()


def test_a_declared_conflict_removes_unscored_assignments(tree, activity):
    judges = [make_judge(org) for org in units(tree.federation, 3)]
    set_panel(activity, judges, actor=tree.town_a_admin)
    entries = put_entries(activity, [tree.unit_a, tree.unit_b], actor=tree.town_a_admin, n=3)
    assignment_auto(actor=tree.town_a_admin, activity_id=activity.pk)
    held = Assignment.objects.filter(judge=judges[0]).values_list("entry_id", flat=True)
    entry = Entry.objects.get(pk=held[0])
    conflict_declare(actor=judges[0], activity_id=activity.pk, judge_id=judges[0].pk, entry_id=entry.pk,
                     reason="亲属关系")
    assert not Assignment.objects.filter(judge=judges[0], entry=entry).exists()
    conflict_declare(actor=tree.town_a_admin, activity_id=activity.pk, judge_id=judges[1].pk,
                     organisation_id=tree.town_b.pk, reason="曾在该镇任职")
    assert DeclaredConflict.objects.count() == 2
    assert not Assignment.objects.filter(judge=judges[1], entry__organisation=tree.unit_b).exists()
    with pytest.raises(NotFound):  # a judge not on the panel, or another town's admin
        conflict_declare(actor=tree.town_b_admin, activity_id=activity.pk, judge_id=judges[1].pk,
                         entry_id=entries[0].pk, reason="x")
