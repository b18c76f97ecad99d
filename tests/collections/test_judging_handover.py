"""Accepted submissions (入围) go to the expert judging the plan sets up; judges see the answers, and in a blind
review nothing naming a person or a unit."""

import pytest

from suzhi.judging.content import contents_for
from suzhi.judging.models import Entry
from tests.collections.factories import FORM, collection_campaign, review, submitted
from tests.judging.factories import judging_block
from tests.support import make_participant

pytestmark = pytest.mark.django_db

NAMED_FORM = {"fields": [*FORM["fields"], {"key": "mentor", "type": "person", "label": "指导人"}]}


def _accepted(tree, activity, user):
    item = submitted(activity, user)
    for admin in (tree.unit_a_admin, tree.town_a_admin, tree.committee_admin):
        item = review(admin, item, "recommend")
    return item


def test_an_accepted_submission_becomes_an_entry(tree):
    activity = collection_campaign(tree, judging=judging_block())
    person, user = make_participant(tree, "王五", tree.unit_a)
    item = submitted(activity, user)
    item = review(tree.unit_a_admin, item, "recommend")
    assert not Entry.objects.exists()  # recommended up, not yet accepted
    item = review(tree.town_a_admin, item, "recommend")
    item = review(tree.committee_admin, item, "recommend")
    entry = Entry.objects.get()
    assert (entry.source, entry.title, entry.organisation_id) == (f"submission:{item.pk}", item.title, tree.unit_a.pk)
    assert entry.author_ids == [person.pk]
    content = contents_for(activity, [entry], blind=False)[entry.pk]
    assert ("建议内容及措施", "加装变频控制") in content.fields and ("经济效益", "12.5 万元") in content.fields


def test_without_judging_in_the_plan_nothing_is_handed_over(tree, activity):
    _person, user = make_participant(tree, "王五", tree.unit_a)
    assert _accepted(tree, activity, user).state == "accepted"
    assert not Entry.objects.exists()


def test_a_blind_review_leaves_out_answers_naming_people(tree):
    activity = collection_campaign(tree, form=NAMED_FORM, judging=judging_block(blind=True))
    _person, user = make_participant(tree, "王五", tree.unit_a)
    _accepted(tree, activity, user)
    entry = Entry.objects.get()
    labels = [label for label, _value in contents_for(activity, [entry], blind=True)[entry.pk].fields]
    assert "指导人" not in labels and "建议内容及措施" in labels
    assert "指导人" in [label for label, _v in contents_for(activity, [entry], blind=False)[entry.pk].fields]
