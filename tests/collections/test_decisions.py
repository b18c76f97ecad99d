"""Decisions by the plan's awards from the published judging results: which award, adopted or not, replaced on a
second run, refused before publishing, the statistics' records of the first author, the plan's checks."""

import pytest

from suzhi.campaigns.models import MetricRecord
from suzhi.campaigns.plan.check import check_plan_text
from suzhi.collections.models import Decision
from suzhi.collections.services.decisions import decisions_apply
from suzhi.core.errors import Conflict, NotFound
from suzhi.core.models import OperationLog
from tests.collections.decided import accepted, decided_campaign, publish
from tests.collections.factories import FORM
from tests.collections.test_selectors_metrics_plan import _plan_with
from tests.judging.factories import judging_block

pytestmark = pytest.mark.django_db


@pytest.fixture
def judged(tree):
    activity = decided_campaign(tree, benefit_field="benefit")
    items = [accepted(tree, activity, tree.unit_a, f"职工{i}", f"建议{i}") for i in range(3)]
    items.append(accepted(tree, activity, tree.unit_b, "职工乙", "沙州建议"))
    return activity, items


def test_refused_until_the_results_are_published(tree, judged):
    activity, _items = judged
    with pytest.raises(Conflict) as caught:
        decisions_apply(actor=tree.committee_admin, activity_id=activity.pk)
    assert caught.value.code == "results_not_published"


def test_first_matching_award_and_records(tree, judged):
    activity, items = judged
    publish(tree, activity, {items[0].pk: 90, items[1].pk: 65, items[2].pk: 45, items[3].pk: 10})
    decisions_apply(actor=tree.committee_admin, activity_id=activity.pk)
    got = {d.submission_id: (d.award, d.adopted, d.place) for d in Decision.objects.all()}
    assert got == {items[0].pk: ("一等奖", True, 1), items[1].pk: ("采纳", True, 2),
                   items[2].pk: ("鼓励奖", False, 3), items[3].pk: ("", False, 4)}
    records = {(r.metric, r.source): r.quantity for r in MetricRecord.objects.filter(
        metric__in=["collection.adopted", "collection.awarded", "collection.benefit"])}
    assert {key for key in records if key[0] == "collection.adopted"} == {
        ("collection.adopted", f"submission:{items[0].pk}"), ("collection.adopted", f"submission:{items[1].pk}")}
    assert len([key for key in records if key[0] == "collection.awarded"]) == 3
    assert records[("collection.benefit", f"submission:{items[0].pk}")] == pytest.approx(12.5)
    assert OperationLog.objects.filter(action="collection.decide").count() == 1


def test_applying_again_replaces(tree, judged):
    activity, items = judged
    publish(tree, activity, {items[0].pk: 90, items[1].pk: 65, items[2].pk: 45, items[3].pk: 10})
    decisions_apply(actor=tree.committee_admin, activity_id=activity.pk)
    settings = dict(activity.settings)
    settings["awards"] = [{"title": "一等奖", "by": "rank", "top": 1, "adopt": True}]
    activity.settings = settings
    activity.save(update_fields=["settings"])
    decisions_apply(actor=tree.committee_admin, activity_id=activity.pk)
    assert Decision.objects.count() == 4
    assert list(Decision.objects.exclude(award="").values_list("submission_id", flat=True)) == [items[0].pk]
    assert set(MetricRecord.objects.filter(metric="collection.adopted").values_list("source", flat=True)) == {
        f"submission:{items[0].pk}"}
    assert MetricRecord.objects.filter(metric="collection.awarded").count() == 1


def test_only_the_organiser_in_scope_decides(tree, judged):
    activity, items = judged
    publish(tree, activity, {item.pk: 50 for item in items})
    with pytest.raises(NotFound):
        decisions_apply(actor=tree.town_a_admin, activity_id=activity.pk)
    with pytest.raises(NotFound):
        decisions_apply(actor=tree.committee_admin, activity_id=99999)


def test_without_awards_refused(tree):
    from tests.collections.factories import collection_campaign
    from tests.judging.factories import judging_block

    activity = collection_campaign(tree, judging=judging_block())
    with pytest.raises(Conflict) as caught:
        decisions_apply(actor=tree.committee_admin, activity_id=activity.pk)
    assert caught.value.code == "no_awards"


def test_the_plan_check_points_at_bad_awards(tree):
    settings = {"form": FORM, "judging": judging_block(), "benefit_field": "problem", "awards": [
        {"title": "一等奖", "by": "rank", "min_score": 90},
        {"title": "采纳", "by": "score", "min_score": 60, "adopt": True},
        {"title": "采纳", "by": "score", "top": 3},
    ]}
    text = _plan_with(settings)
    _plan, errors = check_plan_text(text)
    prefix = "activities[1].settings"
    assert {e.path for e in errors} == {f"{prefix}.awards[0]", f"{prefix}.awards[2]", f"{prefix}.awards[2].title",
                                        f"{prefix}.benefit_field"}
    assert all(e.line is not None for e in errors)
    del settings["judging"]
    settings["awards"] = settings["awards"][1:2]
    settings["benefit_field"] = "benefit"
    assert [e.path for e in check_plan_text(_plan_with(settings))[1]] == [f"{prefix}.awards"]
    settings["judging"] = judging_block()
    assert check_plan_text(_plan_with(settings))[1] == []
