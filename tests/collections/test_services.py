"""Submitting and reviewing through the services: drafts, the per-person limit, a unit's team with shares,
every review action up the levels, quotas, the history of steps, refusals with their codes, metrics."""

import pytest

from suzhi.campaigns.models import MetricRecord
from suzhi.collections.models import QuotaUse, ReviewStep, Submission
from suzhi.collections.services.reviews import submissions_review_bulk
from suzhi.collections.services.submissions import (
    AuthorIn,
    submission_edit,
    submission_save,
    submission_submit,
    submission_withdraw,
)
from suzhi.core.errors import DomainError, NotFound
from tests.collections.factories import VALUES, collection_campaign, review, submitted
from tests.people.factories import make_person
from tests.support import make_participant

pytestmark = pytest.mark.django_db


def _code(call, *args, **kwargs):
    with pytest.raises(DomainError) as refused:
        call(*args, **kwargs)
    return refused.value.code


def test_a_worker_saves_a_draft_submits_and_it_waits_at_the_unit(tree, activity, worker):
    person, user = worker
    draft = submission_save(actor=user, activity_id=activity.pk, title="  空压机  节能改造 ", values=dict(VALUES),
                            category="节能降耗")
    assert draft.state == "draft" and draft.title == "空压机 节能改造" and draft.values["benefit"] == 12.5
    assert [(a.person_id, a.share) for a in draft.authors.all()] == [(person.pk, 100)]
    assert draft.organisation == tree.unit_a and not draft.by_unit
    done = submission_submit(actor=user, submission_id=draft.pk)
    assert (done.state, done.level, done.reviewer) == ("submitted", 0, tree.unit_a)
    assert done.submitted_at is not None
    assert list(ReviewStep.objects.filter(submission=done).values_list("action", "from_state", "to_state")) == [
        ("edit", "draft", "draft"), ("submit", "draft", "submitted")]
    metrics = set(MetricRecord.objects.values_list("metric", "person_id"))
    assert metrics == {("collection.submissions", person.pk), ("collection.contributors", person.pk)}


def test_form_values_are_checked(activity, worker):
    _person, user = worker
    draft = submission_save(actor=user, activity_id=activity.pk, title="缺内容", values={"problem": "有问题"})
    assert draft.state == "draft"  # a draft may leave required fields empty; submitting checks them
    assert _code(submission_submit, actor=user, submission_id=draft.pk) == "form_invalid"
    assert _code(submission_save, actor=user, activity_id=activity.pk, title="错值",
                 values={**VALUES, "benefit": "很多"}) == "form_invalid"
    assert submission_submit(actor=user, submission_id=submission_edit(
        actor=user, submission_id=draft.pk, title="补齐", values=VALUES).pk).state == "submitted"
    assert _code(submission_save, actor=user, activity_id=activity.pk, title="", values=VALUES) == "title_needed"
    assert _code(submission_save, actor=user, activity_id=activity.pk, title="x", values=VALUES,
                 category="其他") == "category_unknown"


def test_the_per_person_limit(tree, worker):
    activity = collection_campaign(tree, max_per_person=2)
    _person, user = worker
    first = submitted(activity, user, "一")
    submitted(activity, user, "二")
    assert _code(submission_save, actor=user, activity_id=activity.pk, title="三", values=VALUES) == \
        "per_person_limit"
    submission_withdraw(actor=user, submission_id=first.pk)  # a withdrawn one no longer counts
    assert submitted(activity, user, "三").state == "submitted"


def test_eligibility_reasons_come_from_the_phases(tree, worker):
    closed = collection_campaign(tree, open_days=(-20, -5))
    _person, user = worker
    assert _code(submission_save, actor=user, activity_id=closed.pk, title="晚了", values=VALUES) == "closed"
    assert _code(submission_save, actor=tree.committee_admin, activity_id=closed.pk, title="无人",
                 values=VALUES) in ("no_author", "closed")


