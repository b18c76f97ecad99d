"""Migration 0006: the time of computation moves from the target values to their target (the latest of its values'),
and back again."""

import datetime

import pytest
import yaml
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from suzhi.campaigns.services.plans import plan_load
from suzhi.campaigns.services.targets import targets_refresh
from tests.campaigns.factories import plan_data
from tests.campaigns.test_targets_diff import TARGETS, _train
from tests.people.factories import make_person

# Migrations change the schema, which SQLite cannot do inside the transaction a test otherwise runs in.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("campaigns", "0005_metric_tallies")]
AFTER = [("campaigns", "0006_target_computed_at")]


def _migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def test_the_time_moves_to_the_target_and_back(tree):
    campaign = plan_load(actor=tree.committee_admin,
                         text=yaml.safe_dump(plan_data(targets=TARGETS), allow_unicode=True))
    _train(campaign, make_person("甲", tree.unit_a), 0.5)
    now = targets_refresh(actor=None, campaign_id=campaign.pk)
    keys = dict(campaign.targets.values_list("key", "pk"))
    try:
        # Back: every value takes its target's time.
        old = _migrate(BEFORE)
        OldValue = old.get_model("campaigns", "TargetValue")
        assert OldValue.objects.count() > 3
        assert set(OldValue.objects.values_list("computed_at", flat=True)) == {now}
        # Values of a target computed at different times; a target without values.
        early, late = now - datetime.timedelta(hours=2), now - datetime.timedelta(hours=1)
        people = OldValue.objects.filter(target_id=keys["people"])
        people.update(computed_at=early)
        people.filter(pk=people.order_by("pk").values_list("pk", flat=True)[0]).update(computed_at=late)
        OldValue.objects.filter(target_id=keys["per-unit"]).delete()

        new = _migrate(AFTER)
        Target = new.get_model("campaigns", "Target")
        assert dict(Target.objects.filter(campaign_id=campaign.pk).values_list("key", "computed_at")) == {
            "people": late, "per-unit": None, "hours": now}
        assert "computed_at" not in {field.name for field in new.get_model("campaigns", "TargetValue")._meta.fields}
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
