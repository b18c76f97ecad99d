"""On PostgreSQL: a targets refresh, which holds its campaign for its whole run, does not hold up the kinds'
services writing records that reference the campaign meanwhile."""

import datetime

import pytest
import yaml
from django.core.cache import cache
from django.db import connection, transaction

from suzhi.campaigns.models import MetricRecord
from suzhi.campaigns.services import records, targets
from suzhi.campaigns.services.plans import plan_load
from tests.campaigns.factories import plan_data
from tests.people.factories import make_person
from tests.threads import finishes_alone, paused_inside

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")


def test_records_are_written_while_the_targets_are_computed(tree, monkeypatch):
    campaign = plan_load(actor=tree.committee_admin, text=yaml.safe_dump(plan_data(), allow_unicode=True))
    lectures = campaign.activities.get(key="lectures")
    person = make_person("甲", tree.unit_a)

    def put():
        with transaction.atomic():
            return records.metric_record_put(activity=lectures, metric="training.participations", person=person,
                                             source="s1", occurred_on=datetime.date(2024, 4, 15)).source

    with paused_inside(monkeypatch, targets, "compute_target",
                       lambda: targets.targets_refresh(actor=None, campaign_id=campaign.pk)):
        # A refresh asked for meanwhile folds into the next one (the tests' task backend would run it at once).
        cache.set(targets._DIRTY.format(campaign.pk), 1)
        assert finishes_alone(put) == ["s1"], "the record waited for the refresh"
    assert MetricRecord.objects.filter(source="s1").exists()