def test_edit_and_withdraw_only_until_the_first_review(tree, activity, worker):
    _person, user = worker
    item = submitted(activity, user)
    item = submission_edit(actor=user, submission_id=item.pk, title="改过的标题", values=VALUES)
    assert item.title == "改过的标题" and item.state == "submitted"
    review(tree.unit_a_admin, item, "classify", category="节能降耗")
    assert Submission.objects.get(pk=item.pk).state == "under_review"
    assert _code(submission_edit, actor=user, submission_id=item.pk, title="再改", values=VALUES) == \
        "submission_state"
    assert _code(submission_withdraw, actor=user, submission_id=item.pk) == "submission_state"
    other = make_participant(tree, "赵六", tree.unit_a)[1]
    with pytest.raises(NotFound):
        submission_withdraw(actor=other, submission_id=item.pk)


def test_withdrawing_removes_the_metrics(activity, worker):
    _person, user = worker
    item = submitted(activity, user)
    assert submission_withdraw(actor=user, submission_id=item.pk).state == "withdrawn"
    assert not MetricRecord.objects.exists()


def test_up_the_tree_to_a_finalist(tree, activity, worker):
    _person, user = worker
    item = submitted(activity, user)
    item = review(tree.unit_a_admin, item, "recommend")
    assert (item.state, item.level, item.reviewer) == ("under_review", 1, tree.town_a)
    item = review(tree.town_a_admin, item, "recommend")
    assert (item.state, item.level, item.reviewer) == ("under_review", 2, tree.federation)
    item = review(tree.committee_admin, item, "recommend")
    assert (item.state, item.reviewer) == ("accepted", tree.federation)
    steps = list(ReviewStep.objects.filter(submission=item, action="recommend").values_list(
        "organisation_id", "level", "actor_id"))
    assert steps == [(tree.unit_a.pk, 0, tree.unit_a_admin.pk), (tree.town_a.pk, 1, tree.town_a_admin.pk),
                     (tree.federation.pk, 2, tree.committee_admin.pk)]
    assert MetricRecord.objects.filter(metric="collection.recommended").count() == 1
    assert _code(review, tree.committee_admin, item, "reject", comment="晚了") == "submission_state"


def test_returned_for_revision_then_resubmitted_to_the_same_level(tree, activity, worker):
    _person, user = worker
    item = review(tree.unit_a_admin, submitted(activity, user), "recommend")
    assert _code(review, tree.town_a_admin, item, "return") == "reason_needed"
    item = review(tree.town_a_admin, item, "return", comment="请补充效益测算")
    assert item.state == "returned" and item.reviewer == tree.town_a
    item = submission_edit(actor=user, submission_id=item.pk, title="补充后", values=VALUES)
    item = submission_submit(actor=user, submission_id=item.pk)
    assert (item.state, item.reviewer) == ("under_review", tree.town_a)
    step = ReviewStep.objects.get(submission=item, action="return")
    assert (step.comment, step.actor, step.organisation) == ("请补充效益测算", tree.town_a_admin, tree.town_a)


def test_reject_needs_a_reason_and_is_final(tree, activity, worker):
    _person, user = worker
    item = submitted(activity, user)
    item = review(tree.unit_a_admin, item, "reject", comment="与本单位无关")
    assert item.state == "rejected"
    assert _code(submission_submit, actor=user, submission_id=item.pk) == "submission_state"


def test_a_reviewer_acts_only_where_the_submission_waits(tree, activity, worker):
    _person, user = worker
    item = submitted(activity, user)
    with pytest.raises(NotFound):
        review(tree.town_b_admin, item, "recommend")  # another town does not see it
    assert _code(review, user, item, "recommend") in ("not_found", "not_reviewer")
    item = review(tree.unit_a_admin, item, "recommend")
    assert _code(review, tree.unit_a_admin, item, "recommend") == "not_reviewer"  # now the town's
    assert _code(review, tree.town_a_admin, item, "classify", category="其他") == "category_unknown"


