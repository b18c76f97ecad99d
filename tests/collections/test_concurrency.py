"""Two reviewers of one town recommending at the same moment cannot pass its quota (PostgreSQL row locks)."""

import pytest
from django.db import connection

from suzhi.collections.models import QuotaUse, Submission
from suzhi.collections.services import reviews
from suzhi.core.errors import Conflict
from tests.collections.factories import collection_campaign, review, submitted
from tests.core.factories import UserFactory, grant
from tests.support import make_participant
from tests.threads import paused_inside, waits_for_a_lock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")


def test_two_recommends_at_once_keep_the_quota(tree, monkeypatch):
    levels = [{"title": "单位", "org_types": ["enterprise"]},
              {"title": "乡镇", "org_types": ["town_federation"], "quota": {"total": 1}},
              {"title": "市总", "org_types": ["federation"]}]
    activity = collection_campaign(tree, review_levels=levels)
    _person, user = make_participant(tree)
    first, second = (review(tree.unit_a_admin, submitted(activity, user, title), "recommend")
                     for title in ("甲", "乙"))
    colleague = UserFactory(username="town_a_2", organisation=tree.town_a, phone="13900000099")
    grant(colleague, "town_admin", tree.town_a)
    outcome = []

    def other():
        try:
            review(colleague, second, "recommend")
        except Conflict as refused:
            outcome.append(refused.code)

    # The first reviewer has counted the quota and not committed yet; the second waits for the counter's row.
    with paused_inside(monkeypatch, reviews, "_recommended_fact",
                       lambda: review(tree.town_a_admin, first, "recommend")):
        waiting = waits_for_a_lock(other)
    waiting.join()
    assert outcome == ["quota_full"]
    assert Submission.objects.get(pk=first.pk).reviewer == tree.federation
    assert Submission.objects.get(pk=second.pk).reviewer == tree.town_a
    assert QuotaUse.objects.get(organisation=tree.town_a).used == 1