def test_a_unit_submits_for_a_team_with_shares(tree, activity):
    one, two = make_person("甲", tree.unit_a), make_person("乙", tree.unit_a)
    item = submission_save(actor=tree.unit_a_admin, activity_id=activity.pk, title="班组革新", values=VALUES,
                           organisation_id=tree.unit_a.pk,
                           authors=[AuthorIn(one.pk, 60), AuthorIn(two.pk, 40)])
    assert item.by_unit and [(a.person_id, a.share) for a in item.authors.all()] == [(one.pk, 60), (two.pk, 40)]
    assert _code(submission_save, actor=tree.unit_a_admin, activity_id=activity.pk, title="x", values=VALUES,
                 organisation_id=tree.unit_a.pk, authors=[AuthorIn(one.pk, 60), AuthorIn(two.pk, 30)]) == \
        "author_shares"
    outsider = make_person("丙", tree.unit_b)
    assert _code(submission_save, actor=tree.unit_a_admin, activity_id=activity.pk, title="x", values=VALUES,
                 organisation_id=tree.unit_a.pk, authors=[AuthorIn(outsider.pk, 100)]) == "no_author"
    with pytest.raises(NotFound):
        submission_save(actor=tree.unit_a_admin, activity_id=activity.pk, title="x", values=VALUES,
                        organisation_id=tree.unit_b.pk, authors=[AuthorIn(outsider.pk, 100)])
    submission_submit(actor=tree.unit_a_admin, submission_id=item.pk)
    assert MetricRecord.objects.filter(metric="collection.contributors").count() == 2


def test_submitters_from_the_plan(tree, worker):
    only_units = collection_campaign(tree, submitters=["unit"])
    _person, user = worker
    assert _code(submission_save, actor=user, activity_id=only_units.pk, title="x", values=VALUES) == \
        "submitter_not_allowed"


def test_quota_per_town_in_all_and_per_category_with_the_reason(tree, worker):
    levels = [{"title": "单位", "org_types": ["enterprise"]},
              {"title": "乡镇", "org_types": ["town_federation"],
               "quota": {"total": 2, "per_category": {"安全生产": 1}}},
              {"title": "市总", "org_types": ["federation"]}]
    activity = collection_campaign(tree, review_levels=levels)
    _person, user = worker
    items = [review(tree.unit_a_admin, submitted(activity, user, f"建议{i}"), "recommend") for i in range(4)]
    assert _code(review, tree.town_a_admin, items[0], "recommend") == "category_needed"
    for item in items:
        review(tree.town_a_admin, item, "classify", category="安全生产")
    review(tree.town_a_admin, items[0], "recommend")
    outcomes = submissions_review_bulk(actor=tree.town_a_admin, submission_ids=[i.pk for i in items[1:]],
                                       action="recommend")
    assert [(o.ok, o.code) for o in outcomes] == [(False, "quota_full")] * 3
    assert "1" in outcomes[0].message and tree.town_a.name in outcomes[0].message
    for item in items[1:]:
        review(tree.town_a_admin, item, "classify", category="节能降耗")
    outcomes = submissions_review_bulk(actor=tree.town_a_admin, submission_ids=[i.pk for i in items[1:]],
                                       action="recommend")
    assert [(o.ok, o.code) for o in outcomes] == [(True, ""), (False, "quota_full"), (False, "quota_full")]
    assert dict(QuotaUse.objects.values_list("category", "used")) == {"": 2, "安全生产": 1}


def test_bulk_outcome_per_item(tree, activity, worker):
    _person, user = worker
    one, two = submitted(activity, user, "一"), submitted(activity, user, "二")
    submission_withdraw(actor=user, submission_id=two.pk)
    outcomes = submissions_review_bulk(actor=tree.unit_a_admin, submission_ids=[one.pk, two.pk, 999999],
                                       action="return", comment="请补充")
    assert [(o.id, o.ok, o.state, o.code) for o in outcomes] == [
        (one.pk, True, "returned", ""), (two.pk, False, "", "submission_state"), (999999, False, "", "not_found")]
